"""Reading an .ics back as calendar programs do: with the `icalendar` parser
and with `ical`, an independent and strict one (its own grammar and models),
so a file only one of them accepts, or that they read differently, fails."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import icalendar
from ical.calendar_stream import IcsCalendarStream


@dataclass(frozen=True)
class ReadEvent:
    """One VEVENT as both parsers agree it says."""

    uid: str
    start: date
    end: date
    stamp: datetime
    sequence: int
    summary: str
    description: str
    status: str
    last_modified: datetime | None
    component: icalendar.Event  # for what only one test looks at


@dataclass(frozen=True)
class ReadCalendar:
    method: str
    name: str
    events: list[ReadEvent]

    def by_uid(self) -> dict[str, ReadEvent]:
        return {event.uid: event for event in self.events}


def read_back(text: str | bytes) -> ReadCalendar:
    """The calendar in `text`, read by both parsers; fails where they differ
    or where the lines break RFC 5545 §3.1 (CRLF, at most 75 octets)."""
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    assert raw.endswith(b"\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    first = icalendar.Calendar.from_ical(raw)
    second = IcsCalendarStream.calendar_from_ics(raw.decode("utf-8"))
    events = []
    for ours, theirs in zip(first.walk("VEVENT"), second.events, strict=True):
        modified = ours.get("LAST-MODIFIED")
        event = ReadEvent(
            uid=str(ours["UID"]), start=ours.decoded("DTSTART"), end=ours.decoded("DTEND"),
            stamp=ours.decoded("DTSTAMP"), sequence=int(ours.get("SEQUENCE", 0)),
            summary=str(ours["SUMMARY"]), description=str(ours.get("DESCRIPTION", "")),
            status=str(ours.get("STATUS", "")),
            last_modified=modified.dt if modified is not None else None, component=ours)
        assert (theirs.uid, theirs.dtstart, theirs.dtend, theirs.dtstamp) == (
            event.uid, event.start, event.end, event.stamp), event.uid
        assert (theirs.sequence or 0, theirs.summary, theirs.description or "") == (
            event.sequence, event.summary, event.description), event.uid
        assert theirs.last_modified == event.last_modified, event.uid
        # An all-day event is a DATE, never a time that a reader's zone could move.
        assert type(event.start) is date and type(event.end) is date, event.uid
        events.append(event)
    assert str(first["METHOD"]) == second.method
    return ReadCalendar(method=second.method, name=str(first.get("X-WR-CALNAME", "")),
                        events=events)


def raw_lines(text: str) -> list[str]:
    """The content lines, unfolded (RFC 5545 §3.1)."""
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]
