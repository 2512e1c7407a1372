"""Patterns across postmortems: what recurs and how fast the team responds,
over the boards of a period.

Pure: boards read by storage/patterns.py come in (`PatternBoard`), figures
come out (`Patterns`), the same for the Patterns page, its charts and the
command line's JSON. A board belongs to the month of its day (the incident
date, or the day it was made when it has none), as in the Learnings review.

- Durations are the timeline's own (canvas.incident.timeline.METRICS);
  a board without both anchors, or with a negative span (a timeline to fix,
  not a response time), adds nothing to them.
- Percentiles interpolate between the two nearest values (p50 of 2 and 4
  is 3), the rule spreadsheets and numpy use by default.
- Actions count in the month they are due; parked and won't-do ones are not
  due, and undated ones are counted apart.
- The factors that recur are found by the similarity the board's grouping
  suggestions use (canvas.similarity.suggest_groups, over every factor of
  the period at once); a group counts when it spans two boards or more.
  The comparison grows with the square of the factors, so past
  FACTORS_COMPARED only the newest boards' factors are compared.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Protocol

from pydantic import BaseModel, model_validator

from canvas.actions import Status
from canvas.dates import OptionalDate
from canvas.incident.timeline import METRICS, TimelineEvent, compute_metrics
from canvas.learnings import DecisionKind, FactorCategory
from canvas.models import ReviewType, Severity
from canvas.similarity import suggest_groups

# The response times the page and the JSON give, in this order (impact
# duration is the Learnings review's).
DURATIONS = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve")
DURATION_LABELS = {definition.name: definition.label for definition in METRICS}
UNCATEGORISED = "uncategorised"
NO_BOARDS = "No boards in this period."
# About half a second of comparison on a small server.
FACTORS_COMPARED = 300


# --- what storage reads ----------------------------------------------------------------


class FactorItem(BaseModel):
    """A contributing factor of a board: a live cluster, or a note outside one."""

    text: str
    category: FactorCategory | None = None


class ActionFact(BaseModel):
    """What the patterns need of an action."""

    status: Status
    due_date: date | None = None
    # The day a done action was done (None for any other status).
    done_on: date | None = None


class PatternBoard(BaseModel):
    """One live board as the patterns see it."""

    board_id: str
    title: str
    day: date
    review_type: ReviewType = ReviewType.incident
    severity: Severity | None = None
    labels: list[str] = []
    events: list[TimelineEvent] = []
    factors: list[FactorItem] = []
    actions: list[ActionFact] = []
    learnings: int = 0
    decisions: list[DecisionKind] = []


class PatternFilter(BaseModel):
    """Which boards the figures cover: a period (both days included), and
    any of the review types, severities and labels picked (none picked:
    all of them)."""

    # The supported days only: a date picker refuses any other.
    since: OptionalDate = None
    until: OptionalDate = None
    review_types: list[ReviewType] = []
    severities: list[Severity] = []
    labels: list[str] = []

    @model_validator(mode="after")
    def _period_in_order(self) -> "PatternFilter":
        if self.since and self.until and self.until < self.since:
            raise ValueError(f"the period ends ({self.until}) before it starts ({self.since}).")
        return self

    def admits(self, board: PatternBoard) -> bool:
        """Whether the board is one these figures cover."""
        wanted = {label.casefold() for label in self.labels}
        return ((self.since is None or board.day >= self.since)
                and (self.until is None or board.day <= self.until)
                and (not self.review_types or board.review_type in self.review_types)
                and (not self.severities or board.severity in self.severities)
                and (not wanted or any(label.casefold() in wanted for label in board.labels)))

    def query(self) -> list[tuple[str, str]]:
        """The filter as a link's query parameters, which the Patterns page
        reads back (`from_query`)."""
        pairs = [("since", self.since.isoformat()) if self.since else None,
                 ("until", self.until.isoformat()) if self.until else None]
        pairs += [("type", value.value) for value in self.review_types]
        pairs += [("severity", value.value) for value in self.severities]
        pairs += [("label", label) for label in self.labels]
        return [pair for pair in pairs if pair is not None]

    @classmethod
    def from_query(cls, values: dict[str, list[str]]) -> "PatternFilter":
        """The filter a link carries; raises ValidationError for a bad value."""
        def one(name: str) -> str | None:
            return (values.get(name) or [None])[-1]

        return cls.model_validate({"since": one("since"), "until": one("until"),
                                   "review_types": values.get("type", []),
                                   "severities": values.get("severity", []),
                                   "labels": values.get("label", [])})


# --- what comes out ----------------------------------------------------------------------


class ReviewsInMonth(BaseModel):
    month: str
    # Boards by review type, every type listed (0 when none).
    by_type: dict[ReviewType, int]

    @property
    def incidents(self) -> int:
        return self.by_type[ReviewType.incident]


class DurationStats(BaseModel):
    """A response time over some boards, in whole seconds (None: none measured)."""

    month: str | None = None
    count: int = 0
    p50: int | None = None
    p90: int | None = None


class DurationSeries(BaseModel):
    name: str
    label: str
    overall: DurationStats
    by_month: list[DurationStats]


class CategoriesInMonth(BaseModel):
    month: str
    # Factors by category; "uncategorised" for those nobody placed yet.
    by_category: dict[str, int]


class LabelCount(BaseModel):
    label: str
    boards: int

    @property
    def recurs(self) -> bool:
        return self.boards >= 2


class ActionsInMonth(BaseModel):
    """The actions due in a month, and how they went by `today`."""

    month: str | None = None
    due: int = 0
    done: int = 0
    overdue: int = 0
    # Of the actions whose due date has passed, how many were done by it.
    past_due: int = 0
    done_by_due_date: int = 0

    @property
    def share_done_by_due_date(self) -> float | None:
        return self.done_by_due_date / self.past_due if self.past_due else None


class LearningsByKind(BaseModel):
    learnings: int = 0
    decided: int = 0
    # Decisions by kind, every kind listed (0 when none).
    decisions: dict[DecisionKind, int] = {}


class RecurringFactor(BaseModel):
    """Similar factors found on two boards or more."""

    name: str
    boards: list[str]  # board titles, in the order of the figures' boards
    factors: list[str]


class Patterns(BaseModel):
    """Every figure of the Patterns page, for the boards a filter admits."""

    filter: PatternFilter
    today: date
    boards: int
    months: list[str]
    reviews: list[ReviewsInMonth]
    durations: list[DurationSeries]
    factor_categories: list[CategoriesInMonth]
    labels: list[LabelCount]
    actions: list[ActionsInMonth]
    actions_total: ActionsInMonth
    actions_undated: int
    learnings: LearningsByKind
    # None when they were not looked for.
    recurring_factors: list[RecurringFactor] | None = None
    # How many factors the similarity compared, of how many in the period.
    factors_compared: int = 0
    factors_total: int = 0
    # Rows storage could not read, left out of every figure.
    unreadable: int = 0

    @property
    def incidents(self) -> int:
        return sum(month.incidents for month in self.reviews)

    def duration(self, name: str) -> DurationSeries:
        return next(series for series in self.durations if series.name == name)

    @property
    def recurring_labels(self) -> list[LabelCount]:
        return [label for label in self.labels if label.recurs]

    def as_json(self) -> dict:
        """The figures as plain JSON values, for a team's own dashboards."""
        data = self.model_dump(mode="json")
        data["incidents"] = self.incidents
        data["actions_total"]["share_done_by_due_date"] = self.actions_total.share_done_by_due_date
        for month, shown in zip(self.actions, data["actions"]):
            shown["share_done_by_due_date"] = month.share_done_by_due_date
        for label, shown in zip(self.labels, data["labels"]):
            shown["recurs"] = label.recurs
        return data


