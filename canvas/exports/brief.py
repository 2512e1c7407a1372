"""The one-page internal shareout: what `export --format brief` prints.

For the people who were not in the room but need to know: a TL;DR, the
impact, the top learnings, the decisions taken on them, the top actions with
their owners and dates, and when the follow-up review is. It stays one page
by keeping the top few of each list and saying how many more the board holds.

It is internal (owners are named, as they are on the board), but like every
export it never names who wrote a note, and shows no notes at all: the
learnings and decisions are what the notes became. What people typed is
escaped with `escape_for_documents`.
"""

from __future__ import annotations

import re
from datetime import date

from canvas.actions import FollowUp, Priority
from canvas.incident.timeline import compute_metrics, describe_metric
from canvas.learnings import decision_of
from canvas.snapshot import BoardSnapshot
from canvas.text import escape_for_documents

TOP_LEARNINGS = 5
TOP_ACTIONS = 5
TLDR_SENTENCES = 2
UNKNOWN = "*unknown*"
_PRIORITY_ORDER = {Priority.high: 0, Priority.medium: 1, Priority.low: 2}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def brief(snapshot: BoardSnapshot, today: date) -> str:
    """The board as a one-page Markdown brief (see the module docstring).
    `today` decides what is overdue."""
    sections = [
        _header(snapshot),
        _tldr(snapshot),
        _impact(snapshot),
        _learnings(snapshot),
        _decisions(snapshot),
        _actions(snapshot, today),
        _review(snapshot),
    ]
    return "\n\n".join(section for section in sections if section) + "\n"


def _inline(text: str) -> str:
    return escape_for_documents(" ".join(text.split()))


def _more(shown: int, total: int, what: str) -> list[str]:
    hidden = total - shown
    return [] if hidden <= 0 else ["", f"*…and {hidden} more {what} on the board.*"]


def _header(snapshot: BoardSnapshot) -> str:
    board = snapshot.board
    facts = [board.incident_date.isoformat() if board.incident_date else "date unknown",
             board.severity.value, snapshot.template.name]
    return f"# Brief: {_inline(board.title)}\n\n*{' · '.join(facts)}*"


def tldr(summary: str) -> str:
    """The first sentences of a summary, on one line, as typed ("" for none)."""
    summary = " ".join(summary.split())
    sentences = _SENTENCE_END.split(summary) if summary else []
    return " ".join(sentences[:TLDR_SENTENCES])


def _tldr(snapshot: BoardSnapshot) -> str:
    text = tldr(snapshot.board.summary)
    return "## TL;DR\n\n" + (escape_for_documents(text) if text else UNKNOWN)


def _impact(snapshot: BoardSnapshot) -> str:
    measured = [metric for metric in compute_metrics(snapshot.events)
                if metric.seconds is not None and metric.seconds >= 0]
    if not snapshot.board.asks_customer_impact and not measured:
        return ""  # an OKR period or a pre-mortem: no incident to measure
    lines = ["## Impact", "", _inline(snapshot.board.impact) or UNKNOWN]
    if measured:
        lines += [""] + [f"- {metric.label}: {describe_metric(metric)}" for metric in measured]
    return "\n".join(lines)


def _learnings(snapshot: BoardSnapshot) -> str:
    lines = ["## What we learned", ""]
    learnings = snapshot.learnings
    if not learnings:
        return "\n".join(lines + ["*No learnings recorded yet.*"])
    # Learnings that led somewhere come first: they are what the brief is for.
    ranked = sorted(learnings, key=lambda learning: (
        decision_of(learning.id, snapshot.decisions) is None, not learning.has_evidence))
    lines += [f"- {_inline(learning.text)}" for learning in ranked[:TOP_LEARNINGS]]
    return "\n".join(lines + _more(min(len(ranked), TOP_LEARNINGS), len(ranked), "learnings"))


def _decisions(snapshot: BoardSnapshot) -> str:
    lines = ["## Decisions", ""]
    if not snapshot.decisions:
        return "\n".join(lines + ["*No decisions yet.*"])
    for decision in snapshot.decisions:
        line = f"- **{decision.kind.label}:** {_inline(decision.text)}"
        if decision.trade_off:
            line += f" *(trade-off: {_inline(decision.trade_off)})*"
        lines.append(line)
    return "\n".join(lines)


def _top_actions(actions: list[FollowUp]) -> list[FollowUp]:
    active = [action for action in actions if action.status.is_active]
    return sorted(active, key=lambda action: (
        _PRIORITY_ORDER[action.priority], action.due_date or date.max, action.created_at))


def _actions(snapshot: BoardSnapshot, today: date) -> str:
    lines = ["## Top actions", ""]
    top = _top_actions(snapshot.actions)
    if not top:
        return "\n".join(lines + ["*No open actions.*"])
    lines += ["| Action | Owner | Due |", "| --- | --- | --- |"]
    for action in top[:TOP_ACTIONS]:
        due = action.due_date.isoformat() if action.due_date else "no date yet"
        if action.is_overdue(today):
            due += " (**overdue**)"
        lines.append(f"| {_inline(action.title)} | {_inline(action.owner) or 'no owner yet'} "
                     f"| {due} |")
    return "\n".join(lines + _more(min(len(top), TOP_ACTIONS), len(top), "open actions"))


def _review(snapshot: BoardSnapshot) -> str:
    # When the team checks that the actions worked; the meeting's own date is
    # the invite's.
    review = snapshot.board.follow_up_date
    return "## Follow-up review\n\n" + (review.isoformat() if review else "*No date set yet.*")
