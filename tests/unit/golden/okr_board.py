"""A deterministic OKR-period board: a quarter's objective reviewed with the
OKR / project template, its learnings, a systemic blocker, the grade, two
decisions (one an experiment), kill criteria, actions and a dissemination
plan. No timeline: a period review has no incident times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from canvas.actions import ActionType, FollowUp, Priority, Status, Trigger, TriggerKind
from canvas.learnings import Decision, DecisionKind, EvidenceKind, Learning
from canvas.models import (
    Board, Cadence, DisseminationEntry, Intake, Note, NoteColour, Participant, ReviewType, Roles,
    Severity,
)
from canvas.session.phases import Phase
from canvas.snapshot import BoardSnapshot

BOARD_ID = "OkrPeriodFixture00000001"
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)
TODAY = date(2026, 10, 20)


def _note(number: int, step: str, text: str, assumption: bool = False) -> Note:
    stamp = T0 + timedelta(minutes=number)
    return Note(id=f"n{number}", board_id=BOARD_ID, step_key=step, text=text,
                colour=NoteColour.yellow, author_id="p2", created_at=stamp, updated_at=stamp,
                number=number, position=number, is_assumption=assumption)


def okr_snapshot() -> BoardSnapshot:
    board = Board(
        id=BOARD_ID, template="okr-retro", created_at=T0, revision=9, details_version=2,
        title="Q3 objective: self-serve onboarding", severity=Severity.none,
        review_type=ReviewType.okr, review_date=date(2026, 10, 14),
        follow_up_date=date(2026, 11, 25), impact_review=Cadence.weekly,
        impact_review_start=date(2026, 10, 19),
        summary="We aimed for 60% of new teams onboarding without a call; we reached 41%.",
        roles=Roles(facilitator="Noor", scribe="Ola", decision_owner="Pat"),
        invitees="Ola <ola@example.com>\nRui",
        intake=Intake(reviewed="Q3 onboarding OKR", period_start=date(2026, 7, 1),
                      period_end=date(2026, 9, 30),
                      desired_outcome="Decide whether self-serve stays a Q4 objective",
                      evidence="OKR dashboard\nFunnel export <funnel.csv>",
                      audience="Product and growth"),
        phase=Phase.discuss, votes_revealed=True, timezone="Europe/Lisbon",
    )
    participants = [Participant(id=f"p{index}", board_id=BOARD_ID, display_name=name,
                                joined_at=T0, last_seen_at=T0)
                    for index, name in enumerate(["Noor", "Ola"], start=1)]
    notes = [
        _note(1, "learnings", "Teams stall at the SSO step, not at billing"),
        _note(2, "learnings", "Most sign-ups come from one partner | a channel we never measured",
              assumption=True),
        _note(3, "decisions", "# Keep the objective, narrow it to SSO"),
        _note(4, "kill-criteria", "Should SSO setup take more than a day?"),
        _note(5, "systemic-blockers", "Identity work waits on the platform team's quarter plan"),
        _note(6, "grade", "KR1 0.4: 41% of 60% self-serve; KR2 0.7: set-up time halved"),
    ]
    learnings = [Learning(id="l1", board_id=BOARD_ID, text="We learned that SSO set-up is "
                          "where teams give up.", evidence_kind=EvidenceKind.note,
                          evidence_id="n1", position=1, created_at=T0, updated_at=T0),
                 Learning(id="l2", board_id=BOARD_ID, text="We learned that partner sign-ups "
                          "may carry the quarter.", evidence_kind=EvidenceKind.note,
                          evidence_id="n2", position=2, created_at=T0, updated_at=T0)]
    decisions = [Decision(id="d1", board_id=BOARD_ID, learning_id="l1",
                          kind=DecisionKind.scope_change, text="Q4 objective covers SSO only",
                          trade_off="Billing polish waits", created_at=T0, updated_at=T0,
                          action_ids=["a1"]),
                 Decision(id="d2", board_id=BOARD_ID, learning_id="l2",
                          kind=DecisionKind.experiment,
                          text="Two partners get a co-branded sign-up page for six weeks",
                          trade_off="Partner pages need upkeep", created_at=T0, updated_at=T0,
                          action_ids=["a2"])]
    actions = [
        FollowUp(id="a1", board_id=BOARD_ID, created_at=T0, updated_at=T0,
                 title="Guided SSO set-up for Okta and Entra", owner="Rui",
                 due_date=date(2026, 11, 20), review_date=date(2026, 12, 4),
                 type=ActionType.prevent, priority=Priority.high, status=Status.in_progress,
                 success_signal="Median SSO set-up under 30 minutes"),
        FollowUp(id="a2", board_id=BOARD_ID, created_at=T0 + timedelta(minutes=1),
                 updated_at=T0, title="Measure partner-sourced sign-ups", owner="Ola",
                 due_date=date(2026, 10, 16), type=ActionType.detect, priority=Priority.medium),
    ]
    triggers = [
        Trigger(id="t1", board_id=BOARD_ID, created_at=T0, kind=TriggerKind.pause,
                signal="Self-serve share below 45% by 2026-11-30",
                response="Pause the objective and bring it to the Q1 planning"),
        Trigger(id="t2", board_id=BOARD_ID, created_at=T0, kind=TriggerKind.drop,
                signal="Fewer than 10 SSO set-ups a week in November",
                response="Drop guided SSO and fund assisted onboarding"),
    ]
    dissemination = [
        DisseminationEntry(id="m1", board_id=BOARD_ID, position=0, audience="Product leads",
                           channel="OKR review", day=date(2026, 10, 21), owner="Pat"),
    ]
    return BoardSnapshot(board=board, participants=participants, notes=notes, actions=actions,
                         triggers=triggers, learnings=learnings, decisions=decisions,
                         dissemination=dissemination)
