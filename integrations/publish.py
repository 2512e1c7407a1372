"""The write-up as a merge request (GitLab) or pull request (GitHub), and the
infrastructure-as-code lessons as their own.

Running again never makes a second branch, commit or request: the branch is
looked up by name, the file is read back and written only when its content
changed (so unchanged content makes no commit), and the open request is
found by its source branch and edited only where its title or description
differ. The order is chosen so that a run stopped halfway is completed by
the next one.
"""

from __future__ import annotations

import base64
import urllib.parse
from dataclasses import dataclass, field
from datetime import date

from canvas.errors import (
    BranchRefused, InvalidInput, NotFacilitator, NotesStillPrivate, TrackerAuthRefused,
    TrackerRefused,
)
from canvas.exports.markdown_pack import markdown_pack
from canvas.exports.publication import (
    WriteUp, checked_branch, checked_path, default_branch, default_path, iac_branch,
    iac_issue_text, iac_lessons, iac_path, iac_write_up, write_up,
)
from canvas.exports.review_issue import REVIEW_LABEL
from canvas.exports.tracker_issue import Tracker
from canvas.dates import today_in
from canvas.session.phases import Credentials
from canvas.session.visibility import Viewer, hidden_note_counts, visible_snapshot
from integrations.review_issue import CREATED, UNCHANGED, UPDATED, IssueOutcome, ensure_issue
from integrations.tracker_http import TrackerClient
from integrations.tracker_calls import project_api, request
from storage import review_issues
from storage.db import Database
from storage.identity import resolve_actor
from storage.snapshot import load_snapshot

# The request's state when the file is already on the default branch and
# nothing is left to propose (the earlier request was merged).
MERGED = "merged"
IAC_AS = ("merge-request", "issue")


@dataclass(frozen=True)
class Request:
    """An open merge or pull request."""

    number: str
    url: str
    title: str
    description: str


@dataclass(frozen=True)
class PublishOutcome:
    """What a run did in one repository."""

    branch: str
    path: str
    branch_created: bool
    committed: bool
    request_state: str  # created, updated, unchanged or merged
    request_url: str


@dataclass
class PublishReport:
    write_up: PublishOutcome
    iac: PublishOutcome | IssueOutcome | None = None
    iac_lessons: int = 0
    iac_left_out: int = 0  # lessons marked but not published: no project named for them
    notes: list[str] = field(default_factory=list)


def _decoded(content: str) -> str:
    # Both answer Base64, GitHub's with a line break every 60 characters.
    return base64.b64decode("".join(content.split())).decode("utf-8", "replace")


