"""Timeline events on a real temp SQLite file: writes, conflicts, the bin,
imports, and the phase rule that a closed board's timeline is read-only."""

from datetime import datetime, timezone

import pytest

from canvas.errors import BoardNotFound, EditConflict, EventNotFound
from canvas.models import BoardDraft
from canvas.session.phases import Phase, PhaseForbids
from canvas.incident.timeline import EventKind, TimelineEvent
from storage import boards, events, facilitation
from storage.db import connect


@pytest.fixture
def board(db):
    return boards.create_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))


def event(at: str = "2019-07-02T13:42:00Z", kind: str = "detected", text: str = "Paged on 5xx", **more):
    return TimelineEvent(at=at, kind=kind, text=text, **more)


def revision(db, board_id) -> int:
    return boards.board_revision(db, board_id)


def test_an_added_event_comes_back_in_utc_with_its_fields(db_file, board):
    first = connect(db_file)
    stored = events.add_event(first, board.id, event(
        at="2019-07-02T15:42:00+02:00", evidence_url="https://status.example.com/x", approximate=True))
    first.close()

    [again] = events.list_events(connect(db_file), board.id)
    assert again == stored
    assert again.id
    assert again.at == datetime(2019, 7, 2, 13, 42, tzinfo=timezone.utc)
    assert again.at.utcoffset().total_seconds() == 0
    assert (again.kind, again.text, again.evidence_url, again.approximate) == (
        EventKind.detected, "Paged on 5xx", "https://status.example.com/x", True)


def test_events_are_listed_in_time_order_with_ties_in_entry_order(db, board):
    events.add_events(db, board.id, [event("2019-07-02T14:00:00Z", text="later"),
                                     event("2019-07-02T13:00:00Z", text="tie one")])
    events.add_event(db, board.id, event("2019-07-02T13:00:00Z", text="tie two"))
    assert [e.text for e in events.list_events(db, board.id)] == ["tie one", "tie two", "later"]


def test_an_edit_replaces_the_content_when_nobody_changed_it(db, board):
    original = events.add_event(db, board.id, event())
    new = event("2019-07-02T13:45:00Z", kind="acknowledged", text="Acked by on-call")
    saved = events.edit_event(db, board.id, original.id, new, expected=original)
    assert (saved.id, saved.at.minute, saved.kind, saved.text) == (
        original.id, 45, EventKind.acknowledged, "Acked by on-call")
    assert events.get_event(db, board.id, original.id) == saved


def test_an_edit_started_from_an_older_version_is_refused_and_keeps_theirs(db, board):
    original = events.add_event(db, board.id, event())
    theirs = events.edit_event(db, board.id, original.id, event(text="Their wording"), expected=original)
    with pytest.raises(EditConflict) as refused:
        events.edit_event(db, board.id, original.id, event(text="My wording"), expected=original)
    assert refused.value.current_text == "Their wording"
    assert events.get_event(db, board.id, original.id) == theirs


@pytest.mark.parametrize("change", [
    {"at": "2019-07-02T13:43:00Z"}, {"kind": "acknowledged"}, {"text": "other"},
    {"evidence_url": "https://example.com"}, {"approximate": True},
])
def test_a_change_to_any_field_by_someone_else_is_a_conflict(db, board, change):
    original = events.add_event(db, board.id, event())
    changed = TimelineEvent.model_validate(original.model_dump() | change)
    events.edit_event(db, board.id, original.id, changed, expected=original)
    with pytest.raises(EditConflict):
        events.edit_event(db, board.id, original.id, event(text="mine"), expected=original)


def test_delete_moves_an_event_to_the_bin_and_restore_brings_it_back(db, board):
    kept = events.add_event(db, board.id, event(text="kept"))
    gone = events.add_event(db, board.id, event(text="gone"))
    events.delete_event(db, board.id, gone.id)
    assert events.list_events(db, board.id) == [kept]
    assert events.list_events(db, board.id, deleted=True) == [gone]
    with pytest.raises(EventNotFound):
        events.get_event(db, board.id, gone.id)

    assert events.restore_event(db, board.id, gone.id) == gone
    assert [e.text for e in events.list_events(db, board.id)] == ["kept", "gone"]
    assert events.list_events(db, board.id, deleted=True) == []


def test_editing_a_deleted_event_is_refused(db, board):
    gone = events.add_event(db, board.id, event())
    events.delete_event(db, board.id, gone.id)
    with pytest.raises(EventNotFound):
        events.edit_event(db, board.id, gone.id, event(text="new"), expected=gone)


