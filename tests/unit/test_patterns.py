"""Patterns across postmortems: the figures of canvas/patterns.py, worked out
by hand on small literal boards."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from canvas.actions import Status
from canvas.incident.timeline import EventKind, TimelineEvent
from canvas.learnings import DecisionKind, FactorCategory
from canvas.models import ReviewType, Severity
from canvas.patterns import (
    ActionFact, FactorItem, PatternBoard, PatternFilter, compute_patterns, months_between,
    percentile, recurring_factors,
)

TODAY = date(2026, 4, 15)


def timeline(day: date, **minutes: int) -> list[TimelineEvent]:
    """Events on `day` at 10:00 UTC plus the given minutes, by kind name."""
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    return [TimelineEvent(at=start + timedelta(minutes=offset), kind=EventKind(kind), text=kind)
            for kind, offset in minutes.items()]


def board(number: int, day: date, **fields) -> PatternBoard:
    return PatternBoard(board_id=f"b{number}", title=f"Board {number}", day=day, **fields)


JAN, FEB, MAR = date(2026, 1, 10), date(2026, 2, 3), date(2026, 3, 20)

BOARDS = [
    board(1, JAN, severity=Severity.sev1, labels=["checkout", "payments"],
          events=timeline(JAN, impact_start=0, detected=4, acknowledged=6, mitigated=30, resolved=60),
          factors=[FactorItem(text="No canary for config pushes", category=FactorCategory.process),
                   FactorItem(text="Alert threshold too high", category=FactorCategory.tech)],
          learnings=3, decisions=[DecisionKind.fix, DecisionKind.guardrail]),
    board(2, JAN, severity=Severity.sev2, labels=["Checkout"],
          events=timeline(JAN, impact_start=0, detected=10, resolved=120),
          factors=[FactorItem(text="Config pushed everywhere at once")],
          learnings=2, decisions=[DecisionKind.fix]),
    board(3, MAR, severity=Severity.sev2, labels=["search"],
          # Detected before the impact started: a timeline to fix, not a time to detect.
          events=timeline(MAR, impact_start=5, detected=0, resolved=45),
          factors=[FactorItem(text="Runbook out of date", category=FactorCategory.process)]),
    board(4, FEB, review_type=ReviewType.project, severity=Severity.none, labels=["checkout"]),
]


def test_months_run_through_the_empty_ones_and_over_the_new_year():
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        "2025-11", "2025-12", "2026-01", "2026-02"]


def test_percentiles_interpolate_between_the_nearest_values():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([2, 4], 0.5) == 3
    # p90 of 1..10: position 8.1 between 9 and 10.
    assert percentile(list(range(10, 0, -1)), 0.9) == 9
    assert percentile([240, 600], 0.9) == 564


def test_reviews_are_counted_per_month_by_type_with_empty_months_kept():
    patterns = compute_patterns(BOARDS, PatternFilter(), TODAY)
    assert patterns.months == ["2026-01", "2026-02", "2026-03"]
    assert [(m.month, m.incidents, m.by_type[ReviewType.project]) for m in patterns.reviews] == [
        ("2026-01", 2, 0), ("2026-02", 0, 1), ("2026-03", 1, 0)]
    assert (patterns.boards, patterns.incidents) == (4, 3)


def test_response_times_are_medians_and_p90_per_month_leaving_out_negative_spans():
    patterns = compute_patterns(BOARDS, PatternFilter(), TODAY)
    detect = patterns.duration("time_to_detect")
    # Boards 1 and 2: 4 and 10 minutes; board 3's detection came before its impact.
    assert (detect.overall.count, detect.overall.p50, detect.overall.p90) == (2, 420, 564)
    assert [(m.month, m.count, m.p50) for m in detect.by_month] == [
        ("2026-01", 2, 420), ("2026-02", 0, None), ("2026-03", 0, None)]
    resolve = patterns.duration("time_to_resolve")
    assert (resolve.overall.count, resolve.overall.p50) == (3, 3600)
    assert [m.p50 for m in resolve.by_month] == [5400, None, 2400]
    acknowledge = patterns.duration("time_to_acknowledge")
    assert (acknowledge.overall.count, acknowledge.overall.p50) == (1, 120)


def test_factor_categories_are_counted_per_month_uncategorised_included():
    patterns = compute_patterns(BOARDS, PatternFilter(), TODAY)
    january, february, march = patterns.factor_categories
    assert (january.by_category["process"], january.by_category["tech"],
            january.by_category["uncategorised"], january.by_category["people"]) == (1, 1, 1, 0)
    assert sum(february.by_category.values()) == 0
    assert march.by_category["process"] == 1


def test_labels_recur_across_boards_whatever_their_spelling():
    patterns = compute_patterns(BOARDS, PatternFilter(), TODAY)
    assert [(label.label, label.boards, label.recurs) for label in patterns.labels] == [
        ("checkout", 3, True), ("payments", 1, False), ("search", 1, False)]
    assert [label.label for label in patterns.recurring_labels] == ["checkout"]


def test_actions_count_in_their_due_month_with_the_share_done_by_the_due_date():
    actions = [
        ActionFact(status=Status.done, due_date=date(2026, 2, 10), done_on=date(2026, 2, 9)),
        ActionFact(status=Status.done, due_date=date(2026, 2, 20), done_on=date(2026, 3, 1)),
        ActionFact(status=Status.open, due_date=date(2026, 2, 28)),
        ActionFact(status=Status.in_progress, due_date=date(2026, 4, 30)),
        ActionFact(status=Status.done, due_date=date(2026, 4, 30), done_on=date(2026, 4, 1)),
        ActionFact(status=Status.open, due_date=None),
        ActionFact(status=Status.parked, due_date=date(2026, 2, 1)),
        ActionFact(status=Status.wont_do, due_date=date(2026, 2, 1)),
    ]
    patterns = compute_patterns([board(1, JAN, actions=actions)], PatternFilter(), TODAY)
    assert [(m.month, m.due, m.done, m.overdue, m.past_due, m.done_by_due_date)
            for m in patterns.actions] == [
        ("2026-02", 3, 2, 1, 3, 1), ("2026-03", 0, 0, 0, 0, 0), ("2026-04", 2, 1, 0, 0, 0)]
    total = patterns.actions_total
    assert (total.due, total.done, total.overdue) == (5, 3, 1)
    assert total.share_done_by_due_date == pytest.approx(1 / 3)
    assert patterns.actions[2].share_done_by_due_date is None
    assert patterns.actions_undated == 1


def test_learnings_and_decisions_are_counted_by_kind():
    learnings = compute_patterns(BOARDS, PatternFilter(), TODAY).learnings
    assert (learnings.learnings, learnings.decided) == (5, 3)
    assert learnings.decisions[DecisionKind.fix] == 2
    assert learnings.decisions[DecisionKind.no_change] == 0
    assert len(learnings.decisions) == len(DecisionKind)


def test_the_filter_keeps_the_period_types_severities_and_labels_asked_for():
    def shown(**fields) -> list[str]:
        figures = compute_patterns(BOARDS, PatternFilter(**fields), TODAY)
        return [m.month for m in figures.reviews if sum(m.by_type.values())], figures.boards

    assert shown(since=date(2026, 2, 1)) == (["2026-02", "2026-03"], 2)
    assert shown(until=date(2026, 1, 31)) == (["2026-01"], 2)
    assert shown(review_types=[ReviewType.project]) == (["2026-02"], 1)
    assert shown(severities=[Severity.sev2]) == (["2026-01", "2026-03"], 2)
    assert shown(labels=["CHECKOUT"]) == (["2026-01", "2026-02"], 3)
    assert shown(labels=["search", "payments"]) == (["2026-01", "2026-03"], 2)
    # The period's months are all listed, even where no board fell.
    assert compute_patterns(BOARDS, PatternFilter(since=date(2025, 12, 1)), TODAY).months[0] == "2025-12"


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValidationError, match="ends"):
        PatternFilter(since=date(2026, 3, 1), until=date(2026, 2, 1))


def test_the_filter_goes_into_a_link_and_comes_back_the_same():
    wanted = PatternFilter(since=date(2026, 1, 1), until=date(2026, 3, 31),
                           review_types=[ReviewType.incident], severities=[Severity.sev1],
                           labels=["checkout", "db"])
    query: dict[str, list[str]] = {}
    for name, value in wanted.query():
        query.setdefault(name, []).append(value)
    assert query == {"since": ["2026-01-01"], "until": ["2026-03-31"], "type": ["incident"],
                     "severity": ["SEV1"], "label": ["checkout", "db"]}
    assert PatternFilter.from_query(query) == wanted
    with pytest.raises(ValidationError):
        PatternFilter.from_query({"since": ["March"]})
    # A day no date picker offers.
    with pytest.raises(ValidationError, match="1970-01-01 to 2200-12-31"):
        PatternFilter.from_query({"since": ["1900-01-01"]})


def test_no_boards_give_empty_figures_not_errors():
    patterns = compute_patterns([], PatternFilter(), TODAY)
    assert (patterns.boards, patterns.months, patterns.actions, patterns.labels) == (0, [], [], [])
    assert patterns.duration("time_to_resolve").overall.p50 is None
    assert patterns.actions_total.share_done_by_due_date is None
    assert patterns.recurring_factors == []
    assert compute_patterns([], PatternFilter(), TODAY, group=None).recurring_factors is None
    data = patterns.as_json()
    assert data["incidents"] == 0 and data["actions_total"]["share_done_by_due_date"] is None


@dataclass
class Group:
    indices: list[int]
    name: str


def test_recurring_factors_are_groups_that_span_two_boards():
    def group(texts: list[str]) -> list[Group]:
        # Stands in for the similarity: groups the texts that mention "config".
        assert texts == ["No canary for config pushes", "Alert threshold too high",
                         "Config pushed everywhere at once", "Runbook out of date"]
        return [Group([0, 2], "Config pushes"), Group([1], "Alerts"), Group([3, 3], "Runbooks")]

    found = recurring_factors(sorted(BOARDS[:3], key=lambda b: b.board_id), group)
    assert [(f.name, f.boards, f.factors) for f in found] == [
        ("Config pushes", ["Board 1", "Board 2"],
         ["No canary for config pushes", "Config pushed everywhere at once"])]
    patterns = compute_patterns(BOARDS, PatternFilter(), TODAY, group=group)
    assert [f.name for f in patterns.recurring_factors] == ["Config pushes"]
    assert (patterns.factors_compared, patterns.factors_total) == (4, 4)


def test_the_similarity_of_the_grouping_suggestions_finds_a_factor_on_two_boards():
    backups = [board(1, JAN, factors=[FactorItem(text="No team owned testing of backup and restore"),
                                      FactorItem(text="Spam traffic loaded the database")]),
               board(2, FEB, factors=[FactorItem(text="Backup and restore procedures never tested")]),
               board(3, MAR, factors=[FactorItem(text="The status page was updated late")])]
    [found] = compute_patterns(backups, PatternFilter(), TODAY).recurring_factors
    assert (found.boards, found.factors) == (
        ["Board 1", "Board 2"], ["No team owned testing of backup and restore",
                                 "Backup and restore procedures never tested"])


def test_only_the_newest_factors_are_compared_past_the_limit():
    seen = []

    def group(texts):
        seen.extend(texts)
        return []

    recurring_factors(BOARDS[:3], group, limit=2)
    # The last two factors of the boards in the order given: the newest.
    assert seen == ["Config pushed everywhere at once", "Runbook out of date"]


def test_the_json_holds_every_figure_with_shares_and_recurrence():
    data = compute_patterns(BOARDS, PatternFilter(labels=["checkout"]), TODAY).as_json()
    assert data["filter"]["labels"] == ["checkout"]
    assert data["incidents"] == 2 and data["boards"] == 3
    assert data["labels"][0] == {"label": "checkout", "boards": 3, "recurs": True}
    assert data["durations"][0]["name"] == "time_to_detect"
    assert data["reviews"][0]["by_type"]["incident"] == 2
    assert data["learnings"]["decisions"]["fix"] == 2
