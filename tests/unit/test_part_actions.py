"""The actions part as the board draws it: every action as a card with its
fields, drafts marked, vague titles given their tip, the drafts that keep the
board from closing while closing is next, and nothing another person wrote
while people write alone."""

import json
from datetime import UTC, date, datetime

import pytest

from canvas.actions import FOLLOW_THROUGH_FIELDS, ActionDraft, FollowUp, Status, close_reason_for
from canvas.errors import ClosingWithDrafts
from canvas.models import Board, Note, Participant
from canvas.session.live_view import ViewBuilder
from canvas.session.parts import actions as part
from canvas.session.parts.actions import EditAction
from canvas.session.phases import Phase
from canvas.session.visibility import Viewer, visible_snapshot
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BOARD = "B" * 24
ANA, BEN = "p-ana", "p-ben"


def action(number: int, title: str, **fields) -> FollowUp:
    return FollowUp(id=f"a{number}", board_id=BOARD, created_at=T0, updated_at=T0, title=title, **fields)


def note(number: int, text: str, author: str) -> Note:
    return Note(id=f"n{number}", board_id=BOARD, step_key="detect", text=text, colour="yellow",
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number)


def snapshot(phase: Phase, actions: list[FollowUp], notes=()) -> BoardSnapshot:
    board = Board(id=BOARD, title="Checkout errors", template="blameless", created_at=T0, revision=3,
                  details_version=1, phase=phase)
    people = [Participant(id=pid, board_id=BOARD, display_name=pid, joined_at=T0, last_seen_at=T0)
              for pid in (ANA, BEN)]
    return BoardSnapshot(board=board, participants=people, actions=actions, notes=list(notes))


COMMITTED = action(1, "Add an alert on checkout 5xx above 2%", owner="Ana", due_date=date(2026, 12, 20),
                   review_date=date(2027, 1, 10), priority="high", status="in_progress",
                   success_signal="Paged within 5 minutes", version=4, customer_facing=True)
DRAFT = action(2, "Look into the alerting gaps")
PARKED = action(3, "Rewrite the pager", status="parked")
DONE_DRAFT = action(4, "Add a dashboard", status="done")


def cards(shot: BoardSnapshot) -> dict[str, dict]:
    return {card["id"]: card for card in part.build(shot)["actions"]}


def test_each_action_is_a_card_with_every_field_it_edits_and_its_version():
    card = cards(snapshot(Phase.discuss, [COMMITTED]))["a1"]
    assert {key: card[key] for key in part.FIELDS} == {
        "title": "Add an alert on checkout 5xx above 2%", "owner": "Ana", "due_date": "2026-12-20",
        "review_date": "2027-01-10", "status": "in_progress", "status_reason": "", "priority": "high",
        "success_signal": "Paged within 5 minutes", "customer_facing": True}
    assert (card["version"], card["is_draft"], card["tips"]) == (4, False, [])


def test_a_draft_is_marked_and_a_vague_title_carries_the_tip_the_actions_page_gives():
    built = cards(snapshot(Phase.discuss, [DRAFT, DONE_DRAFT]))
    assert built["a2"]["is_draft"] is True
    assert built["a2"]["tips"] == ["“Look into” has no end. What will be true when this is done?"]
    assert built["a4"]["is_draft"] is False, "a done action without a date is no open draft"
    assert part.build(snapshot(Phase.discuss, []))["draft_label"] == "Draft: needs an owner and a due date"


def test_parked_ideas_follow_the_commitments():
    built = part.build(snapshot(Phase.discuss, [PARKED, DRAFT, COMMITTED]))
    assert [card["id"] for card in built["actions"]] == ["a2", "a1", "a3"]
    assert [card["is_parked"] for card in built["actions"]] == [False, False, True]


def test_the_follow_through_fields_are_the_ones_a_closed_board_still_takes():
    built = part.build(snapshot(Phase.closed, [COMMITTED]))
    assert set(built["follow_through"]) == FOLLOW_THROUGH_FIELDS
    assert {s["key"]: s["needs_reason"] for s in built["statuses"]} == {
        "open": False, "in_progress": False, "done": False, "wont_do": True, "parked": False}


@pytest.mark.parametrize("phase", [Phase.write, Phase.group, Phase.vote, Phase.closed])
def test_drafts_block_closing_only_while_closing_is_the_next_step(phase):
    assert part.build(snapshot(phase, [DRAFT, COMMITTED]))["drafts_block_closing"] == []


def test_in_discuss_the_drafts_that_block_closing_are_the_ones_storage_refuses_to_close_with():
    actions = [COMMITTED, DRAFT, PARKED, DONE_DRAFT, action(5, "Page the owner", owner="Ben")]
    built = part.build(snapshot(Phase.discuss, actions))
    assert built["drafts_block_closing"] == [
        {"id": "a2", "title": "Look into the alerting gaps"}, {"id": "a5", "title": "Page the owner"}]
    assert built["close_phase"] == "closed"
    with pytest.raises(ClosingWithDrafts) as refused:
        close_reason_for(actions, "")
    assert refused.value.titles == [d["title"] for d in built["drafts_block_closing"]]


def test_an_action_names_the_item_it_came_from_only_when_the_audience_sees_it():
    made = action(6, "Add a canary stage", source_kind="note", source_id="n7")
    shot = snapshot(Phase.write, [made], notes=[note(7, "ana-private-canary-idea", ANA)])
    assert cards(visible_snapshot(shot, Viewer(participant_id=ANA)))["a6"]["source"] == "From note #7"
    assert cards(visible_snapshot(shot, Viewer(participant_id=BEN)))["a6"]["source"] is None


def test_in_write_a_participants_part_holds_none_of_another_persons_note_text():
    shot = snapshot(Phase.write, [DRAFT], notes=[note(7, "ana-private-canary-idea", ANA),
                                                  note(8, "ben-own-pager-note", BEN)])
    view = ViewBuilder(shot).view(Viewer(participant_id=BEN), my_votes={}, present=[])
    raw = json.dumps(view["parts"]["actions"])
    assert "ana-private" not in raw and "n7" not in raw
    assert "Look into the alerting gaps" in raw


def test_an_edit_sends_only_what_changed_and_an_empty_date_clears_it():
    edit = EditAction(type="edit_action", action_id="a1", version=2, owner="Ben", due_date="",
                      review_date="2027-01-10")
    assert edit.changes() == {"owner": "Ben", "due_date": None, "review_date": "2027-01-10"}
    merged = ActionDraft.model_validate({**COMMITTED.model_dump(include=set(ActionDraft.model_fields)),
                                         **edit.changes()})
    assert (merged.owner, merged.due_date, merged.title) == ("Ben", None, COMMITTED.title)
    assert merged.status is Status.in_progress
