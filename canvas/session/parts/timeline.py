"""The timeline part of the live board: its view and the intents that change it.

The lane draws the events along a time axis, the impact window, and the
durations derived from the anchor events, each with its formula. Everything
measured here is `canvas.incident.timeline`'s, as on the timeline page:
the lane only places it. Times travel as UTC instants and are shown in the
board's zone or one the viewer picks; what a person types is read back in
the zone they typed it in (`read_entry_time`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, ValidationError

from canvas.dates import check_day, clamp_day, resolve_zone
from canvas.errors import InvalidInput, describe_validation_error
from canvas.incident.timeline import (
    OUT_OF_RANGE_WARNING, VALID_KINDS, EventKind, ParseResult, TimelineEvent, anchor, compute_metrics,
    describe_metric, in_range, in_time_order, out_of_order, out_of_range, parse_chat_log,
    parse_kind, read_local_time, zone_options,
)
from canvas.incident.timeline_import import already_on_timeline
from canvas.session.intent_fields import Flag, Id, IntentModel, OptionalId, Text, WholeNumber
from canvas.snapshot import BoardSnapshot

# A pasted chat log may run longer than any one text field (the request body's
# own limit, 64 KiB, still bounds it).
CHAT_LOG_MAX_CHARS = 50_000
# A preview lists at most this many events: a log of a long day, not a book.
PREVIEW_MAX_EVENTS = 500
FIELD_LABELS = {"at": "Time", "kind": "Kind", "text": "What happened"}
DATE_EXAMPLE = "e.g. 2019-07-02"
ZONE_MAX_CHARS = 64


# --- what a person sends --------------------------------------------------------------


def _day(value: object) -> date:
    """A day typed into the lane ("2019-07-02"), within the supported dates."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return check_day(value)
    if not isinstance(value, str):
        raise ValueError(f"Date: send the day as text, {DATE_EXAMPLE}.")
    typed = value.strip()
    if not typed:
        raise ValueError("Date: pick the day it happened.")
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise ValueError(f"Date: {typed!r} is not a date, {DATE_EXAMPLE}.") from None
    try:
        return check_day(day)
    except ValueError as problem:
        raise ValueError(f"Date: {problem}.") from None


def _zone(value: object) -> str:
    if not isinstance(value, str) or len(value) > ZONE_MAX_CHARS:
        raise ValueError("Zone: send an IANA zone name such as UTC or Europe/Berlin.")
    try:
        resolve_zone(value)
    except ValueError as problem:
        raise ValueError(f"Zone: {problem}.") from None
    return value


def _kind(value: object) -> EventKind:
    if not isinstance(value, str):
        raise ValueError(f"Kind: send one of {VALID_KINDS}.")
    try:
        return parse_kind(value)
    except ValueError as problem:
        raise ValueError(f"Kind: {problem}.") from None


Day = Annotated[date, BeforeValidator(_day)]
OptionalDay = Annotated[date | None, BeforeValidator(lambda value: None if value is None else _day(value))]
Zone = Annotated[str, BeforeValidator(_zone)]
Kind = Annotated[EventKind, BeforeValidator(_kind)]
OptionalKind = Annotated[EventKind | None,
                         BeforeValidator(lambda value: None if value in (None, "") else _kind(value))]
ChatLog = Annotated[str, Field(max_length=CHAT_LOG_MAX_CHARS)]


class AddEvent(IntentModel):
    """A new moment: its day and time as typed in `zone`, its kind and text."""

    type: Literal["add_event"]
    day: Day
    time: Text
    zone: Zone = "UTC"
    kind: Kind = EventKind.other
    text: Text


class EditEvent(IntentModel):
    """A change to an event's time, kind or text. A field left out (None) stays
    as it is; the `base_` fields are what the editor started from, so a save
    over someone else's change to the same field is refused, not lost."""

    type: Literal["edit_event"]
    event_id: Id
    day: OptionalDay = None
    time: Text | None = None
    zone: Zone = "UTC"
    kind: OptionalKind = None
    text: Text | None = None
    base_at: Text
    base_kind: Kind
    base_text: Text


class DeleteEvent(IntentModel):
    type: Literal["delete_event"]
    event_id: Id


class RestoreEvent(IntentModel):
    type: Literal["restore_event"]
    event_id: Id


class MarkEventAssumption(IntentModel):
    """An event is a belief still to verify (True) or an established fact."""

    type: Literal["mark_event_assumption"]
    event_id: Id
    assumption: Flag


