"""The timeline as a Plotly figure: one lane per kind of event, the impact
window shaded, the anchors of the derived durations marked.

Pure: events and metrics in, a `plotly.graph_objects.Figure` out; no clock,
no Streamlit, no database. The same figure is what the page shows and what
the chart's own download button turns into a PNG.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import plotly.graph_objects as go

from canvas.timeline import (
    EventKind, Metric, TimelineEvent, anchor, compute_metrics, format_at, in_range, resolve_zone,
)

# One colour per kind, grouped by meaning: reds for impact, warm tones for
# noticing, blue for talking, greens for getting better, greys for the rest.
KIND_COLOURS: dict[EventKind, str] = {
    EventKind.trigger: "#6b6b6b",
    EventKind.impact_start: "#c62828",
    EventKind.detected: "#ef6c00",
    EventKind.acknowledged: "#b8860b",
    EventKind.escalated: "#8e24aa",
    EventKind.communication: "#1e66c8",
    EventKind.action: "#00897b",
    EventKind.mitigated: "#43a047",
    EventKind.resolved: "#1b5e20",
    EventKind.impact_end: "#8d1c1c",
    EventKind.other: "#9e9e9e",
}
IMPACT_FILL = "rgba(198, 40, 40, 0.10)"

MARKER_SIZE = 11
ANCHOR_SIZE = 17
LANE_HEIGHT = 44  # px per lane: room for a 17 px diamond and its neighbours' labels
CHROME_HEIGHT = 150  # px for the legend above and the axis, its ticks and title below
MIN_HEIGHT = 300
HOVER_WIDTH = 60  # characters per hover line; a 500-character text stays a readable box

# Tick labels by the distance between ticks (milliseconds, as Plotly counts):
# seconds only when zoomed right in, clock times within a day, the date added
# once ticks are hours apart (a 72-hour incident), dates alone beyond that.
# A short incident's date is in the axis title instead of on every tick.
MINUTE_MS, HOUR_MS, DAY_MS = 60_000, 3_600_000, 86_400_000
TICK_FORMATS: tuple[tuple[list[int | None], str], ...] = (
    ([None, MINUTE_MS], "%H:%M:%S"),
    ([MINUTE_MS, HOUR_MS], "%H:%M"),
    ([HOUR_MS, DAY_MS], "%H:%M<br>%a %-d %b"),
    ([DAY_MS, None], "%a %-d %b"),
)

# Marks the traces that are lanes; the two key traces only explain the symbols.
LANE = "lane"
KEY = "key"


def escape_hover(text: str) -> str:
    """Text that Plotly's hover labels show literally.

    Plotly reads a small set of HTML tags (<b>, <br>, <a href=...>, <span
    style=...>) and entities in hover text; escaping &, < and > turns all of
    them back into the characters that were typed.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def anchor_roles(metrics: Iterable[Metric]) -> dict[object, list[str]]:
    """For each event that anchors a duration (keyed by `event_key`), the roles
    it plays: ["start of time to detect", "start of time to mitigate", ...]."""
    roles: dict[object, list[str]] = {}
    for metric in metrics:
        for event, role in ((metric.start, "start"), (metric.end, "end")):
            if event is not None:
                roles.setdefault(event_key(event), []).append(f"{role} of {metric.label.lower()}")
    return roles


def timeline_figure(
    events: Sequence[TimelineEvent], zone: str = "UTC", metrics: Sequence[Metric] | None = None
) -> go.Figure:
    """The timeline chart in `zone` (an IANA name): x is local time, y is the kind.

    `metrics` default to `compute_metrics(events)`; their anchor events are
    drawn as large diamonds. Approximate times are hollow markers. The impact
    window runs from the impact-start anchor to the impact-end anchor, or to
    the last event when impact has not ended on the timeline yet. Events
    outside the supported dates (older data) are left out: the page lists
    them with a warning.
    """
    resolve_zone(zone)  # an unknown zone fails here, before any drawing
    events = sorted(in_range(events), key=lambda event: event.at)
    metrics = compute_metrics(events) if metrics is None else metrics
    roles = anchor_roles(metrics)
    kinds = [kind for kind in EventKind if any(event.kind == kind for event in events)]

    figure = go.Figure()
    for kind in kinds:
        lane = [event for event in events if event.kind == kind]
        figure.add_trace(_lane_trace(kind, lane, roles, zone))
    for trace in _key_traces():
        figure.add_trace(trace)
    _shade_impact(figure, events, zone)
    _lay_out(figure, events, kinds, zone)
    if not events:
        figure.add_annotation(text="No events yet", showarrow=False, xref="paper", yref="paper",
                              x=0.5, y=0.5, font={"size": 16, "color": "#777"})
    return figure


