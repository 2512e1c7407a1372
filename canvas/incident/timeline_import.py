"""Previewing an import before anything is written: the rows a person checks,
which events are already on the timeline, and what they chose to add.

Pure: the page turns `preview_rows` (or `export_preview`, for a chat or pager
export) into an editable table and hands back the
table's edits (Streamlit's `{"edited_rows": {row: {column: value}}}`);
`chosen_events` turns those into the events to store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from canvas.errors import TimelineFileRefused, decode_text
from canvas.incident.exports import ExportRead, read_export
from canvas.incident.timeline import (
    EventKind,
    IncidentFileInvalid,
    ParseResult,
    TimelineEvent,
    format_at,
    parse_chat_log,
    parse_csv,
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

# What a person decides by (the kind and what the message looks like) comes
# before the words, so it shows without a sideways scroll on a 1024-pixel screen;
# the long text and the link follow.
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


def timeline_files(
    files: Mapping[str, bytes], live: Iterable[TimelineEvent], *, zone: str, day: date,
    hide_names: bool, slack_workspace: str | None = None, slack_channel: str | None = None,
    link: str | None = None,
) -> tuple[str, ParseResult, list[dict]]:
    """(source, events, preview rows) of the files the command line was given:
    one chat log (.txt, .log), CSV or incident file (.json with "events"), or a
    chat or pager export (see `read_export`). Times without a zone are read in
    `zone`, chat lines without a date on `day`. Unlike the page, which lists
    unreadable lines beside the preview, a file with any unreadable line is
    refused (TimelineFileRefused) naming its first one."""
    if len(files) == 1:
        [(name, data)] = files.items()
        suffix = name.lower().rsplit(".", 1)[-1]
        if suffix in ("txt", "log", "csv") or suffix == "json" and _is_incident_file(data):
            text = decode_upload(name, data)
            if suffix == "json":
                return f"incident file {name}", incident_file_events(name, text), []
            result = parse_csv(text, zone) if suffix == "csv" else parse_chat_log(text, day, zone)
            if result.errors:
                first = result.errors[0]
                raise TimelineFileRefused(f"{name} line {first.line}: {first.reason}. Nothing was imported.")
            return (f"{'CSV' if suffix == 'csv' else 'chat log'} {name}", result, [])
    export = read_export(files, hide_names=hide_names, slack_workspace=slack_workspace,
                         slack_channel=slack_channel, link=link)
    result, rows = export_preview(export, live, zone)
    return export.source, result, rows


def _is_incident_file(data: bytes) -> bool:
    # Only a peek: the incident reader names the problems of a malformed one.
    return re.search(rb'"events"\s*:', data[:200_000]) is not None and b'"log_entries"' not in data[:200_000]


def rows_to_add(result: ParseResult, rows: list[dict], live: Iterable[TimelineEvent],
                everything: bool) -> list[TimelineEvent]:
    """What the command line adds: the events an export's preview ticks (or,
    with `everything`, every event not yet on the timeline); for a chat log,
    CSV or incident file, every event not yet on the timeline."""
    if not rows or everything:
        duplicates = already_on_timeline(result.events, live)
        return [event for event, duplicate in zip(result.events, duplicates) if not duplicate]
    return chosen_events(result, rows, None)
