"""An action as an issue in the team's tracker (GitLab, GitHub, Jira), and the
rules for what comes back from it: the marker that finds an issue again and
how a closed or reopened issue moves the action's status."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from canvas.actions import FollowUp, Status
from canvas.snapshot import BoardSnapshot
from canvas.text import escape_for_documents

POSTMORTEM_LABEL = "postmortem"
# Every pushed issue carries its action's id twice: as a label (which every
# tracker can search by) and as a hidden line in the description. A push that
# died after creating the issue but before recording it finds it again by it.
MARKER_PREFIX = "pmc-"
_HIDDEN_LINE = re.compile(r"^(?:<!--\s*)?postmortem-canvas action:([A-Za-z0-9_-]+)", re.M)


class Tracker(str, Enum):
    gitlab = "gitlab"
    github = "github"
    jira = "jira"

    @property
    def label(self) -> str:
        return {"gitlab": "GitLab", "github": "GitHub", "jira": "Jira"}[self.value]

    @property
    def has_due_date(self) -> bool:
        """GitHub issues have no due date field: it goes in the description."""
        return self != Tracker.github


@dataclass(frozen=True)
class IssuePayload:
    """What a tracker is sent for one action, before the tracker's own JSON."""

    action_id: str
    title: str
    description: str
    labels: list[str]
    due_date: date | None
    assignee: str  # the tracker's reference for the owner, when a user matched; else ""
    done: bool = False  # the action is done: the issue is closed (never reopened) by a push


@dataclass(frozen=True)
class RemoteIssue:
    """An issue as read back from a tracker."""

    issue_id: str  # what the API addresses it by: GitLab iid, GitHub number, Jira key
    url: str
    closed: bool
    labels: list[str] = field(default_factory=list)


def marker_label(action_id: str) -> str:
    """The label that carries the action's id."""
    return MARKER_PREFIX + action_id


def marked_action(labels: list[str], description: str = "") -> str | None:
    """The action id an issue carries (by its hidden line, else its label), or None."""
    if match := _HIDDEN_LINE.search(description or ""):
        return match.group(1)
    for label in labels:
        if label.startswith(MARKER_PREFIX):
            return label[len(MARKER_PREFIX):]
    return None


def is_pushable(action: FollowUp, include_drafts: bool = False) -> bool:
    """A committed action goes to the tracker; a draft (no owner or date) or a
    parked idea only when asked for; an action dropped as won't do never."""
    if action.status == Status.wont_do:
        return False
    if action.status == Status.parked or action.is_draft:
        return include_drafts
    return True


def source_text(snapshot: BoardSnapshot, action: FollowUp) -> str:
    """The cluster, note or timeline event the action came from, as its words."""
    if not action.source_id:
        return ""
    kind = action.source_kind.value if action.source_kind else ""
    if kind == "cluster":
        cluster = next((c for c in snapshot.clusters if c.id == action.source_id), None)
        if cluster is None:
            return ""
        notes = [n.text for n in snapshot.notes if n.cluster_id == cluster.id]
        return "\n".join([cluster.name, *(f"- {text}" for text in notes)])
    if kind == "note":
        return next((n.text for n in snapshot.notes if n.id == action.source_id), "")
    if kind == "event":
        event = next((e for e in snapshot.events if e.id == action.source_id), None)
        return f"{event.at:%Y-%m-%d %H:%M} {event.text}" if event else ""
    return ""


def _quoted(text: str) -> str:
    return "\n".join("> " + line for line in text.splitlines())


def issue_payload(snapshot: BoardSnapshot, action: FollowUp, tracker: Tracker, board_url: str,
                  assignee: str = "") -> IssuePayload:
    """The issue for `action`: its title; a description with the success
    signal, type, priority, source (quoted), review date, the owner when no
    tracker user matched, the due date where the tracker has no field for it,
    and a link back to the board; labels `postmortem`, the board's own and the
    marker."""
    # GitLab and GitHub render the description as Markdown: what people typed
    # is escaped so it reads as typed. Jira (API v2) reads wiki markup, where
    # bold is *one star* and an HTML comment would show, so its marker line shows.
    jira = tracker == Tracker.jira
    clean = (lambda text: text) if jira else escape_for_documents
    b = "*" if jira else "**"
    lines = [f"Follow-up action from the postmortem {b}{clean(snapshot.board.title)}{b}.", ""]
    if action.success_signal:
        lines += [f"{b}Success signal:{b} " + clean(action.success_signal), ""]
    lines += [f"{b}Type:{b} {action.type.label}", f"{b}Priority:{b} {action.priority.value}"]
    if action.owner and not assignee:
        lines.append(f"{b}Owner:{b} {clean(action.owner)}")
    if action.due_date and not tracker.has_due_date:
        lines.append(f"{b}Due:{b} {action.due_date.isoformat()}")
    if action.review_date:
        lines.append(f"{b}Follow-up review:{b} {action.review_date.isoformat()}")
    if source := source_text(snapshot, action):
        lines += ["", f"{b}Source ({action.source_kind.value}):{b}",
                  _quoted("\n".join(clean(line) for line in source.splitlines()))]
    if board_url:
        lines += ["", f"Board: {board_url}"]
    marker = f"postmortem-canvas action:{action.id}"
    lines += ["", marker if jira else f"<!-- {marker} -->"]
    board_labels = [str(label) for label in getattr(snapshot.board, "labels", []) or []]
    labels = list(dict.fromkeys([POSTMORTEM_LABEL, *board_labels, marker_label(action.id)]))
    if tracker == Tracker.jira:
        # Jira labels cannot hold spaces.
        labels = [label.replace(" ", "-") for label in labels]
    return IssuePayload(action_id=action.id, title=action.title, description="\n".join(lines),
                        labels=labels, due_date=action.due_date if tracker.has_due_date else None,
                        assignee=assignee, done=action.status == Status.done)


@dataclass(frozen=True)
class SyncDecision:
    """What one linked issue's state means for its action."""

    new_status: Status | None  # None: leave the board as it is
    conflict: str = ""  # a sentence when the board and the tracker disagree


def sync_decision(current: Status, status_at_last_sync: str, closed_at_last_sync: bool,
                  closed_now: bool) -> SyncDecision:
    """How the board follows its tracker issue.

    Only a change on the tracker since the last sync moves the board: closed
    marks the action done, reopened marks it open. If the board's status was
    also changed since the last sync (and differs from what the tracker says),
    neither side wins silently: the conflict is reported and the board kept.
    """
    if closed_now == closed_at_last_sync:
        return SyncDecision(None)
    target = Status.done if closed_now else Status.open
    already = (current in (Status.done, Status.wont_do)) if closed_now else current.is_active
    if already:
        return SyncDecision(None)
    if current.value != status_at_last_sync:
        return SyncDecision(None, (
            f"the issue was {'closed' if closed_now else 'reopened'} in the tracker, but the board "
            f"changed this action to {current.label.lower()} since the last sync; "
            f"the board keeps {current.label.lower()}: set the status by hand"))
    return SyncDecision(target)