class LinkNote(IntentModel):
    """Tie a note to the moment it is about; no event unties it."""

    type: Literal["link_note"]
    note_id: Id
    event_id: OptionalId = None


class ImportChoice(IntentModel):
    """One previewed event: whether to add it, and its kind as corrected."""

    index: WholeNumber
    add: Flag
    kind: Kind


class ImportTimeline(IntentModel):
    """A pasted chat log: with `confirm` False only read (the preview), with
    `confirm` True the events still ticked in `choices` are added, all or none."""

    type: Literal["import_timeline"]
    text: ChatLog
    day: Day
    zone: Zone = "UTC"
    confirm: Flag = False
    choices: Annotated[list[ImportChoice], Field(max_length=PREVIEW_MAX_EVENTS)] = []


INTENTS: tuple[type[IntentModel], ...] = (
    AddEvent, EditEvent, DeleteEvent, RestoreEvent, MarkEventAssumption, LinkNote, ImportTimeline,
)


# --- reading it ------------------------------------------------------------------------


def read_entry_time(day: date, typed: str, zone: str) -> datetime:
    """The instant a person means by a day and a typed time ("13:42", "1:42 PM",
    "13:42 Europe/Berlin") in `zone`; InvalidInput naming the field."""
    try:
        return read_local_time(day, typed, zone)
    except ValueError as problem:
        raise InvalidInput(f"Time: {_sentence(problem)}") from None


def entry_event(at: datetime, kind: EventKind, text: str, **more) -> TimelineEvent:
    """An event from the lane's fields; InvalidInput with the field's sentence
    (an empty or overlong text, a time outside the supported dates)."""
    try:
        return TimelineEvent.model_validate({"at": at, "kind": kind, "text": text, **more})
    except ValidationError as error:
        raise InvalidInput(field_sentence(error)) from None


def edited_fields(intent: EditEvent) -> tuple[dict, dict]:
    """(changes, expected): the fields the edit sets, and each one's value as
    the editor started from it; InvalidInput for what cannot be read."""
    base_at = _instant(intent.base_at)
    changes: dict = {}
    if intent.day is not None or intent.time is not None:
        if intent.day is None or intent.time is None:
            raise InvalidInput("Time: give both the day and the time.")
        at = read_entry_time(intent.day, intent.time, intent.zone)
        if at != base_at:
            changes["at"] = at
    if intent.kind is not None and intent.kind != intent.base_kind:
        changes["kind"] = intent.kind
    if intent.text is not None and intent.text != intent.base_text:
        changes["text"] = intent.text
    expected = {"at": base_at, "kind": intent.base_kind, "text": intent.base_text}
    return changes, {name: expected[name] for name in changes}


def read_chat_log(intent: ImportTimeline) -> ParseResult:
    """The events of a pasted log (see `parse_chat_log`); InvalidInput for an
    empty paste or one too long to preview."""
    if not intent.text.strip():
        raise InvalidInput("Paste some chat lines first.")
    result = parse_chat_log(intent.text, intent.day, intent.zone)
    if len(result.events) > PREVIEW_MAX_EVENTS:
        raise InvalidInput(f"The log has {len(result.events):,} events; paste at most "
                           f"{PREVIEW_MAX_EVENTS} at a time.")
    return result


def import_preview(result: ParseResult, live: Sequence[TimelineEvent]) -> dict:
    """What the lane shows before anything is added: each event found (those
    already on the timeline start unticked, so a log pasted twice adds
    nothing twice) and each line that could not be used, with why."""
    duplicates = already_on_timeline(result.events, live)
    return {
        "events": [{"index": index, "at": _iso(event.at), "kind": event.kind.value,
                    "kind_label": event.kind.label, "text": event.text,
                    "duplicate": duplicate, "add": not duplicate}
                   for index, (event, duplicate) in enumerate(zip(result.events, duplicates))],
        "errors": [{"line": error.line, "raw": error.raw, "reason": error.reason} for error in result.errors],
    }


def chosen_events(result: ParseResult, choices: Sequence[ImportChoice]) -> list[TimelineEvent]:
    """The previewed events still ticked, with their kinds as corrected;
    InvalidInput when the choices are not those of this log's preview."""
    if sorted(choice.index for choice in choices) != list(range(len(result.events))):
        raise InvalidInput("The pasted log changed since its preview; preview it again.")
    by_index = {choice.index: choice for choice in choices}
    chosen = [event.model_copy(update={"kind": by_index[index].kind})
              for index, event in enumerate(result.events) if by_index[index].add]
    if not chosen:
        raise InvalidInput("Tick at least one event to add.")
    return chosen


