"""The actions part through the board's actions route: an action added,
edited field by field, deleted and restored; a rule's refusal (409), bad
input (422), an action that is not this board's, two people saving the same
action, and closing with drafts refused until a draft is fixed or a reason
given (the facilitator's key carried by Ana's canvas, as a facilitator link gives it)."""

from datetime import date

from canvas.actions import ActionDraft
from canvas.models import BoardDraft
from canvas.session.phases import Phase
from storage import actions, boards, facilitation
from tests.web.conftest import act


def part_of(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()["view"]["parts"]["actions"]


def refused(reply, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.json()["ok"] is False
    return reply.json()["message"]


def test_an_action_added_from_the_part_is_a_draft_card_with_the_vague_title_tip(client, board):
    part = part_of(act(client, board, "Ana", "add_action", title="Look into the alerting gaps"))
    [card] = part["actions"]
    assert (card["title"], card["is_draft"], card["version"]) == ("Look into the alerting gaps", True, 1)
    assert card["tips"] == ["“Look into” has no end. What will be true when this is done?"]
    assert [a.title for a in actions.list_actions(board.db, board.id)] == ["Look into the alerting gaps"]


def test_owner_and_due_date_are_edited_inline_and_the_draft_mark_goes(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Add an alert on 5xx", success_signal="Paged"))
    part = part_of(act(client, board, "Ben", "edit_action", action_id=made.id, version=made.version,
                       owner="Ana", due_date="2026-12-20"))
    [card] = part["actions"]
    assert (card["owner"], card["due_date"], card["is_draft"], card["version"]) == ("Ana", "2026-12-20", False, 2)
    stored = actions.get_action(board.db, board.id, made.id)
    assert (stored.owner, stored.due_date, stored.success_signal) == ("Ana", date(2026, 12, 20), "Paged")


def test_an_empty_date_clears_it(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Add an alert", due_date="2026-12-20"))
    part_of(act(client, board, "Ana", "edit_action", action_id=made.id, version=1, due_date=""))
    assert actions.get_action(board.db, board.id, made.id).due_date is None


def test_the_later_of_two_saves_of_the_same_action_hears_a_conflict_and_the_first_stays(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Add an alert on 5xx"))
    part_of(act(client, board, "Ana", "edit_action", action_id=made.id, version=1, owner="Ana"))
    revision = boards.board_revision(board.db, board.id)
    message = refused(act(client, board, "Ben", "edit_action", action_id=made.id, version=1,
                          owner="Ben", due_date="2026-12-20"), 409)
    assert message.startswith("Someone else changed this while you were editing.")
    assert actions.get_action(board.db, board.id, made.id).owner == "Ana"
    assert boards.board_revision(board.db, board.id) == revision
    # Saving over theirs, from the version now shown, keeps what Ana set that Ben did not touch.
    part = part_of(act(client, board, "Ben", "edit_action", action_id=made.id, version=2, due_date="2026-12-20"))
    assert (part["actions"][0]["owner"], part["actions"][0]["due_date"]) == ("Ana", "2026-12-20")


def test_an_action_is_marked_customer_facing_on_its_card_and_only_a_true_or_false_is_taken(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Send affected customers a credit"))
    assert part_of(act(client, board, "Ana", "add_action", title="Add a canary"))["actions"][0][
        "customer_facing"] is False
    part = part_of(act(client, board, "Ben", "edit_action", action_id=made.id, version=1,
                       customer_facing=True))
    card = next(card for card in part["actions"] if card["id"] == made.id)
    assert (card["customer_facing"], card["version"]) == (True, 2)
    assert actions.get_action(board.db, board.id, made.id).customer_facing
    # A string is not a mark: the field's type refuses it, and nothing changes.
    refused(act(client, board, "Ana", "edit_action", action_id=made.id, version=2,
                customer_facing="false"), 422)
    part_of(act(client, board, "Ana", "edit_action", action_id=made.id, version=2, customer_facing=False))
    assert not actions.get_action(board.db, board.id, made.id).customer_facing
    # What an action is, as its title: fixed once the board is closed.
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed, "Owners on Monday")
    assert refused(act(client, board, "Ana", "edit_action", action_id=made.id, version=3,
                       customer_facing=True), 409).startswith("The board is closed")


def test_bad_input_is_422_with_the_fields_sentence_and_writes_nothing(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Add an alert", due_date="2026-12-20"))
    revision = boards.board_revision(board.db, board.id)
    assert "cannot be empty" in refused(act(client, board, "Ana", "add_action", title="   "), 422)
    assert "outside the supported dates" in refused(
        act(client, board, "Ana", "edit_action", action_id=made.id, version=1, due_date="0002-01-01"), 422)
    assert "on or after the due date" in refused(
        act(client, board, "Ana", "edit_action", action_id=made.id, version=1, review_date="2026-12-01"), 422)
    assert "won't be done" in refused(
        act(client, board, "Ana", "edit_action", action_id=made.id, version=1, status="wont_do"), 422)
    refused(act(client, board, "Ana", "edit_action", action_id=made.id, version="1", owner="Ana"), 422)
    assert boards.board_revision(board.db, board.id) == revision
    assert actions.get_action(board.db, board.id, made.id).version == 1


def test_an_action_of_another_board_is_refused_as_gone(client, board):
    other = facilitation.start_board(board.db, BoardDraft(title="Other", facilitator_name="Bo")).board.id
    theirs = actions.add_action(board.db, other, ActionDraft(title="Add an alert"))
    for kind, fields in (("edit_action", {"version": 1, "owner": "Ana"}), ("delete_action", {})):
        assert refused(act(client, board, "Ana", kind, action_id=theirs.id, **fields), 409) == \
            "That action no longer exists on this board."
    assert actions.get_action(board.db, other, theirs.id).owner == ""


def test_a_deleted_action_comes_back_with_undo(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Add an alert"))
    assert part_of(act(client, board, "Ana", "delete_action", action_id=made.id))["actions"] == []
    part = part_of(act(client, board, "Ana", "restore_action", action_id=made.id))
    assert [card["id"] for card in part["actions"]] == [made.id]


def test_on_a_closed_board_the_follow_through_changes_and_what_the_action_is_does_not(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Add an alert", owner="Ana", due_date="2026-12-20"))
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    message = refused(act(client, board, "Ana", "edit_action", action_id=made.id, version=1, title="Add two"), 409)
    assert message.startswith("The board is closed")
    assert refused(act(client, board, "Ana", "add_action", title="Add a canary"), 409).startswith("The board is closed")
    part = part_of(act(client, board, "Ben", "edit_action", action_id=made.id, version=1, status="done",
                       owner="Ben", review_date="2027-01-10"))
    assert {k: part["actions"][0][k] for k in ("status", "owner", "review_date", "title")} == {
        "status": "done", "owner": "Ben", "review_date": "2027-01-10", "title": "Add an alert"}


def test_closing_with_drafts_is_refused_until_the_draft_is_fixed(client, board):
    made = actions.add_action(board.db, board.id, ActionDraft(title="Add an alert on 5xx"))
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.discuss)
    part = part_of(act(client, board, "Ana", "add_action", title="Page the owner", owner="Ana",
                       due_date="2026-12-20"))
    assert [d["id"] for d in part["drafts_block_closing"]] == [made.id]
    message = refused(act(client, board, "Ana", "set_phase", facilitator_key=board.fran_key,
                          phase=part["close_phase"]), 409)
    assert message.startswith("The board cannot close yet: 1 draft action has no owner and due date.")
    assert boards.get_board(board.db, board.id).phase == Phase.discuss
    fixed = part_of(act(client, board, "Ben", "edit_action", action_id=made.id, version=1, owner="Ben",
                        due_date="2026-12-24"))
    assert fixed["drafts_block_closing"] == []
    closed = act(client, board, "Ana", "set_phase", facilitator_key=board.fran_key, phase="closed")
    assert part_of(closed)["drafts_block_closing"] == []
    assert boards.get_board(board.db, board.id).phase == Phase.closed


def test_closing_anyway_keeps_the_reason_with_the_board(client, board):
    actions.add_action(board.db, board.id, ActionDraft(title="Add an alert on 5xx"))
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.discuss)
    refused(act(client, board, "Ana", "set_phase", facilitator_key=board.fran_key, phase="closed",
                close_reason="   "), 409)
    part_of(act(client, board, "Ana", "set_phase", facilitator_key=board.fran_key, phase="closed",
                close_reason="Owners are picked at Monday's planning"))
    closed = boards.get_board(board.db, board.id)
    assert (closed.phase, closed.close_reason) == (Phase.closed, "Owners are picked at Monday's planning")
