"""iCalendar files (RFC 5545), written by the `icalendar` package: the
actions' due and review dates, the live feed and the review meeting invite.

Each file is first a plain value (a CalendarFile of CalendarEvents), so that
what an event says can be compared with what was made before: a calendar
takes a changed event only when its SEQUENCE rose (RFC 5546 §2.1.4), and the
store that remembers the last content of each UID lives in storage/. This
module then writes the value with that store's Revisions and the moment of
writing.

Dates are all-day (VALUE=DATE): a due date or a review date is a day of the
board's calendar, in the board's zone, and an all-day event is that same day
wherever the reader is. Giving it a time would move it to the day before or
after for readers far from the board's zone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar

from canvas.text import visible

UID_DOMAIN = "postmortem-canvas"


@dataclass(frozen=True)
class Person:
    """Someone on an invite: a name and an address (mailto)."""

    name: str
    address: str
    chair: bool = False


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event as it will be written, without the stamps that
    change from one file to the next (DTSTAMP, SEQUENCE, LAST-MODIFIED)."""

    uid: str
    day: date
    summary: str
    description: str = ""
    status: str = "CONFIRMED"
    transparent: bool = True  # a due date does not make anyone busy
    url: str = ""
    location: str = ""
    categories: tuple[str, ...] = ()
    organizer: Person | None = None
    attendees: tuple[Person, ...] = ()
    # A meeting that comes back every so many weeks (an RRULE), or None.
    every_weeks: int | None = None

    @property
    def fingerprint(self) -> str:
        """A digest of everything the event says: equal digests, equal events."""
        content = json.dumps(asdict(self), default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(content.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CalendarFile:
    """A whole .ics file: its events and what the calendar itself says."""

    prodid: str
    method: str
    events: tuple[CalendarEvent, ...] = ()
    name: str = ""  # X-WR-CALNAME, the name a subscribed calendar shows
    refresh: timedelta | None = None  # how often a subscriber should fetch it again


@dataclass(frozen=True)
class Revision:
    """What the store knows of a UID: its SEQUENCE and when its content last changed."""

    sequence: int
    changed_at: datetime


def ics_text(calendar: CalendarFile, revisions: Mapping[str, Revision], now: datetime) -> str:
    """The file as iCalendar text (CRLF lines folded at 75 octets).

    DTSTAMP is `now`, the moment the file is made, as RFC 5545 asks of a file
    with a METHOD; SEQUENCE and LAST-MODIFIED come from `revisions` (an event
    the store has not seen is SEQUENCE 0, with no LAST-MODIFIED)."""
    document = icalendar.Calendar()
    document.add("prodid", calendar.prodid)
    document.add("version", "2.0")
    document.add("calscale", "GREGORIAN")
    document.add("method", calendar.method)
    if calendar.name:
        document.add("x-wr-calname", _text(calendar.name))
    if calendar.refresh is not None:
        # RFC 7986 §5.7; X-PUBLISHED-TTL is the older name some calendars still read.
        document.add("refresh-interval", calendar.refresh, parameters={"VALUE": "DURATION"})
        document.add("x-published-ttl", icalendar.vDuration(calendar.refresh).to_ical().decode())
    stamp = _utc(now)
    for event in calendar.events:
        document.add_component(_event(event, revisions.get(event.uid), stamp))
    return document.to_ical().decode("utf-8")


def _event(event: CalendarEvent, revision: Revision | None, stamp: datetime) -> icalendar.Event:
    written = icalendar.Event()
    written.add("uid", event.uid)
    written.add("dtstamp", stamp)
    written.add("sequence", revision.sequence if revision else 0)
    if revision is not None:
        written.add("last-modified", _utc(revision.changed_at))
    written.add("dtstart", event.day)
    # DTEND is exclusive: a one-day event ends on the next day.
    written.add("dtend", event.day + timedelta(days=1))
    if event.every_weeks is not None:
        # RFC 5545 §3.8.5.3; no COUNT or UNTIL: the review runs until the
        # team cancels it in its calendar.
        written.add("rrule", {"freq": "WEEKLY", "interval": event.every_weeks})
    written.add("summary", _text(event.summary))
    if event.description:
        written.add("description", _text(event.description))
    if event.location:
        written.add("location", _text(event.location))
    if event.url:
        written.add("url", event.url)
    if event.categories:
        written.add("categories", [_text(category) for category in event.categories])
    if event.organizer is not None:
        written.add("organizer", _address(event.organizer))
    for person in event.attendees:
        attendee = _address(person)
        attendee.params["ROLE"] = "CHAIR" if person.chair else "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        written.add("attendee", attendee)
    written.add("transp", "TRANSPARENT" if event.transparent else "OPAQUE")
    written.add("status", event.status)
    return written


def _address(person: Person) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.address}")
    # The library quotes the name, and writes a double quote in it as ^' (RFC 6868).
    address.params["CN"] = _text(person.name)
    return address


def _text(value: str) -> str:
    # Control characters from older data become visible symbols: a calendar
    # program may show them raw, or a terminal may run them.
    return visible(value)


def _utc(moment: datetime) -> datetime:
    # Whole seconds in UTC: the form every calendar reads ("...T101112Z").
    return moment.astimezone(UTC).replace(microsecond=0)
