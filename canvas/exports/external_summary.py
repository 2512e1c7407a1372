"""The postmortem as customers or the wider company should read it.

Written from a board snapshot: the title and date, the summary and impact,
what happened (the anchor times customers care about, with date and zone,
and how long the impact lasted), what changes for customers (the committed
actions marked customer-facing) and what else we are doing (the other
committed actions by title and status).

What it leaves out is the point: this text travels outside the room. No
participant names, no roles, no action owners, no note authors, no votes,
and no notes at all: notes are the team's raw thinking, written without fear
of blame for the team, and even the Prevent step's clusters are half-formed
until they become actions, which are what customers are told about. Event
texts are left out too (they name responders and internal systems); only
their times are shown. What people typed and is shown (title, summary,
impact, action titles) is escaped with `escape_for_documents`; names a person typed
into those texts themselves are theirs to remove.
"""

from __future__ import annotations

from datetime import date

from canvas.actions import FollowUp, Status
from canvas.exports.status_tables import every_status
from canvas.review.intake import UNKNOWN, shows_durations
from canvas.snapshot import BoardSnapshot
from canvas.text import escape_for_documents
from canvas.incident.timeline import (
    EventKind,
    TimelineEvent,
    anchor,
    compute_metrics,
    describe_metric,
    format_at,
    resolve_zone,
)

# The moments customers notice, in the order they happen, with their labels.
CUSTOMER_ANCHORS: tuple[tuple[EventKind, str], ...] = (
    (EventKind.impact_start, "Impact started"),
    (EventKind.detected, "We detected the problem"),
    (EventKind.mitigated, "Impact mitigated"),
    (EventKind.impact_end, "Impact ended"),
    (EventKind.resolved, "Resolved"),
)
# How a status reads to someone outside the team.
# Only committed actions are listed (never dropped or parked ones), but every
# status has its words, so a lookup cannot fail whatever the list holds.
_STATUS_WORDS = every_status({
    Status.open: "Planned", Status.in_progress: "In progress", Status.done: "Done",
    Status.wont_do: "Not planned", Status.parked: "Under consideration",
})


def external_summary(snapshot: BoardSnapshot, today: date) -> str:
    """Markdown for customers or the company: title, date, Summary, What
    happened, What we are doing; nothing internal (see the module docstring).
    `today` is printed as the day the summary was last updated."""
    sections = [
        _header(snapshot, today),
        _summary(snapshot),
        # A project, OKR or team review has no incident to recount unless it keeps a timeline.
        *([_what_happened(snapshot)] if shows_durations(snapshot.board, snapshot.events) else []),
        _what_we_are_doing(snapshot.actions),
    ]
    return "\n\n".join(sections) + "\n"


def _inline(text: str) -> str:
    return escape_for_documents(" ".join(text.split()))


def _block(text: str) -> str:
    # Leading spaces would make a code block and blank lines end the
    # paragraph; keep each line, escaped, as a hard line break.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return "  \n".join(escape_for_documents(line) for line in lines)


def _incident_day(snapshot: BoardSnapshot) -> date | None:
    if snapshot.board.incident_date is not None:
        return snapshot.board.incident_date
    start = anchor(snapshot.events, EventKind.impact_start)
    if start is None:
        return None
    return start.at.astimezone(resolve_zone(snapshot.board.timezone)).date()


def _header(snapshot: BoardSnapshot, today: date) -> str:
    board = snapshot.board
    if board.review_type.has_period:
        # Readers outside the team need to know what time a review covers;
        # an end not yet decided says so rather than leaving a gap.
        start, end = (f"*{UNKNOWN}*" if day is None else day.isoformat()
                      for day in (board.intake.period_start, board.intake.period_end))
        facts = [f"**Period:** {start} to {end}"]
    else:
        day = _incident_day(snapshot)
        facts = [f"**Date:** {day.isoformat()}"] if day else []
    facts.append(f"**Updated:** {today.isoformat()}")
    return f"# {_inline(snapshot.board.title)}\n\n" + " · ".join(facts)


def _summary(snapshot: BoardSnapshot) -> str:
    board = snapshot.board
    lines = ["## Summary", "", _block(board.summary) or "*A summary will follow.*"]
    if board.impact.strip():
        lines += ["", "**Impact:** " + _block(board.impact)]
    return "\n".join(lines)


def _moment(event: TimelineEvent, zone: str) -> str:
    return format_at(event.at, zone) + (" (approximately)" if event.approximate else "")


def _what_happened(snapshot: BoardSnapshot) -> str:
    zone = snapshot.board.timezone
    lines = ["## What happened", ""]
    # A customer update shows what is known; a missing anchor is left out
    # rather than shown as a gap.
    moments = [(label, found) for kind, label in CUSTOMER_ANCHORS
               if (found := anchor(snapshot.events, kind)) is not None]
    if not moments:
        lines.append("*The timeline is still being put together.*")
        return "\n".join(lines)
    lines += [f"- **{label}:** {_moment(event, zone)}" for label, event in moments]
    lines += ["", _impact_sentence(snapshot)]
    return "\n".join(lines)


def _impact_sentence(snapshot: BoardSnapshot) -> str:
    duration = next(metric for metric in compute_metrics(snapshot.events)
                    if metric.name == "impact_duration")
    if duration.seconds is None:
        if EventKind.impact_start in duration.missing:
            return "When the impact started is still being confirmed."
        return "The end of the impact is still being confirmed."
    if duration.seconds < 0:
        # An end before the start is a data error on the board; stating it
        # to customers would be wrong either way.
        return "The length of the impact is still being confirmed."
    zone = snapshot.board.timezone
    return (f"The impact lasted {describe_metric(duration)}, from {format_at(duration.start.at, zone)} "
            f"to {format_at(duration.end.at, zone)}.")


def _what_we_are_doing(actions: list[FollowUp]) -> str:
    committed = [action for action in actions if action.is_committed]
    # What customers will notice comes first, under its own heading; the rest
    # of the work follows as before.
    noticed = [action for action in committed if action.customer_facing]
    lines = []
    if noticed:
        lines += ["## What changes for customers", ""]
        lines += [f"- {_inline(action.title)} — {_STATUS_WORDS[action.status]}" for action in noticed]
        lines.append("")
    lines += ["## What we are doing", ""]
    committed = [action for action in committed if not action.customer_facing]
    if noticed and not committed:
        lines.append("*Nothing else yet.*")
        return "\n".join(lines)
    if not committed:
        lines.append("*Follow-up actions are still being agreed.*")
        return "\n".join(lines)
    lines += [f"- {_inline(action.title)} — {_STATUS_WORDS[action.status]}" for action in committed]
    return "\n".join(lines)
