"""Times typed into a form, and events and times written on one line."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from canvas.errors import UnknownZone
from canvas.incident.timeline import (
    COMMON_ZONES,
    EventKind,
    TimelineEvent,
    describe_anchor,
    describe_event,
    format_clock,
    local_day_and_clock,
    read_local_time,
    shorten,
    suggested_day,
    zone_options,
)

DAY = date(2019, 7, 2)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize("typed, zone, at", [
    ("13:42", "UTC", utc(2019, 7, 2, 13, 42)),
    ("  15:42  ", "Europe/Berlin", utc(2019, 7, 2, 13, 42)),
    ("13:42:10", "UTC", utc(2019, 7, 2, 13, 42, 10)),
    ("1:42 PM", "UTC", utc(2019, 7, 2, 13, 42)),
    ("12:05 am", "UTC", utc(2019, 7, 2, 0, 5)),
    ("09:42", "America/New_York", utc(2019, 7, 2, 13, 42)),
    # A zone or a date typed with the time wins over the picked ones.
    ("13:42 UTC", "Europe/Berlin", utc(2019, 7, 2, 13, 42)),
    ("15:42 Europe/Berlin", "UTC", utc(2019, 7, 2, 13, 42)),
    ("15:42 +02:00", "UTC", utc(2019, 7, 2, 13, 42)),
    ("2019-07-03 13:42 UTC", "Asia/Tokyo", utc(2019, 7, 3, 13, 42)),
    ("2019-07-02T13:42:00Z", "Europe/Berlin", utc(2019, 7, 2, 13, 42)),
])
def test_a_typed_time_is_read_on_the_day_in_the_zone_unless_it_names_its_own(typed, zone, at):
    read = read_local_time(DAY, typed, zone)
    assert read == at
    assert read.tzinfo == timezone.utc


@pytest.mark.parametrize("typed, message", [
    ("", "type when it happened, e.g. 13:42"),
    ("   ", "type when it happened, e.g. 13:42"),
    ("noon", "'noon' is not a time, e.g. 13:42"),
    ("13:42 tomorrow", "'13:42 tomorrow' is not a time"),
    ("13:42 Berlin", "'13:42 Berlin' is not a time"),
    ("25:61", "25:61 is not a time of day"),
    ("13:42 PM", "with AM/PM the hour runs 1-12"),
    ("13:42 CEST", "zone abbreviation CEST is ambiguous"),
    ("13:42 Europe/Berln", "unknown time zone 'Europe/Berln'"),
])
def test_what_is_not_a_time_is_refused_saying_why(typed, message):
    with pytest.raises(ValueError) as refused:
        read_local_time(DAY, typed, "UTC")
    assert message in str(refused.value)


def test_an_unknown_zone_to_read_in_is_refused():
    with pytest.raises(UnknownZone):
        read_local_time(DAY, "13:42", "Mars/Base")


def test_a_time_in_the_spring_forward_gap_uses_the_offset_before_the_jump():
    assert read_local_time(date(2019, 3, 31), "02:30", "Europe/Berlin") == utc(2019, 3, 31, 1, 30)


def test_an_ambiguous_autumn_time_is_its_first_occurrence():
    assert read_local_time(date(2019, 10, 27), "02:30", "Europe/Berlin") == utc(2019, 10, 27, 0, 30)


@pytest.mark.parametrize("at, zone, shown", [
    (utc(2019, 7, 2, 13, 42), "Europe/Berlin", (date(2019, 7, 2), "15:42")),
    (utc(2019, 7, 2, 13, 42, 7), "UTC", (date(2019, 7, 2), "13:42:07")),
    (utc(2019, 7, 2, 23, 30), "Asia/Tokyo", (date(2019, 7, 3), "08:30")),
])
def test_a_form_shows_an_instant_as_its_local_day_and_clock(at, zone, shown):
    assert local_day_and_clock(at, zone) == shown
    assert read_local_time(*shown[:1], shown[1], zone) == at


def test_a_clock_caption_has_the_time_and_zone_but_no_date():
    assert format_clock(utc(2019, 7, 2, 14, 2), "UTC") == "14:02 UTC"
    assert format_clock(utc(2019, 7, 2, 14, 2, 5), "Europe/Berlin") == "16:02:05 CEST"
    with pytest.raises(ValueError):
        format_clock(datetime(2019, 7, 2, 14, 2), "UTC")


def test_shorten_flattens_and_cuts_with_an_ellipsis():
    assert shorten("one\n  two", 20) == "one two"
    assert shorten("x" * 10, 5) == "xxxx…"
    assert len(shorten("word " * 40)) == 90


def test_an_event_on_one_line_has_date_zone_kind_and_text():
    event = TimelineEvent(at="2019-07-02T13:42:00Z", kind="detected", text="Paged\non 5xx " + "x" * 80,
                          approximate=True)
    assert describe_event(event, "UTC").startswith("2019-07-02 13:42 UTC (approximate) · Detected · Paged\non")
    short = describe_event(event, "Europe/Berlin", limit=20)
    assert short == "2019-07-02 15:42 CEST (approximate) · Detected · Paged on 5xx xxxxxx…"


def test_an_anchor_line_names_a_missing_anchor():
    assert describe_anchor(EventKind.detected, None, "UTC") == (
        "Detected: missing, no ‘detected’ event on the timeline")
    event = TimelineEvent(at="2019-07-02T13:42:00Z", kind="impact_start", text="Errors rise")
    assert describe_anchor(EventKind.impact_start, event, "UTC") == (
        "Impact start: 2019-07-02 13:42 UTC\nErrors rise")


def test_the_suggested_day_is_the_last_events_day_in_the_zone_else_the_fallback():
    fallback = date(2020, 1, 1)
    assert suggested_day([], "UTC", fallback) == fallback
    events = [TimelineEvent(at="2019-07-02T10:00:00Z", text="a"),
              TimelineEvent(at="2019-07-02T23:30:00Z", text="b")]
    assert suggested_day(events, "UTC", fallback) == date(2019, 7, 2)
    assert suggested_day(events, "Asia/Tokyo", fallback) == date(2019, 7, 3)


def test_zone_options_put_the_first_zone_first_and_keep_extra_ones_without_repeats():
    assert zone_options("UTC") == list(COMMON_ZONES)
    assert zone_options("Asia/Tokyo")[:2] == ["Asia/Tokyo", "UTC"]
    assert zone_options("Asia/Tokyo").count("Asia/Tokyo") == 1
    assert zone_options("UTC", "Asia/Kathmandu", "UTC")[-1] == "Asia/Kathmandu"
    assert len(zone_options("UTC", "Asia/Kathmandu")) == len(COMMON_ZONES) + 1
