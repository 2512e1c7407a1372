"""The Impact & Learnings review across boards: a Markdown agenda for a
weekly or fortnightly meeting that goes through the period's impact
(incidents, minutes of customer impact, time to detect and to resolve,
actions done against those due), what recent postmortems learned and
decided, and which of their actions are due or overdue.

What people typed is escaped with `escape_for_documents`; no note and no
author appears, only learnings, decisions and actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

from canvas.actions import PROCESS_REVIEW_QUESTION, FollowUp, Status
from canvas.incident.timeline import TimelineEvent, compute_metrics, format_duration
from canvas.learnings import BoardLearnings, decision_of
from canvas.models import ReviewType
from canvas.text import escape_for_documents

NONE = "—"


class BoardImpact(BaseModel):
    """One board's timeline and actions, for the impact across boards."""

    board_id: str
    title: str
    # The board's incident date, or the day it was made when it has none.
    day: date
    review_type: ReviewType
    events: list[TimelineEvent] = []
    actions: list[FollowUp] = []
    # The facilitator's answer to "What would make our next postmortem better?".
    process_review: str = ""


@dataclass(frozen=True)
class ImpactRow:
    """What one board of the period adds to the review's impact."""

    board_id: str
    title: str
    day: date
    is_incident: bool
    # Whole seconds; None when the timeline lacks an anchor (or holds a
    # negative span, which is a timeline to fix, not an impact to add up).
    impact_seconds: int | None
    detect_seconds: int | None
    resolve_seconds: int | None
    actions_due: int
    actions_done: int
    process_review: str = ""


@dataclass(frozen=True)
class PeriodImpact:
    rows: list[ImpactRow]

    @property
    def process_reviews(self) -> list[ImpactRow]:
        """The period's boards whose facilitator said what would make the next
        postmortem better, in the period's order."""
        return [row for row in self.rows if row.process_review.strip()]

    @property
    def incidents(self) -> int:
        return sum(row.is_incident for row in self.rows)

    @property
    def impact_minutes(self) -> int:
        """Minutes of customer impact over the boards that measured it."""
        return sum(row.impact_seconds for row in self.rows if row.impact_seconds is not None) // 60

    @property
    def actions_due(self) -> int:
        return sum(row.actions_due for row in self.rows)

    @property
    def actions_done(self) -> int:
        return sum(row.actions_done for row in self.rows)

    def mean(self, field: str) -> int | None:
        """The mean of a duration over the boards that measured it (None for none)."""
        values = [getattr(row, field) for row in self.rows if getattr(row, field) is not None]
        return sum(values) // len(values) if values else None


def _measured(seconds: int | None) -> int | None:
    return seconds if seconds is not None and seconds >= 0 else None


def period_impact(boards: list[BoardImpact], start: date, end: date) -> PeriodImpact:
    """The impact of the boards whose day falls within start..end: per board
    its impact duration, time to detect and time to resolve (from the
    timeline's anchors), and its committed actions due by `end` against
    those of them done. Parked ideas and won't-do actions are not due."""
    rows = []
    for board in sorted((b for b in boards if start <= b.day <= end),
                        key=lambda b: (b.day, b.title)):
        metrics = {metric.name: _measured(metric.seconds) for metric in compute_metrics(board.events)}
        due = [action for action in board.actions
               if action.status not in (Status.parked, Status.wont_do)
               and action.due_date is not None and action.due_date <= end]
        rows.append(ImpactRow(
            board_id=board.board_id, title=board.title, day=board.day,
            is_incident=board.review_type is ReviewType.incident,
            impact_seconds=metrics["impact_duration"], detect_seconds=metrics["time_to_detect"],
            resolve_seconds=metrics["time_to_resolve"], actions_due=len(due),
            actions_done=sum(action.status is Status.done for action in due),
            process_review=board.process_review))
    return PeriodImpact(rows)


def format_duration_or_none(seconds: int | None) -> str:
    """A duration as people read it, or "—" when it was not measured."""
    return NONE if seconds is None else format_duration(seconds)


_duration = format_duration_or_none


