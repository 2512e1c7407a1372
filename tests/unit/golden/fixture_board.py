"""A deterministic board built from the Cloudflare 2019-07-02 incident file:
fixed ids and dates, a few notes, two clusters, votes, actions and a trigger.

The golden Markdown and the PNG screenshot are made from it. To refresh the
screenshot in docs/:

    python -m tests.unit.golden.fixture_board docs/screenshots/canvas.png
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from canvas.actions import ActionType, FollowUp, Priority, SourceKind, Status, Trigger, TriggerKind
from canvas.exports.importing import incident_source
from canvas.learnings import Decision, DecisionKind, EvidenceKind, FactorCategory, Learning, WhyChain, WhyStep
from canvas.models import (
    Board, Cadence, Cluster, DisseminationEntry, Intake, Note, NoteColour, Participant, Roles, Severity,
)
from canvas.session.phases import Phase
from canvas.snapshot import BoardSnapshot
from canvas.incident.timeline import parse_incident_file

INCIDENTS = Path(os.environ.get("POSTMORTEM_INCIDENTS_DIR",
                                Path(__file__).resolve().parents[4] / "shared" / "incidents"))
BOARD_ID = "CloudflareWafFixture0001"
T0 = datetime(2019, 7, 5, 9, 0, tzinfo=UTC)
TODAY = date(2019, 7, 20)


def incident():
    return parse_incident_file((INCIDENTS / "cloudflare-2019-07-02.json").read_text("utf-8"))


def _note(number: int, step: str, text: str, colour: str = "yellow", cluster: str | None = None,
          event: str | None = None, category: FactorCategory | None = None,
          assumption: bool = False) -> Note:
    stamp = T0 + timedelta(minutes=number)
    return Note(id=f"n{number}", board_id=BOARD_ID, step_key=step, text=text, colour=NoteColour(colour),
                author_id="p1", created_at=stamp, updated_at=stamp, number=number, position=number,
                cluster_id=cluster, event_id=event, category=category,
                is_assumption=assumption)


# The incident file's contributing factors, in its order, by where they live.
FACTOR_CATEGORIES = [FactorCategory.tech, FactorCategory.tech, FactorCategory.process,
                     FactorCategory.process, FactorCategory.environment, FactorCategory.comms]


def _learning(number: int, text: str, kind: EvidenceKind, evidence: str) -> Learning:
    stamp = T0 + timedelta(hours=3, minutes=number)
    return Learning(id=f"l{number}", board_id=BOARD_ID, text=text, evidence_kind=kind,
                    evidence_id=evidence, position=number, created_at=stamp, updated_at=stamp)


def _decision(number: int, kind: DecisionKind, text: str, trade_off: str = "",
              actions: tuple[str, ...] = ()) -> Decision:
    stamp = T0 + timedelta(hours=4, minutes=number)
    return Decision(id=f"d{number}", board_id=BOARD_ID, learning_id=f"l{number}", kind=kind,
                    text=text, trade_off=trade_off, created_at=stamp, updated_at=stamp,
                    action_ids=list(actions))


def _action(number: int, title: str, **fields) -> FollowUp:
    stamp = T0 + timedelta(hours=2, minutes=number)
    return FollowUp(id=f"a{number}", board_id=BOARD_ID, created_at=stamp, updated_at=stamp,
                    title=title, **fields)


def cloudflare_snapshot() -> BoardSnapshot:
    source = incident()
    events = [event.model_copy(update={"id": f"e{index}"})
              for index, event in enumerate(source.events, start=1)]
    # The source derives 13:45 from "three minutes later": an approximate time.
    events[4] = events[4].model_copy(update={"approximate": True})
    # Read from a dashboard graph, not a log line: to be checked against the logs.
    events[5] = events[5].model_copy(update={"is_assumption": True})
    board = Board(
        id=BOARD_ID, template="blameless", created_at=T0, revision=42, details_version=3,
        title=source.title, summary=source.summary,
        impact="Visitors to Cloudflare-proxied sites got 502 errors worldwide for 27 minutes; "
               "customers also lost the dashboard and API.\nTraffic dropped by about 80%.",
        incident_date=date(2019, 7, 2), review_date=date(2019, 7, 9), severity=Severity.sev1,
        follow_up_date=date(2019, 8, 6), impact_review=Cadence.fortnightly,
        impact_review_start=date(2019, 7, 15),
        roles=Roles(facilitator="Dana", scribe="Lee", decision_owner="Sam"),
        timezone="Europe/London", phase=Phase.discuss, votes_revealed=True,
        intake=Intake(reviewed="The global WAF outage of 2 July 2019",
                      key_dates="Deploy 13:42 UTC; global disable 14:07 UTC",
                      desired_outcome="Rule deploys that cannot take down the edge",
                      audience="Engineering, then customers through the blog"),
        tracker_url="https://tracker.example.com/issues/4217", labels=["postmortem", "waf"],
        source=incident_source(source),
    )
    participants = [
        Participant(id=f"p{index}", board_id=BOARD_ID, display_name=name, joined_at=T0, last_seen_at=T0)
        for index, name in enumerate(["Dana", "Lee", "Sam", "Kim"], start=1)
    ]
    clusters = [
        Cluster(id="c1", board_id=BOARD_ID, step_key="detect", name="Faster alerting", position=1,
                created_at=T0),
        Cluster(id="c2", board_id=BOARD_ID, step_key="prevent", name="Staged rollout", position=1,
                created_at=T0),
    ]
    notes = [
        _note(1, "detect", "Alert on CPU saturation per WAF rule, not only on traffic drop",
              cluster="c1"),
        _note(2, "detect", "The synthetic WAF check paged after 3 min: can it page within 1 min?",
              cluster="c1", event="e5"),
        _note(3, "detect", "Update the status page automatically when the edge error rate passes 5%",
              colour="blue"),
        _note(4, "react", "Practise the global WAF kill switch every quarter", colour="green"),
        _note(5, "react", "Keep responders' access independent of the edge\n(break-glass accounts)",
              colour="green", event="e7"),
        _note(6, "quick-fix", "Document the bypass path for internal tools in the runbook",
              colour="orange"),
        _note(7, "prevent", "Roll out WAF rules in stages like other software", cluster="c2"),
        _note(8, "prevent", "Run new rules on a canary PoP before the global edge", cluster="c2"),
        _note(9, "prevent", "Add CPU-cost profiling to the rule test suite", colour="pink",
              assumption=True),
        *(_note(10 + index, "contributing-factors", text, colour="purple",
                category=FACTOR_CATEGORIES[index])
          for index, text in enumerate(source.contributing_factors)),
        _note(16, "other-risks", "Which other config paths skip the staged rollout?", colour="purple"),
    ]
    tallies = {"c1": 2, "n1": 1, "c2": 5, "n4": 3, "n5": 2, "n9": 4, "n16": 1}
    actions = [
        _action(1, "Re-introduce the CPU protection for regex execution", owner="Sam",
                due_date=date(2019, 7, 12), type=ActionType.prevent, priority=Priority.high,
                status=Status.done,
                success_signal="A rule with catastrophic backtracking is stopped within 50 ms in CI"),
        _action(2, "Roll out WAF rules in stages, keeping an emergency global path", owner="Kim",
                due_date=date(2019, 8, 30), type=ActionType.prevent, priority=Priority.high,
                status=Status.in_progress, source_kind=SourceKind.cluster, source_id="c2",
                success_signal="Every rule change passes DOG, PIG and canary before going global"),
        _action(3, "Add per-rule performance profiling to the test suite", owner="Lee",
                due_date=date(2019, 7, 15), type=ActionType.detect, priority=Priority.medium,
                success_signal="CI fails a rule whose p99 CPU time exceeds its budget"),
        _action(4, "Build an emergency way to serve the dashboard and API off the edge",
                type=ActionType.react, priority=Priority.medium),
        _action(5, "Automate status page updates", owner="Dana", type=ActionType.process,
                priority=Priority.low),
        _action(6, "Move the WAF to the re2 regex engine", owner="Sam", due_date=date(2019, 9, 30),
                type=ActionType.prevent, status=Status.wont_do,
                status_reason="Superseded by the move to the Rust regex engine"),
    ]
    triggers = [
        Trigger(id="t1", board_id=BOARD_ID, created_at=T0, kind=TriggerKind.roll_back,
                signal="Edge CPU above 90% for 2 minutes after a WAF rule deploy",
                response="Roll back the rule set globally without waiting for a diagnosis"),
    ]
    whys = [WhyChain(item_id="n13", steps=[
        WhyStep(why="Why did the rule reach every PoP at once?",
                because="Non-emergency WAF changes used the global path"),
        WhyStep(why="Why did they use the global path?",
                because="WAF changes were treated as urgent by default, to answer attacks fast"),
        WhyStep(why="Why was that default never revisited?"),
    ])]
    learnings = [
        _learning(1, "We learned that a WAF rule change reaches every machine at once, with no "
                     "stage to stop it.", EvidenceKind.note, "n13"),
        _learning(2, "We learned that our rule tests check what a rule matches, not what it costs.",
                  EvidenceKind.event, "e1"),
        _learning(3, "We learned that responders' own tools depend on the edge that failed.",
                  EvidenceKind.note, "n5"),
        _learning(4, "We learned that the status page trailed the incident.",
                  EvidenceKind.cluster, "c1"),
    ]
    decisions = [
        _decision(1, DecisionKind.guardrail,
                  "Every non-emergency WAF rule goes through DOG, PIG and canary first",
                  "Rules for active attacks keep a global path; others take hours, not seconds",
                  ("a2",)),
        _decision(2, DecisionKind.instrumentation, "Profile every rule's CPU cost in CI",
                  "CI runs get longer", ("a3",)),
        _decision(3, DecisionKind.runbook, "A practised break-glass path to internal tools",
                  "A game day every quarter", ("a4",)),
        _decision(4, DecisionKind.no_change,
                  "No change beyond the status page automation already planned"),
    ]
    dissemination = [
        DisseminationEntry(id="m1", board_id=BOARD_ID, position=0, audience="Support | on call",
                           channel="#support-leads", day=date(2019, 7, 10), owner="Lee"),
        DisseminationEntry(id="m2", board_id=BOARD_ID, position=1, audience="Customers",
                           channel="Public blog post", day=date(2019, 7, 12), owner="Dana"),
        DisseminationEntry(id="m3", board_id=BOARD_ID, position=2, audience="Engineering",
                           channel="Monthly *reliability* review"),
    ]
    return BoardSnapshot(board=board, participants=participants, notes=notes, clusters=clusters,
                         tallies=tallies, events=events, actions=actions, triggers=triggers,
                         learnings=learnings, decisions=decisions, whys=whys,
                         dissemination=dissemination)


if __name__ == "__main__":
    from canvas.exports.canvas_png import canvas_png

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/canvas.png")
    target.write_bytes(canvas_png(cloudflare_snapshot(), today=TODAY))
    print(target)
