"""The Learnings review across boards: a Markdown agenda for a weekly or
fortnightly meeting that goes through what recent postmortems learned and
decided, and which of their actions are due or overdue.

What people typed is escaped with `escape_for_documents`; no note and no
author appears, only learnings, decisions and actions.
"""

from __future__ import annotations

from datetime import date

from canvas.actions import FollowUp
from canvas.learnings import BoardLearnings, decision_of
from canvas.text import escape_for_documents

NONE = "—"


def due_actions(rows: list[tuple[str, str, FollowUp]], end: date
                ) -> list[tuple[str, str, FollowUp]]:
    """The open actions (board id, board title, action) due by `end`,
    overdue ones included, earliest first."""
    due = [(board_id, title, action) for board_id, title, action in rows
           if action.status.is_active and action.due_date is not None and action.due_date <= end]
    return sorted(due, key=lambda row: (row[2].due_date, row[1], row[2].created_at))


def _inline(text: str) -> str:
    return escape_for_documents(" ".join(text.split()))


def learnings_review_markdown(boards: list[BoardLearnings],
                              actions: list[tuple[str, str, FollowUp]],
                              start: date, end: date, today: date) -> str:
    """The review as Markdown: per board its learnings with their decisions,
    then the actions due or overdue. `today` decides what is overdue."""
    learned = sum(len(board.learnings) for board in boards)
    decided = sum(len(board.decisions) for board in boards)
    lines = [f"# Learnings review: {start.isoformat()} to {end.isoformat()}", "",
             f"*{len(boards)} board{'s' if len(boards) != 1 else ''} · {learned} learnings · "
             f"{decided} decisions · {len(actions)} actions due or overdue*"]
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
