"""Carrying out the timeline part's intents (canvas.session.parts.timeline)
through the storage functions the pages call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from canvas.errors import InvalidInput
from canvas.session.parts.timeline import (
    AddEvent, DeleteEvent, EditEvent, ImportTimeline, LinkNote, MarkEventAssumption, RestoreEvent,
    chosen_events, edited_fields, entry_event, field_sentence, import_preview, read_chat_log,
    read_entry_time,
)
from storage import events, notes


def _add_event(db, board_id, credentials, intent: AddEvent):
    at = read_entry_time(intent.day, intent.time, intent.zone)
    events.add_event(db, board_id, entry_event(at, intent.kind, intent.text))


def _edit_event(db, board_id, credentials, intent: EditEvent):
    changes, expected = edited_fields(intent)
    if not changes:
        return False
    try:
        events.revise_event(db, board_id, intent.event_id, changes, expected)
    except ValidationError as error:
        raise InvalidInput(field_sentence(error)) from None


def _delete_event(db, board_id, credentials, intent: DeleteEvent):
    events.delete_event(db, board_id, intent.event_id)


def _restore_event(db, board_id, credentials, intent: RestoreEvent):
    events.restore_event(db, board_id, intent.event_id)


def _mark_event_assumption(db, board_id, credentials, intent: MarkEventAssumption):
    events.set_event_assumption(db, board_id, intent.event_id, intent.assumption)


def _link_note(db, board_id, credentials, intent: LinkNote):
    notes.link_note_to_event(db, board_id, intent.note_id, intent.event_id, credentials)


def _import_timeline(db, board_id, credentials, intent: ImportTimeline):
    """A preview stores nothing and answers with what the log holds; a
    confirmation adds the chosen events in one transaction."""
    result = read_chat_log(intent)
    if not intent.confirm:
        return {"preview": import_preview(result, events.list_events(db, board_id))}
    events.add_events(db, board_id, chosen_events(result, intent.choices))
    return None


HANDLERS: dict[type, Callable[..., Any]] = {
    AddEvent: _add_event, EditEvent: _edit_event, DeleteEvent: _delete_event,
    RestoreEvent: _restore_event, MarkEventAssumption: _mark_event_assumption,
    LinkNote: _link_note, ImportTimeline: _import_timeline,
}