def _encoded(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


class _Repository:
    """One host's repository and request endpoints, as publishing needs them."""

    def __init__(self, client: TrackerClient):
        self.client = client
        self.api = project_api(client)
        self.host = client.tracker.label

    def default_branch(self) -> str:
        raise NotImplementedError

    def has_branch(self, branch: str) -> bool:
        raise NotImplementedError

    def create_branch(self, branch: str, start: str) -> None:
        raise NotImplementedError

    def read_file(self, path: str, ref: str) -> tuple[str, str] | None:
        """(content, the host's version token for a later write) or None."""
        raise NotImplementedError

    def write_file(self, path: str, branch: str, content: str, message: str,
                   version: str | None) -> None:
        raise NotImplementedError

    def open_request(self, branch: str) -> Request | None:
        raise NotImplementedError

    def create_request(self, item: WriteUp, target: str) -> Request:
        raise NotImplementedError

    def edit_request(self, request_: Request, item: WriteUp) -> None:
        raise NotImplementedError

    def _empty(self) -> TrackerRefused:
        return TrackerRefused(self.host, f"the repository of {self.client.project} is empty: "
                                         "push a first commit to its default branch")


# GitLab: https://docs.gitlab.com/api/branches/, /api/repository_files/ and /api/merge_requests/
class _GitLab(_Repository):
    def _file(self, path: str) -> str:
        return f"{self.api}/repository/files/{urllib.parse.quote(path, safe='')}"

    def default_branch(self):
        branch = (request(self.client, "GET", self.api).body or {}).get("default_branch")
        if not branch:
            raise self._empty()
        return branch

    def has_branch(self, branch):
        answer = request(self.client, "GET", f"{self.api}/repository/branches/"
                         f"{urllib.parse.quote(branch, safe='')}", missing_ok=True)
        return answer.status != 404

    def create_branch(self, branch, start):
        request(self.client, "POST", f"{self.api}/repository/branches",
                {"branch": branch, "ref": start}, once=True)

    def read_file(self, path, ref):
        answer = request(self.client, "GET", f"{self._file(path)}?"
                         + urllib.parse.urlencode({"ref": ref}), missing_ok=True)
        if answer.status == 404:
            return None
        return _decoded(answer.body["content"]), answer.body.get("last_commit_id") or ""

    def write_file(self, path, branch, content, message, version):
        # The same content again would be refused (an empty commit); callers
        # write only what changed.
        body = {"branch": branch, "content": _encoded(content), "encoding": "base64",
                "commit_message": message}
        if version:
            body["last_commit_id"] = version
        request(self.client, "PUT" if version is not None else "POST", self._file(path), body,
                once=True)

    def _request(self, body) -> Request:
        return Request(str(body["iid"]), body["web_url"], body.get("title") or "",
                       body.get("description") or "")

    def open_request(self, branch):
        query = urllib.parse.urlencode({"source_branch": branch, "state": "opened"})
        found = request(self.client, "GET", f"{self.api}/merge_requests?{query}").body or []
        return next((self._request(body) for body in found
                     if body.get("source_branch") == branch), None)

    def create_request(self, item, target):
        return self._request(request(self.client, "POST", f"{self.api}/merge_requests", {
            "source_branch": item.branch, "target_branch": target, "title": item.title,
            "description": item.description}, once=True).body)

    def edit_request(self, request_, item):
        request(self.client, "PUT", f"{self.api}/merge_requests/{request_.number}",
                {"title": item.title, "description": item.description})


# GitHub: https://docs.github.com/rest/git/refs, /rest/repos/contents and /rest/pulls/pulls
class _GitHub(_Repository):
    owner = ""

    def default_branch(self):
        body = request(self.client, "GET", self.api).body or {}
        # The head filter of pull requests names the owner: "owner:branch".
        self.owner = (body.get("owner") or {}).get("login") or self.client.project.split("/")[0]
        if not body.get("default_branch"):
            raise self._empty()
        return body["default_branch"]

    def _head(self, branch: str) -> str | None:
        answer = request(self.client, "GET", f"{self.api}/git/ref/heads/"
                         f"{urllib.parse.quote(branch, safe='/')}", missing_ok=True)
        return None if answer.status == 404 else answer.body["object"]["sha"]

    def has_branch(self, branch):
        return self._head(branch) is not None

    def create_branch(self, branch, start):
        sha = self._head(start)
        if sha is None:
            raise self._empty()
        request(self.client, "POST", f"{self.api}/git/refs",
                {"ref": f"refs/heads/{branch}", "sha": sha}, once=True)

    def _contents(self, path: str) -> str:
        return f"{self.api}/contents/{urllib.parse.quote(path, safe='/')}"

    def read_file(self, path, ref):
        answer = request(self.client, "GET", f"{self._contents(path)}?"
                         + urllib.parse.urlencode({"ref": ref}), missing_ok=True)
        if answer.status == 404 or not isinstance(answer.body, dict):
            return None  # nothing there (a folder answers a list)
        return _decoded(answer.body.get("content") or ""), answer.body["sha"]

    def write_file(self, path, branch, content, message, version):
        body = {"message": message, "content": _encoded(content), "branch": branch}
        if version is not None:
            body["sha"] = version  # required to replace a file: the blob it replaces
        request(self.client, "PUT", self._contents(path), body, once=True)

    def _request(self, body) -> Request:
        return Request(str(body["number"]), body["html_url"], body.get("title") or "",
                       body.get("body") or "")

    def open_request(self, branch):
        query = urllib.parse.urlencode({"head": f"{self.owner}:{branch}", "state": "open"})
        found = request(self.client, "GET", f"{self.api}/pulls?{query}").body or []
        return next((self._request(body) for body in found
                     if (body.get("head") or {}).get("ref") == branch), None)

    def create_request(self, item, target):
        return self._request(request(self.client, "POST", f"{self.api}/pulls", {
            "title": item.title, "head": item.branch, "base": target, "body": item.description},
            once=True).body)

    def edit_request(self, request_, item):
        request(self.client, "PATCH", f"{self.api}/pulls/{request_.number}",
                {"title": item.title, "body": item.description})


_REPOSITORIES = {Tracker.gitlab: _GitLab, Tracker.github: _GitHub}


def repository_for(client: TrackerClient) -> _Repository:
    """The client's project as a repository; Jira holds none."""
    if client.tracker not in _REPOSITORIES:
        raise InvalidInput(f"{client.tracker.label} holds no repository: publish to GitLab "
                           "(--project GROUP/NAME) or GitHub (--repo OWNER/NAME).")
    return _REPOSITORIES[client.tracker](client)


def _refusal(error: Exception) -> str:
    if isinstance(error, TrackerAuthRefused):
        return "the token may not push to it"
    return getattr(error, "detail", None) or str(error)  # the host's own words


def publish(client: TrackerClient, item: WriteUp) -> PublishOutcome:
    """Put `item` on its branch and propose it, doing only what is not done yet."""
    repository = repository_for(client)
    target = repository.default_branch()
    if item.branch == target:
        raise InvalidInput(f"The write-up goes on a branch of its own, not on {target!r}, the "
                           "project's default branch.")
    existed = repository.has_branch(item.branch)
    current = repository.read_file(item.path, item.branch if existed else target)
    opened = repository.open_request(item.branch) if existed else None
    if not existed and current is not None and current[0] == item.content:
        # Already on the default branch, as it is now: nothing to propose.
        return PublishOutcome(item.branch, item.path, False, False, MERGED, "")
    created = committed = False
    try:
        if not existed:
            repository.create_branch(item.branch, target)
            created = True
        if current is None or current[0] != item.content:
            repository.write_file(item.path, item.branch, item.content, item.commit_message,
                                  None if current is None else current[1])
            committed = True
    except (TrackerRefused, TrackerAuthRefused) as error:
        # The project was read with the same token a moment ago: this is the branch.
        raise BranchRefused(repository.host, item.branch, _refusal(error)) from None
    if opened is not None:
        if opened.title != item.title or opened.description.strip() != item.description.strip():
            repository.edit_request(opened, item)
            return PublishOutcome(item.branch, item.path, created, committed, UPDATED, opened.url)
        return PublishOutcome(item.branch, item.path, created, committed, UNCHANGED, opened.url)
    if not committed:
        # A branch left from a merged request: propose it only if it still differs.
        on_target = repository.read_file(item.path, target)
        if on_target is not None and on_target[0] == item.content:
            return PublishOutcome(item.branch, item.path, created, False, MERGED, "")
    made = repository.create_request(item, target)
    return PublishOutcome(item.branch, item.path, created, committed, CREATED, made.url)


def publish_board(db: Database, board_id: str, client: TrackerClient, *, path: str = "",
                  branch: str = "", board_url: str = "", iac_client: TrackerClient | None = None,
                  iac_as: str = "merge-request", label: str = REVIEW_LABEL,
                  credentials: Credentials | None = None, today: date | None = None
                  ) -> PublishReport:
    """Publish the board's write-up (the Markdown pack) to the client's
    repository, linking the review issue and the board, and its
    infrastructure-as-code lessons to `iac_client`'s project as a merge
    request or an issue (`iac_as`).

    From the app (`credentials` given) publishing is the facilitator's call,
    and is refused while others' notes are still private (the write-up would
    leave them out); the shell is trusted like `export`, which reads the
    whole board."""
    if iac_as not in IAC_AS:
        raise InvalidInput(f"Infrastructure-as-code lessons go out as {' or '.join(IAC_AS)}.")
    branch = checked_branch(branch) if branch else ""
    path = checked_path(path) if path else ""
    snapshot = load_snapshot(db, board_id)
    if credentials is not None:
        actor = resolve_actor(db, board_id, credentials)
        if not actor.is_facilitator:
            raise NotFacilitator()
        viewer = Viewer(participant_id=actor.participant_id, is_facilitator=True)
        if hidden := sum(hidden_note_counts(snapshot, viewer).values()):
            raise NotesStillPrivate(hidden)
        snapshot = visible_snapshot(snapshot, viewer)
    board = snapshot.board
    branch = branch or default_branch(board)
    path = path or default_path(board)
    link = review_issues.review_issue_of(db, board_id)
    issue_url = link.url if link else board.tracker_url
    markdown = markdown_pack(snapshot, today or today_in(board.timezone))
    report = PublishReport(publish(client, write_up(
        snapshot, markdown, branch=branch, path=path, review_issue_url=issue_url,
        board_url=board_url)))
    lessons = iac_lessons(snapshot)
    report.iac_lessons = len(lessons)
    if lessons and iac_client is None:
        report.iac_left_out = len(lessons)
    elif lessons and iac_as == "issue":
        report.iac = ensure_issue(iac_client, iac_issue_text(
            snapshot, lessons, iac_client.tracker, label, review_issue_url=issue_url,
            board_url=board_url))
    elif lessons:
        report.iac = publish(iac_client, iac_write_up(
            snapshot, lessons, branch=iac_branch(branch), path=iac_path(path),
            review_issue_url=issue_url, board_url=board_url))
    return report
