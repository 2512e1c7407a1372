"""The incident timeline: events, the durations derived from them, and importers.

Everything here is pure: no clock, no I/O. Times are kept in UTC; zones matter
only at the edges, when a local time is read in (`parse_csv`,
`parse_chat_log`) or shown (`format_at`). Because a duration is the difference
of two stored instants, it never ticks and is always real elapsed time, even
across a daylight-saving change.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from canvas.errors import IncidentFileInvalid, describe_validation_error
from canvas.json_text import load_json
from canvas.text import WEB_ADDRESS, OptionalText, RequiredLine, RequiredText, check_visible
from canvas.dates import (
    SUPPORTED, check_day, check_time, plain_time, resolve_zone, time_in_range,
)
from canvas.validation import is_stored

TEXT_MAX_CHARS = 500
EventText = RequiredText("text", TEXT_MAX_CHARS, empty="text is empty; say what happened")


# --- events -----------------------------------------------------------------


class EventKind(StrEnum):
    """What a moment on the timeline marks."""

    trigger = "trigger"
    impact_start = "impact_start"
    detected = "detected"
    acknowledged = "acknowledged"
    escalated = "escalated"
    communication = "communication"
    action = "action"
    mitigated = "mitigated"
    resolved = "resolved"
    impact_end = "impact_end"
    other = "other"

    @property
    def label(self) -> str:
        """Human label: "Impact start", "Detected", ..."""
        return self.value.replace("_", " ").capitalize()


VALID_KINDS = ", ".join(EventKind)


def parse_kind(value: str | EventKind) -> EventKind:
    """The kind a person wrote: "impact_start", "Impact start" and "impact-start"
    are the same kind. Raises ValueError listing the valid kinds."""
    if isinstance(value, EventKind):
        return value
    key = re.sub(r"[\s\-]+", "_", str(value).strip().lower())
    try:
        return EventKind(key)
    except ValueError:
        raise ValueError(f"unknown kind {value!r}; use one of: {VALID_KINDS}") from None


ZONE_REQUIRED = "not an ISO-8601 time with a zone, e.g. 2019-07-02T13:42:00Z or 2019-07-02T15:42:00+02:00"


class TimelineEvent(BaseModel):
    """One moment of an incident. `at` is always stored in UTC."""

    id: str | None = None
    at: datetime
    kind: EventKind = EventKind.other
    text: EventText
    evidence_url: str | None = None
    # The source gave the time as "about" or "±"; durations from it say so.
    approximate: bool = False
    # A belief about what happened, still to be verified, not an established fact.
    is_assumption: bool = False

    @field_validator("at", mode="before")
    @classmethod
    def _read_iso_text(cls, value: Any) -> Any:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.strip())
            except ValueError:
                pass
        # Refuse numbers too: a bare epoch has no visible zone and is a typo
        # more often than a timestamp in a hand-written file.
        raise ValueError(ZONE_REQUIRED)

    @field_validator("at")
    @classmethod
    def _in_utc(cls, value: datetime, info: ValidationInfo) -> datetime:
        # A naive time could be any of 24+ instants; guessing would silently
        # shift every duration that uses it.
        if value.utcoffset() is None:
            raise ValueError(f"time has no zone (naive): {ZONE_REQUIRED}")
        if not is_stored(info):
            check_time(value)
        elif not time_in_range(value):
            # Older data at the calendar's edge: kept as stored, since moving
            # it into UTC could overflow.
            return value
        return value.astimezone(timezone.utc)

    @property
    def in_range(self) -> bool:
        """Whether the time is supported; an event stored outside the range
        (older data) is listed with a warning, never charted or measured."""
        return time_in_range(self.at)

    @field_validator("kind", mode="before")
    @classmethod
    def _known_kind(cls, value: Any) -> Any:
        return parse_kind(value) if isinstance(value, str) else value

    @field_validator("evidence_url")
    @classmethod
    def _web_link(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        check_visible(value.strip())
        # Only web links: a javascript: or file: link rendered in the app
        # would be a way to attack whoever clicks it.
        if not WEB_ADDRESS.match(value.strip()):
            raise ValueError("evidence link must be a web address starting with http:// or https://")
        return value.strip()


def in_time_order(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Events sorted by time; events with the same time keep their entry order."""
    return sorted(events, key=lambda event: event.at)


