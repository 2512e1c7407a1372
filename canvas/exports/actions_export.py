"""Actions out of the app: a CSV for spreadsheets and trackers, an iCalendar
file whose all-day events put each due date in people's calendars."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, timedelta

from canvas.actions import FollowUp, Status
from canvas.text import visible
from canvas.dates import day_in_range

Row = tuple[str, FollowUp]  # (board title, action)

CSV_COLUMNS = (
    "board", "action_id", "title", "owner", "due_date", "type", "priority", "status",
    "status_reason", "success_signal", "review_date", "draft",
)
# A spreadsheet runs a cell that starts with one of these as a formula
# (=HYPERLINK(...) can leak data when clicked); a leading apostrophe is the
# usual defence (OWASP "CSV injection") and spreadsheets hide it.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else visible(str(value))
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def actions_csv(rows: Iterable[Row]) -> str:
    """Actions as CSV (RFC 4180, CRLF line ends) with a header row.

    Text that would start a spreadsheet formula gets a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for board_title, action in rows:
        writer.writerow([_cell(value) for value in (
            board_title, action.id, action.title, action.owner,
            action.due_date.isoformat() if action.due_date else "", action.type.value,
            action.priority.value, action.status.value, action.status_reason, action.success_signal,
            action.review_date.isoformat() if action.review_date else "",
            "yes" if action.is_draft and not action.is_parked else "no",
        )])
    return buffer.getvalue()


# --- iCalendar (RFC 5545) ---------------------------------------------------------

PRODID = "-//Postmortem Canvas//Actions//EN"
UID_DOMAIN = "postmortem-canvas"
LINE_OCTETS = 75


def escape_ics_text(text: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped,
    line breaks written as \\n; other control characters as visible symbols."""
    text = visible(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """One content line folded at 75 octets (RFC 5545 §3.1): each further
    line starts with a space; a UTF-8 character is never split."""
    parts: list[str] = []
    current, size, limit = "", 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            parts.append(current)
            # The leading space of a continuation line counts toward its 75.
            current, size, limit = " ", 1, LINE_OCTETS
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def actions_ics(rows: Iterable[Row], today: date) -> str:
    """An iCalendar file with one all-day VEVENT per action that has a due date.

    SUMMARY is the action's title; DESCRIPTION gives the owner, the success
    signal, the status and the board. The UID comes from the action's id, so
    importing the file again updates the same events instead of adding new
    ones. `today` is the DTSTAMP (the file's creation date), which keeps the
    output a pure function of its inputs. Actions marked won't do are
    CANCELLED. A due date outside the supported range (older data) is left
    out: no calendar can show it. An action's follow-up review date is its
    own all-day event ("Follow-up review: <title>", UID "<id>-review").
    """
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH"]
    for board_title, action in rows:
        lines += _review_event(board_title, action, today)
        if action.due_date is None or not day_in_range(action.due_date):
            continue
        description = [f"Owner: {action.owner or 'nobody yet'}"]
        if action.success_signal:
            description.append(f"Success signal: {action.success_signal}")
        description.append(f"Status: {action.status.label}")
        if action.status_reason:
            description.append(f"Reason: {action.status_reason}")
        description.append(f"Board: {board_title}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_ics_text(action.id)}@{UID_DOMAIN}",
            f"DTSTAMP:{_day(today)}T000000Z",
            f"DTSTART;VALUE=DATE:{_day(action.due_date)}",
            # DTEND is exclusive: a one-day event ends the next day.
            f"DTEND;VALUE=DATE:{_day(action.due_date + timedelta(days=1))}",
            f"SUMMARY:{escape_ics_text(action.title)}",
            f"DESCRIPTION:{escape_ics_text(chr(10).join(description))}",
            "TRANSP:TRANSPARENT",
            f"STATUS:{'CANCELLED' if action.status == Status.wont_do else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _review_event(board_title: str, action: FollowUp, today: date) -> list[str]:
    """The follow-up review of an action as its own all-day event (none
    without a review date, or for an action dropped as won't do)."""
    day = action.review_date
    if day is None or not day_in_range(day) or action.status == Status.wont_do:
        return []
    description = [f"Check whether this action worked. Owner: {action.owner or 'nobody yet'}"]
    if action.success_signal:
        description.append(f"Success signal: {action.success_signal}")
    description += [f"Status: {action.status.label}", f"Board: {board_title}"]
    return [
        "BEGIN:VEVENT",
        f"UID:{escape_ics_text(action.id)}-review@{UID_DOMAIN}",
        f"DTSTAMP:{_day(today)}T000000Z",
        f"DTSTART;VALUE=DATE:{_day(day)}",
        f"DTEND;VALUE=DATE:{_day(day + timedelta(days=1))}",
        f"SUMMARY:{escape_ics_text('Follow-up review: ' + action.title)}",
        f"DESCRIPTION:{escape_ics_text(chr(10).join(description))}",
        "TRANSP:TRANSPARENT",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]
