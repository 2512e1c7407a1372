"""The review meeting as an iCalendar invite (RFC 5545), for people's calendars.

One all-day event on the board's review date carrying the board link, the
agenda (the template's steps, in order), the ground rules and everyone
invited with their roles. People come from the Summary: each named role
(facilitator, scribe, decision owner, customer-facing, support) and each
line of the invitee list ("Name" or "Name <address>"); a name in both is one
person with their roles and address. Only people with an address become
ATTENDEEs (a calendar needs somewhere to send it); everyone is listed in the
description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from canvas.errors import InviteNeedsReviewDate
from canvas.dates import day_in_range
from canvas.exports.actions_export import UID_DOMAIN, escape_ics_text, fold_line
from canvas.models import GROUND_RULES, Board
from canvas.snapshot import BoardSnapshot

PRODID = "-//Postmortem Canvas//Review invite//EN"
DEFAULT_BASE_URL = "http://localhost:8501"
NO_ROLE = "participant"
# Plain addresses only: a ";" or ":" in one would end the calendar line's value early.
_ADDRESS = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_WITH_ADDRESS = re.compile(rf"(?P<name>[^<>]*?)\s*<\s*(?P<address>{_ADDRESS})\s*>\s*\Z")
_BARE_ADDRESS = re.compile(rf"{_ADDRESS}\Z")


@dataclass
class Invitee:
    """One person asked to the review: their name, address ("" if unknown) and roles."""

    name: str
    address: str = ""
    roles: list[str] = field(default_factory=list)

    @property
    def described(self) -> str:
        """"Kim (support, scribe)"; someone without a role is a participant."""
        return f"{self.name} ({', '.join(self.roles or [NO_ROLE])})"


def invitees_of(board: Board) -> list[Invitee]:
    """Everyone invited, role holders first, each person once (names compared
    without regard to case)."""
    people: dict[str, Invitee] = {}

    def person(name: str) -> Invitee:
        return people.setdefault(name.casefold(), Invitee(name=name))

    for role, name in board.roles.named():
        person(name).roles.append(role)
    for line in board.invitees.splitlines():
        line = line.strip().lstrip("-•*").strip()
        if not line:
            continue
        if match := _WITH_ADDRESS.match(line):
            name, address = match["name"].strip() or match["address"], match["address"]
        elif _BARE_ADDRESS.match(line):
            name, address = line, line
        else:
            name, address = line, ""
        invitee = person(name)
        invitee.address = invitee.address or address
    return list(people.values())


def board_link(base_url: str, board_id: str) -> str:
    """The board's share link under `base_url` (no facilitator key in it)."""
    return f"{base_url.rstrip('/')}/?{urlencode({'board': board_id})}"


def review_invite(snapshot: BoardSnapshot, base_url: str, stamp: datetime) -> str:
    """The invite as iCalendar text. `stamp` is the DTSTAMP (when the invite
    was made), passed in so the output is a pure function of its inputs.
    Raises InviteNeedsReviewDate when the board has no review date, or one
    outside the supported dates."""
    board = snapshot.board
    if board.review_date is None:
        raise InviteNeedsReviewDate()
    if not day_in_range(board.review_date):
        # Older data: no calendar can hold such a day.
        raise InviteNeedsReviewDate(board.review_date.isoformat())
    link = board_link(base_url, board.id)
    people = invitees_of(board)
    description = [
        f"{board.review_type.label} review: {board.title}",
        f"Board: {link}",
        "",
        "Agenda:",
        *(f"{index}. {step.title}" for index, step in enumerate(snapshot.template.steps, start=1)),
        "",
        "Ground rules:",
        *(f"- {rule}" for rule in GROUND_RULES),
        "",
        "Invitees:",
        *([f"- {invitee.described}" for invitee in people] or ["- nobody named yet"]),
    ]
    if board.tracker_url:
        description += ["", f"Tracker issue: {board.tracker_url}"]
    day = board.review_date
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
        "BEGIN:VEVENT",
        # One UID per board: sending the invite again updates the same meeting.
        f"UID:review-{escape_ics_text(board.id)}@{UID_DOMAIN}",
        f"DTSTAMP:{stamp.astimezone(UTC):%Y%m%dT%H%M%SZ}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{escape_ics_text(f'Postmortem review: {board.title}')}",
        f"LOCATION:{escape_ics_text(link)}",
        f"URL:{link}",
        f"DESCRIPTION:{escape_ics_text(chr(10).join(description))}",
    ]
    if board.labels:
        lines.append("CATEGORIES:" + ",".join(escape_ics_text(label) for label in board.labels))
    chair = next((invitee for invitee in people if "facilitator" in invitee.roles
                  and invitee.address), None)
    if chair is not None:
        lines.append(f"ORGANIZER;CN={_param(chair.name)}:mailto:{chair.address}")
    for invitee in people:
        if not invitee.address:
            continue
        role = "CHAIR" if "facilitator" in invitee.roles else "REQ-PARTICIPANT"
        lines.append(f"ATTENDEE;CN={_param(invitee.name)};ROLE={role};PARTSTAT=NEEDS-ACTION;"
                     f"RSVP=TRUE:mailto:{invitee.address}")
    lines += ["STATUS:CONFIRMED", "END:VEVENT", "END:VCALENDAR"]
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _param(value: str) -> str:
    # A parameter value is quoted and may hold no double quote (RFC 5545 §3.1).
    return '"' + re.sub(r'["\x00-\x1f]', "'", value) + '"'
