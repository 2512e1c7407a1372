"""A meeting ends with names and dates: closing a board with draft actions
left needs a stated reason, which is kept with the board."""

from datetime import date

import pytest

from canvas.actions import ActionDraft, Status
from canvas.errors import ClosingWithDrafts
from canvas.models import BoardDraft
from canvas.session.phases import Phase
from storage import actions, boards, facilitation


@pytest.fixture
def started(db):
    return facilitation.start_board(db, BoardDraft(title="Checkout outage", facilitator_name="Fran"))


def test_closing_with_an_open_draft_and_no_reason_is_refused_and_changes_nothing(db, started):
    board_id = started.board.id
    actions.add_action(db, board_id, ActionDraft(title="Add a canary stage"))
    before = boards.board_revision(db, board_id)
    with pytest.raises(ClosingWithDrafts) as refused:
        facilitation.set_phase(db, board_id, started.facilitator_key, Phase.closed, "   ")
    assert "owner and a date" in str(refused.value) and "reason" in str(refused.value)
    assert refused.value.titles == ["Add a canary stage"]
    board = boards.get_board(db, board_id)
    assert (board.phase, board.close_reason) == (Phase.write, "")
    assert boards.board_revision(db, board_id) == before


def test_closing_with_drafts_and_a_reason_keeps_the_reason(db, started):
    board_id = started.board.id
    actions.add_action(db, board_id, ActionDraft(title="Add a canary stage"))
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.closed,
                           "The owner is picked at Monday's planning")
    board = boards.get_board(db, board_id)
    assert (board.phase, board.close_reason) == (Phase.closed, "The owner is picked at Monday's planning")


def test_owned_dated_done_and_parked_actions_close_without_a_reason(db, started):
    board_id = started.board.id
    actions.add_action(db, board_id, ActionDraft(title="Add a canary stage", owner="Dee",
                                                 due_date=date(2031, 1, 5)))
    actions.add_action(db, board_id, ActionDraft(title="Rewrite the router", status=Status.parked))
    actions.add_action(db, board_id, ActionDraft(title="Page the DB team", status=Status.done))
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.closed, "not needed")
    board = boards.get_board(db, board_id)
    # Without drafts there is nothing to explain, so no reason is kept.
    assert (board.phase, board.close_reason) == (Phase.closed, "")


def test_closing_again_after_the_drafts_got_owners_forgets_the_old_reason(db, started):
    board_id = started.board.id
    draft = actions.add_action(db, board_id, ActionDraft(title="Add a canary stage"))
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.closed, "Owners on Monday")
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.discuss)
    actions.edit_action(db, board_id, draft.id, ActionDraft(title="Add a canary stage", owner="Dee",
                                                            due_date=date(2031, 1, 5)), draft.version)
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.closed)
    assert boards.get_board(db, board_id).close_reason == ""
