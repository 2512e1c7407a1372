"""What the board's actions and kill criteria parts ask of storage: an
action changed field by field over the version its card showed, and a kill
criterion said anew over what its card showed, both refused when someone
saved in between, and an unknown criterion named as gone."""

from datetime import date

import pytest
from pydantic import ValidationError

from canvas.actions import ActionDraft, Status, TriggerDraft, TriggerKind, trigger_fingerprint
from canvas.errors import ActionNotFound, EditConflict, TriggerNotFound
from canvas.models import BoardDraft
from canvas.session.phases import Phase, PhaseForbids
from storage import actions, boards, facilitation


@pytest.fixture
def board(db):
    started = facilitation.start_board(db, BoardDraft(title="Checkout outage", facilitator_name="Fran"))
    return started.board.id, started.facilitator_key


def test_changing_some_fields_keeps_the_others_and_moves_the_version(db, board):
    board_id, _ = board
    made = actions.add_action(db, board_id, ActionDraft(title="Add an alert on 5xx", success_signal="Paged"))
    changed = actions.change_action(db, board_id, made.id, {"owner": "Ana", "due_date": "2026-12-20"},
                                    made.version)
    assert (changed.owner, changed.due_date, changed.title, changed.success_signal) == (
        "Ana", date(2026, 12, 20), "Add an alert on 5xx", "Paged")
    assert changed.version == made.version + 1


def test_a_change_over_an_older_version_is_a_conflict_and_keeps_the_first_save(db, board):
    board_id, _ = board
    made = actions.add_action(db, board_id, ActionDraft(title="Add an alert on 5xx"))
    actions.change_action(db, board_id, made.id, {"owner": "Ana"}, made.version)
    revision = boards.board_revision(db, board_id)
    with pytest.raises(EditConflict):
        actions.change_action(db, board_id, made.id, {"owner": "Ben", "due_date": "2026-12-20"}, made.version)
    kept = actions.get_action(db, board_id, made.id)
    assert (kept.owner, kept.due_date) == ("Ana", None)
    assert boards.board_revision(db, board_id) == revision


def test_a_change_the_action_refuses_writes_nothing(db, board):
    board_id, _ = board
    made = actions.add_action(db, board_id, ActionDraft(title="Add an alert on 5xx", due_date="2026-12-20"))
    with pytest.raises(ValidationError):
        actions.change_action(db, board_id, made.id, {"review_date": "2026-12-01"}, made.version)
    with pytest.raises(ValidationError):
        actions.change_action(db, board_id, made.id, {"status": Status.wont_do.value}, made.version)
    assert actions.get_action(db, board_id, made.id).version == made.version


def test_on_a_closed_board_only_the_follow_through_changes(db, board):
    board_id, key = board
    made = actions.add_action(db, board_id, ActionDraft(title="Add an alert on 5xx", owner="Ana",
                                                        due_date="2026-12-20"))
    facilitation.set_phase(db, board_id, key, Phase.closed)
    with pytest.raises(PhaseForbids):
        actions.change_action(db, board_id, made.id, {"title": "Add two alerts"}, made.version)
    done = actions.change_action(db, board_id, made.id, {"status": "done", "owner": "Ben"}, made.version)
    assert (done.status, done.owner, done.title) == (Status.done, "Ben", "Add an alert on 5xx")


def test_an_action_of_another_board_is_not_found(db, board):
    board_id, _ = board
    other = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Bo")).board.id
    made = actions.add_action(db, other, ActionDraft(title="Add an alert on 5xx"))
    with pytest.raises(ActionNotFound):
        actions.change_action(db, board_id, made.id, {"owner": "Ana"}, made.version)


def test_a_kill_criterion_is_said_anew_over_what_was_seen(db, board):
    board_id, _ = board
    made = actions.add_trigger(db, board_id, TriggerDraft(signal="5xx above 2%", response="Pause the rollout"))
    draft = TriggerDraft(signal="5xx above 1% for 5 minutes", kind=TriggerKind.roll_back,
                         response="Roll back the release")
    edited = actions.edit_trigger(db, board_id, made.id, draft, trigger_fingerprint(made))
    assert (edited.signal, edited.kind, edited.response) == (draft.signal, draft.kind, draft.response)
    assert [t.signal for t in actions.list_triggers(db, board_id)] == ["5xx above 1% for 5 minutes"]


def test_a_kill_criterion_changed_since_it_was_seen_is_a_conflict_and_keeps_the_first_save(db, board):
    board_id, _ = board
    made = actions.add_trigger(db, board_id, TriggerDraft(signal="5xx above 2%", response="Pause the rollout"))
    seen = trigger_fingerprint(made)
    actions.edit_trigger(db, board_id, made.id, TriggerDraft(signal="5xx above 3%", response="Pause"), seen)
    with pytest.raises(EditConflict):
        actions.edit_trigger(db, board_id, made.id, TriggerDraft(signal="p99 above 2 s", response="Pause"), seen)
    assert actions.get_trigger(db, board_id, made.id).signal == "5xx above 3%"


def test_an_unknown_or_foreign_kill_criterion_is_not_found_and_nothing_moves(db, board):
    board_id, _ = board
    other = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Bo")).board.id
    theirs = actions.add_trigger(db, other, TriggerDraft(signal="5xx above 2%", response="Pause"))
    revision = boards.board_revision(db, board_id)
    draft = TriggerDraft(signal="p99 above 2 s", response="Pause")
    for attempt in (lambda: actions.delete_trigger(db, board_id, theirs.id),
                    lambda: actions.delete_trigger(db, board_id, "no-such-criterion"),
                    lambda: actions.edit_trigger(db, board_id, theirs.id, draft, trigger_fingerprint(theirs))):
        with pytest.raises(TriggerNotFound):
            attempt()
    assert boards.board_revision(db, board_id) == revision
    assert [t.signal for t in actions.list_triggers(db, other)] == ["5xx above 2%"]


def test_kill_criteria_stay_as_the_meeting_left_them_once_closed(db, board):
    board_id, key = board
    made = actions.add_trigger(db, board_id, TriggerDraft(signal="5xx above 2%", response="Pause"))
    facilitation.set_phase(db, board_id, key, Phase.closed)
    with pytest.raises(PhaseForbids):
        actions.edit_trigger(db, board_id, made.id, TriggerDraft(signal="5xx above 3%", response="Pause"),
                             trigger_fingerprint(made))
    with pytest.raises(PhaseForbids):
        actions.delete_trigger(db, board_id, made.id)
