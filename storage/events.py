"""Timeline events of a board, stored with their time in UTC.

Events have no version column, so an edit is checked against the content the
editor started from (`edit_event`'s `expected`): if the stored time, kind,
text, link or approximate flag differ from it, someone else saved in between
and the edit is refused rather than silently overwriting theirs.

Every write asks `canvas.session.phases.authorize` inside its own transaction, so a
closed board refuses it even from a tab whose buttons were drawn before the
facilitator closed it.
"""

from __future__ import annotations

from collections.abc import Iterable


from canvas.errors import EditConflict, EventNotFound
from canvas.ids import new_row_id
from canvas.session.phases import ANYONE, Action, authorize
from canvas.incident.timeline import TimelineEvent
from canvas.validation import STORED
from storage.boards import board_phase, changing_board
from storage.db import Database, iso, now


# The fields an edit may change, and the ones compared to detect a conflict.
_CONTENT = ("at", "kind", "text", "evidence_url", "approximate", "is_assumption")


def add_events(db: Database, board_id: str, events: Iterable[TimelineEvent]) -> int:
    """Add events in one transaction (all or none); returns how many were added."""
    stamp = iso(now())
    rows = [{"id": new_row_id(), "board_id": board_id, **_content(event),
             "created_at": stamp, "deleted_at": None} for event in events]
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        db["events"].insert_all(rows)
    return len(rows)


def add_event(db: Database, board_id: str, event: TimelineEvent) -> TimelineEvent:
    """Add one event; returns it as stored (with its id)."""
    event_id = new_row_id()
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        db["events"].insert({"id": event_id, "board_id": board_id, **_content(event),
                             "created_at": iso(now()), "deleted_at": None})
    return get_event(db, board_id, event_id)


def get_event(db: Database, board_id: str, event_id: str) -> TimelineEvent:
    """A live event of this board; raises EventNotFound (also for a deleted one)."""
    row = _row(db, board_id, event_id)
    if row is None or row["deleted_at"] is not None:
        raise EventNotFound(event_id)
    return _event(row)


def list_events(
    db: Database, board_id: str, *, deleted: bool = False
) -> list[TimelineEvent]:
    """Live events of a board in time order (ties in the order they were entered).

    With `deleted=True`, the board's deleted events instead, most recently
    deleted first (the order a bin is read in).
    """
    if deleted:
        sql = ("SELECT * FROM events WHERE board_id = ? AND deleted_at IS NOT NULL "
               "ORDER BY deleted_at DESC, rowid DESC")
    else:
        sql = "SELECT * FROM events WHERE board_id = ? AND deleted_at IS NULL ORDER BY at, rowid"
    return [_event(row) for row in db.query(sql, [board_id])]


def edit_event(
    db: Database,
    board_id: str,
    event_id: str,
    new: TimelineEvent,
    expected: TimelineEvent,
) -> TimelineEvent:
    """Replace an event's content with `new`, unless the stored event no longer
    matches `expected` (what the editor started from): then EditConflict, whose
    `current_text` is the stored text; `get_event` gives the whole stored version.
    """
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        current = get_event(db, board_id, event_id)
        if not same_content(current, expected):
            raise EditConflict(current.text)
        db["events"].update(event_id, _content(new))
    return get_event(db, board_id, event_id)


def revise_event(
    db: Database, board_id: str, event_id: str, changes: dict, expected: dict,
) -> TimelineEvent:
    """Set some of an event's fields (`changes`, by name: at, kind, text), unless
    the stored value of one of them no longer matches `expected`, what the
    editor started from: then EditConflict. Only the fields being set are
    compared, so two people correcting different fields of one moment (one
    its time, the other its text) both keep their change. The event is
    checked whole as entered (pydantic's ValidationError otherwise).
    """
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        current = get_event(db, board_id, event_id)
        if any(getattr(current, name) != expected[name] for name in changes):
            raise EditConflict(current.text)
        new = TimelineEvent.model_validate({**current.model_dump(), **changes})
        db["events"].update(event_id, _content(new))
    return get_event(db, board_id, event_id)


def set_event_assumption(db: Database, board_id: str, event_id: str, is_assumption: bool) -> TimelineEvent:
    """Mark a live event as an assumption to verify, or as an established fact.

    Curation, like marking a note: it asks the assumption rule, and being a
    flag of its own it never makes an edit of the event's time or text conflict
    (see `revise_event`).
    """
    with changing_board(db, board_id):
        authorize(Action.mark_assumption, board_phase(db, board_id), ANYONE)
        get_event(db, board_id, event_id)
        db["events"].update(event_id, {"is_assumption": int(is_assumption)})
    return get_event(db, board_id, event_id)


def delete_event(db: Database, board_id: str, event_id: str) -> None:
    """Move an event to the board's bin; `restore_event` brings it back."""
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        if _row(db, board_id, event_id) is None:
            raise EventNotFound(event_id)
        # Deleting twice keeps the first time, so the bin's order stays stable.
        db.execute(
            "UPDATE events SET deleted_at = coalesce(deleted_at, ?) WHERE id = ?",
            [iso(now()), event_id],
        )


def restore_event(db: Database, board_id: str, event_id: str) -> TimelineEvent:
    """Bring a deleted event back onto the timeline (a live one stays as it is)."""
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        if _row(db, board_id, event_id) is None:
            raise EventNotFound(event_id)
        db["events"].update(event_id, {"deleted_at": None})
    return get_event(db, board_id, event_id)


def same_content(one: TimelineEvent, other: TimelineEvent) -> bool:
    """True when two events say the same thing (time, kind, text, link, approximate,
    assumption)."""
    return _content(one) == _content(other)


def _may_edit(db: Database, board_id: str) -> None:
    # The timeline is corrected together in every phase of the meeting; only a
    # closed board is read-only. Nobody's role matters, so no actor is needed.
    authorize(Action.edit_timeline, board_phase(db, board_id), ANYONE)


def _content(event: TimelineEvent) -> dict:
    return {
        "at": iso(event.at),
        "kind": event.kind.value,
        "text": event.text,
        "evidence_url": event.evidence_url,
        "approximate": int(event.approximate),
        "is_assumption": int(event.is_assumption),
    }


def _row(db: Database, board_id: str, event_id: str) -> dict | None:
    return next(
        db.query("SELECT * FROM events WHERE id = ? AND board_id = ?", [event_id, board_id]), None
    )


def _event(row: dict) -> TimelineEvent:
    # STORED: an event saved before the entry rules (a time outside the
    # supported range, say) is still read, so it can be shown and fixed.
    return TimelineEvent.model_validate(
        {name: row[name] for name in ("id", *_CONTENT)} | {"approximate": bool(row["approximate"]),
                                                        "is_assumption": bool(row["is_assumption"])},
        context=STORED,
    )
