"""The questions a review starts from, and what a board says about its own framing.

An unanswered intake question is shown as *unknown* wherever the answers are
exported: a blank would read as "nothing to say", while *unknown* says that
nobody has answered yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from canvas.incident.timeline import EventKind, TimelineEvent
from canvas.models import Board, ReviewType

UNKNOWN = "unknown"

STABILISATION_NOTE = (
    "A review comes after stabilisation: the timeline has no mitigated or resolved event yet. "
    "Hold the review once the incident is stable, and add that moment to the timeline."
)


@dataclass(frozen=True)
class IntakeAnswer:
    """One intake question with its answer as plain text, or None when unanswered."""

    question: str
    answer: str | None


def _day(value: date | None) -> str:
    return value.isoformat() if value else UNKNOWN


def time_window(board: Board) -> str | None:
    """The reviewed time window in words: the period ("2024-01-01 to
    2024-03-31", a missing end as "unknown") or, for an incident, its date;
    None when nothing is known."""
    intake = board.intake
    if intake.period_start or intake.period_end:
        return f"{_day(intake.period_start)} to {_day(intake.period_end)}"
    if board.review_type is ReviewType.incident and board.incident_date:
        return f"incident on {board.incident_date.isoformat()}"
    return None


def intake_answers(board: Board) -> list[IntakeAnswer]:
    """Every intake question in the order the practice asks them."""
    intake = board.intake
    roles = ", ".join(f"{name} ({role})" for role, name in board.roles.named())
    answers = [
        ("What is reviewed", intake.reviewed),
        ("Time window", time_window(board)),
        ("Key dates", intake.key_dates),
        ("Desired outcome", intake.desired_outcome),
        ("Roles", roles),
        ("Available evidence", intake.evidence),
        ("Privacy constraints", intake.privacy),
        ("Audience", intake.audience),
    ]
    return [IntakeAnswer(question, answer.strip() if answer and answer.strip() else None)
            for question, answer in answers]


def unanswered(board: Board) -> list[str]:
    """The intake questions nobody has answered yet."""
    return [item.question for item in intake_answers(board) if item.answer is None]


def awaits_stabilisation(board: Board, events: Iterable[TimelineEvent]) -> bool:
    """True for an incident review whose timeline has no mitigated or resolved
    event: the incident may still be running, and a review comes after it is stable."""
    if board.review_type is not ReviewType.incident:
        return False
    return not any(event.kind in (EventKind.mitigated, EventKind.resolved) for event in events)


def shows_durations(board: Board, events: Iterable[TimelineEvent]) -> bool:
    """Durations belong to incidents; a project, OKR or team review shows them
    only once it has a timeline of its own."""
    return board.review_type is ReviewType.incident or any(True for _ in events)