def anchor(events: Iterable[TimelineEvent], kind: EventKind) -> TimelineEvent | None:
    """The earliest event of `kind` (on a tie, the one entered first), or None.
    An event outside the supported range anchors nothing."""
    # min() keeps the first of equal keys, which gives the entry-order tie-break.
    return min((event for event in events if event.kind == kind and event.in_range),
               key=lambda event: event.at, default=None)


def in_range(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """The events whose time is supported: what charts and durations use."""
    return [event for event in events if event.in_range]


def out_of_range(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Events stored outside the supported range (older data), to be fixed."""
    return [event for event in events if not event.in_range]


OUT_OF_RANGE = f"outside the supported dates, {SUPPORTED}"
OUT_OF_RANGE_WARNING = f"{OUT_OF_RANGE}: left out of the chart and the durations; edit or delete it"


# --- durations ----------------------------------------------------------------


@dataclass(frozen=True)
class MetricDefinition:
    """A derived duration: the end anchor's time minus the start anchor's time."""

    name: str
    label: str
    end: EventKind
    start: EventKind

    @property
    def formula(self) -> str:
        """E.g. "detected − impact start"."""
        return f"{self.end.label.lower()} − {self.start.label.lower()}"


# As in shared/incidents/README.md: name, label, end anchor, start anchor.
METRICS: tuple[MetricDefinition, ...] = (
    MetricDefinition("time_to_detect", "Time to detect", EventKind.detected, EventKind.impact_start),
    MetricDefinition("time_to_acknowledge", "Time to acknowledge", EventKind.acknowledged, EventKind.detected),
    MetricDefinition("time_to_mitigate", "Time to mitigate", EventKind.mitigated, EventKind.impact_start),
    MetricDefinition("time_to_resolve", "Time to resolve", EventKind.resolved, EventKind.impact_start),
    MetricDefinition("impact_duration", "Impact duration", EventKind.impact_end, EventKind.impact_start),
)


class Metric(BaseModel):
    """One duration computed from a timeline.

    `seconds` is None when an anchor is missing (`missing` names it) and may be
    negative: an alert can fire before the impact it predicts.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    formula: str
    seconds: int | None
    start: TimelineEvent | None
    end: TimelineEvent | None
    missing: list[EventKind]
    # Missing kinds whose only events lie outside the supported dates.
    unusable: list[EventKind] = []

    @property
    def approximate(self) -> bool:
        """True when either anchor's time is only approximate."""
        return any(event is not None and event.approximate for event in (self.start, self.end))


def compute_metric(definition: MetricDefinition, events: Sequence[TimelineEvent]) -> Metric:
    """One duration from its two anchors (see `anchor`)."""
    start, end = anchor(events, definition.start), anchor(events, definition.end)
    missing = [kind for kind, event in ((definition.end, end), (definition.start, start)) if event is None]
    seconds = None if missing else _whole_seconds(end.at - start.at)
    present = {event.kind for event in events}
    return Metric(
        name=definition.name,
        label=definition.label,
        formula=definition.formula,
        seconds=seconds,
        start=start,
        end=end,
        missing=missing,
        unusable=[kind for kind in missing if kind in present],
    )


def compute_metrics(events: Iterable[TimelineEvent]) -> list[Metric]:
    """Every duration of `METRICS`, in that order."""
    events = list(events)
    return [compute_metric(definition, events) for definition in METRICS]


def metrics_as_seconds(events: Iterable[TimelineEvent]) -> dict[str, int | None]:
    """Durations by name in whole seconds (None when an anchor is missing), for export."""
    return {metric.name: metric.seconds for metric in compute_metrics(events)}


def _whole_seconds(delta: timedelta) -> int:
    # Truncate toward zero so +59.9 s and -59.9 s both stay under a minute.
    return int(delta.total_seconds())


def format_duration(seconds: int) -> str:
    """A duration as people read it in a postmortem.

    0 -> "0 min"; under a minute -> "45 s"; under an hour -> "27 min"; under
    48 hours -> "1 h 07 min", "24 h 11 min" (minutes padded like a clock,
    dropped when zero: "2 h"); from 48 hours -> "2 d 3 h". Smaller units are
    truncated, never rounded up, so "27 min" means at least 27 and under 28.
    Hours run to 48 because "24 h 11 min" is how a day-long outage is usually
    quoted. Negative durations get a leading "−".
    """
    if seconds < 0:
        return "−" + format_duration(-seconds)
    if seconds == 0:
        return "0 min"
    if seconds < 60:
        return f"{seconds} s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours == 0:
        return f"{minutes} min"
    if hours < 48:
        return f"{hours} h {minutes % 60:02d} min" if minutes % 60 else f"{hours} h"
    return f"{days} d {hours % 24} h" if hours % 24 else f"{days} d"


# How an anchor reads in "detected 14 min before impact started".
_MOMENT = {EventKind.impact_start: "impact started", EventKind.impact_end: "impact ended"}


def _moment(kind: EventKind) -> str:
    return _MOMENT.get(kind, kind.label.lower())


def describe_metric(metric: Metric) -> str:
    """A metric in words.

    Positive or zero: the duration ("27 min", "about 27 min" when an anchor is
    approximate). Negative: what it means, "<end> <duration> before <start>",
    e.g. "detected 14 min before impact started". Missing anchors:
    "no ‘detected’ event yet" or "no ‘detected’ or ‘impact start’ event yet";
    an anchor stored outside the supported dates: "the ‘impact start’ time
    is outside the supported dates".
    """
    if metric.seconds is None:
        if metric.unusable:
            names = " and ".join(f"‘{kind.label.lower()}’" for kind in metric.unusable)
            verb = "times are" if len(metric.unusable) > 1 else "time is"
            return f"the {names} {verb} outside the supported dates"
        names = " or ".join(f"‘{kind.label.lower()}’" for kind in metric.missing)
        return f"no {names} event yet"
    about = "about " if metric.approximate else ""
    if metric.seconds >= 0:
        return about + format_duration(metric.seconds)
    gap = format_duration(-metric.seconds)
    return f"{_moment(metric.end.kind)} {about}{gap} before {_moment(metric.start.kind)}"


# --- order checks --------------------------------------------------------------


class OrderWarning(BaseModel):
    """Something about the order of events worth a second look."""

    message: str
    positions: list[int]  # 0-based places in the list that was checked
    event_ids: list[str | None]


# (earlier, later): the later kind's anchor happening before the earlier
# kind's anchor is impossible, not merely surprising. Detection before impact
# is deliberately absent: an alert can fire on a leading signal.
ANCHOR_ORDER: tuple[tuple[EventKind, EventKind], ...] = (
    (EventKind.impact_start, EventKind.mitigated),
    (EventKind.impact_start, EventKind.resolved),
    (EventKind.impact_start, EventKind.impact_end),
    (EventKind.mitigated, EventKind.resolved),
)


def out_of_order(events: Iterable[TimelineEvent]) -> list[OrderWarning]:
    """Warnings about order; nothing is changed or refused.

    Two rules: (1) entry order: an event listed directly after one that happened
    later (equal times are fine); (2) anchor order: for each pair of
    `ANCHOR_ORDER`, the later kind's anchor must not be earlier than the earlier
    kind's anchor (mitigated, resolved or impact end before impact start;
    resolved before mitigated). Entry-order warnings come first.
    """
    events = list(events)
    return _entry_order_warnings(events) + _anchor_order_warnings(events)


def _entry_order_warnings(events: list[TimelineEvent]) -> list[OrderWarning]:
    warnings = []
    for position in range(1, len(events)):
        before, event = events[position - 1], events[position]
        if event.at < before.at:
            warnings.append(OrderWarning(
                message=f"{_quote(event)} at {format_at(event.at, 'UTC')} is listed after "
                f"{_quote(before)} at {format_at(before.at, 'UTC')}, which happened later",
                positions=[position - 1, position],
                event_ids=[before.id, event.id],
            ))
    return warnings


def _anchor_order_warnings(events: list[TimelineEvent]) -> list[OrderWarning]:
    warnings = []
    for earlier_kind, later_kind in ANCHOR_ORDER:
        earlier, later = anchor(events, earlier_kind), anchor(events, later_kind)
        if earlier is not None and later is not None and later.at < earlier.at:
            warnings.append(OrderWarning(
                message=f"{later_kind.label} ({format_at(later.at, 'UTC')}) is earlier than "
                f"{earlier_kind.label.lower()} ({format_at(earlier.at, 'UTC')})",
                positions=[_position(events, earlier), _position(events, later)],
                event_ids=[earlier.id, later.id],
            ))
    return warnings


def _position(events: list[TimelineEvent], wanted: TimelineEvent) -> int:
    # By identity: two events with equal fields are still two events.
    return next(index for index, event in enumerate(events) if event is wanted)


def _quote(event: TimelineEvent, limit: int = 40) -> str:
    text = event.text if len(event.text) <= limit else event.text[: limit - 1] + "…"
    return f"‘{text}’"


# --- incident files -------------------------------------------------------------


# What becomes a board's title, summary, notes and actions; the board's own
# limits (a 120-character title, say) are applied when it is planned.
IncidentTitle = RequiredLine("title", 1000, empty="title is empty")
IncidentText = OptionalText(4000)
IncidentItem = RequiredText("an entry", 4000)


class IncidentFile(BaseModel):
    """A published incident reduced to facts (see shared/incidents/README.md).

    Only `title` and `events` are required; unknown fields are ignored so newer
    files still load.
    """

    model_config = ConfigDict(extra="ignore")

    slug: str = ""
    title: IncidentTitle
    organisation: str = ""
    source_url: str = ""
    summary: IncidentText = ""
    timezone_in_source: str = ""
    events: list[TimelineEvent]
    published_figures: dict[str, dict[str, Any]] = Field(default_factory=dict)
    contributing_factors: list[IncidentItem] = Field(default_factory=list)
    actions_published: list[IncidentItem] = Field(default_factory=list)
    notes: str = ""


def parse_incident_file(text: str) -> IncidentFile:
    """Read an incident file; raises IncidentFileInvalid naming the problem and
    its place, e.g. "events[3].at: not an ISO-8601 time with a zone ..."
    (list positions count from 0, as in the JSON)."""
    data = load_json(text, IncidentFileInvalid)
    if not isinstance(data, dict):
        raise IncidentFileInvalid("top level: expected a JSON object with title and events")
    try:
        return IncidentFile.model_validate(data)
    except ValidationError as error:
        raise IncidentFileInvalid(describe_validation_error(error)) from error


# --- zones and showing times ----------------------------------------------------


def format_at(at: datetime, zone: str) -> str:
    """A time for people, always with date and zone: "2019-07-02 15:42 CEST".

    Seconds are shown only when not zero ("2019-07-02 13:42:10 UTC"), so two
    events seconds apart never look identical. A time outside the supported
    range (older data) is shown as stored, in UTC, since moving it into
    another zone could run off the calendar.
    """
    if at.utcoffset() is None:
        raise ValueError(f"time has no zone (naive): {ZONE_REQUIRED}")
    if not time_in_range(at):
        return plain_time(at)
    local = at.astimezone(resolve_zone(zone))
    return local.strftime("%Y-%m-%d %H:%M:%S %Z" if local.second else "%Y-%m-%d %H:%M %Z")


def _local(day: date, clock: time, zone: tzinfo) -> datetime:
    # fold=0 (the default, kept by combine) decides DST edge cases: a wall
    # time in the spring-forward gap is read with the offset in force before the jump
    # (02:30 Europe/Berlin on 2019-03-31 -> 01:30 UTC, shown as 03:30 CEST),
    # and an ambiguous autumn time is its first occurrence (summer time).
    return datetime.combine(day, clock, tzinfo=zone)


# --- reading timestamps written by people -----------------------------------------

# A time at the start of a line, with optional date, seconds and AM/PM.
_STAMP = re.compile(
    r"""
    \s*(?:[-*•]\s+)?                      # a list bullet pasted from notes
    \[?\s*
    (?:(?P<day>\d{4}-\d{2}-\d{2})(?:T|\s+))?
    (?P<hour>\d{1,2}):(?P<minute>\d{2})
    (?::(?P<second>\d{2})(?:[.,]\d+)?)?
    (?!\d)
    (?:\s*(?P<ampm>(?i:[ap]\.?m\.?))(?![\w.]))?
    (?P<rest>.*)
    """,
    re.VERBOSE | re.DOTALL,
)

# Something right after the time that could be a zone; `_zone_from_token`
# decides whether it is one or just the first word of the text.
_ZONE_TOKEN = re.compile(
    r"""
    \s*(?P<token>
        Z | [+-]\d{2}:?\d{2}
      | (?i:UTC|GMT)(?:[+-]\d{1,2}(?::?\d{2})?)?
      | [A-Za-z]+(?:/[A-Za-z0-9_+\-]+)+
      | [A-Z]{3,5}
    )
    (?=[\s\],;|]|:\s|:$|$)
    """,
    re.VERBOSE,
)
_OFFSET = re.compile(r"(?i:UTC|GMT)?(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?")
_IANA_AREAS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian",
     "Pacific", "Etc"}
)
# Abbreviations that name different offsets in different places or seasons;
# guessing one would shift the event by hours without anyone noticing.
_AMBIGUOUS_ABBREVIATIONS = frozenset(
    {"PST", "PDT", "MST", "MDT", "CST", "CDT", "EST", "EDT", "AKST", "AKDT", "HST",
     "CET", "CEST", "EET", "EEST", "WET", "WEST", "BST", "IST", "MSK", "JST", "KST",
     "AEST", "AEDT", "ACST", "AWST", "NZST", "NZDT"}
)
_SEPARATORS = re.compile(r"\s*\]?[\s\-–—:|>,]*")
NO_TIME = "no time at the start (expected e.g. 13:42, 1:42 PM or 2019-07-02 13:42 UTC)"


