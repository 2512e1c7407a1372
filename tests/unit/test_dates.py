"""The supported range of dates and times (1970-01-01 to 2200-12-31): every
parser and validator refuses what lies outside it, and every renderer copes
with a stored value outside it (older data) instead of crashing."""

from datetime import UTC, date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from canvas.actions import ActionDraft, FollowUp
from canvas.exports.actions_export import actions_calendar
from canvas.exports.calendar import ics_text
from canvas.exports.backup import BackupInvalid, parse_backup
from canvas.exports.canvas_png import canvas_png
from canvas.exports.external_summary import external_summary
from canvas.exports.markdown_pack import markdown_pack
from canvas.models import Board, BoardDetails, BoardDraft
from canvas.snapshot import BoardSnapshot
from canvas.incident.timeline import (
    EventKind, IncidentFileInvalid, TimelineEvent, compute_metrics, describe_event, describe_metric,
    format_at,
    format_clock, local_day_and_clock, out_of_order, parse_chat_log, parse_csv,
    parse_incident_file, read_local_time, suggested_day,
)
from canvas.incident.timeline_chart import impact_window, timeline_figure
from canvas.incident.timeline_import import preview_rows
from canvas.errors import TimeOutOfRange
from canvas.dates import check_day, day_in_range, time_in_range, today_in
from canvas.validation import STORED

EDGES = ["0001-01-01", "9999-12-31"]
ZONES = ["UTC", "America/New_York", "Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Pago_Pago"]
T0 = datetime(2019, 7, 2, 13, 42, tzinfo=UTC)


# --- the range ----------------------------------------------------------------


def test_the_range_runs_from_1970_to_the_end_of_2200():
    assert day_in_range(date(1970, 1, 1)) and day_in_range(date(2200, 12, 31))
    assert not day_in_range(date(1969, 12, 31)) and not day_in_range(date(2201, 1, 1))
    assert time_in_range(datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC))
    assert not time_in_range(datetime(2201, 1, 1, tzinfo=UTC))
    assert not time_in_range(datetime(1969, 12, 31, 23, 59, tzinfo=UTC))


@pytest.mark.parametrize("at", [datetime.min.replace(tzinfo=timezone.max),
                                datetime.max.replace(tzinfo=timezone.min)])
def test_checking_the_calendars_very_edges_never_overflows(at):
    assert not time_in_range(at)


def test_an_out_of_range_day_is_refused_with_the_supported_range():
    with pytest.raises(TimeOutOfRange, match=r"^9999-12-31 is outside the supported dates "
                                             r"\(1970-01-01 to 2200-12-31\)$"):
        check_day(date(9999, 12, 31))


def test_today_is_the_day_in_the_boards_zone():
    late_evening_utc = datetime(2024, 3, 1, 23, 30, tzinfo=UTC)
    assert today_in("UTC", late_evening_utc) == date(2024, 3, 1)
    assert today_in("Asia/Tokyo", late_evening_utc) == date(2024, 3, 2)
    assert today_in("America/New_York", late_evening_utc) == date(2024, 3, 1)


# --- every entry refuses --------------------------------------------------------


@pytest.mark.parametrize("day", EDGES)
def test_an_event_at_an_edge_date_is_refused(day):
    with pytest.raises(ValidationError, match="outside the supported dates"):
        TimelineEvent(at=f"{day}T00:00:00Z", text="x")


@pytest.mark.parametrize(("typed", "zone"), [("1970-01-01 00:30", "Europe/Berlin"),
                                             ("2200-12-31 23:00", "America/New_York")])
def test_a_local_time_that_falls_outside_the_range_in_utc_is_refused(typed, zone):
    at = read_local_time(T0.date(), typed, zone)
    with pytest.raises(ValidationError, match="outside the supported dates"):
        TimelineEvent(at=at, text="x")


@pytest.mark.parametrize("day", EDGES)
def test_a_chat_line_at_an_edge_date_is_a_bad_line_with_its_number(day):
    result = parse_chat_log(f"13:40 deploy\n{day} 13:42 UTC paged\n13:50 America/New_York resolved",
                            T0.date(), "UTC")
    [error] = result.errors
    assert error.line == 2 and error.reason == f"{day} is outside the supported dates (1970-01-01 to 2200-12-31)"
    assert len(result.events) == 2


