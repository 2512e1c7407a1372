"""An action as an issue in the team's tracker (GitLab, GitHub, Jira), and the
rules between the two: the description in each tracker's text format, the
marker that finds an issue again, which fields a second push sends, and how
the action's status and the issue's state follow each other."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from canvas.actions import FollowUp, Status
from canvas.snapshot import BoardSnapshot
from canvas.text import escape_for_documents, visible

POSTMORTEM_LABEL = "postmortem"
# An action customers will notice or are told about (FollowUp.customer_facing).
CUSTOMER_FACING_LABEL = "customer-facing"
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


class TextFormat(str, Enum):
    """How a tracker reads an issue's description."""

    markdown = "markdown"  # GitLab and GitHub
    jira_wiki = "jira_wiki"  # Jira Data Center / Server, REST API v2
    adf = "adf"  # Jira Cloud, REST API v3: Atlassian Document Format (JSON)


@dataclass(frozen=True)
class IssuePayload:
    """What a tracker is sent for one action, before the tracker's own JSON."""

    action_id: str
    title: str
    description: str | dict  # text, or an ADF document for Jira Cloud
    labels: list[str]
    due_date: date | None  # None where the tracker has no field for it: it is in the description
    assignee: str  # the tracker's reference for the owner, when a user matched; else ""
    done: bool = False  # the action is done: its issue is closed


@dataclass(frozen=True)
class RemoteIssue:
    """An issue as read back from a tracker."""

    issue_id: str  # what the API addresses it by: GitLab iid, GitHub number, Jira key
    url: str
    closed: bool
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)  # the trackers' references, as for IssuePayload


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


# --- the description, written once and rendered for each tracker ------------------


@dataclass(frozen=True)
class Span:
    """A run of text in a line of the description."""

    text: str
    strong: bool = False
    link: bool = False  # the text is a web address, shown as a link


@dataclass(frozen=True)
class Block:
    """A paragraph of lines, or a quotation of what people wrote."""

    lines: tuple[tuple[Span, ...], ...]
    quoted: bool = False


def _line(label: str, text: str) -> tuple[Span, ...]:
    return (Span(label, strong=True), Span(" " + text))


def description_blocks(snapshot: BoardSnapshot, action: FollowUp, board_url: str,
                       assignee: str, due_in_text: bool) -> list[Block]:
    """What an action's issue says, before any tracker's markup."""
    blocks = [Block(((Span("Follow-up action from the postmortem "),
                      Span(snapshot.board.title, strong=True), Span(".")),))]
    if action.success_signal:
        blocks.append(Block((_line("Success signal:", action.success_signal),)))
    facts = [_line("Type:", action.type.label), _line("Priority:", action.priority.value)]
    if action.owner and not assignee:
        facts.append(_line("Owner:", action.owner))
    if action.due_date and due_in_text:
        facts.append(_line("Due:", action.due_date.isoformat()))
    if action.review_date:
        facts.append(_line("Follow-up review:", action.review_date.isoformat()))
    blocks.append(Block(tuple(facts)))
    if source := source_text(snapshot, action):
        blocks.append(Block(((Span(f"Source ({action.source_kind.value}):", strong=True),),)))
        blocks.append(Block(tuple((Span(line),) for line in source.splitlines()), quoted=True))
    if board_url:
        blocks.append(Block(((Span("Board: "), Span(board_url, link=True)),)))
    return blocks


def _marker_line(action_id: str) -> str:
    return f"postmortem-canvas action:{action_id}"


def render_markdown(blocks: list[Block], action_id: str) -> str:
    """GitLab's and GitHub's Markdown: what people typed is escaped so it
    reads as typed; the marker is an HTML comment, which neither shows."""
    def span(part: Span) -> str:
        if part.link:
            return part.text
        text = escape_for_documents(part.text)
        return f"**{text}**" if part.strong else text

    parts = []
    for block in blocks:
        lines = ["".join(span(part) for part in line) for line in block.lines]
        parts.append("\n".join(("> " + line) if block.quoted else line for line in lines))
    return "\n\n".join([*parts, f"<!-- {_marker_line(action_id)} -->"])