def local_time(at: datetime, zone: str) -> datetime:
    """`at` as wall-clock time in `zone`, without tzinfo, the way Plotly plots it.

    Plotly's date axis has no notion of zones (it would show an aware time in
    UTC or drop the offset), so times are converted first and the axis title
    names the zone. Across a daylight-saving change the local clock jumps, so
    the spacing there is off by that hour; the hover text keeps the exact time.
    """
    return at.astimezone(resolve_zone(zone)).replace(tzinfo=None)


def chart_height(lane_count: int) -> int:
    """Pixels: a fixed height per lane, so 2 lanes and 11 lanes both read well."""
    return max(MIN_HEIGHT, CHROME_HEIGHT + LANE_HEIGHT * lane_count)


def event_key(event: TimelineEvent) -> object:
    """What identifies an event: its id once stored; before that (a parsed
    import) its time, kind and text."""
    return event.id or (event.at, event.kind, event.text)


def _lane_trace(kind: EventKind, lane: list[TimelineEvent], roles: dict, zone: str) -> go.Scatter:
    colour = KIND_COLOURS[kind]
    symbols, sizes, hovers = [], [], []
    for event in lane:
        is_anchor = event_key(event) in roles
        shape = "diamond" if is_anchor else "circle"
        symbols.append(f"{shape}-open" if event.approximate else shape)
        sizes.append(ANCHOR_SIZE if is_anchor else MARKER_SIZE)
        hovers.append(_hover(event, roles.get(event_key(event), []), zone))
    return go.Scatter(
        x=[local_time(event.at, zone) for event in lane],
        y=[kind.label] * len(lane),
        mode="markers",
        name=kind.label,
        meta={"role": LANE, "kind": kind.value},
        showlegend=False,
        # hoverinfo "text" with `hovertext`, not a hovertemplate: a template
        # would also expand %{...} typed into an event's text.
        hovertext=hovers,
        hoverinfo="text",
        marker={
            "symbol": symbols,
            "size": sizes,
            "color": colour,
            "opacity": 0.9,
            # Hollow (approximate) markers are drawn with this line only.
            "line": {"width": 2, "color": colour},
        },
    )


def _hover(event: TimelineEvent, roles: list[str], zone: str) -> str:
    lines = [f"<b>{escape_hover(event.kind.label)}</b> · {escape_hover(format_at(event.at, zone))}"]
    if event.approximate:
        lines.append("<i>approximate time</i>")
    for paragraph in event.text.splitlines() or [""]:
        wrapped = textwrap.wrap(paragraph, HOVER_WIDTH, break_long_words=True) or [""]
        lines.extend(escape_hover(line) for line in wrapped)
    if event.evidence_url:
        lines.append("<i>has an evidence link</i>")
    if roles:
        lines.append(f"<i>{escape_hover('; '.join(roles))}</i>")
    return "<br>".join(lines)


def _key_traces() -> list[go.Scatter]:
    """Legend entries explaining the two marker styles (they plot nothing)."""
    def entry(name: str, symbol: str, size: int) -> go.Scatter:
        return go.Scatter(
            x=[None], y=[None], mode="markers", name=name, meta={"role": KEY}, hoverinfo="skip",
            marker={"symbol": symbol, "size": size, "color": "#555", "line": {"width": 2, "color": "#555"}},
        )

    return [entry("start or end of a duration", "diamond", ANCHOR_SIZE - 4),
            entry("approximate time", "circle-open", MARKER_SIZE)]