@pytest.mark.parametrize("day", EDGES)
def test_a_chat_log_whose_default_date_is_outside_the_range_is_refused(day):
    with pytest.raises(TimeOutOfRange):
        parse_chat_log("13:42 paged", date.fromisoformat(day), "America/New_York")


def test_a_chat_log_rolling_past_the_end_of_the_range_marks_those_lines():
    result = parse_chat_log("23:50 paged\n00:10 acked", date(2200, 12, 31), "UTC")
    assert [event.text for event in result.events] == ["paged"]
    [error] = result.errors
    assert error.line == 2 and "outside the supported dates" in error.reason


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize("stamp", ["{day} 00:00 UTC", "{day}T00:00:00Z", "{day} 12:00"])
def test_a_csv_row_at_an_edge_date_is_a_bad_line_with_its_number(day, stamp):
    result = parse_csv(f"time,kind,text\n2019-07-02 13:42,detected,Paged\n{stamp.format(day=day)},"
                       "other,Edge", "America/New_York")
    [error] = result.errors
    assert error.line == 3 and "outside the supported dates" in error.reason
    assert [event.text for event in result.events] == ["Paged"]


@pytest.mark.parametrize("day", EDGES)
def test_a_time_typed_with_an_edge_date_is_refused(day):
    with pytest.raises(ValueError, match="outside the supported dates"):
        read_local_time(T0.date(), f"{day} 13:42", "UTC")


@pytest.mark.parametrize("day", EDGES)
def test_an_incident_file_with_an_edge_date_names_the_event(day):
    text = ('{"title": "t", "events": [{"at": "2019-07-02T13:42:00Z", "text": "a"},'
            f' {{"at": "{day}T00:00:00Z", "text": "b"}}]}}')
    with pytest.raises(IncidentFileInvalid, match=r"^events\[1\]\.at: .* is outside the supported dates"):
        parse_incident_file(text)


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize("field", ["incident_date", "review_date"])
def test_board_dates_outside_the_range_are_refused(day, field):
    with pytest.raises(ValidationError, match="outside the supported dates"):
        BoardDetails.model_validate({"title": "t", field: day})
    if field == "incident_date":
        with pytest.raises(ValidationError, match="outside the supported dates"):
            BoardDraft.model_validate({"title": "t", "facilitator_name": "F", field: day})


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize("field", ["due_date", "review_date"])
def test_action_dates_outside_the_range_are_refused(day, field):
    with pytest.raises(ValidationError, match="outside the supported dates"):
        ActionDraft.model_validate({"title": "Add an alert", field: day})


def test_a_backup_with_an_edge_date_is_refused_with_its_place():
    text = ('{"format": "postmortem-canvas/backup-1", "board": {"title": "t", '
            '"template": "blameless", "review_date": "9999-12-31"}}')
    with pytest.raises(BackupInvalid, match=r"^board\.review_date: 9999-12-31 is outside"):
        parse_backup(text)


# --- stored values outside the range still render ---------------------------------


def stored_event(at: str, kind=EventKind.other, text="edge", event_id="e") -> TimelineEvent:
    return TimelineEvent.model_validate({"id": event_id, "at": at, "kind": kind, "text": text},
                                        context=STORED)


def hostile_events() -> list[TimelineEvent]:
    return [
        stored_event("0001-01-01T00:00:00+00:00", EventKind.impact_start, "Year one", "early"),
        stored_event("9999-12-31T23:59:00+00:00", EventKind.resolved, "Year 9999", "late"),
        stored_event("2019-07-02T13:42:00+00:00", EventKind.detected, "Paged", "good"),
        stored_event("2019-07-02T14:09:00+00:00", EventKind.impact_end, "Recovered", "good-2"),
    ]


def test_a_stored_event_outside_the_range_is_read_as_it_is():
    [early, late, *_] = hostile_events()
    assert early.at == datetime(1, 1, 1, tzinfo=UTC) and not early.in_range
    assert late.at.year == 9999 and not late.in_range
    kept = stored_event("0001-01-01T00:00:00-05:00")
    assert kept.at.utcoffset() is not None, "kept with its own offset rather than overflowing"