# --- computing them --------------------------------------------------------------------


class Suggestion(Protocol):
    """A proposed group of similar texts: their indices and a name."""

    indices: Sequence[int]
    name: str


Grouping = Callable[[list[str]], Iterable[Suggestion]]


def month_of(day: date) -> str:
    """"2026-03": the month a board or an action counts in."""
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: date, last: date) -> list[str]:
    """Every month from first to last, both included, even the empty ones."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def percentile(values: Sequence[int], share: float) -> int | None:
    """The value below which `share` of the values lie, interpolated between
    the two nearest ranks, to the whole second; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return round(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def _stats(values: list[int], month: str | None = None) -> DurationStats:
    return DurationStats(month=month, count=len(values), p50=percentile(values, 0.5),
                         p90=percentile(values, 0.9))


def _board_durations(board: PatternBoard) -> dict[str, int]:
    return {metric.name: metric.seconds for metric in compute_metrics(board.events)
            if metric.name in DURATIONS and metric.seconds is not None and metric.seconds >= 0}


def _durations(boards: list[PatternBoard], months: list[str]) -> list[DurationSeries]:
    measured = [(month_of(board.day), _board_durations(board)) for board in boards]
    series = []
    for name in DURATIONS:
        every = [durations[name] for _, durations in measured if name in durations]
        series.append(DurationSeries(
            name=name, label=DURATION_LABELS[name], overall=_stats(every),
            by_month=[_stats([durations[name] for month, durations in measured
                              if month == wanted and name in durations], wanted)
                      for wanted in months]))
    return series


def _labels(boards: list[PatternBoard]) -> list[LabelCount]:
    # One board counts once per label, whatever its spelling; the first
    # spelling seen names it.
    spelled: dict[str, str] = {}
    counts: Counter = Counter()
    for board in boards:
        for key in {label.casefold(): label for label in board.labels if label.strip()}:
            spelled.setdefault(key, next(label for label in board.labels if label.casefold() == key))
            counts[key] += 1
    return sorted((LabelCount(label=spelled[key], boards=count) for key, count in counts.items()),
                  key=lambda label: (-label.boards, label.label.casefold()))


def _tally_actions(actions: Iterable[ActionFact], today: date, month: str | None) -> ActionsInMonth:
    tally = ActionsInMonth(month=month)
    for action in actions:
        tally.due += 1
        done = action.status is Status.done
        tally.done += done
        tally.overdue += action.status.is_active and action.due_date < today
        if action.due_date < today:
            tally.past_due += 1
            tally.done_by_due_date += (done and action.done_on is not None
                                       and action.done_on <= action.due_date)
    return tally


def _actions(boards: list[PatternBoard], today: date
             ) -> tuple[list[ActionsInMonth], ActionsInMonth, int]:
    every = [action for board in boards for action in board.actions
             if action.status not in (Status.parked, Status.wont_do)]
    dated = [action for action in every if action.due_date is not None]
    by_month: dict[str, list[ActionFact]] = defaultdict(list)
    for action in dated:
        by_month[month_of(action.due_date)].append(action)
    # Actions fall due in their own months, which may lie past the boards'.
    months = months_between(min(a.due_date for a in dated), max(a.due_date for a in dated)) \
        if dated else []
    return ([_tally_actions(by_month[month], today, month) for month in months],
            _tally_actions(dated, today, None), len(every) - len(dated))


def _learnings(boards: list[PatternBoard]) -> LearningsByKind:
    kinds = Counter(kind for board in boards for kind in board.decisions)
    return LearningsByKind(learnings=sum(board.learnings for board in boards),
                           decided=sum(kinds.values()),
                           decisions={kind: kinds[kind] for kind in DecisionKind})


def _factors(boards: list[PatternBoard]) -> list[tuple[PatternBoard, FactorItem]]:
    return [(board, factor) for board in boards for factor in board.factors if factor.text.strip()]


def recurring_factors(boards: list[PatternBoard], group: Grouping = suggest_groups,
                      limit: int = FACTORS_COMPARED) -> list[RecurringFactor]:
    """The groups of similar contributing factors that span two boards or
    more, those on most boards first, found by `group` over the factors'
    texts: those of the newest boards (`boards` run oldest first) up to
    `limit` factors."""
    owners = _factors(boards)[-limit:] if limit else []
    if len(owners) < 2:
        return []
    found = []
    for suggestion in group([factor.text for _, factor in owners]):
        members = [owners[index] for index in sorted(set(suggestion.indices))
                   if 0 <= index < len(owners)]
        titles = list(dict.fromkeys(board.title for board, _ in members))
        if len({board.board_id for board, _ in members}) >= 2:
            found.append(RecurringFactor(name=suggestion.name, boards=titles,
                                         factors=[factor.text for _, factor in members]))
    return sorted(found, key=lambda factor: (-len(factor.boards), -len(factor.factors), factor.name))


def compute_patterns(boards: Iterable[PatternBoard], figure_filter: PatternFilter, today: date, *,
                     group: Grouping | None = suggest_groups, unreadable: int = 0) -> Patterns:
    """Every figure over the boards `figure_filter` admits, oldest first;
    `today` decides what is overdue; `group` finds the factors that recur
    (None: they are not looked for)."""
    chosen = sorted((board for board in boards if figure_filter.admits(board)),
                    key=lambda board: (board.day, board.title, board.board_id))
    days = [board.day for board in chosen]
    first = figure_filter.since or (min(days) if days else None)
    last = figure_filter.until or (max(days) if days else None)
    months = months_between(first, last) if first and last else []
    in_month: dict[str, list[PatternBoard]] = defaultdict(list)
    for board in chosen:
        in_month[month_of(board.day)].append(board)

    reviews = [ReviewsInMonth(month=month, by_type={
        kind: sum(board.review_type is kind for board in in_month[month]) for kind in ReviewType})
        for month in months]
    categories = [CategoriesInMonth(month=month, by_category={
        **{category.value: 0 for category in FactorCategory}, UNCATEGORISED: 0,
        **Counter(factor.category.value if factor.category else UNCATEGORISED
                  for board in in_month[month] for factor in board.factors)})
        for month in months]
    actions, total, undated = _actions(chosen, today)
    return Patterns(
        filter=figure_filter, today=today, boards=len(chosen), months=months, reviews=reviews,
        durations=_durations(chosen, months), factor_categories=categories,
        labels=_labels(chosen), actions=actions, actions_total=total, actions_undated=undated,
        learnings=_learnings(chosen),
        recurring_factors=None if group is None else recurring_factors(chosen, group),
        factors_compared=0 if group is None else min(len(_factors(chosen)), FACTORS_COMPARED),
        factors_total=len(_factors(chosen)), unreadable=unreadable)
