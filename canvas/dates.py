"""The dates and times a board supports, and what "today" is for a board.

Supported: from 1970-01-01 to 2200-12-31 (times: from 1970-01-01 00:00 UTC up
to the end of 2200-12-31 UTC). Python's own calendar ends at the years 1 and
9999, and a time at its edge cannot be moved into another zone, padded on a
chart or followed by "the next day" without an OverflowError; a margin of a
century and more on either side keeps every zone, chart and calendar export
of a supported time well inside it. No real incident lies outside the range.

Every entry (forms, chat logs, CSV, incident files, backups, action dates)
checks it and refuses with `canvas.errors.TimeOutOfRange`; a value already stored outside
it (older data) is still read, shown with a warning and left out of charts
and durations, so one row never breaks a board.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from typing import Annotated

from pydantic import AwareDatetime

from canvas.errors import TimeOutOfRange, UnknownZone
from canvas.validation import entry_rule

EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2200, 12, 31)
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
# Exclusive: every instant of 2200-12-31 (UTC) is supported.
END_OF_RANGE = datetime(2201, 1, 1, tzinfo=UTC)
SUPPORTED = f"{EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"


def out_of_range_error(value: date | datetime) -> TimeOutOfRange:
    """The refusal of `value`: "9999-12-31 is outside the supported dates (...)"."""
    shown = plain_time(value) if isinstance(value, datetime) else value.isoformat()
    return TimeOutOfRange(f"{shown} is outside the supported dates ({SUPPORTED})")


def day_in_range(day: date) -> bool:
    """Whether a calendar day is supported."""
    if isinstance(day, datetime):
        return time_in_range(day)
    return EARLIEST_DAY <= day <= LATEST_DAY


def time_in_range(at: datetime) -> bool:
    """Whether an instant is supported (a time without a zone is read as UTC).

    Comparing aware datetimes never overflows, even at year 1 or 9999, which
    converting them to UTC first could.
    """
    if at.utcoffset() is None:
        at = at.replace(tzinfo=UTC)
    return EARLIEST_TIME <= at < END_OF_RANGE


def check_day(day: date) -> date:
    """`day` itself, or TimeOutOfRange."""
    if not day_in_range(day):
        raise out_of_range_error(day)
    return day


def check_time(at: datetime) -> datetime:
    """`at` itself, or TimeOutOfRange."""
    if not time_in_range(at):
        raise out_of_range_error(at)
    return at


def _optional_day(day: date | None) -> date | None:
    return None if day is None else check_day(day)


# A moment written in a file that makes a board (a backup's creation times).
SupportedInstant = Annotated[AwareDatetime, entry_rule(check_time)]
# A date a person enters (incident, review, due and follow-up dates).
OptionalDate = Annotated[date | None, entry_rule(_optional_day)]


def plain_time(at: datetime) -> str:
    """An instant as written, "0001-01-01 00:00 UTC", with no conversion into
    another zone (which could overflow at the calendar's edges)."""
    text = at.isoformat(sep=" ", timespec="seconds" if at.second else "minutes")
    return text.replace("+00:00", " UTC")


def today_in(zone: str, now: datetime | None = None) -> date:
    """The calendar day in `zone` (an IANA name) at `now`, the clock by default.

    The one "today" of a board, in the board's zone: what is overdue and the
    date a new board or an undated chat log starts from, on every page and on
    the command line alike.
    """
    return (now or datetime.now(UTC)).astimezone(resolve_zone(zone)).date()


def clamp_day(day: date | None) -> date | None:
    """A stored date a date picker can show: None when it is outside the range,
    so the picker opens empty and the person picks a supported date."""
    return day if day is None or day_in_range(day) else None


def resolve_zone(name: str) -> ZoneInfo:
    """The IANA zone called `name`; raises UnknownZone."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UnknownZone(name) from None
