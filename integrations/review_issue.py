"""The review's own issue in GitLab, GitHub or Jira, opened from the board and
kept up to date from it.

An issue is found again by the link the board keeps, else by its marker label
(so a run that died between creating it and recording it, or a copy of the
database, never makes a second one). Running again writes only what differs:
the title or description when the board changed them, and the labels that are
missing. Labels are only ever added, never removed, so what people did in the
tracker stays. The same machinery opens the issue of a board's
infrastructure-as-code lessons (integrations/publish.py).
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field

from canvas.errors import NotFacilitator, TrackerUnavailable
from canvas.exports.review_issue import REVIEW_LABEL, IssueText, review_issue_text
from canvas.exports.tracker_issue import Tracker
from canvas.session.phases import Credentials
from integrations.tracker_http import PAGE_LIMIT, TrackerClient
from integrations.tracker_calls import jira_issue_type, jira_site, project_api, request
from storage import review_issues
from storage.db import Database
from storage.identity import resolve_actor
from storage.snapshot import load_snapshot

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass(frozen=True)
class RemoteText:
    """An issue as read back: where it is, and what it says."""

    issue_id: str
    url: str
    title: str
    description: str
    labels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IssueOutcome:
    """What a run did to one issue."""

    issue_id: str
    url: str
    state: str  # created, updated or unchanged
    replaced_link: str = ""  # the board's earlier tracker link, when it pointed elsewhere


def _same_text(a: str, b: str) -> bool:
    # Trackers may hand text back with \r\n or without the final newline.
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


class _Issues:
    """One tracker's issue endpoints, as the review issue needs them."""

    def __init__(self, client: TrackerClient):
        self.client = client
        self.api = project_api(client)

    def find_marked(self, marker: str) -> RemoteText | None:
        raise NotImplementedError

    # Where one issue is read, under the project's API (`{id}`: the issue's id).
    ISSUE_PATH = "/issues/{id}"

    def _remote(self, body) -> RemoteText:
        raise NotImplementedError

    def read(self, issue_id: str) -> RemoteText | None:
        answer = request(self.client, "GET", self.api + self.ISSUE_PATH.format(id=issue_id), missing_ok=True)
        return None if answer.status == 404 else self._remote(answer.body)

    def create(self, text: IssueText) -> RemoteText:
        raise NotImplementedError

    def update(self, issue: RemoteText, text: IssueText) -> bool:
        """Write what differs; returns whether anything was written."""
        raise NotImplementedError


# GitLab issues: https://docs.gitlab.com/api/issues/ (`add_labels` adds, never replaces).
class _GitLabIssues(_Issues):
    def _remote(self, body) -> RemoteText:
        return RemoteText(str(body["iid"]), body["web_url"], body.get("title") or "",
                          body.get("description") or "", list(body.get("labels") or []))

    def find_marked(self, marker):
        for page in range(1, PAGE_LIMIT + 1):
            query = urllib.parse.urlencode({"labels": marker, "state": "all", "per_page": 100,
                                            "page": page})
            answer = request(self.client, "GET", f"{self.api}/issues?{query}")
            for body in answer.body or []:
                if marker in (body.get("labels") or []):
                    return self._remote(body)
            if not answer.headers.get("X-Next-Page"):
                return None
        return None

    def create(self, text):
        return self._remote(request(self.client, "POST", f"{self.api}/issues", {
            "title": text.title, "description": text.description,
            "labels": ",".join(text.labels)}, once=True).body)

    def update(self, issue, text):
        fields = {}
        if issue.title != text.title:
            fields["title"] = text.title
        if not _same_text(issue.description, text.description):
            fields["description"] = text.description
        if missing := [label for label in text.labels if label not in issue.labels]:
            fields["add_labels"] = ",".join(missing)
        if fields:
            request(self.client, "PUT", f"{self.api}/issues/{issue.issue_id}", fields)
        return bool(fields)


# GitHub issues: https://docs.github.com/rest/issues/issues and
# https://docs.github.com/rest/issues/labels#add-labels-to-an-issue
class _GitHubIssues(_Issues):
    def _remote(self, body) -> RemoteText:
        labels = [label["name"] if isinstance(label, dict) else label
                  for label in body.get("labels") or []]
        return RemoteText(str(body["number"]), body["html_url"], body.get("title") or "",
                          body.get("body") or "", labels)

    def find_marked(self, marker):
        url = f"{self.api}/issues?" + urllib.parse.urlencode(
            {"labels": marker, "state": "all", "per_page": 100})
        for _ in range(PAGE_LIMIT):
            answer = request(self.client, "GET", url)
            for body in answer.body or []:
                # GitHub lists pull requests among issues.
                if "pull_request" not in body and marker in self._remote(body).labels:
                    return self._remote(body)
            url = _next_link(answer.headers.get("Link", ""))
            if not url:
                return None
        return None

    def create(self, text):
        return self._remote(request(self.client, "POST", f"{self.api}/issues", {
            "title": text.title, "body": text.description, "labels": text.labels}, once=True).body)

    def update(self, issue, text):
        fields = {}
        if issue.title != text.title:
            fields["title"] = text.title
        if not _same_text(issue.description, text.description):
            fields["body"] = text.description
        if fields:
            request(self.client, "PATCH", f"{self.api}/issues/{issue.issue_id}", fields)
        missing = [label for label in text.labels if label not in issue.labels]
        if missing:
            request(self.client, "POST", f"{self.api}/issues/{issue.issue_id}/labels",
                    {"labels": missing})
        return bool(fields or missing)


