"""The live calendar: an iCalendar feed of due dates and follow-up review
dates that calendar apps subscribe to and refresh."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from canvas.actions import FollowUp, Status
from canvas.exports.actions_export import UID_DOMAIN, escape_ics_text, fold_line
from canvas.dates import day_in_range

PRODID = "-//Postmortem Canvas//Follow-through//EN"
FEED_PATH = "/api/calendar/{token}.ics"  # served by the app's own server
REFRESH = "PT1H"  # how often a subscribed calendar should fetch the feed again

FeedRow = tuple[str, FollowUp]  # (board title, action)


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def calendar_feed(rows: Iterable[FeedRow], name: str, now: datetime, board_url: str = "") -> str:
    """An iCalendar (RFC 5545) feed named `name`: one all-day event per due
    date and one per follow-up review date. UIDs come from the action's id
    and the kind of date, so a calendar moves an event when its date changes
    instead of adding another. Actions dropped (won't do) or parked are left
    out; done ones keep their review. `now` is every DTSTAMP."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_ics_text(name)}",
             f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}", f"X-PUBLISHED-TTL:{REFRESH}"]
    for board_title, action in rows:
        if action.status in (Status.wont_do, Status.parked):
            continue
        dates = []
        if action.due_date and action.status != Status.done:
            dates.append(("due", action.due_date, f"Due: {action.title}"))
        if action.review_date:
            dates.append(("review", action.review_date, f"Review: {action.title}"))
        for kind, day, summary in dates:
            if not day_in_range(day):
                continue
            description = [f"Owner: {action.owner or 'nobody yet'}", f"Status: {action.status.label}"]
            if action.success_signal:
                description.append(f"Success signal: {action.success_signal}")
            description.append(f"Board: {board_title}")
            if board_url:
                description.append(board_url.format(board_id=action.board_id))
            lines += [
                "BEGIN:VEVENT",
                f"UID:{escape_ics_text(action.id)}-{kind}@{UID_DOMAIN}",
                f"DTSTAMP:{stamp}",
                f"DTSTART;VALUE=DATE:{_day(day)}",
                f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}",
                f"SUMMARY:{escape_ics_text(summary)}",
                f"DESCRIPTION:{escape_ics_text(chr(10).join(description))}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