def _instant(text: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is None or at.utcoffset() is None:
        raise InvalidInput("The edit does not say which version of the event it started from.")
    return at


def field_sentence(error: ValidationError) -> str:
    """An event's validation error as one sentence naming the field."""
    return _sentence(describe_validation_error(error, limit=1, labels=FIELD_LABELS))


def _sentence(problem: object) -> str:
    text = str(problem).strip()
    return text if text.endswith((".", "?", "!")) else text + "."


# --- the view ------------------------------------------------------------------------

# The share of the axis left empty at each end, so the first and last
# markers are not cut in half by the lane's edge.
AXIS_MARGIN = 0.03
# A lane with one moment (or all at one instant) spans an hour around it.
LONE_SPAN_SECONDS = 3600


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it: every event in time order with its place
    on the axis (0 to 1) and the notes tied to it that this audience may see,
    the impact window, and each duration with the anchors it is measured from."""
    board = seen.board
    events = in_time_order(seen.events)
    charted = in_range(events)
    metrics = compute_metrics(events)
    anchors = {id(event) for metric in metrics for event in (metric.start, metric.end) if event is not None}
    place = _axis(charted)
    linked: dict[str, list] = {}
    for note in sorted(seen.notes, key=lambda n: n.number):
        if note.event_id is not None:
            linked.setdefault(note.event_id, []).append(
                {"id": note.id, "number": note.number, "text": note.text, "colour_hex": note.colour.hex})
    warnings = [warning.message for warning in out_of_order(events)]
    if outside := out_of_range(events):
        count = len(outside)
        warnings.append(f"{count} event{'s are' if count != 1 else ' is'} {OUT_OF_RANGE_WARNING}.")
    return {
        "zone": board.timezone,
        "zones": zone_options(board.timezone),
        "incident_date": day.isoformat() if (day := clamp_day(board.incident_date)) else None,
        "kinds": [{"key": kind.value, "label": kind.label} for kind in EventKind],
        "events": [
            {"id": event.id, "number": number, "at": _iso(event.at), "kind": event.kind.value,
             "kind_label": event.kind.label, "text": event.text, "approximate": event.approximate,
             "assumption": event.is_assumption, "evidence_url": event.evidence_url,
             "in_range": event.in_range, "offset": place(event) if event.in_range else None,
             "anchor": id(event) in anchors, "notes": linked.get(event.id or "", [])}
            for number, event in enumerate(events, start=1)
        ],
        "axis": None if not charted else {"start": _iso(charted[0].at), "end": _iso(charted[-1].at),
                                           "margin": AXIS_MARGIN},
        "impact": _impact(charted, place),
        "metrics": [
            {"name": metric.name, "label": metric.label, "formula": metric.formula,
             "seconds": metric.seconds, "value": describe_metric(metric),
             "start": _anchor_json(metric.start), "end": _anchor_json(metric.end)}
            for metric in metrics
        ],
        "warnings": warnings,
    }


def _axis(charted: list[TimelineEvent]):
    """A function placing an event on the axis, from 0 (left) to 1 (right)."""
    if not charted:
        return lambda event: 0.5
    first, last = charted[0].at, charted[-1].at
    span = (last - first).total_seconds()
    if span <= 0:
        return lambda event: 0.5
    width = 1 - 2 * AXIS_MARGIN
    return lambda event: round(AXIS_MARGIN + width * (event.at - first).total_seconds() / span, 5)


def _impact(charted: list[TimelineEvent], place) -> dict | None:
    """The impact window: from the impact start anchor to the impact end
    anchor, or open to the lane's end while impact has no end."""
    start, end = anchor(charted, EventKind.impact_start), anchor(charted, EventKind.impact_end)
    if start is None:
        return None
    ends = end is not None and end.at >= start.at
    return {"from": place(start), "to": place(end) if ends else 1.0, "open": not ends,
            "start_at": _iso(start.at), "end_at": _iso(end.at) if ends else None}


def _anchor_json(event: TimelineEvent | None) -> dict | None:
    if event is None:
        return None
    return {"id": event.id, "at": _iso(event.at), "kind": event.kind.value,
            "label": event.kind.label, "approximate": event.approximate}


def _iso(at: datetime) -> str:
    # Stored outside the supported dates (older data), a time is sent as stored.
    return at.isoformat().replace("+00:00", "Z")