def _next_link(header: str) -> str:
    # Link: <https://...&page=2>; rel="next", <...>; rel="last"
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part:
            return part[part.index("<") + 1: part.index(">")]
    return ""


# Jira REST v2: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/
# (`update.labels` with `add` adds a label and leaves the others).
class _JiraIssues(_Issues):
    FIELDS = "summary,description,labels"
    ISSUE_PATH = "/issue/{id}?fields=" + FIELDS

    def _remote(self, body) -> RemoteText:
        fields = body.get("fields") or {}
        return RemoteText(body["key"], f"{jira_site(self.client)}/browse/{body['key']}",
                          fields.get("summary") or "", fields.get("description") or "",
                          list(fields.get("labels") or []))

    def find_marked(self, marker):
        # Jira Cloud searches at search/jql; Data Center has only the older search.
        jql = f'project = "{self.client.project}" AND labels = "{marker}"'
        params = urllib.parse.urlencode({"jql": jql, "maxResults": 50, "fields": self.FIELDS})
        answer = request(self.client, "GET", f"{self.api}/search/jql?{params}", missing_ok=True)
        if answer.status == 404:
            answer = request(self.client, "GET", f"{self.api}/search?{params}")
        for issue in (answer.body or {}).get("issues") or []:
            if marker in ((issue.get("fields") or {}).get("labels") or []):
                return self._remote(issue)
        return None

    def create(self, text):
        created = request(self.client, "POST", f"{self.api}/issue", {"fields": {
            "project": {"key": self.client.project}, "issuetype": jira_issue_type(self.client),
            "summary": text.title, "description": text.description, "labels": text.labels}},
            once=True).body
        return RemoteText(created["key"], f"{jira_site(self.client)}/browse/{created['key']}",
                          text.title, text.description, list(text.labels))

    def update(self, issue, text):
        fields = {}
        if issue.title != text.title:
            fields["summary"] = text.title
        if not _same_text(issue.description, text.description):
            fields["description"] = text.description
        missing = [label for label in text.labels if label not in issue.labels]
        if not (fields or missing):
            return False
        body = {"fields": fields}
        if missing:
            body["update"] = {"labels": [{"add": label} for label in missing]}
        request(self.client, "PUT", f"{self.api}/issue/{issue.issue_id}", body)
        return True


_ISSUES = {Tracker.gitlab: _GitLabIssues, Tracker.github: _GitHubIssues, Tracker.jira: _JiraIssues}


def ensure_issue(client: TrackerClient, text: IssueText, known_id: str | None = None) -> IssueOutcome:
    """The issue `text` describes, in the client's project: the one known by
    id, else the one carrying its marker, updated where it differs; or a new
    one. A create that failed in a way that may have made it is looked for
    again by its marker before anything else happens."""
    issues = _ISSUES[client.tracker](client)
    found = issues.read(known_id) if known_id else None
    if found is None:
        found = issues.find_marked(text.marker)
    if found is None:
        try:
            made = issues.create(text)
            return IssueOutcome(made.issue_id, made.url, CREATED)
        except TrackerUnavailable:
            found = issues.find_marked(text.marker)
            if found is None:
                raise
    state = UPDATED if issues.update(found, text) else UNCHANGED
    return IssueOutcome(found.issue_id, found.url, state)


def open_review_issue(db: Database, board_id: str, client: TrackerClient, *, board_url: str,
                      label: str = REVIEW_LABEL,
                      credentials: Credentials | None = None) -> IssueOutcome:
    """Create the board's review issue in the client's project, or bring the
    one opened before up to date, and keep its link on the board (as its
    tracker link). From the app (`credentials` given) this is the
    facilitator's call; the shell is trusted like every command that holds
    the database file."""
    if credentials is not None and not resolve_actor(db, board_id, credentials).is_facilitator:
        raise NotFacilitator()
    snapshot = load_snapshot(db, board_id)
    text = review_issue_text(snapshot, client.tracker, board_url, label)
    link = review_issues.review_issue_of(db, board_id)
    known = link.issue_id if (link and link.tracker == client.tracker.value
                              and link.project == client.project) else None
    outcome = ensure_issue(client, text, known)
    replaced = review_issues.record_review_issue(db, board_id, client.tracker.value,
                                                 client.project, outcome.issue_id, outcome.url)
    return IssueOutcome(outcome.issue_id, outcome.url, outcome.state, replaced)