def test_an_event_of_another_board_cannot_be_touched(db, board):
    other = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Ann"))
    theirs = events.add_event(db, other.id, event())
    for action in (events.delete_event, events.restore_event, events.get_event):
        with pytest.raises(EventNotFound):
            action(db, board.id, theirs.id)
    assert events.list_events(db, other.id) == [theirs]


def test_every_event_write_bumps_the_board_revision_once(db, board):
    start = revision(db, board.id)
    stored = events.add_event(db, board.id, event())
    events.add_events(db, board.id, [event(text="a"), event(text="b")])
    events.edit_event(db, board.id, stored.id, event(text="changed"), expected=stored)
    events.delete_event(db, board.id, stored.id)
    events.restore_event(db, board.id, stored.id)
    assert revision(db, board.id) == start + 5


def test_a_refused_edit_does_not_bump_the_revision(db, board):
    stored = events.add_event(db, board.id, event())
    events.edit_event(db, board.id, stored.id, event(text="theirs"), expected=stored)
    before = revision(db, board.id)
    with pytest.raises(EditConflict):
        events.edit_event(db, board.id, stored.id, event(text="mine"), expected=stored)
    assert revision(db, board.id) == before


def test_an_import_that_fails_part_way_writes_nothing(db, board):
    events.add_event(db, board.id, event(text="already there"))
    before = revision(db, board.id)

    def half_broken():
        yield event(text="first of the import")
        raise RuntimeError("the source broke off")

    with pytest.raises(RuntimeError):
        events.add_events(db, board.id, half_broken())
    # A row the database refuses (text is NOT NULL) rolls back the whole batch.
    bad = event(text="fine").model_copy(update={"text": None})
    with pytest.raises(Exception):
        events.add_events(db, board.id, [event(text="would be added"), bad])
    assert [e.text for e in events.list_events(db, board.id)] == ["already there"]
    assert revision(db, board.id) == before


def test_events_cannot_be_added_to_a_deleted_board(db, board):
    boards.delete_board(db, board.id)
    with pytest.raises(BoardNotFound):
        events.add_events(db, board.id, [event()])


def set_phase(db, board_id: str, phase: Phase) -> None:
    key = facilitation.create_facilitator_key(db, board_id, "test")
    facilitation.set_phase(db, board_id, key, phase)


@pytest.mark.parametrize("phase", [Phase.write, Phase.group, Phase.vote, Phase.discuss])
def test_the_timeline_is_corrected_in_every_phase_of_the_meeting(db, board, phase):
    set_phase(db, board.id, phase)
    stored = events.add_event(db, board.id, event())
    events.edit_event(db, board.id, stored.id, event(text="changed"), expected=stored)
    events.delete_event(db, board.id, stored.id)
    events.restore_event(db, board.id, stored.id)
    assert events.add_events(db, board.id, [event(text="imported")]) == 1


WRITES = {
    "add_event": lambda db, board_id, stored: events.add_event(db, board_id, event(text="new")),
    "add_events": lambda db, board_id, stored: events.add_events(db, board_id, [event(text="new")]),
    "edit_event": lambda db, board_id, stored: events.edit_event(
        db, board_id, stored.id, event(text="changed"), expected=stored),
    "delete_event": lambda db, board_id, stored: events.delete_event(db, board_id, stored.id),
    "restore_event": lambda db, board_id, stored: events.restore_event(db, board_id, stored.id),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_a_closed_board_refuses_every_event_write_and_keeps_its_revision(db, board, write):
    stored = events.add_event(db, board.id, event(text="kept"))
    binned = events.add_event(db, board.id, event(text="binned"))
    events.delete_event(db, board.id, binned.id)
    set_phase(db, board.id, Phase.closed)
    before = revision(db, board.id)
    target = binned if write is WRITES["restore_event"] else stored

    with pytest.raises(PhaseForbids) as refused:
        write(db, board.id, target)
    assert "The board is closed" in str(refused.value)
    assert revision(db, board.id) == before
    assert events.list_events(db, board.id) == [stored]
    assert events.list_events(db, board.id, deleted=True) == [binned]


def test_a_reopened_board_takes_event_writes_again(db, board):
    set_phase(db, board.id, Phase.closed)
    with pytest.raises(PhaseForbids):
        events.add_event(db, board.id, event())
    set_phase(db, board.id, Phase.discuss)
    assert events.add_event(db, board.id, event()).text == "Paged on 5xx"


def test_event_not_found_is_a_canvas_error_also_known_to_storage(db, board):
    # Pages catch CanvasError; older callers import the class from storage.events.
    from canvas.errors import CanvasError

    assert issubclass(EventNotFound, CanvasError)
    assert events.EventNotFound is EventNotFound
    with pytest.raises(EventNotFound) as missing:
        events.get_event(db, board.id, "nope")
    assert str(missing.value) == "That event no longer exists on this timeline."
