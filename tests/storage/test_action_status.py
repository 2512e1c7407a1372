"""How an action is going (status, owner, dates) can be recorded after the
meeting, on a closed board too; what the action is stays as the meeting left it."""

from datetime import date

import pytest
from pydantic import ValidationError

from canvas.actions import ActionDraft, Status
from canvas.models import BoardDraft
from canvas.session.phases import Phase, PhaseForbids
from storage import actions, boards, facilitation


@pytest.fixture
def closed_board_with_action(db):
    started = facilitation.start_board(db, BoardDraft(title="Done", facilitator_name="Fran"))
    board_id = started.board.id
    action = actions.add_action(db, board_id, ActionDraft(title="Add an alert on the 5xx rate"))
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.closed,
                           "Owners are picked at Monday's planning")
    return board_id, action


def test_a_status_can_be_set_on_a_closed_board(db, closed_board_with_action):
    board_id, action = closed_board_with_action
    before = boards.board_revision(db, board_id)
    updated = actions.set_action_status(db, board_id, action.id, Status.done)
    assert (updated.status, updated.title, updated.version) == (Status.done, action.title, action.version + 1)
    assert boards.board_revision(db, board_id) == before + 1


def test_other_edits_stay_refused_on_a_closed_board(db, closed_board_with_action):
    board_id, action = closed_board_with_action
    with pytest.raises(PhaseForbids):
        actions.edit_action(db, board_id, action.id, ActionDraft(title="Renamed"), action.version)


def test_wont_do_still_needs_a_reason(db, closed_board_with_action):
    board_id, action = closed_board_with_action
    with pytest.raises(ValidationError):
        actions.set_action_status(db, board_id, action.id, Status.wont_do)
    updated = actions.set_action_status(db, board_id, action.id, Status.wont_do, "Replaced by the new pager")
    assert (updated.status, updated.status_reason) == (Status.wont_do, "Replaced by the new pager")


def test_owner_and_dates_can_be_given_on_a_closed_board(db, closed_board_with_action):
    board_id, action = closed_board_with_action
    draft = action.model_copy(update={"owner": "Dee", "due_date": date(2031, 3, 1),
                                      "review_date": date(2031, 4, 1), "status": Status.in_progress})
    updated = actions.edit_action(db, board_id, action.id,
                                  ActionDraft.model_validate(draft.model_dump(include=set(ActionDraft.model_fields))),
                                  action.version)
    assert (updated.owner, updated.due_date, updated.review_date, updated.status) == (
        "Dee", date(2031, 3, 1), date(2031, 4, 1), Status.in_progress)
    assert updated.title == action.title


def test_a_title_change_among_follow_through_changes_is_refused_when_closed(db, closed_board_with_action):
    board_id, action = closed_board_with_action
    draft = ActionDraft(title="Renamed", owner="Dee", due_date=date(2031, 3, 1))
    with pytest.raises(PhaseForbids):
        actions.edit_action(db, board_id, action.id, draft, action.version)
    assert actions.get_action(db, board_id, action.id).owner == ""


def test_the_moment_an_action_is_done_is_kept_through_later_edits_and_forgotten_on_reopening(
        db, closed_board_with_action):
    board_id, action = closed_board_with_action
    assert action.done_at is None
    done = actions.set_action_status(db, board_id, action.id, Status.done)
    assert done.done_at is not None and done.done_at == done.updated_at
    # A later change of its owner or dates is not when it was done.
    edited = actions.change_action(db, board_id, action.id, {"owner": "Ann"}, done.version)
    assert edited.owner == "Ann" and edited.updated_at > done.updated_at
    assert edited.done_at == done.done_at
    reopened = actions.set_action_status(db, board_id, action.id, Status.in_progress)
    assert reopened.done_at is None
    again = actions.change_action(db, board_id, action.id, {"status": Status.done}, reopened.version)
    assert again.done_at is not None and again.done_at > done.done_at
