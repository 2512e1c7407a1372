"""Previewing an import before anything is written: the rows a person checks,
which events are already on the timeline, and what they chose to add.

Pure: the page turns `preview_rows` (or `export_preview`, for a chat or pager
export) into an editable table and hands back the
table's edits (Streamlit's `{"edited_rows": {row: {column: value}}}`);
`chosen_events` turns those into the events to store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from canvas.errors import decode_text
from canvas.incident.exports import ExportRead
from canvas.incident.timeline import (
    EventKind,
    IncidentFileInvalid,
    ParseResult,
    TimelineEvent,
    format_at,
    parse_incident_file,
)

PREVIEW_COLUMNS = ("Add", "Time", "Kind", "What happened", "Approximate", "Evidence link", "Note")
# The columns a person may change in the preview; the others come from the source.
EDITABLE_COLUMNS = ("Add", "Kind", "Approximate")
ALREADY_ON_TIMELINE = "already on the timeline"
KIND_BY_LABEL = {kind.label: kind for kind in EventKind}


def _identity(event: TimelineEvent) -> tuple:
    # The same instant and the same words: what importing one file twice gives.
    # The kind is left out because a person may have corrected it since.
    return event.at, event.text


def already_on_timeline(candidates: Iterable[TimelineEvent], live: Iterable[TimelineEvent]) -> list[bool]:
    """For each candidate, whether the timeline already has an event at the
    same instant with the same text."""
    existing = {_identity(event) for event in live}
    return [_identity(event) in existing for event in candidates]


def preview_rows(result: ParseResult, live: Iterable[TimelineEvent], zone: str) -> list[dict]:
    """One row per event found, with `PREVIEW_COLUMNS`; events already on the
    timeline start unticked, so importing the same file twice does not double
    the timeline."""
    duplicates = already_on_timeline(result.events, live)
    return [
        {"Add": not duplicate,
         "Time": format_at(event.at, zone),
         "Kind": event.kind.label,
         "What happened": event.text,
         "Approximate": event.approximate,
         "Evidence link": event.evidence_url or "",
         "Note": ALREADY_ON_TIMELINE if duplicate else ""}
        for event, duplicate in zip(result.events, duplicates)
    ]


def chosen_events(
    result: ParseResult, rows: Sequence[Mapping], edits: Mapping | None
) -> list[TimelineEvent]:
    """The previewed events still ticked, with the kind and approximate flag
    as the person corrected them in the table (`edits["edited_rows"]`, keyed
    by row number as int or str). An unknown kind label keeps the parsed kind."""
    changed = {int(row): change for row, change in ((edits or {}).get("edited_rows") or {}).items()}
    chosen = []
    for index, event in enumerate(result.events):
        row = {**rows[index], **changed.get(index, {})}
        if row["Add"]:
            chosen.append(event.model_copy(update={
                "kind": KIND_BY_LABEL.get(row["Kind"], event.kind),
                "approximate": bool(row["Approximate"]),
            }))
    return chosen


def decode_upload(name: str, data: bytes) -> str:
    """The text of an uploaded file; raises NotText (a ValueError) for one that
    is not UTF-8 text. A byte-order mark (spreadsheets write one) is dropped."""
    return decode_text(name, data)


def incident_file_events(name: str, text: str) -> ParseResult:
    """Only the events of an incident file (a board's title and summary are
    not the timeline's to change); raises IncidentFileInvalid naming the file and the
    place of the problem."""
    try:
        incident = parse_incident_file(text)
    except IncidentFileInvalid as problem:
        raise IncidentFileInvalid(
            f"{name} is not a usable incident file: {problem}. Nothing was imported.") from None
    return ParseResult(events=incident.events)


# --- chat and pager exports ------------------------------------------------------

EXPORT_PREVIEW_COLUMNS = ("Add", "Time", "Kind", "Looks like", "What happened", "Evidence link", "Note")


def export_preview(read: ExportRead, live: Iterable[TimelineEvent], zone: str) -> tuple[ParseResult, list[dict]]:
    """The events an export offers and one preview row for each, with
    `EXPORT_PREVIEW_COLUMNS`. A message starts ticked when it looks like
    detection, diagnosis, repair or communication and is not on the timeline
    yet; the person ticks or unticks the rest. "What happened" is the text the
    event will have (the speaker, as a name or a role, then the words)."""
    result = ParseResult(events=[candidate.event for candidate in read.candidates])
    duplicates = already_on_timeline(result.events, live)
    rows = []
    for candidate, event, duplicate in zip(read.candidates, result.events, duplicates):
        remarks = [ALREADY_ON_TIMELINE] if duplicate else []
        remarks += [*candidate.remarks, candidate.place]
        rows.append({
            "Add": candidate.stage is not None and not duplicate,
            "Time": format_at(event.at, zone),
            "Kind": event.kind.label,
            "Looks like": candidate.stage.label if candidate.stage else "",
            "What happened": event.text,
            # Not shown: chat and pager times are exact; `chosen_events` reads it.
            "Approximate": False,
            "Evidence link": event.evidence_url or "",
            "Note": " · ".join(remarks),
        })
    return result, rows
