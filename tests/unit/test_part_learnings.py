"""The learnings part as each audience receives it: the evidence a person may
pick and the words a learning's evidence is shown with come from what they
may see, so a note hidden while people write never reaches them."""

import json
from datetime import UTC, datetime

from canvas.actions import FollowUp
from canvas.incident.timeline import TimelineEvent
from canvas.learnings import Decision, DecisionKind, EvidenceKind, Learning
from canvas.models import Board, Cluster, Note, Participant, ReviewType
from canvas.session.live_view import build_view
from canvas.session.parts.learnings import GONE_EVIDENCE, HIDDEN_EVIDENCE, build
from canvas.session.visibility import Viewer, visible_snapshot
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)
ANA, BEN = "p-ana", "p-ben"
BOARD = "B" * 24
SECRET = "Ana's secret alert idea"


def note(number, text, author, step="detect", cluster=None):
    return Note(id=f"n{number}", board_id=BOARD, step_key=step, text=text, colour="yellow",
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number,
                cluster_id=cluster)


def learning(number, evidence_kind=None, evidence_id=None):
    return Learning(id=f"l{number}", board_id=BOARD, text=f"We learned that thing {number}",
                    evidence_kind=evidence_kind, evidence_id=evidence_id, position=number,
                    created_at=T0, updated_at=T0)


def snapshot(phase="write", **changes):
    return BoardSnapshot(
        board=Board(id=BOARD, title="Checkout errors", template="blameless", created_at=T0, revision=7,
                    details_version=1, phase=phase),
        participants=[Participant(id=pid, board_id=BOARD, display_name=name, joined_at=T0, last_seen_at=T0)
                      for pid, name in ((ANA, "Ana"), (BEN, "Ben"))],
        notes=[note(1, SECRET, ANA), note(2, "Ben's own pager note", BEN)],
        clusters=[Cluster(id="c1", board_id=BOARD, step_key="detect", name="Alerting", created_at=T0)],
        events=[TimelineEvent(id="e1", at=datetime(2024, 1, 1, 9, 12, tzinfo=UTC), text="Paged on 5xx")],
        learnings=[learning(1, EvidenceKind.note, "n1"), learning(2, EvidenceKind.note, "n2"),
                   learning(3, EvidenceKind.note, "n-deleted"), learning(4)],
        **changes,
    )


def part_for(snap, viewer_id, facilitator=False) -> dict:
    return build(visible_snapshot(snap, Viewer(participant_id=viewer_id, is_facilitator=facilitator)))


def choice_ids(part, view=None) -> list[str]:
    """What the canvas offers: each group's options, then (for a note step)
    the notes of that column in the view, by number."""
    columns = {column["key"]: column for column in (view or {"columns": []})["columns"]}
    ids = []
    for group in part["evidence_choices"]:
        ids += [option["id"] for option in group["options"]]
        column = columns.get(group["step"])
        if column:
            notes = [n for c in column["clusters"] for n in c["notes"]] + column["notes"]
            ids += [n["id"] for n in sorted(notes, key=lambda n: n["number"])]
    return ids


def offered(snap, viewer_id, facilitator=False) -> list[str]:
    view = build_view(snap, Viewer(participant_id=viewer_id, is_facilitator=facilitator),
                      my_votes={}, present=[])
    return choice_ids(view["parts"]["learnings"], view)


def test_in_write_ben_can_pick_only_what_he_sees():
    part = part_for(snapshot("write"), BEN)
    assert offered(snapshot("write"), BEN) == ["e1", "c1", "n2"]
    groups = {group["title"]: group for group in part["evidence_choices"]}
    assert part["evidence_choices"][0]["title"] == "Timeline" and groups["Detect"]["step"] == "detect"


def test_in_write_a_learning_resting_on_anas_note_shows_ben_neither_its_text_nor_its_id():
    part = part_for(snapshot("write"), BEN)
    first = part["learnings"][0]
    assert first["evidence"] == {"id": None, "state": "hidden", "label": HIDDEN_EVIDENCE}
    # A hidden note is still evidence: the quality gate does not call it gone.
    assert first["problems"] == ["No decision yet (or an explicit “no change”)"]
    raw = json.dumps(part)
    assert SECRET not in raw and '"n1"' not in raw


def test_the_whole_view_ben_receives_in_write_holds_nothing_of_anas_note():
    raw = json.dumps(build_view(snapshot("write"), Viewer(participant_id=BEN), my_votes={}, present=[]))
    assert SECRET not in raw and '"n1"' not in raw


def test_the_facilitator_is_no_exception_while_people_write():
    part = part_for(snapshot("write"), "p-fran", facilitator=True)
    assert "n1" not in offered(snapshot("write"), "p-fran", True) and SECRET not in json.dumps(part)


def test_from_group_on_everyone_sees_and_can_pick_every_note():
    part = part_for(snapshot("group"), BEN)
    assert offered(snapshot("group"), BEN) == ["e1", "c1", "n1", "n2"]
    assert part["learnings"][0]["evidence"] == {"id": "n1", "state": "linked",
                                                "label": "Detect · #1 · " + SECRET}


def test_evidence_that_is_gone_says_so_and_counts_as_a_problem():
    part = part_for(snapshot("group"), BEN)
    third, fourth = part["learnings"][2], part["learnings"][3]
    assert third["evidence"]["state"] == "gone" and third["evidence"]["label"] == GONE_EVIDENCE
    assert "Its evidence is no longer on the board" in third["problems"]
    assert fourth["evidence"] is None and "No evidence linked" in fourth["problems"]


def test_a_decision_shows_its_kind_trade_off_and_live_actions_in_order():
    actions = [FollowUp(id=f"a{n}", board_id=BOARD, title=f"Action {n}", created_at=T0, updated_at=T0)
               for n in (1, 2)]
    decision = Decision(id="d1", board_id=BOARD, learning_id="l2", kind=DecisionKind.scope_change,
                        text="Drop the beta", trade_off="Fewer features", created_at=T0, updated_at=T0,
                        action_ids=["a2", "a-gone", "a1"])
    part = part_for(snapshot("discuss", decisions=[decision], actions=actions), BEN)
    shown = part["learnings"][1]["decision"]
    assert (shown["kind_label"], shown["text"], shown["trade_off"]) == ("Scope change", "Drop the beta",
                                                                        "Fewer features")
    assert [a["id"] for a in shown["actions"]] == ["a2", "a1"]
    assert shown["makes_actions"] is True
    assert part["learnings"][1]["problems"] == []
    assert part["actions"] == [{"id": "a1", "title": "Action 1"}, {"id": "a2", "title": "Action 2"}]


def test_learnings_are_numbered_in_order_with_their_versions():
    part = part_for(snapshot("group"), ANA)
    assert [(entry["number"], entry["id"], entry["version"]) for entry in part["learnings"]] == [
        (1, "l1", 1), (2, "l2", 1), (3, "l3", 1), (4, "l4", 1)]
    assert part["range"] == {"min": 3, "max": 7}


def test_a_pre_mortem_is_asked_for_no_number_of_learnings():
    seen = snapshot("group")
    ahead = seen.model_copy(update={"board": seen.board.model_copy(update={"review_type": ReviewType.premortem})})
    assert build(ahead)["range"] is None
    assert build(seen)["range"] == {"min": 3, "max": 7}