@pytest.mark.parametrize("zone", ZONES)
def test_times_outside_the_range_are_shown_as_stored_in_any_zone(zone):
    early, late, good, _ = hostile_events()
    assert format_at(early.at, zone) == "0001-01-01 00:00 UTC"
    assert format_at(late.at, zone) == "9999-12-31 23:59 UTC"
    assert format_clock(late.at, zone) == "9999-12-31 23:59 UTC"
    assert "outside the supported dates" in describe_event(early, zone)
    assert local_day_and_clock(early.at, zone) == (None, "")
    assert local_day_and_clock(good.at, zone)[0] == good.at.astimezone(ZoneInfo(zone)).date()


def test_durations_and_the_impact_window_leave_out_events_outside_the_range():
    events = hostile_events()
    metrics = {metric.name: metric for metric in compute_metrics(events)}
    assert metrics["time_to_resolve"].seconds is None
    assert metrics["impact_duration"].seconds is None, "impact start is only the year-one event"
    assert describe_metric(metrics["time_to_resolve"]) == \
        "the ‘resolved’ and ‘impact start’ times are outside the supported dates"
    assert describe_metric(metrics["time_to_acknowledge"]) == "no ‘acknowledged’ event yet"
    assert impact_window(events) is None
    assert suggested_day(sorted(events, key=lambda e: e.at), "Asia/Tokyo", date(2000, 1, 1)) == \
        date(2019, 7, 2)
    [listed_after] = [warning.message for warning in out_of_order(events) if "listed after" in warning.message]
    assert "at 9999-12-31 23:59 UTC, which happened later" in listed_after


@pytest.mark.parametrize("zone", ZONES)
def test_the_chart_draws_only_the_events_inside_the_range(zone):
    figure = timeline_figure(hostile_events(), zone)
    drawn = [text for trace in figure.data if trace.hovertext for text in trace.hovertext]
    assert any("Paged" in text for text in drawn)
    assert not any("Year one" in text or "Year 9999" in text for text in drawn)
    assert "2019" in figure.layout.xaxis.title.text


def board(zone: str, **dates) -> Board:
    return Board.model_validate({"id": "B" * 24, "title": "Edges", "template": "blameless",
                                 "created_at": T0, "revision": 1, "details_version": 1,
                                 "timezone": zone, **dates}, context=STORED)


def edge_snapshot(zone: str) -> BoardSnapshot:
    action = FollowUp.model_validate(
        {"id": "a1", "board_id": "B" * 24, "title": "Add an alert", "owner": "Sam",
         "due_date": "9999-12-31", "review_date": "0001-01-01", "created_at": T0,
         "updated_at": T0}, context=STORED)
    return BoardSnapshot(board=board(zone, incident_date="0001-01-01", review_date="9999-12-31"),
                         events=hostile_events(), actions=[action])


@pytest.mark.parametrize("zone", ZONES)
def test_every_export_renders_a_board_holding_dates_outside_the_range(zone):
    snapshot = edge_snapshot(zone)
    today = date(2024, 3, 1)
    markdown = markdown_pack(snapshot, today)
    assert "⚠ 0001-01-01 00:00 UTC" in markdown and "| Year 9999 |" in markdown
    assert "0001-01-01" in external_summary(snapshot, today)
    assert canvas_png(snapshot, width=800, today=today).startswith(b"\x89PNG")
    calendar = actions_calendar([("Edges", action) for action in snapshot.actions])
    assert "Add an alert" not in ics_text(calendar, {}, datetime(2024, 3, 1, tzinfo=UTC))


@pytest.mark.parametrize("zone", ZONES)
def test_an_import_preview_shows_stored_and_parsed_times_in_any_zone(zone):
    result = parse_csv("time,kind,text\n2019-07-02 13:42,detected,Paged", zone)
    rows = preview_rows(result, hostile_events(), zone)
    assert [row["What happened"] for row in rows] == ["Paged"]
