"""Getting events in quickly: CSV, chat logs, kind guessing, zones and showing times."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from canvas.timeline import (
    EventKind,
    UnknownZone,
    format_at,
    guess_kind,
    metrics_as_seconds,
    out_of_order,
    parse_chat_log,
    parse_csv,
)

JULY_2 = date(2019, 7, 2)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def chat(text: str, zone: str = "UTC", day: date = JULY_2):
    return parse_chat_log(text, default_date=day, default_zone=zone)


# --- chat logs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "at", "text"),
    [
        ("13:42 deploy started", "2019-07-02 11:42", "deploy started"),
        ("13:42:10 paged on-call", "2019-07-02 11:42:10", "paged on-call"),
        ("2019-07-02 13:42 UTC WAF rule deployed", "2019-07-02 13:42", "WAF rule deployed"),
        ("2019-07-02T13:42:00Z something", "2019-07-02 13:42", "something"),
        ("[13:42] alice: rolled back", "2019-07-02 11:42", "alice: rolled back"),
        ("[2019-07-02 13:42:10] bob: on it", "2019-07-02 11:42:10", "bob: on it"),
        ("1:42 PM deploy started", "2019-07-02 11:42", "deploy started"),
        ("12:05 AM night shift notices errors", "2019-07-01 22:05", "night shift notices errors"),
        ("12:05 pm lunch-time alert", "2019-07-02 10:05", "lunch-time alert"),
        ("13:42 +02:00 status page updated", "2019-07-02 11:42", "status page updated"),
        ("13:42 +0530 Mumbai team joins", "2019-07-02 08:12", "Mumbai team joins"),
        ("13:42 America/New_York failover started", "2019-07-02 17:42", "failover started"),
        ("13:42 UTC: rollback done", "2019-07-02 13:42", "rollback done"),
        ("- 13:42 — customers informed", "2019-07-02 11:42", "customers informed"),
        ("13:42 WAF rule pushed", "2019-07-02 11:42", "WAF rule pushed"),
        ("13:42 Zookeeper lost quorum", "2019-07-02 11:42", "Zookeeper lost quorum"),
    ],
)
def test_chat_line_formats_are_read_in_the_default_zone_unless_they_name_one(line, at, text):
    result = chat(line, zone="Europe/Berlin")
    assert result.errors == []
    [event] = result.events
    assert (event.at, event.text) == (utc(at), text)


def test_chat_kind_is_guessed_from_the_text():
    result = chat("13:42 deploy started\n13:45 PagerDuty alert fired\n14:09 rolled back\n14:52 all clear")
    assert [event.kind for event in result.events] == [
        EventKind.trigger, EventKind.detected, EventKind.mitigated, EventKind.resolved,
    ]


def test_chat_bad_lines_are_listed_with_line_numbers_and_blank_lines_skipped():
    text = "13:42 deploy started\n\nno time on this line\n13:45\n   \n13:50 paged\n25:10 impossible\n"
    result = chat(text)
    assert [event.text for event in result.events] == ["deploy started", "paged"]
    assert [(error.line, error.raw) for error in result.errors] == [
        (3, "no time on this line"), (4, "13:45"), (7, "25:10 impossible"),
    ]
    assert result.errors[0].reason.startswith("no time at the start")
    assert result.errors[1].reason == "nothing after the time; say what happened"
    assert result.errors[2].reason == "25:10 is not a time of day"
    assert not result.ok


def test_chat_hour_beyond_12_with_pm_is_an_error():
    [error] = chat("13:30 PM deploy").errors
    assert error.reason == "13:30 PM is not a time; with AM/PM the hour runs 1-12"


def test_chat_misspelt_zone_is_an_error_on_its_line():
    [error] = chat("13:42 ok\n13:43 Europe/Berln deploy").errors
    assert error.line == 2
    assert error.reason.startswith("unknown time zone 'Europe/Berln'")


def test_chat_zone_abbreviation_is_refused_as_ambiguous():
    [error] = chat("13:42 PST deploy").errors
    assert "ambiguous" in error.reason and "America/Los_Angeles" in error.reason


def test_chat_invalid_date_is_an_error():
    [error] = chat("2019-02-30 13:42 deploy").errors
    assert error.reason == "2019-02-30 is not a date"


def test_chat_text_over_500_characters_is_an_error_not_an_exception():
    [error] = chat("13:42 " + "x" * 501).errors
    assert error.reason == "text: text is 501 characters long; the limit is 500."


def test_chat_past_midnight_rolls_over_to_the_next_day():
    result = chat("23:50 deploy started\n00:10 paged\n00:20 rolled back")
    assert [event.at for event in result.events] == [
        utc("2019-07-02 23:50"), utc("2019-07-03 00:10"), utc("2019-07-03 00:20"),
    ]


def test_chat_log_over_several_nights_rolls_over_each_time():
    result = chat("22:00 a\n02:00 b\n21:00 c\n01:00 d")
    assert [event.at.date() for event in result.events] == [
        date(2019, 7, 2), date(2019, 7, 3), date(2019, 7, 3), date(2019, 7, 4),
    ]


def test_chat_small_step_back_stays_on_the_same_day_and_is_flagged():
    result = chat("13:45 paged\n13:40 deploy started")
    assert [event.at for event in result.events] == [utc("2019-07-02 13:45"), utc("2019-07-02 13:40")]
    assert len(out_of_order(result.events)) == 1


def test_chat_explicit_date_becomes_the_date_of_later_lines():
    result = chat("2019-07-05 10:00 deploy started\n11:00 paged")
    assert result.events[1].at == utc("2019-07-05 11:00")


def test_chat_zone_on_one_line_does_not_carry_to_the_next():
    result = chat("13:42 UTC paged\n13:50 on it", zone="Europe/Berlin")
    assert [event.at for event in result.events] == [utc("2019-07-02 13:42"), utc("2019-07-02 11:50")]


def test_chat_rollover_compares_instants_across_zones():
    # Read on 2 July, 01:10 Berlin is 23:10 UTC on 1 July, a day before the
    # line above it, so it rolls to 3 July: 23:10 UTC on 2 July, the nearest
    # reading (40 minutes before the line above, which out_of_order reports).
    result = chat("23:50 UTC paged\n01:10 Europe/Berlin rolled back", zone="UTC")
    assert result.events[1].at == utc("2019-07-02 23:10")


def test_chat_unknown_default_zone_raises():
    with pytest.raises(UnknownZone, match="unknown time zone 'Mars/Olympus'"):
        chat("13:42 deploy", zone="Mars/Olympus")


def test_chat_time_in_the_spring_forward_gap_uses_the_offset_before_the_jump():
    # 02:30 does not exist in Berlin on 2019-03-31; fold=0 reads it as CET.
    [event] = chat("02:30 deploy", zone="Europe/Berlin", day=date(2019, 3, 31)).events
    assert event.at == utc("2019-03-31 01:30")


def test_chat_ambiguous_fall_back_time_is_its_first_occurrence():
    # 01:30 happens twice in New York on 2023-11-05; fold=0 is the EDT one.
    [event] = chat("01:30 paged", zone="America/New_York", day=date(2023, 11, 5)).events
    assert event.at == utc("2023-11-05 05:30")


# --- kind guessing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("PagerDuty alert fired", EventKind.detected),
        ("paged on-call", EventKind.detected),
        ("alarm on p99 latency", EventKind.detected),
        ("customer reported 502s", EventKind.detected),
        ("noticed errors in the dashboard", EventKind.detected),
        ("ack", EventKind.acknowledged),
        ("alice: on it", EventKind.acknowledged),
        ("acknowledged the page", EventKind.acknowledged),
        ("escalated to the database team after the alert", EventKind.escalated),
        ("status page updated: resolved", EventKind.communication),
        ("tweeted an update", EventKind.communication),
        ("customers informed by email", EventKind.communication),
        ("rolled back the deploy", EventKind.mitigated),
        ("reverted config change", EventKind.mitigated),
        ("failed over to eu-west", EventKind.mitigated),
        ("workaround applied", EventKind.mitigated),
        ("all clear", EventKind.resolved),
        ("service fully restored", EventKind.resolved),
        ("recovered after the alert cleared", EventKind.resolved),
        ("deploy started", EventKind.trigger),
        ("config change pushed", EventKind.trigger),
        ("Pages builds paused", EventKind.other),
        ("unresolved questions remain", EventKind.other),
        ("coffee", EventKind.other),
    ],
)
def test_guess_kind(text, kind):
    assert guess_kind(text) is kind


# --- CSV -----------------------------------------------------------------------------


def test_csv_reads_iso_times_and_local_times_in_the_default_zone():
    text = (
        "Time,KIND,text,approximate,evidence_url,owner\n"
        "2019-07-02T13:42:00Z,impact_start,502s,,,ops\n"
        "2019-07-02 15:45,detected,first page,yes,https://pd.example/1,ops\n"
        "2019-07-02 14:09 UTC,Impact end,errors stop,no,,ops\n"
    )
    result = parse_csv(text, "Europe/Berlin")
    assert result.errors == []
    assert [(e.at, e.kind, e.text) for e in result.events] == [
        (utc("2019-07-02 13:42"), EventKind.impact_start, "502s"),
        (utc("2019-07-02 13:45"), EventKind.detected, "first page"),
        (utc("2019-07-02 14:09"), EventKind.impact_end, "errors stop"),
    ]
    assert result.events[1].approximate and result.events[1].evidence_url == "https://pd.example/1"
    assert metrics_as_seconds(result.events)["impact_duration"] == 1620


def test_csv_columns_may_come_in_any_order():
    result = parse_csv("text,kind,time\npaged,detected,2019-07-02 13:45\n", "UTC")
    assert [(e.at, e.kind) for e in result.events] == [(utc("2019-07-02 13:45"), EventKind.detected)]


def test_csv_without_header_is_one_error_naming_the_expected_header():
    result = parse_csv("2019-07-02 13:42,detected,paged\n2019-07-02 13:45,mitigated,rolled back\n", "UTC")
    assert result.events == []
    [error] = result.errors
    assert error.line == 1
    assert error.raw == "2019-07-02 13:42,detected,paged"
    assert error.reason.startswith("expected a header row with columns time, kind, text")


def test_csv_header_missing_one_column_names_it():
    [error] = parse_csv("time,text\n2019-07-02 13:42,paged\n", "UTC").errors
    assert error.reason.endswith("missing kind")


def test_csv_unknown_kind_lists_the_valid_kinds_with_its_line():
    text = "time,kind,text\n2019-07-02 13:42,impact_start,502s\n2019-07-02 13:45,outage,boom\n"
    result = parse_csv(text, "UTC")
    assert len(result.events) == 1
    [error] = result.errors
    assert (error.line, error.raw) == (3, "2019-07-02 13:45,outage,boom")
    assert error.reason == (
        "kind: unknown kind 'outage'; use one of: trigger, impact_start, detected, acknowledged, "
        "escalated, communication, action, mitigated, resolved, impact_end, other"
    )


def test_csv_bad_rows_are_listed_and_good_rows_kept():
    text = (
        "time,kind,text,evidence_url,approximate\n"
        "13:42,detected,no date\n"
        "\n"
        "soon,detected,no time\n"
        "2019-07-02 13:42,detected,\n"
        "2019-07-02 13:42,detected,bad link,javascript:alert(1)\n"
        "2019-07-02 13:42,detected,odd flag,,maybe\n"
        "2019-07-02 13:42,detected,fine\n"
    )
    result = parse_csv(text, "UTC")
    assert [event.text for event in result.events] == ["fine"]
    assert [error.line for error in result.errors] == [2, 4, 5, 6, 7]
    reasons = [error.reason for error in result.errors]
    assert reasons[0] == "time '13:42' is not a date and time, e.g. 2019-07-02 13:42 or 2019-07-02T13:42:00Z"
    assert reasons[1].startswith("time 'soon': no time at the start")
    assert reasons[2] == "text: text is empty; say what happened"
    assert reasons[3].startswith("evidence_url: evidence link must be a web address")
    assert reasons[4].startswith("approximate: ")


def test_csv_blank_kind_is_guessed_from_the_text():
    [event] = parse_csv("time,kind,text\n2019-07-02 13:42,,rolled back the WAF rule\n", "UTC").events
    assert event.kind is EventKind.mitigated


def test_csv_quoted_text_over_several_lines_keeps_later_line_numbers_true():
    text = 'time,kind,text\n2019-07-02 13:42,action,"first line\nsecond line"\n2019-07-02 13:50,nonsense,x\n'
    result = parse_csv(text, "UTC")
    assert result.events[0].text == "first line\nsecond line"
    assert [error.line for error in result.errors] == [4]


def test_csv_from_a_spreadsheet_with_byte_order_mark_and_crlf_is_read():
    text = "\ufeffTime,Kind,Text\r\n2019-07-02 13:42,detected,paged\r\n2019-07-02 13:45,bogus,x\r\n"
    result = parse_csv(text, "UTC")
    assert [event.text for event in result.events] == ["paged"]
    assert [(error.line, error.raw) for error in result.errors] == [(3, "2019-07-02 13:45,bogus,x")]


def test_csv_empty_input_gives_nothing_and_no_errors():
    result = parse_csv("", "UTC")
    assert (result.events, result.errors) == ([], [])


def test_csv_unknown_default_zone_raises():
    with pytest.raises(UnknownZone):
        parse_csv("time,kind,text\n", "Europe/Atlantis")


def test_csv_local_times_across_fall_back_give_real_elapsed_seconds():
    text = (
        "time,kind,text\n"
        "2023-11-05 00:30,impact_start,errors begin\n"
        "2023-11-05 03:00,impact_end,errors stop\n"
    )
    events = parse_csv(text, "America/New_York").events
    # 00:30 EDT to 03:00 EST: 3 h 30 min elapsed across the repeated hour.
    assert metrics_as_seconds(events)["impact_duration"] == 12600


def test_csv_time_in_the_spring_forward_gap_uses_the_offset_before_the_jump():
    [event] = parse_csv("time,kind,text\n2019-03-31 02:30,trigger,deploy\n", "Europe/Berlin").events
    assert event.at == utc("2019-03-31 01:30")


# --- zones and showing times --------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("UTC", "2019-07-02 13:42 UTC"),
        ("Europe/Berlin", "2019-07-02 15:42 CEST"),
        ("America/New_York", "2019-07-02 09:42 EDT"),
    ],
)
def test_format_at_always_shows_date_and_zone(zone, shown):
    assert format_at(utc("2019-07-02 13:42"), zone) == shown


def test_format_at_shows_winter_time_in_winter():
    assert format_at(utc("2019-01-15 13:42"), "Europe/Berlin") == "2019-01-15 14:42 CET"


def test_format_at_shows_seconds_only_when_there_are_some():
    assert format_at(utc("2019-07-02 13:42:10"), "UTC") == "2019-07-02 13:42:10 UTC"


def test_format_at_crosses_the_date_line_with_the_zone():
    assert format_at(utc("2019-07-02 23:30"), "Asia/Tokyo") == "2019-07-03 08:30 JST"


def test_format_at_refuses_naive_times():
    with pytest.raises(ValueError, match="has no zone"):
        format_at(datetime(2019, 7, 2, 13, 42), "UTC")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "Europe", "../etc/passwd"])
def test_unknown_zone_is_a_clear_value_error(zone):
    with pytest.raises(UnknownZone, match="use an IANA name"):
        format_at(utc("2019-07-02 13:42"), zone)
    assert issubclass(UnknownZone, ValueError)


def test_format_at_accepts_any_aware_time():
    berlin = datetime(2019, 7, 2, 15, 42, tzinfo=ZoneInfo("Europe/Berlin"))
    assert format_at(berlin, "UTC") == "2019-07-02 13:42 UTC"
