"""Correcting one field of a timeline event while others correct other fields,
and the assumption flag, which never makes a correction conflict."""

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from canvas.errors import EditConflict, EventNotFound
from canvas.incident.timeline import EventKind, TimelineEvent
from canvas.models import BoardDraft
from canvas.session.phases import Phase, PhaseForbids
from storage import boards, events, facilitation


@pytest.fixture
def board(db):
    return boards.create_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))


def paged(db, board_id) -> TimelineEvent:
    return events.add_event(db, board_id, TimelineEvent(at="2019-07-02T13:45:00Z", kind="detected", text="Paged"))


AT_1350 = datetime(2019, 7, 2, 13, 50, tzinfo=UTC)


def test_a_revision_sets_only_the_fields_it_names(db, board):
    stored = paged(db, board.id)
    revised = events.revise_event(db, board.id, stored.id, {"at": AT_1350}, {"at": stored.at})
    assert (revised.at, revised.kind, revised.text) == (AT_1350, EventKind.detected, "Paged")
    assert events.get_event(db, board.id, stored.id) == revised


def test_a_revision_of_a_field_someone_else_changed_is_a_conflict_and_keeps_theirs(db, board):
    stored = paged(db, board.id)
    events.revise_event(db, board.id, stored.id, {"text": "Their words"}, {"text": "Paged"})
    before = boards.board_revision(db, board.id)
    with pytest.raises(EditConflict) as refused:
        events.revise_event(db, board.id, stored.id, {"text": "My words"}, {"text": "Paged"})
    assert refused.value.current_text == "Their words"
    assert events.get_event(db, board.id, stored.id).text == "Their words"
    assert boards.board_revision(db, board.id) == before


def test_revisions_of_different_fields_both_stand(db, board):
    stored = paged(db, board.id)
    events.revise_event(db, board.id, stored.id, {"text": "Paged by the synthetic check"}, {"text": "Paged"})
    events.revise_event(db, board.id, stored.id, {"at": AT_1350, "kind": EventKind.acknowledged},
                        {"at": stored.at, "kind": EventKind.detected})
    now = events.get_event(db, board.id, stored.id)
    assert (now.text, now.at, now.kind) == ("Paged by the synthetic check", AT_1350, EventKind.acknowledged)


def test_a_revision_is_checked_as_an_entry(db, board):
    stored = paged(db, board.id)
    with pytest.raises(ValidationError):
        events.revise_event(db, board.id, stored.id, {"text": " "}, {"text": "Paged"})
    with pytest.raises(ValidationError):
        events.revise_event(db, board.id, stored.id, {"at": datetime(9999, 1, 1, tzinfo=UTC)}, {"at": stored.at})
    assert events.get_event(db, board.id, stored.id) == stored


def test_the_assumption_flag_is_set_without_touching_the_content(db, board):
    stored = paged(db, board.id)
    marked = events.set_event_assumption(db, board.id, stored.id, True)
    assert marked.is_assumption and (marked.at, marked.text) == (stored.at, stored.text)
    # An edit started before the flag was set still goes through.
    events.revise_event(db, board.id, stored.id, {"text": "Paged, we think"}, {"text": "Paged"})
    assert events.get_event(db, board.id, stored.id).is_assumption is True
    assert events.set_event_assumption(db, board.id, stored.id, False).is_assumption is False


def test_a_deleted_or_foreign_event_is_not_found(db, board):
    stored = paged(db, board.id)
    other = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    events.delete_event(db, board.id, stored.id)
    for board_id in (board.id, other.id):
        with pytest.raises(EventNotFound):
            events.set_event_assumption(db, board_id, stored.id, True)
        with pytest.raises(EventNotFound):
            events.revise_event(db, board_id, stored.id, {"text": "x"}, {"text": "Paged"})


def test_a_closed_board_refuses_both(db, board):
    stored = paged(db, board.id)
    key = facilitation.create_facilitator_key(db, board.id, "test")
    facilitation.set_phase(db, board.id, key, Phase.closed)
    with pytest.raises(PhaseForbids):
        events.set_event_assumption(db, board.id, stored.id, True)
    with pytest.raises(PhaseForbids):
        events.revise_event(db, board.id, stored.id, {"text": "x"}, {"text": "Paged"})
    assert events.get_event(db, board.id, stored.id) == stored
