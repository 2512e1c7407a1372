"""Actions out of the app: a CSV for spreadsheets and trackers, an iCalendar
file whose all-day events put each due date in people's calendars."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from canvas.actions import FollowUp, Status
from canvas.exports.calendar import UID_DOMAIN, CalendarEvent, CalendarFile
from canvas.text import visible
from canvas.dates import day_in_range

Row = tuple[str, FollowUp]  # (board title, action)

CSV_COLUMNS = (
    "board", "action_id", "title", "owner", "due_date", "type", "priority", "status",
    "status_reason", "success_signal", "review_date", "draft", "customer_facing",
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
            "yes" if action.customer_facing else "no",
        )])
    return buffer.getvalue()


# --- iCalendar (RFC 5545) ---------------------------------------------------------

PRODID = "-//Postmortem Canvas//Actions//EN"


def action_events(board_title: str, action: FollowUp) -> list[CalendarEvent]:
    """An action's due date and its follow-up review date as all-day events.

    The export and the live feed both make them here, so one UID always says
    the same: a calendar holding both sees one event, and the store of
    SEQUENCEs sees no change between them. A date outside the supported
    range (older data) is left out: no calendar can show it.
    """
    return [event for event in (due_event(board_title, action), review_event(board_title, action))
            if event is not None]


def due_event(board_title: str, action: FollowUp) -> CalendarEvent | None:
    """The due date (None without one). Its UID is the action's id, so
    importing a file again updates the same event instead of adding one. An
    action marked won't do keeps it, CANCELLED."""
    if action.due_date is None or not day_in_range(action.due_date):
        return None
    description = [_owner(action), *_signal(action), f"Status: {action.status.label}"]
    if action.status_reason:
        description.append(f"Reason: {action.status_reason}")
    description.append(f"Board: {board_title}")
    return CalendarEvent(uid=f"{action.id}@{UID_DOMAIN}", day=action.due_date,
                         summary=f"Due: {action.title}", description="\n".join(description),
                         status="CANCELLED" if action.status == Status.wont_do else "CONFIRMED")


def review_event(board_title: str, action: FollowUp) -> CalendarEvent | None:
    """The follow-up review, UID "<id>-review" (None without a review date,
    or for an action dropped as won't do)."""
    day = action.review_date
    if day is None or not day_in_range(day) or action.status == Status.wont_do:
        return None
    description = [f"Check whether this action worked. {_owner(action)}", *_signal(action),
                   f"Status: {action.status.label}", f"Board: {board_title}"]
    return CalendarEvent(uid=f"{action.id}-review@{UID_DOMAIN}", day=day,
                         summary=f"Follow-up review: {action.title}",
                         description="\n".join(description))


def _owner(action: FollowUp) -> str:
    return f"Owner: {action.owner or 'nobody yet'}"


def _signal(action: FollowUp) -> list[str]:
    return [f"Success signal: {action.success_signal}"] if action.success_signal else []


def actions_calendar(rows: Iterable[Row]) -> CalendarFile:
    """The board's actions as a calendar file: each one's due date and
    follow-up review (see action_events). Write it with calendar.ics_text."""
    return CalendarFile(prodid=PRODID, method="PUBLISH", events=tuple(
        event for board_title, action in rows for event in action_events(board_title, action)))