def impact_window(events: Sequence[TimelineEvent]) -> tuple[datetime, datetime, bool] | None:
    """(start, end, ended) of the impact in UTC, or None without an impact
    start. Without an impact end the window runs to the last event
    (`ended` False); an end before the start (an order problem the page
    warns about) gives no window rather than a backwards one."""
    start = anchor(events, EventKind.impact_start)
    if start is None:
        return None
    end = anchor(events, EventKind.impact_end)
    ended = end is not None
    until = end.at if ended else max(event.at for event in in_range(events))
    if until < start.at:
        return None
    return start.at, until, ended


def _shade_impact(figure: go.Figure, events: Sequence[TimelineEvent], zone: str) -> None:
    window = impact_window(events)
    if window is None:
        return
    start, end, ended = window
    figure.add_vrect(
        x0=local_time(start, zone), x1=local_time(end, zone), fillcolor=IMPACT_FILL,
        line_width=0, layer="below", name="impact",
        annotation_text="impact" if ended else "impact (no end yet)",
        annotation_position="top left",
        annotation_font={"size": 12, "color": KIND_COLOURS[EventKind.impact_start]},
    )


def _lay_out(figure: go.Figure, events: Sequence[TimelineEvent], kinds: list[EventKind], zone: str) -> None:
    labels = [kind.label for kind in kinds]
    figure.update_layout(
        template="plotly_white",
        height=chart_height(len(kinds)),
        margin={"l": 10, "r": 20, "t": 40, "b": 10},
        hovermode="closest",
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 13}},
        # Top left: the modebar appears top right when the pointer is on the chart.
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0,
                "font": {"size": 12}},
        dragmode="zoom",
        font={"size": 13},
    )
    figure.update_yaxes(
        type="category",
        # Plotly puts the first category at the bottom; reversed, the lanes
        # read top-down in the order an incident unfolds.
        categoryorder="array", categoryarray=list(reversed(labels)),
        range=[-0.6, len(labels) - 0.4],
        fixedrange=True, showgrid=True, gridcolor="#eeeeee", ticks="", title=None,
        automargin=True,
    )
    figure.update_xaxes(
        type="date",
        title={"text": axis_title(events, zone), "font": {"size": 13}},
        tickformatstops=[{"dtickrange": span, "value": fmt} for span, fmt in TICK_FORMATS],
        range=x_range(events, zone),
        showgrid=True, gridcolor="#eeeeee", zeroline=False, automargin=True,
        showline=True, linecolor="#bbbbbb",
    )


def x_range(events: Sequence[TimelineEvent], zone: str) -> list[datetime] | None:
    """The x range with a margin, so the first and last markers are not cut in half."""
    if not events:
        return None
    first, last = min(event.at for event in events), max(event.at for event in events)
    pad = max((last - first) * 0.04, timedelta(minutes=2))
    return [local_time(first - pad, zone), local_time(last + pad, zone)]


def axis_title(events: Sequence[TimelineEvent], zone: str) -> str:
    """E.g. "Time in Europe/Berlin (CEST) · Tue 2 Jul 2019" or, across days,
    "Time in UTC · Sun 21 Oct 2018 – Mon 22 Oct 2018"."""
    if not events:
        return f"Time in {zone}"
    first, last = min(event.at for event in events), max(event.at for event in events)
    tz = resolve_zone(zone)
    local_first, local_last = first.astimezone(tz), last.astimezone(tz)
    abbreviations = sorted({local_first.tzname(), local_last.tzname()})
    # "UTC (UTC)" says nothing; a named zone gets its abbreviation(s).
    named = zone if abbreviations == [zone] else f"{zone} ({' / '.join(abbreviations)})"
    days = _day(local_first)
    if local_last.date() != local_first.date():
        days += " – " + _day(local_last)
    return f"Time in {named} · {days}"


def _day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}"