# Jira's renderer takes a backslash before any of these as the character
# itself (its BackslashEscapeRendererComponent); a backslash of its own cannot
# be escaped that way (two make a line break), so it is written as an entity.
_WIKI_SPECIAL = frozenset("-#*_+?^~|%{}[]()!@")
_WIKI_ENTITY = re.compile(r"&(?=#?\w+;)")
_WIKI_BLOCK_START = re.compile(r"^(\s*(?:h[1-6]|bq))\.", re.IGNORECASE)
_WIKI_SMILEY = re.compile(r"[:;](?=[PDpd]\b)")


def _joins_word(line: str, index: int) -> bool:
    # A hyphen or underscore between two letters or digits (CPU-bound,
    # snake_case) never starts strike-through or emphasis: left as typed.
    return (line[index] in "-_" and 0 < index < len(line) - 1
            and line[index - 1].isalnum() and line[index + 1].isalnum())


def escape_jira_wiki(text: str) -> str:
    """Text that Jira's wiki markup (Data Center, REST API v2) shows exactly as
    typed: its markup characters escaped (but for a hyphen or underscore
    inside a word), `h1.` and `bq.` at a line's start and the `:D`-style
    smileys kept as text, control characters made visible."""
    lines = []
    for line in visible(text).split("\n"):
        line = _WIKI_ENTITY.sub("&amp;", line.replace("\\", "\x00"))
        line = "".join("\\" + char if char in _WIKI_SPECIAL and not _joins_word(line, index)
                       else char for index, char in enumerate(line))
        line = line.replace("\x00", "&#92;")
        line = _WIKI_BLOCK_START.sub(lambda match: match[1] + "&#46;", line)
        lines.append(_WIKI_SMILEY.sub(lambda match: f"&#{ord(match[0])};", line))
    return "\n".join(lines)


def render_jira_wiki(blocks: list[Block], action_id: str) -> str:
    """Jira Data Center's wiki markup. Wiki markup has no hidden comment, so the
    marker line shows."""
    def span(part: Span) -> str:
        if part.link:
            return f"[{part.text}]"
        text = escape_jira_wiki(part.text)
        return f"*{text}*" if part.strong else text

    parts = []
    for block in blocks:
        text = "\n".join("".join(span(part) for part in line) for line in block.lines)
        parts.append(f"{{quote}}\n{text}\n{{quote}}" if block.quoted else text)
    return "\n\n".join([*parts, _marker_line(action_id)])


def render_adf(blocks: list[Block], action_id: str) -> dict:
    """Jira Cloud's Atlassian Document Format: a JSON document, so nothing
    people typed can be read as markup. ADF refuses empty text nodes, so none
    is made; the lines of a paragraph are joined by hard breaks."""
    def paragraph(lines) -> dict:
        content: list[dict] = []
        for line in lines:
            if content:
                content.append({"type": "hardBreak"})
            for part in line:
                for number, piece in enumerate(visible(part.text).split("\n")):
                    if number:
                        content.append({"type": "hardBreak"})
                    if not piece:
                        continue
                    node: dict = {"type": "text", "text": piece}
                    if part.strong:
                        node["marks"] = [{"type": "strong"}]
                    elif part.link:
                        node["marks"] = [{"type": "link", "attrs": {"href": part.text}}]
                    content.append(node)
        return {"type": "paragraph", "content": content}

    content = [{"type": "blockquote", "content": [paragraph(block.lines)]} if block.quoted
               else paragraph(block.lines) for block in blocks]
    content.append(paragraph([(Span(_marker_line(action_id)),)]))
    return {"type": "doc", "version": 1, "content": content}


RENDERERS = {TextFormat.markdown: render_markdown, TextFormat.jira_wiki: render_jira_wiki,
             TextFormat.adf: render_adf}


