"""The kill criteria part through the board's actions route: a criterion
added, said anew and removed; a rule's refusal (409), bad input (422), a
criterion that is not this board's, and two people saving the same one."""

from canvas.actions import TriggerDraft, trigger_fingerprint
from canvas.models import BoardDraft
from canvas.session.phases import Phase
from storage import actions, boards, facilitation
from tests.web.conftest import act


def part_of(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()["view"]["parts"]["kill_criteria"]


def refused(reply, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.json()["ok"] is False
    return reply.json()["message"]


def criterion(board, signal="checkout errors above 2% for 10 minutes", response="Roll back the release"):
    return actions.add_trigger(board.db, board.id, TriggerDraft(signal=signal, response=response))


def test_a_criterion_added_on_the_board_is_a_card_with_the_observability_tip(client, board):
    part = part_of(act(client, board, "Ana", "add_kill_criterion", signal="things look bad", kind="escalate",
                       response="Page the incident commander"))
    [card] = part["criteria"]
    assert (card["signal"], card["kind"], card["response"]) == (
        "things look bad", "escalate", "Page the incident commander")
    assert card["tips"][0].startswith("Name a signal anyone can see happen")
    assert [t.signal for t in actions.list_triggers(board.db, board.id)] == ["things look bad"]


def test_a_criterion_is_said_anew_inline(client, board):
    made = criterion(board)
    part = part_of(act(client, board, "Ben", "edit_kill_criterion", criterion_id=made.id,
                       seen=trigger_fingerprint(made), signal="checkout errors above 1% for 5 minutes",
                       kind="roll_back", response="Roll back the release"))
    [card] = part["criteria"]
    assert (card["signal"], card["kind"], card["tips"]) == ("checkout errors above 1% for 5 minutes", "roll_back", [])
    assert card["seen"] != trigger_fingerprint(made)


def test_the_later_of_two_saves_of_the_same_criterion_hears_a_conflict_and_the_first_stays(client, board):
    made = criterion(board)
    seen = trigger_fingerprint(made)
    part_of(act(client, board, "Ana", "edit_kill_criterion", criterion_id=made.id, seen=seen,
                signal="checkout errors above 3%", kind="pause", response="Pause the rollout"))
    revision = boards.board_revision(board.db, board.id)
    message = refused(act(client, board, "Ben", "edit_kill_criterion", criterion_id=made.id, seen=seen,
                          signal="p99 above 2 s", kind="pause", response="Pause the rollout"), 409)
    assert message.startswith("Someone else changed this while you were editing.")
    assert actions.get_trigger(board.db, board.id, made.id).signal == "checkout errors above 3%"
    assert boards.board_revision(board.db, board.id) == revision


def test_bad_input_is_422_and_writes_nothing(client, board):
    made = criterion(board)
    revision = boards.board_revision(board.db, board.id)
    refused(act(client, board, "Ana", "add_kill_criterion", signal="", response="Pause"), 422)
    refused(act(client, board, "Ana", "add_kill_criterion", signal="5xx above 2%", kind="panic",
                response="Pause"), 422)
    refused(act(client, board, "Ana", "edit_kill_criterion", criterion_id=made.id, seen=trigger_fingerprint(made),
                signal="5xx above 2%", kind="pause", response=" "), 422)
    refused(act(client, board, "Ana", "delete_kill_criterion"), 422)
    assert boards.board_revision(board.db, board.id) == revision


def test_a_criterion_of_another_board_or_none_is_refused_as_gone(client, board):
    other = facilitation.start_board(board.db, BoardDraft(title="Other", facilitator_name="Bo")).board.id
    theirs = actions.add_trigger(board.db, other, TriggerDraft(signal="5xx above 2%", response="Pause"))
    gone = "That kill criterion no longer exists on this board."
    assert refused(act(client, board, "Ana", "delete_kill_criterion", criterion_id=theirs.id), 409) == gone
    assert refused(act(client, board, "Ana", "edit_kill_criterion", criterion_id=theirs.id,
                       seen=trigger_fingerprint(theirs), signal="x above 1%", kind="pause",
                       response="Pause"), 409) == gone
    assert [t.signal for t in actions.list_triggers(board.db, other)] == ["5xx above 2%"]


def test_a_criterion_is_removed_and_a_closed_board_keeps_them_as_they_are(client, board):
    first, second = criterion(board), criterion(board, signal="a second refund report", response="Stop refunds")
    assert [c["id"] for c in part_of(act(client, board, "Ana", "delete_kill_criterion",
                                         criterion_id=first.id))["criteria"]] == [second.id]
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    assert refused(act(client, board, "Ana", "delete_kill_criterion", criterion_id=second.id), 409) \
        .startswith("The board is closed")
    assert refused(act(client, board, "Ana", "add_kill_criterion", signal="5xx above 2%", response="Pause"),
                   409).startswith("The board is closed")
    assert [t.id for t in actions.list_triggers(board.db, board.id)] == [second.id]
