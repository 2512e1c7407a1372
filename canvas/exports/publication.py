"""The write-up in a repository: teams that keep postmortems in Git review
them like code, with `postmortem-canvas lint` in their CI.

The Markdown pack goes in as one file (`postmortems/<date>-<slug>.md` unless
named) on its own branch (`postmortem/<date>-<slug>`), and a merge or pull
request links the review's issue and the board. The lessons marked as
infrastructure as code get their own: a branch and merge request in the
project that holds that code (a file listing the lessons, for the change to
be pushed beside it), or an issue there if the team prefers.

Everything here is decided from the board and the names given; the HTTP is
in integrations/publish.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from canvas.actions import Status
from canvas.errors import InvalidInput
from canvas.exports.review_issue import IssueText, iac_marker, issue_labels
from canvas.exports.tracker_issue import Tracker
from canvas.learnings import decision_of
from canvas.models import Board
from canvas.snapshot import BoardSnapshot
from canvas.text import escape_for_documents

DIRECTORY = "postmortems"
BRANCH_PREFIX = "postmortem/"
IAC_SUFFIX = "-iac"
SLUG_MAX = 60
NAME_MAX = 200
_SAFE_PATH = re.compile(r"[A-Za-z0-9._/-]+")
# What git refuses in a branch name (git check-ref-format): control
# characters, space, ~ ^ : ? * [ and backslash.
_REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


@dataclass(frozen=True)
class WriteUp:
    """One file on one branch, and the merge request that proposes it."""

    branch: str
    path: str
    content: str
    title: str  # the merge request's title
    description: str  # the merge request's description (Markdown on GitLab and GitHub)
    commit_message: str


@dataclass(frozen=True)
class IacLesson:
    """A learning or an action marked as a lesson for infrastructure code."""

    kind: str  # "learning" or "action"
    text: str  # as typed
    detail: str  # in Markdown: the decision taken on it, or the owner, due date and signal


def write_up_day(board: Board) -> date:
    """The day a write-up is filed under: the incident's, else the review's,
    else the day the board was made."""
    return board.incident_date or board.review_date or board.created_at.date()


def slug(board: Board) -> str:
    """The title in lower-case ASCII words joined by hyphens ("Checkout 5xx
    errors" -> "checkout-5xx-errors"); a title with no such letters (Japanese,
    say) is named after the board instead."""
    plain = unicodedata.normalize("NFKD", board.title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    joined = "-".join(words)[:SLUG_MAX].strip("-")
    return joined or f"board-{board.id[:8].lower().strip('-_') or 'x'}"


def default_branch(board: Board) -> str:
    """`postmortem/<date>-<slug>`."""
    return f"{BRANCH_PREFIX}{write_up_day(board).isoformat()}-{slug(board)}"


def default_path(board: Board) -> str:
    """`postmortems/<date>-<slug>.md`."""
    return f"{DIRECTORY}/{write_up_day(board).isoformat()}-{slug(board)}.md"


def checked_path(path: str) -> str:
    """A file path inside a repository as given; raises InvalidInput for one
    that is absolute, climbs out (`..`), or holds anything but letters,
    digits, `.`, `_`, `-` and `/`."""
    path = path.strip()
    if not path or len(path) > NAME_MAX or not _SAFE_PATH.fullmatch(path):
        raise InvalidInput("A file path in the repository is letters, digits, '.', '_', '-' and "
                           f"'/', at most {NAME_MAX} characters (e.g. postmortems/incident.md).")
    parts = path.split("/")
    if path.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise InvalidInput(f"The file path {path!r} must stay inside the repository: no leading "
                           "'/', no empty, '.' or '..' parts.")
    return path


def checked_branch(name: str) -> str:
    """A branch name git accepts (git check-ref-format's rules); raises InvalidInput."""
    name = name.strip()
    parts = name.split("/")
    if (not name or len(name) > NAME_MAX or _REF_FORBIDDEN.search(name) or ".." in name
            or "@{" in name or name == "@" or name.endswith((".", "/")) or name.startswith("-")
            or any(not part or part.startswith(".") or part.endswith(".lock") for part in parts)):
        raise InvalidInput(f"{name!r} is not a branch name git accepts (no spaces, '..', '~', "
                           "'^', ':', '?', '*', '[' or '\\', no part starting with '.').")
    return name


def iac_branch(branch: str) -> str:
    """The branch of the infrastructure-as-code lessons, beside the write-up's."""
    return branch + IAC_SUFFIX


def iac_path(path: str) -> str:
    """The file of the infrastructure-as-code lessons, named after the write-up's."""
    pure = PurePosixPath(path)
    return str(pure.with_name(f"{pure.stem}{IAC_SUFFIX}{pure.suffix or '.md'}"))


def _links(review_issue_url: str, board_url: str) -> list[str]:
    lines = []
    if review_issue_url:
        lines.append(f"- Review issue: {_link(review_issue_url)}")
    if board_url:
        lines.append(f"- Board: {_link(board_url)}")
    return lines


def _link(url: str) -> str:
    return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"


def _paragraphs(lines: list[str]) -> str:
    # Sections left empty (no links) leave one blank line, not two.
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _inline(text: str) -> str:
    return escape_for_documents(" ".join(text.split()))


def write_up(snapshot: BoardSnapshot, markdown: str, *, branch: str, path: str,
             review_issue_url: str = "", board_url: str = "") -> WriteUp:
    """The write-up of the board (`markdown`, the Markdown pack) as `path` on
    `branch`, with the merge request that proposes it: it links the review
    issue and the board, and says how CI can check the file."""
    board = snapshot.board
    day = write_up_day(board).isoformat()
    description = [
        f"The write-up of the postmortem **{_inline(board.title)}** ({day}), as `{path}`.",
        "",
        *_links(review_issue_url, board_url),
        "",
        "Review it like code. To check it for blame and hindsight language in CI:",
        "",
        f"    postmortem-canvas lint {path}",
        "",
        f"<!-- postmortem-canvas write-up:{board.id} -->",
    ]
    return WriteUp(branch=branch, path=path, content=markdown,
                   title=f"Postmortem: {board.title} ({day})",
                   description=_paragraphs(description),
                   commit_message=f"Postmortem write-up: {board.title} ({day})")


def iac_lessons(snapshot: BoardSnapshot) -> list[IacLesson]:
    """The lessons marked as infrastructure as code, learnings first: every
    marked learning with the decision taken on it, and every marked action
    still promised (one dropped as won't do, or parked, asks for no change)."""
    lessons = []
    for learning in snapshot.learnings:
        if not learning.iac:
            continue
        decision = decision_of(learning.id, snapshot.decisions)
        detail = (f"Decision ({decision.kind.label}): {_inline(decision.text)}" if decision
                  else "No decision yet.")
        lessons.append(IacLesson("learning", learning.text, detail))
    for action in snapshot.actions:
        if not action.iac or action.status in (Status.wont_do, Status.parked):
            continue
        facts = [f"owner {_inline(action.owner)}" if action.owner else "no owner yet",
                 f"due {action.due_date.isoformat()}" if action.due_date else "no due date yet",
                 action.status.label.lower()]
        if action.success_signal:
            facts.append(f"success signal: {_inline(action.success_signal)}")
        lessons.append(IacLesson("action", action.title, "; ".join(facts)))
    return lessons


def _iac_markdown(snapshot: BoardSnapshot, lessons: list[IacLesson], review_issue_url: str,
                  board_url: str) -> list[str]:
    board = snapshot.board
    lines = [f"Lessons for infrastructure code from the postmortem **{_inline(board.title)}** "
             f"({write_up_day(board).isoformat()}).", "", *_links(review_issue_url, board_url)]
    for kind, heading in (("learning", "Learnings"), ("action", "Actions")):
        chosen = [lesson for lesson in lessons if lesson.kind == kind]
        if chosen:
            lines += ["", f"## {heading}", ""]
            lines += [f"- {_inline(lesson.text)}  \n  {lesson.detail}" for lesson in chosen]
    return lines


def iac_write_up(snapshot: BoardSnapshot, lessons: list[IacLesson], *, branch: str, path: str,
                 review_issue_url: str = "", board_url: str = "") -> WriteUp:
    """The merge request of the infrastructure-as-code lessons: a file that
    lists them on `branch`, for the change itself to be pushed beside it."""
    board = snapshot.board
    body = _iac_markdown(snapshot, lessons, review_issue_url, board_url)
    content = _paragraphs([f"# Infrastructure lessons: {_inline(board.title)}", "", *body]) + "\n"
    description = _paragraphs([
        *body, "", "Push the infrastructure change to this branch; the file lists the lessons "
        f"it carries out (`{path}`).", "",
        f"<!-- postmortem-canvas iac:{board.id} -->"])
    return WriteUp(branch=branch, path=path, content=content,
                   title=f"Infrastructure lessons from the postmortem: {board.title}",
                   description=description,
                   commit_message=f"Infrastructure lessons from the postmortem: {board.title}")


def iac_issue_text(snapshot: BoardSnapshot, lessons: list[IacLesson], tracker: Tracker,
                   label: str, *, review_issue_url: str = "", board_url: str = "") -> IssueText:
    """The infrastructure-as-code lessons as one issue (GitLab or GitHub,
    Markdown), with the review label, the board's labels and its marker."""
    board = snapshot.board
    marker = iac_marker(board.id)
    body = _iac_markdown(snapshot, lessons, review_issue_url, board_url)
    return IssueText(title=f"Infrastructure lessons from the postmortem: {board.title}",
                     description=_paragraphs([*body, "",
                                             f"<!-- postmortem-canvas iac:{board.id} -->"]),
                     labels=issue_labels(tracker, label, *board.labels, marker), marker=marker)