@dataclass(frozen=True)
class _Stamp:
    day: date | None
    clock: time
    zone: tzinfo | None
    text: str


def _read_stamp(line: str) -> _Stamp:
    """Split "2019-07-02 13:42 UTC text" into its parts; raises ValueError."""
    match = _STAMP.match(line)
    if match is None:
        raise ValueError(NO_TIME)
    day = _read_day(match["day"]) if match["day"] else None
    clock = _read_clock(match["hour"], match["minute"], match["second"], match["ampm"])
    zone, rest = _read_zone(match["rest"])
    text = rest[_SEPARATORS.match(rest).end():].strip()
    return _Stamp(day, clock, zone, text)


def _read_day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value} is not a date") from None
    return check_day(day)


def _read_clock(hour: str, minute: str, second: str | None, ampm: str | None) -> time:
    hours, minutes, seconds = int(hour), int(minute), int(second or 0)
    if ampm:
        if not 1 <= hours <= 12:
            raise ValueError(f"{hour}:{minute} {ampm} is not a time; with AM/PM the hour runs 1-12")
        # 12 AM is midnight, 12 PM is noon.
        hours = hours % 12 + (12 if ampm.lower().startswith("p") else 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        raise ValueError(f"{hour}:{minute}{':' + second if second else ''} is not a time of day")
    return time(hours, minutes, seconds)


def _read_zone(rest: str) -> tuple[tzinfo | None, str]:
    match = _ZONE_TOKEN.match(rest)
    zone = _zone_from_token(match["token"]) if match else None
    return (zone, rest[match.end():]) if zone is not None else (None, rest)


def _zone_from_token(token: str) -> tzinfo | None:
    """The zone a token names, None if it is not a zone at all; raises
    ValueError for a zone that is misspelt or ambiguous."""
    if token == "Z" or token.upper() in ("UTC", "GMT"):
        return timezone.utc
    if offset := _OFFSET.fullmatch(token):
        return _fixed_offset(token, offset)
    if token.split("/")[0] in _IANA_AREAS:
        return resolve_zone(token)
    if token in _AMBIGUOUS_ABBREVIATIONS:
        raise ValueError(
            f"zone abbreviation {token} is ambiguous; write an offset such as -08:00 "
            "or an IANA name such as America/Los_Angeles"
        )
    return None


def _fixed_offset(token: str, offset: re.Match[str]) -> timezone:
    hours, minutes = int(offset["hours"]), int(offset["minutes"] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(f"offset {token} is out of range")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if offset["sign"] == "-" else delta)


# --- importers -------------------------------------------------------------------------


class LineError(BaseModel):
    """A line an importer could not use, and why."""

    line: int  # 1-based, as an editor shows it
    raw: str
    reason: str


class ParseResult(BaseModel):
    """What an importer read: the events it could use and the lines it could not."""

    events: list[TimelineEvent] = Field(default_factory=list)
    errors: list[LineError] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every line was used."""
        return not self.errors


def _reason_of(error: ValueError) -> str:
    # pydantic's ValidationError is a ValueError; give it places, not a dump.
    return describe_validation_error(error) if isinstance(error, ValidationError) else str(error)


# Checked in order, first match wins. Communication comes first because a
# status update usually repeats a stage ("status page: resolved") without
# being that stage; later stages come before earlier ones because a line
# about a rollback or a recovery often mentions the alert or deploy behind
# it; trigger words are last, used only when nothing better matches.
# A phrase ending in "*" matches any word starting with it.
KIND_RULES: tuple[tuple[EventKind, tuple[str, ...]], ...] = (
    (EventKind.communication, ("status page", "statuspage", "tweet*", "announce*", "customers informed",
                               "customers were informed", "communicat*", "update posted",
                               "posted an update")),
    (EventKind.resolved, ("resolved", "all clear", "recovered", "fully restored")),
    (EventKind.mitigated, ("rolled back", "rolling back", "roll back", "rollback", "revert*", "mitigat*",
                           "failover", "failed over", "fail over", "failing over", "workaround")),
    (EventKind.escalated, ("escalat*",)),
    (EventKind.acknowledged, ("ack", "acked", "ack'd", "acknowledg*", "on it")),
    (EventKind.detected, ("alert*", "alarm*", "page", "paged", "paging", "pagerduty", "detect*",
                          "noticed", "reported")),
    (EventKind.trigger, ("deploy*", "config change", "configuration change", "pushed")),
)


def phrase_pattern(phrase: str) -> str:
    """A rule's phrase as a pattern: its words apart by spaces or hyphens, and
    a trailing * for any ending of the last word ("roll* back" is not one)."""
    words = r"[\s\-]+".join(re.escape(word) for word in phrase.rstrip("*").split())
    return rf"\b{words}\w*" if phrase.endswith("*") else rf"\b{words}\b"


_KIND_PATTERNS = tuple(
    (kind, re.compile("|".join(phrase_pattern(phrase) for phrase in phrases), re.IGNORECASE))
    for kind, phrases in KIND_RULES
)


def guess_kind(text: str) -> EventKind:
    """The kind suggested by the words of `text` (see `KIND_RULES`), else other."""
    return next((kind for kind, pattern in _KIND_PATTERNS if pattern.search(text)), EventKind.other)


# An undated time more than this much earlier than the line before it means
# the log has passed midnight. A smaller step back is a note written out of
# order, which stays on its day (and `out_of_order` reports it).
ROLLOVER_GAP = timedelta(hours=12)


def parse_chat_log(text: str, default_date: date, default_zone: str) -> ParseResult:
    """Events from lines such as "13:42 deploy started", "[13:42] alice: rolled
    back", "1:42 PM paged", "2019-07-02 13:42 UTC WAF rule deployed",
    "2019-07-02T13:42:00Z ...", "13:42 +02:00 ..." or "13:42 Europe/Berlin ...".

    Date: a line's own date, else the current date, which starts at
    `default_date` and follows the last explicit date. Midnight rollover: when
    an undated time is more than 12 hours earlier than the previous event
    (23:50 then 00:10) the current date advances one day. Zone: a line's own
    zone (Z, UTC, GMT, an offset or an IANA name), else `default_zone`; zone
    abbreviations such as CEST or PST are refused as ambiguous. Kind: guessed
    with `guess_kind`. Blank lines are skipped; a line without a time, or
    without text after it, or outside the supported dates, is listed in
    `errors`. Raises UnknownZone for `default_zone` and TimeOutOfRange for
    `default_date`.
    """
    zone = resolve_zone(default_zone)
    check_day(default_date)
    result = ParseResult()
    day, previous = default_date, None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            stamp = _read_stamp(raw)
            if not stamp.text:
                raise ValueError("nothing after the time; say what happened")
            day, at = _place_in_log(stamp, day, previous, stamp.zone or zone)
            event = TimelineEvent(at=at, kind=guess_kind(stamp.text), text=stamp.text)
        except ValueError as error:
            result.errors.append(LineError(line=number, raw=raw, reason=_reason_of(error)))
            continue
        result.events.append(event)
        previous = event.at
    return result


def _place_in_log(stamp: _Stamp, day: date, previous: datetime | None, zone: tzinfo) -> tuple[date, datetime]:
    """The (current date, instant) of a chat line, applying the rollover rule."""
    if stamp.day is not None:
        return stamp.day, _local(stamp.day, stamp.clock, zone)
    at = _local(day, stamp.clock, zone)
    if previous is not None and previous - at > ROLLOVER_GAP:
        day += timedelta(days=1)
        at = _local(day, stamp.clock, zone)
    return day, at


CSV_REQUIRED = ("time", "kind", "text")
CSV_OPTIONAL = ("evidence_url", "approximate")


def parse_csv(text: str, default_zone: str) -> ParseResult:
    """Events from CSV with a header row naming time, kind and text (any case,
    any order; evidence_url and approximate optional; other columns ignored).

    time: a date and time, ISO ("2019-07-02T13:42:00Z", "2019-07-02 15:42+02:00")
    or "2019-07-02 13:42 UTC" / "... Europe/Berlin"; without a zone it is read
    in `default_zone`. kind: a kind name ("impact_start", "Impact start"); when
    blank it is guessed from the text. Without a usable header the result is
    one error naming the expected header. Raises UnknownZone only for
    `default_zone`.
    """
    zone = resolve_zone(default_zone)
    result = ParseResult()
    records = _csv_records(text, result.errors)
    header_line, header_raw, header_cells = next(records, (0, "", []))
    if not header_line:
        return result
    columns = {name.strip().lower(): index for index, name in enumerate(header_cells)}
    missing = [name for name in CSV_REQUIRED if name not in columns]
    if missing:
        reason = (f"expected a header row with columns {', '.join(CSV_REQUIRED)} (optional: "
                  f"{', '.join(CSV_OPTIONAL)}); missing {', '.join(missing)}")
        result.errors.append(LineError(line=header_line, raw=header_raw, reason=reason))
        return result
    for number, raw, cells in records:
        try:
            result.events.append(_csv_event(cells, columns, zone))
        except ValueError as error:
            result.errors.append(LineError(line=number, raw=raw, reason=_reason_of(error)))
    return result


def _csv_records(text: str, errors: list[LineError]) -> Iterator[tuple[int, str, list[str]]]:
    """(first line number, raw text, cells) of each non-blank CSV record."""
    # Keep the physical lines so a quoted field spanning lines still reports
    # the line it starts on and its whole raw text. Spreadsheets often start
    # a CSV export with a byte-order mark, which would hide the "time" column.
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="").readlines()
    reader = csv.reader(lines)
    start = 0
    try:
        for cells in reader:
            raw = "".join(lines[start:reader.line_num]).rstrip("\r\n")
            first, start = start + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield first, raw, cells
    except csv.Error as error:
        errors.append(LineError(line=start + 1, raw=lines[start].rstrip("\r\n") if start < len(lines) else "",
                                reason=f"not readable as CSV ({error})"))


def _csv_event(cells: list[str], columns: dict[str, int], zone: tzinfo) -> TimelineEvent:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    text = cell("text")
    return TimelineEvent(
        at=_read_csv_time(cell("time"), zone),
        kind=cell("kind") or guess_kind(text),
        text=text,
        evidence_url=cell("evidence_url") or None,
        approximate=cell("approximate") or False,
    )


def _read_csv_time(value: str, zone: tzinfo) -> datetime:
    example = "e.g. 2019-07-02 13:42 or 2019-07-02T13:42:00Z"
    try:
        stamp = _read_stamp(value)
    except ValueError as error:
        raise ValueError(f"time {value!r}: {error}") from None
    if stamp.day is None or stamp.text:
        raise ValueError(f"time {value!r} is not a date and time, {example}")
    return _local(stamp.day, stamp.clock, stamp.zone or zone)


# --- times typed into a form, and events in a line of text -------------------------

TIME_EXAMPLES = "e.g. 13:42, 13:42:10, 1:42 PM or 2019-07-02 13:42 UTC"

# Offered by every zone picker; any other valid IANA zone a board already
# uses is added to the list (see `zone_options`).
COMMON_ZONES = (
    "UTC", "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Helsinki",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
)


def zone_options(first: str, *more: str) -> list[str]:
    """The zones a picker offers: `first`, the common zones, then any of `more`
    not already there (e.g. a board's previous default), without repeats."""
    options = [first]
    for zone in (*COMMON_ZONES, *more):
        if zone not in options:
            options.append(zone)
    return options


def read_local_time(day: date, text: str, zone: str) -> datetime:
    """The instant a person means by a day and a typed time in `zone`, in UTC.

    The time is read like a chat log's stamp: "13:42", "13:42:10", "1:42 PM",
    with an optional zone of its own ("13:42 Europe/Berlin", "13:42 +02:00",
    "13:42 UTC") and an optional date that replaces `day` ("2019-07-02 13:42").
    Daylight-saving edges follow `_local`. Raises ValueError saying what is
    wrong (for a message next to the time field); UnknownZone for `zone`.
    """
    local_zone = resolve_zone(zone)
    check_day(day)
    typed = (text or "").strip()
    if not typed:
        raise ValueError(f"type when it happened, {TIME_EXAMPLES}.")
    try:
        stamp = _read_stamp(typed)
    except ValueError as error:
        if str(error) == NO_TIME:
            raise ValueError(f"{typed!r} is not a time, {TIME_EXAMPLES}.") from None
        raise
    if stamp.text:
        # Words after the time: "13:42 tomorrow" or a misspelt zone such as
        # "13:42 Berlin". Guessing would put the event at the wrong instant.
        raise ValueError(f"{typed!r} is not a time, {TIME_EXAMPLES}.")
    return _local(stamp.day or day, stamp.clock, stamp.zone or local_zone).astimezone(timezone.utc)


def local_day_and_clock(at: datetime, zone: str) -> tuple[date | None, str]:
    """An instant as a form shows it in `zone`: its day and "13:42" (or
    "13:42:07" when it has seconds); `read_local_time` reads it back. A time
    outside the supported range gives (None, ""): the form starts empty, to
    be filled with a supported time."""
    if not time_in_range(at):
        return None, ""
    local = at.astimezone(resolve_zone(zone))
    return local.date(), local.strftime("%H:%M:%S" if local.second else "%H:%M")


def format_clock(at: datetime, zone: str) -> str:
    """Only the time of day and zone, "14:02 UTC": for a small caption that
    points at an event whose date is shown elsewhere."""
    if at.utcoffset() is None:
        raise ValueError(f"time has no zone (naive): {ZONE_REQUIRED}")
    if not time_in_range(at):
        return format_at(at, zone)
    local = at.astimezone(resolve_zone(zone))
    return local.strftime("%H:%M:%S %Z" if local.second else "%H:%M %Z")


def shorten(text: str, limit: int = 90) -> str:
    """Text on one line, cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def describe_event(event: TimelineEvent, zone: str, limit: int | None = None) -> str:
    """An event on one line: "2019-07-02 13:42 UTC · Detected · Paged on 5xx"
    (its text cut to `limit` characters when one is given)."""
    approx = " (approximate)" if event.approximate else ""
    if not event.in_range:
        approx += f" ({OUT_OF_RANGE})"
    text = event.text if limit is None else shorten(event.text, limit)
    return f"{format_at(event.at, zone)}{approx} · {event.kind.label} · {text}"


def describe_anchor(kind: EventKind, event: TimelineEvent | None, zone: str) -> str:
    """One anchor of a duration: its kind, time and shortened text, or what is missing."""
    if event is None:
        return f"{kind.label}: missing, no ‘{kind.label.lower()}’ event on the timeline"
    approx = " (approximate)" if event.approximate else ""
    return f"{kind.label}: {format_at(event.at, zone)}{approx}\n{shorten(event.text, 70)}"


def suggested_day(events: Sequence[TimelineEvent], zone: str, fallback: date) -> date:
    """The day a new event most likely happened on: that of the last event of
    the timeline (`events` in time order) in `zone`, else `fallback`."""
    events = in_range(events)
    if not events:
        return fallback
    return events[-1].at.astimezone(resolve_zone(zone)).date()
