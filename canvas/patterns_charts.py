"""The Patterns figures as Plotly charts, one function per chart.

Pure: a `Patterns` in, a `plotly.graph_objects.Figure` out. A chart with
nothing to draw still comes back as a figure (the page says so instead of
drawing it; see `has_data`)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from canvas.incident.timeline import format_duration
from canvas.learnings import DecisionKind, FactorCategory
from canvas.models import ReviewType
from canvas.patterns import UNCATEGORISED, Patterns

HEIGHT = 280
# A small categorical palette that reads on white and in print.
COLOURS = ["#1e66c8", "#ef6c00", "#43a047", "#8e24aa", "#c62828", "#00897b", "#9e9e9e"]
LABELS_SHOWN = 12


def _days(months: list[str]) -> list[str]:
    # On a date axis a month's bar is as wide as the month and the ticks
    # thin out over long periods, where a category axis would print them all.
    return [f"{month}-01" for month in months]


def _layout(figure: go.Figure, *, y_title: str = "", legend: bool = True,
            highest: int | None = None) -> go.Figure:
    """The charts' shared look; `highest` is the tallest count a chart of
    whole numbers draws, whose ticks then fall on whole numbers only."""
    figure.update_layout(
        height=HEIGHT, margin=dict(l=56, r=16, t=8, b=8), barmode="stack",
        paper_bgcolor="white", plot_bgcolor="white", font=dict(size=12),
        showlegend=legend, legend=dict(orientation="h", yanchor="top", y=-0.12, x=0),
        yaxis=dict(title=y_title, gridcolor="#e6e6e6", rangemode="tozero", automargin=True),
        xaxis=dict(type="date", tickformat="%b %Y", automargin=True,
                   hoverformat="%B %Y"))
    if highest is not None:
        figure.update_yaxes(dtick=max(1, math.ceil(highest / 5)), tickformat=",d")
    return figure


def reviews_figure(patterns: Patterns) -> go.Figure:
    """Boards per month, stacked by review type (incidents first)."""
    figure = go.Figure()
    for colour, kind in zip(COLOURS, ReviewType):
        counts = [month.by_type[kind] for month in patterns.reviews]
        if any(counts) or kind is ReviewType.incident:
            figure.add_bar(x=_days(patterns.months), y=counts, name=kind.label,
                           marker_color=colour)
    return _layout(figure, y_title="boards",
                   highest=max((sum(m.by_type.values()) for m in patterns.reviews), default=0))


def duration_figure(patterns: Patterns, name: str) -> go.Figure:
    """One response time per month: the median as bars, p90 as markers, in minutes."""
    series = patterns.duration(name)
    months = _days([stats.month for stats in series.by_month])

    def minutes(values):
        return [None if value is None else round(value / 60, 1) for value in values]

    def hover(values):
        return ["—" if value is None else format_duration(value) for value in values]

    p50 = [stats.p50 for stats in series.by_month]
    p90 = [stats.p90 for stats in series.by_month]
    figure = go.Figure()
    figure.add_bar(x=months, y=minutes(p50), name="median", marker_color=COLOURS[0],
                   customdata=list(zip(hover(p50), [s.count for s in series.by_month])),
                   hovertemplate="median %{customdata[0]} over %{customdata[1]} boards"
                                 "<extra></extra>")
    figure.add_scatter(x=months, y=minutes(p90), name="p90", mode="markers",
                       marker=dict(color=COLOURS[1], size=10, symbol="diamond"),
                       customdata=hover(p90), hovertemplate="p90 %{customdata}<extra></extra>")
    return _layout(figure, y_title="minutes")


def categories_figure(patterns: Patterns) -> go.Figure:
    """Contributing factors per month, stacked by category."""
    figure = go.Figure()
    names = [(category.value, category.label) for category in FactorCategory]
    for colour, (key, label) in zip(COLOURS, [*names, (UNCATEGORISED, "Uncategorised")]):
        counts = [month.by_category.get(key, 0) for month in patterns.factor_categories]
        if any(counts):
            figure.add_bar(x=_days(patterns.months), y=counts, name=label, marker_color=colour)
    return _layout(figure, y_title="factors", highest=max(
        (sum(m.by_category.values()) for m in patterns.factor_categories), default=0))


def labels_figure(patterns: Patterns) -> go.Figure:
    """The labels on most boards, those on two or more in colour."""
    shown = patterns.labels[:LABELS_SHOWN][::-1]
    figure = go.Figure(go.Bar(
        x=[label.boards for label in shown], y=[label.label for label in shown], orientation="h",
        marker_color=[COLOURS[0] if label.recurs else "#bdbdbd" for label in shown],
        hovertemplate="%{y}: %{x} boards<extra></extra>"))
    most = max((label.boards for label in shown), default=0)
    _layout(figure, legend=False)
    figure.update_layout(yaxis=dict(type="category", title=""),
                         xaxis=dict(type="linear", title="boards", tickformat=",d",
                                    dtick=max(1, math.ceil(most / 5)), gridcolor="#e6e6e6",
                                    hoverformat=None))
    return figure


def actions_figure(patterns: Patterns) -> go.Figure:
    """Actions due per month, split into done and not, with the overdue ones
    and the share done by their due date."""
    months = _days([month.month for month in patterns.actions])
    figure = go.Figure()
    figure.add_bar(x=months, y=[m.done for m in patterns.actions], name="done",
                   marker_color=COLOURS[2])
    figure.add_bar(x=months, y=[m.due - m.done - m.overdue for m in patterns.actions],
                   name="not done yet", marker_color="#bdbdbd")
    figure.add_bar(x=months, y=[m.overdue for m in patterns.actions], name="overdue",
                   marker_color=COLOURS[4])
    shares = [None if m.share_done_by_due_date is None else round(100 * m.share_done_by_due_date)
              for m in patterns.actions]
    figure.add_scatter(x=months, y=shares, name="% done by due date", yaxis="y2",
                       mode="lines+markers", marker_color=COLOURS[3], connectgaps=True)
    _layout(figure, y_title="actions due", highest=max((m.due for m in patterns.actions), default=0))
    figure.update_layout(margin=dict(r=64), yaxis2=dict(
        overlaying="y", side="right", range=[0, 105], dtick=25, ticksuffix=" %",
        title="done by due date", showgrid=False, automargin=True))
    return figure


def decisions_figure(patterns: Patterns) -> go.Figure:
    """Decisions by kind, and the learnings still without one."""
    learnings = patterns.learnings
    names = [kind.label for kind in DecisionKind] + ["No decision yet"]
    counts = [learnings.decisions.get(kind, 0) for kind in DecisionKind]
    counts.append(learnings.learnings - learnings.decided)
    figure = go.Figure(go.Bar(x=names, y=counts, marker_color=[COLOURS[0]] * len(DecisionKind)
                              + ["#bdbdbd"], hovertemplate="%{x}: %{y}<extra></extra>"))
    _layout(figure, y_title="learnings", legend=False, highest=max(counts))
    figure.update_layout(xaxis=dict(type="category", tickformat=None, hoverformat=None))
    return figure


def has_data(patterns: Patterns, chart: str) -> bool:
    """Whether a chart has anything to draw."""
    return {
        "reviews": patterns.boards > 0,
        "durations": any(series.overall.count for series in patterns.durations),
        "categories": any(sum(month.by_category.values()) for month in patterns.factor_categories),
        "labels": bool(patterns.labels),
        "actions": bool(patterns.actions),
        "decisions": patterns.learnings.learnings > 0,
    }[chart]
