"""The timeline chart: lanes, hover text, impact window, anchors, scale."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from canvas.incident.timeline import EventKind, TimelineEvent, parse_incident_file
from canvas.incident.timeline_chart import (
    ANCHOR_SIZE,
    KEY,
    LANE,
    MARKER_SIZE,
    chart_height,
    escape_hover,
    local_time,
    timeline_figure,
)

INCIDENTS_DIR = Path(
    os.environ.get("POSTMORTEM_INCIDENTS_DIR")
    or Path(__file__).resolve().parents[3] / "shared" / "incidents"
)
START = datetime(2024, 3, 29, 20, 0, tzinfo=timezone.utc)


def incident(slug: str) -> list[TimelineEvent]:
    return parse_incident_file((INCIDENTS_DIR / f"{slug}.json").read_text("utf-8")).events


def event(minutes: float, kind: str = "action", text: str = "something", **more) -> TimelineEvent:
    return TimelineEvent(at=START + timedelta(minutes=minutes), kind=kind, text=text, **more)


def synthetic(count: int, span: timedelta) -> list[TimelineEvent]:
    """`count` events evenly over `span`, the anchors first, then busy lanes."""
    anchors = ["trigger", "impact_start", "detected", "acknowledged", "mitigated", "resolved", "impact_end"]
    busy = ["action", "communication", "escalated", "other"]
    kinds = (anchors + busy * count)[:count]
    step = span / max(count - 1, 1)
    return [TimelineEvent(at=START + step * i, kind=kind, text=f"step {i}: {kind}")
            for i, kind in enumerate(kinds)]


def lanes(figure) -> list:
    return [trace for trace in figure.data if trace.meta["role"] == LANE]


def lane(figure, kind: EventKind):
    [found] = [trace for trace in lanes(figure) if trace.meta["kind"] == kind.value]
    return found


def impact_shapes(figure) -> list:
    return [shape for shape in figure.layout.shapes if shape.name == "impact"]


def test_there_is_one_lane_per_kind_present_in_incident_order():
    events = incident("cloudflare-2019-07-02")
    figure = timeline_figure(events)
    present = {event.kind for event in events}
    expected = [kind.label for kind in EventKind if kind in present]
    assert [trace.name for trace in lanes(figure)] == expected
    # Plotly draws the first category at the bottom: reversed, trigger is on top.
    assert list(figure.layout.yaxis.categoryarray) == list(reversed(expected))
    assert sum(len(trace.x) for trace in lanes(figure)) == len(events)
    assert all(set(trace.y) == {trace.name} for trace in lanes(figure))


def test_kinds_that_do_not_occur_get_no_lane():
    figure = timeline_figure([event(0, "detected"), event(5, "detected"), event(9, "resolved")])
    assert [trace.name for trace in lanes(figure)] == ["Detected", "Resolved"]


def test_markers_carry_no_text_labels_only_hover():
    figure = timeline_figure(synthetic(60, timedelta(hours=2)))
    assert all(trace.mode == "markers" for trace in figure.data)
    assert all(trace.text is None for trace in figure.data)


def test_hover_text_shows_typed_markup_literally():
    typed = "<b>not bold</b> & <a href='javascript:alert(1)'>x</a> %{x} &lt;"
    figure = timeline_figure([event(0, "detected", typed)])
    trace = lane(figure, EventKind.detected)
    [hover] = trace.hovertext
    assert "&lt;b&gt;not bold&lt;/b&gt; &amp; &lt;a href='javascript:alert(1)'&gt;x&lt;/a&gt;" in hover
    assert "<b>not bold</b>" not in hover and "<a " not in hover
    assert "&amp;lt;" in hover, "an entity typed by a person stays as typed"
    # No hovertemplate: it would expand the %{x} a person typed.
    assert trace.hovertemplate is None and trace.hoverinfo == "text"
    assert escape_hover("a<b>&c") == "a&lt;b&gt;&amp;c"


def test_hover_names_the_kind_the_time_with_date_and_zone_and_the_whole_text():
    long_text = "word " * 90
    figure = timeline_figure([event(0, "impact_start", long_text.strip())], zone="Europe/Berlin")
    [hover] = lane(figure, EventKind.impact_start).hovertext
    assert hover.startswith("<b>Impact start</b> · 2024-03-29 21:00 CET")
    assert hover.count("word") == 90, "long text is wrapped, not cut"
    assert "<br>" in hover


def test_the_impact_window_runs_from_impact_start_to_impact_end():
    events = incident("cloudflare-2019-07-02")
    figure = timeline_figure(events, zone="Europe/Berlin")
    [shape] = impact_shapes(figure)
    start = next(e for e in events if e.kind == EventKind.impact_start).at
    end = next(e for e in events if e.kind == EventKind.impact_end).at
    assert (shape.x0, shape.x1) == (local_time(start, "Europe/Berlin"), local_time(end, "Europe/Berlin"))
    assert shape.x0 == datetime(2019, 7, 2, 15, 42), "13:42 UTC is 15:42 in Berlin"
    assert end - start == timedelta(minutes=27)


def test_without_an_impact_end_the_window_runs_to_the_last_event():
    figure = timeline_figure([event(0, "trigger"), event(5, "impact_start"), event(40, "action")])
    [shape] = impact_shapes(figure)
    assert (shape.x0, shape.x1) == (datetime(2024, 3, 29, 20, 5), datetime(2024, 3, 29, 20, 40))
    assert any("no end yet" in (note.text or "") for note in figure.layout.annotations)


def test_without_an_impact_start_nothing_is_shaded():
    figure = timeline_figure([event(0, "detected"), event(9, "impact_end")])
    assert impact_shapes(figure) == []


def test_duration_anchors_are_large_diamonds_and_other_events_circles():
    figure = timeline_figure([
        event(0, "impact_start"), event(3, "detected"), event(4, "detected", "second alert"),
        event(10, "action"),
    ])
    detected = lane(figure, EventKind.detected)
    assert list(detected.marker.symbol) == ["diamond", "circle"], "only the earliest is the anchor"
    assert list(detected.marker.size) == [ANCHOR_SIZE, MARKER_SIZE]
    assert list(lane(figure, EventKind.impact_start).marker.symbol) == ["diamond"]
    assert list(lane(figure, EventKind.action).marker.symbol) == ["circle"]
    [hover] = lane(figure, EventKind.impact_start).hovertext
    assert "start of time to detect" in hover


def test_approximate_events_are_hollow_markers():
    figure = timeline_figure([event(0, "impact_start", approximate=True), event(5, "action", approximate=True),
                              event(6, "action")])
    assert list(lane(figure, EventKind.impact_start).marker.symbol) == ["diamond-open"]
    assert list(lane(figure, EventKind.action).marker.symbol) == ["circle-open", "circle"]
    assert "approximate time" in lane(figure, EventKind.action).hovertext[0]
    key_names = {trace.name for trace in figure.data if trace.meta["role"] == KEY}
    assert key_names == {"start or end of a duration", "approximate time"}


def test_times_are_plotted_in_the_viewers_zone_and_the_axis_names_it():
    events = incident("cloudflare-2019-07-02")
    utc = timeline_figure(events, zone="UTC")
    tokyo = timeline_figure(events, zone="Asia/Tokyo")
    first_utc = lanes(utc)[0].x[0]
    first_tokyo = lanes(tokyo)[0].x[0]
    assert first_tokyo - first_utc == timedelta(hours=9)
    assert first_tokyo.tzinfo is None
    assert utc.layout.xaxis.title.text == "Time in UTC · Tue 2 Jul 2019"
    assert tokyo.layout.xaxis.title.text == "Time in Asia/Tokyo (JST) · Tue 2 Jul 2019"


@pytest.mark.parametrize("count, span", [
    (3, timedelta(minutes=27)), (60, timedelta(minutes=27)),
    (3, timedelta(hours=72)), (60, timedelta(hours=72)),
])
def test_small_and_large_short_and_long_timelines_all_draw(count, span):
    events = synthetic(count, span)
    figure = timeline_figure(events, zone="America/New_York")
    assert sum(len(trace.x) for trace in lanes(figure)) == count
    assert figure.layout.height == chart_height(len(lanes(figure)))
    low, high = figure.layout.xaxis.range
    assert low < lanes(figure)[0].x[0] and high > max(max(trace.x) for trace in lanes(figure))
    assert (high - low) < span * 1.2 + timedelta(minutes=5), "the range hugs the events"
    json.loads(figure.to_json())  # Plotly accepts every property


def test_height_is_per_lane_so_many_lanes_are_not_squeezed():
    few = timeline_figure(synthetic(3, timedelta(minutes=27)))
    many = timeline_figure(synthetic(60, timedelta(hours=72)))
    assert len(lanes(many)) == 11
    assert many.layout.height > few.layout.height
    assert (many.layout.height - 150) / 11 >= 40, "at least 40 px per lane"


def test_tick_labels_adapt_to_the_span_and_long_incidents_name_both_days():
    long = incident("github-2018-10-21")
    figure = timeline_figure(long)
    stops = {tuple(stop.dtickrange): stop.value for stop in figure.layout.xaxis.tickformatstops}
    assert stops[(60_000, 3_600_000)] == "%H:%M", "minutes apart: clock time"
    assert "%a" in stops[(3_600_000, 86_400_000)], "hours apart: the day is on the tick"
    assert figure.layout.xaxis.title.text == "Time in UTC · Sun 21 Oct 2018 – Mon 22 Oct 2018"
    assert long[-1].at - long[0].at > timedelta(hours=24)


def test_an_empty_timeline_still_gives_a_figure():
    figure = timeline_figure([])
    assert lanes(figure) == []
    assert any(note.text == "No events yet" for note in figure.layout.annotations)
