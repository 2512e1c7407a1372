"""The review's own issue, as the GitLab post-mortem agenda starts: "everything
starts with an issue". Its description is the board's brief and agenda:
purpose, the meeting (board link, date), roles, attendees, pre-reads, the
agenda and the ground rules. It carries the review label ("Post Mortem" unless
the team uses another), the board's own labels and a marker label that finds
it again.

GitLab and GitHub read the description as Markdown, Jira (REST v2) as wiki
markup: the same sections are written in either, and what people typed is
escaped for the one it goes to. Attendees are listed by name and role only:
their addresses are for the calendar invite, not for a tracker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from canvas.errors import InvalidInput, describe_validation_error
from canvas.exports.brief import tldr
from canvas.exports.invite import invitees_of
from canvas.exports.tracker_issue import Tracker
from canvas.models import GROUND_RULES, Label
from canvas.snapshot import BoardSnapshot
from canvas.text import escape_for_documents

REVIEW_LABEL = "Post Mortem"
DEFAULT_PURPOSE = ("Understand what happened and why it made sense at the time, and leave "
                   "with owned, dated actions.")
_LABEL = TypeAdapter(Label)


@dataclass(frozen=True)
class IssueText:
    """An issue as a tracker is sent it: title, description, labels, and the
    marker label it is found again by."""

    title: str
    description: str
    labels: list[str]
    marker: str


def review_marker(board_id: str) -> str:
    """The label that finds a board's review issue again."""
    return f"pmc-review-{board_id}"


def iac_marker(board_id: str) -> str:
    """The label that finds the issue of a board's infrastructure-as-code lessons again."""
    return f"pmc-iac-{board_id}"


def checked_label(value: str) -> str:
    """The review label as typed (one line, at most 40 characters, no comma:
    GitLab takes labels as one comma-separated list); raises InvalidInput."""
    try:
        label = _LABEL.validate_python(value)
    except ValidationError as error:
        # The rule speaks of "A label"; here it is this one.
        message = describe_validation_error(error, places=False)
        raise InvalidInput(message.replace("A label", "The review label", 1) if "A label" in message
                           else f"The review label {message}") from None
    if "," in label:
        raise InvalidInput("The review label cannot hold a comma.")
    return label


def issue_labels(tracker: Tracker, *labels: str) -> list[str]:
    """Labels as the tracker takes them, each once: Jira's cannot hold spaces."""
    if tracker == Tracker.jira:
        labels = tuple(label.replace(" ", "-") for label in labels)
    return list(dict.fromkeys(label for label in labels if label))


class MarkdownStyle:
    """GitLab's and GitHub's Markdown."""

    def text(self, typed: str) -> str:
        return escape_for_documents(" ".join(typed.split()))

    def bold(self, own: str) -> str:
        return f"**{own}**"

    def link(self, url: str) -> str:
        # An autolink shows the address itself, so what is shown is where it goes.
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"

    def code(self, own: str) -> str:
        return f"`{own}`"

    def heading(self, own: str) -> str:
        return f"## {own}"

    def bullet(self, line: str) -> str:
        return f"- {line}"

    def numbered(self, index: int, line: str) -> str:
        return f"{index}. {line}"

    def marker(self, text: str) -> str:
        return f"<!-- {text} -->"


# Jira's wiki markup: each of these starts or ends some markup, and a
# backslash before it shows it as typed
# (https://jira.atlassian.com/secure/WikiRendererHelpAction.jspa?section=all).
_WIKI_SPECIAL = re.compile(r"([\\*_?\-+^~|!{}\[\]#])")


class JiraStyle:
    """Jira's wiki markup (REST API v2 descriptions)."""

    def text(self, typed: str) -> str:
        return _WIKI_SPECIAL.sub(r"\\\1", " ".join(typed.split()))

    def bold(self, own: str) -> str:
        return f"*{own}*"

    def link(self, url: str) -> str:
        return "[" + url.replace("[", "%5B").replace("]", "%5D").replace("|", "%7C") + "]"

    def code(self, own: str) -> str:
        return "{{" + own + "}}"

    def heading(self, own: str) -> str:
        return f"h2. {own}"

    def bullet(self, line: str) -> str:
        return f"* {line}"

    def numbered(self, index: int, line: str) -> str:
        return f"# {line}"

    def marker(self, text: str) -> str:
        return text


def style_for(tracker: Tracker) -> MarkdownStyle | JiraStyle:
    """How the tracker reads a description."""
    return JiraStyle() if tracker == Tracker.jira else MarkdownStyle()


def review_issue_text(snapshot: BoardSnapshot, tracker: Tracker, board_url: str,
                      label: str = REVIEW_LABEL) -> IssueText:
    """The review's issue for `tracker`: "Postmortem review: <title>", the
    description described in the module docstring, and the labels."""
    board = snapshot.board
    style = style_for(tracker)
    facts = [board.review_type.label]
    if board.review_type.has_period:
        start, end = board.intake.period_start, board.intake.period_end
        facts.append(f"period {start.isoformat() if start else 'unknown'} to "
                     f"{end.isoformat() if end else 'unknown'}")
    elif board.incident_date:
        facts.append(f"incident date {board.incident_date.isoformat()}")
    facts.append(board.severity.label)
    lines = [f"Postmortem review of {style.bold(style.text(board.title))}: {', '.join(facts)}.", ""]

    purpose = []
    if summary := tldr(board.summary):
        purpose.append(f"{style.bold('What happened:')} {style.text(summary)}")
    if board.intake.reviewed.strip():
        purpose.append(f"{style.bold('Reviewed:')} {style.text(board.intake.reviewed)}")
    outcome = style.text(board.intake.desired_outcome) if board.intake.desired_outcome.strip() \
        else DEFAULT_PURPOSE
    purpose.append(f"{style.bold('Desired outcome:')} {outcome}")
    lines += _section(style, "Purpose", purpose)

    meeting = []
    if board_url:
        meeting.append(f"{style.bold('Board:')} {style.link(board_url)}")
    review = board.review_date.isoformat() if board.review_date else "not set yet"
    meeting += [f"{style.bold('Review meeting:')} {review}",
                f"{style.bold('Template:')} {snapshot.template.name}"]
    lines += _section(style, "The meeting", meeting)

    # Only the first letter raised: a template's role "SAL" stays "SAL".
    roles = [f"{role[:1].upper()}{role[1:]}: {style.text(name)}" for role, name in board.roles.named()]
    lines += _section(style, "Roles", roles or ["nobody named yet"])
    people = [style.text(invitee.described) for invitee in invitees_of(board)]
    lines += _section(style, "Attendees", people or ["nobody named yet"])

    reads = [style.text(line) for line in board.intake.evidence.splitlines() if line.strip()]
    if board.source.url:
        reads.append(f"{style.bold('Published postmortem:')} {style.link(board.source.url)}")
    lines += _section(style, "Pre-reads", reads or [
        "none listed yet (the evidence question on the board's Summary page)"])

    lines += [style.heading("Agenda"), ""]
    lines += [style.numbered(index, step.title)
              for index, step in enumerate(snapshot.template.steps, start=1)] + [""]
    lines += _section(style, "Ground rules", list(GROUND_RULES))

    marker = review_marker(board.id)
    lines.append(style.marker(f"postmortem-canvas review:{board.id}"))
    return IssueText(title=f"Postmortem review: {board.title}", description="\n".join(lines),
                     labels=issue_labels(tracker, label, *board.labels, marker), marker=marker)


def _section(style, heading: str, items: list[str]) -> list[str]:
    return [style.heading(heading), "", *(style.bullet(item) for item in items), ""]