def impact_markdown(impact: PeriodImpact) -> list[str]:
    """The Impact section's lines."""
    lines = ["## Impact", ""]
    if not impact.rows:
        return lines + ["*No board in this period.*"]
    lines += [f"- **Incidents:** {impact.incidents}",
              f"- **Minutes of customer impact:** {impact.impact_minutes}",
              f"- **Mean time to detect:** {_duration(impact.mean('detect_seconds'))}",
              f"- **Mean time to resolve:** {_duration(impact.mean('resolve_seconds'))}",
              f"- **Actions done / due:** {impact.actions_done} / {impact.actions_due}", "",
              "| Day | Board | Customer impact | Time to detect | Time to resolve | Done / due |",
              "| --- | --- | --- | --- | --- | --- |"]
    for row in impact.rows:
        lines.append(f"| {row.day.isoformat()} | {_inline(row.title)} | "
                     f"{_duration(row.impact_seconds)} | {_duration(row.detect_seconds)} | "
                     f"{_duration(row.resolve_seconds)} | {row.actions_done} / {row.actions_due} |")
    return lines


def process_review_markdown(impact: PeriodImpact) -> list[str]:
    """The section that reviews the review process itself: each board's
    answer to "What would make our next postmortem better?"."""
    lines = ["## Reviewing the process", "", f"*{PROCESS_REVIEW_QUESTION}*", ""]
    if not impact.process_reviews:
        return lines + ["*No board in this period recorded an answer.*"]
    for row in impact.process_reviews:
        lines.append(f"- **{_inline(row.title)}** ({row.day.isoformat()}): "
                     f"{_inline(row.process_review)}")
    return lines


def due_actions(rows: list[tuple[str, str, FollowUp]], end: date
                ) -> list[tuple[str, str, FollowUp]]:
    """The open actions (board id, board title, action) due by `end`,
    overdue ones included, earliest first."""
    due = [(board_id, title, action) for board_id, title, action in rows
           if action.status.is_active and action.due_date is not None and action.due_date <= end]
    return sorted(due, key=lambda row: (row[2].due_date, row[1], row[2].created_at))


def _link_target(url: str) -> str:
    # A Markdown link ends at the first space or unbalanced parenthesis.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _inline(text: str) -> str:
    return escape_for_documents(" ".join(text.split()))


def learnings_review_markdown(boards: list[BoardLearnings],
                              actions: list[tuple[str, str, FollowUp]],
                              start: date, end: date, today: date,
                              impact: PeriodImpact | None = None,
                              patterns_url: str | None = None) -> str:
    """The review as Markdown: the period's impact (when given), per board
    its learnings with their decisions, then the actions due or overdue.
    `today` decides what is overdue; `patterns_url` is the Patterns page
    with the same period, whose charts the meeting can open."""
    learned = sum(len(board.learnings) for board in boards)
    decided = sum(len(board.decisions) for board in boards)
    lines = [f"# Learnings review: {start.isoformat()} to {end.isoformat()}", "",
             f"*{len(boards)} board{'s' if len(boards) != 1 else ''} · {learned} learnings · "
             f"{decided} decisions · {len(actions)} actions due or overdue*"]
    if patterns_url:
        lines += ["", f"Charts of this period (what recurs, response times, actions done on "
                      f"time): [Patterns]({_link_target(patterns_url)})"]
    if impact is not None:
        lines += ["", *impact_markdown(impact)]
    if not boards:
        lines += ["", "*No board in this period recorded learnings.*"]
    for board in boards:
        lines += ["", f"## {_inline(board.title)} ({board.day.isoformat()})", ""]
        for number, learning in enumerate(board.learnings, start=1):
            lines.append(f"{number}. {_inline(learning.text)}")
            decision = decision_of(learning.id, board.decisions)
            if decision is None:
                lines.append("   - Decision: *none yet*")
                continue
            text = f"   - Decision ({decision.kind.label}): {_inline(decision.text)}"
            if decision.trade_off:
                text += f" — trade-off: {_inline(decision.trade_off)}"
            lines.append(text)
    if impact is not None:
        lines += ["", *process_review_markdown(impact)]
    lines += ["", "## Actions due or overdue", ""]
    if not actions:
        lines.append("*No open action is due.*")
    else:
        lines += ["| Due | Action | Owner | Status | Board |", "| --- | --- | --- | --- | --- |"]
        for _, title, action in actions:
            due = action.due_date.isoformat() + (" **overdue**" if action.is_overdue(today) else "")
            lines.append(f"| {due} | {_inline(action.title)} | {_inline(action.owner) or NONE} | "
                         f"{action.status.label} | {_inline(title)} |")
    return "\n".join(lines) + "\n"
