"""The review meeting as an iCalendar invite (RFC 5545), for people's calendars.

One all-day event on the board's review meeting date (not the follow-up
review date, which is when the team checks that the actions worked) carrying the board link, the
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
from urllib.parse import urlencode

from canvas.errors import ImpactReviewNotProposed, InviteNeedsReviewDate
from canvas.dates import day_in_range
from canvas.exports.calendar import UID_DOMAIN, CalendarEvent, CalendarFile, Person
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


def review_invite(snapshot: BoardSnapshot, base_url: str) -> CalendarFile:
    """The invite as a calendar file with one event (write it with
    calendar.ics_text). Its UID is the board's, so sending the invite again
    updates the same meeting. Raises InviteNeedsReviewDate when the board has
    no review date, or one outside the supported dates."""
    board = snapshot.board
    if board.review_date is None:
        raise InviteNeedsReviewDate()
    if not day_in_range(board.review_date):
        # Older data: no calendar can hold such a day.
        raise InviteNeedsReviewDate(board.review_date.isoformat())
    link = board_link(base_url, board.id)
    people = invitees_of(board)
    description = _described(f"{board.review_type.label} review: {board.title}", link,
                             [step.title for step in snapshot.template.steps], people)
    if board.tracker_url:
        description += ["", f"Tracker issue: {board.tracker_url}"]
    invited = tuple(Person(name=invitee.name, address=invitee.address,
                           chair="facilitator" in invitee.roles)
                    for invitee in people if invitee.address)
    # The review date is a day without a time, so the meeting is an all-day
    # event on that day of the board's calendar.
    event = CalendarEvent(
        uid=f"review-{board.id}@{UID_DOMAIN}", day=board.review_date,
        summary=f"Postmortem review: {board.title}", description="\n".join(description),
        location=link, url=link, categories=tuple(board.labels), transparent=False,
        organizer=next((person for person in invited if person.chair), None), attendees=invited)
    return CalendarFile(prodid=PRODID, method="REQUEST", events=(event,))


IMPACT_REVIEW_AGENDA = (
    "Impact across the period's boards: incidents, minutes of customer impact, "
    "time to detect and time to resolve",
    "What the boards learned, and the decisions taken on it",
    "Actions done against actions due; what is overdue and why",
    "What to tell whom (each board's dissemination plan)",
)


def impact_review_invite(snapshot: BoardSnapshot, base_url: str) -> CalendarFile:
    """The recurring Impact & Learnings review the board proposes, as a
    calendar file with one event that repeats weekly or fortnightly (an
    RRULE) from its first day. Raises ImpactReviewNotProposed when the board
    proposes none. Its UID is the board's, apart from the review meeting's."""
    board = snapshot.board
    if board.impact_review is None or board.impact_review_start is None:
        raise ImpactReviewNotProposed()
    if not day_in_range(board.impact_review_start):
        raise ImpactReviewNotProposed()
    link = board_link(base_url, board.id)
    people = invitees_of(board)
    description = _described(
        f"{board.impact_review.label}: Impact & Learnings review, proposed by {board.title}", link,
        IMPACT_REVIEW_AGENDA, people)
    invited = tuple(Person(name=invitee.name, address=invitee.address,
                           chair="facilitator" in invitee.roles)
                    for invitee in people if invitee.address)
    event = CalendarEvent(
        uid=f"impact-review-{board.id}@{UID_DOMAIN}", day=board.impact_review_start,
        summary="Impact & Learnings review", description="\n".join(description),
        location=link, url=link, categories=tuple(board.labels), transparent=False,
        organizer=next((person for person in invited if person.chair), None), attendees=invited,
        every_weeks=board.impact_review.weeks)
    return CalendarFile(prodid=PRODID, method="REQUEST", events=(event,))


def _described(heading: str, link: str, agenda, people: list[Invitee]) -> list[str]:
    """An invite's description, line by line: what it is, the board, the
    agenda, the ground rules and who is invited."""
    return [
        heading,
        f"Board: {link}",
        "",
        "Agenda:",
        *(f"{index}. {item}" for index, item in enumerate(agenda, start=1)),
        "",
        "Ground rules:",
        *(f"- {rule}" for rule in GROUND_RULES),
        "",
        "Invitees:",
        *([f"- {invitee.described}" for invitee in people] or ["- nobody named yet"]),
    ]