def issue_payload(snapshot: BoardSnapshot, action: FollowUp, tracker: Tracker, board_url: str,
                  assignee: str = "", *, text_format: TextFormat | None = None,
                  due_field: bool | None = None) -> IssuePayload:
    """The issue for `action`: its title; a description with the success
    signal, type, priority, source (quoted), review date, the owner when no
    tracker user matched, the due date where the tracker has no field for it,
    and a link back to the board, in the tracker's own text format; labels
    `postmortem`, `customer-facing` for an action so marked, the board's own
    and the marker. By default GitLab and GitHub
    read Markdown and Jira wiki markup, and only GitHub lacks a due-date field."""
    text_format = text_format or (TextFormat.jira_wiki if tracker == Tracker.jira
                                  else TextFormat.markdown)
    due_field = tracker.has_due_date if due_field is None else due_field
    blocks = description_blocks(snapshot, action, board_url, assignee, not due_field)
    board_labels = [str(label) for label in getattr(snapshot.board, "labels", []) or []]
    marks = [CUSTOMER_FACING_LABEL] if action.customer_facing else []
    labels = list(dict.fromkeys([POSTMORTEM_LABEL, *marks, *board_labels, marker_label(action.id)]))
    if tracker == Tracker.jira:
        # Jira labels cannot hold spaces.
        labels = [label.replace(" ", "-") for label in labels]
    return IssuePayload(action_id=action.id, title=action.title,
                        description=RENDERERS[text_format](blocks, action.id),
                        labels=labels, due_date=action.due_date if due_field else None,
                        assignee=assignee, done=action.status == Status.done)


# --- a second push: what the board changed since the last one -------------------

# The fields a push sends again only when the board changed them since the
# last push, so an edit made in the tracker stays until the board has news.
# Labels are never among them: they are only ever added.
PUSHED_FIELDS = ("title", "description", "due_date", "assignee")


def pushed_fingerprint(payload: IssuePayload) -> dict[str, str]:
    """A short digest of each field a push sends, to be kept with the link
    (the text itself is not kept: the tracker has it)."""
    description = (payload.description if isinstance(payload.description, str)
                   else json.dumps(payload.description, sort_keys=True))
    values = {"title": payload.title, "description": description,
              "due_date": payload.due_date.isoformat() if payload.due_date else "",
              "assignee": payload.assignee}
    return {name: hashlib.sha256(values[name].encode("utf-8")).hexdigest()[:16]
            for name in PUSHED_FIELDS}


def fields_to_send(payload: IssuePayload, last_pushed: dict[str, str] | None) -> frozenset[str]:
    """Which fields an update sends: those the board changed since the last
    push. A link pushed before fingerprints were kept gets every field once,
    as every push did then."""
    if last_pushed is None:
        return frozenset(PUSHED_FIELDS)
    now = pushed_fingerprint(payload)
    return frozenset(name for name in PUSHED_FIELDS if last_pushed.get(name) != now[name])


# --- status, both ways ---------------------------------------------------------


@dataclass(frozen=True)
class SyncDecision:
    """What one linked issue's state means for its action, and for the issue."""

    new_status: Status | None  # None: leave the board as it is
    conflict: str = ""  # a sentence when the board and the tracker disagree
    close_issue: bool | None = None  # True: close the issue, False: reopen it, None: leave it


def _issue_closed_for(status: Status) -> bool | None:
    # A dropped or parked action says nothing about its issue.
    if status == Status.done:
        return True
    if status.is_active:
        return False
    return None


def sync_decision(current: Status, status_at_last_sync: str, closed_at_last_sync: bool,
                  closed_now: bool) -> SyncDecision:
    """How the board and its tracker issue follow each other.

    A change on the tracker since the last sync moves the board: closed marks
    the action done, reopened marks it open. A change on the board, with the
    tracker unchanged, moves the issue: a done action closes it, an action
    reopened on the board reopens it. If both changed (and disagree), neither
    side wins silently: the conflict is reported and the board kept.
    """
    if closed_now == closed_at_last_sync:
        wanted = _issue_closed_for(current)
        if current.value != status_at_last_sync and wanted is not None and wanted != closed_now:
            return SyncDecision(None, close_issue=wanted)
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
