"""GitHub issues over the REST API, on github.com or GitHub Enterprise Server
(GITHUB_API_URL, e.g. https://github.example.com/api/v3).

Documented at https://docs.github.com/rest/issues (issues, labels, assignees)
and https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
and .../troubleshooting-the-rest-api#rate-limit-errors (how a rate limit
answers, and how long to wait).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

from canvas.errors import TrackerNotConfigured
from canvas.exports.tracker_issue import RemoteIssue, Tracker, marker_label
from integrations.tracker_http import EVERY_FIELD, PAGE_LIMIT, TrackerClient, retry_after

API_VERSION = "2022-11-28"
# "Otherwise, wait for at least one minute before retrying", and longer each
# time a secondary limit refuses again.
SECONDARY_WAIT_SECONDS = 60.0


class GitHub(TrackerClient):
    """GitHub issues, a repository OWNER/NAME."""

    tracker = Tracker.github
    variables = "GITHUB_TOKEN (and GITHUB_API_URL)"
    settings = ("GITHUB_TOKEN", "GITHUB_API_URL")
    secret_settings = ("GITHUB_TOKEN",)
    has_due_field = False

    def __init__(self, project: str, env: Mapping[str, str], **options):
        super().__init__(project, env, **options)
        if not env.get("GITHUB_TOKEN"):
            raise TrackerNotConfigured("GITHUB_TOKEN")
        self._token = env["GITHUB_TOKEN"]
        self.api = (env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
        self.repo_path = f"/repos/{urllib.parse.quote(project, safe='/')}"

    def _headers(self):
        return {"Authorization": f"Bearer {self._token}", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION}

    def _message(self, body):
        if not isinstance(body, dict):
            return str(body)
        details = [e.get("message") or " ".join(str(e.get(k, "")) for k in ("field", "code")).strip()
                   if isinstance(e, dict) else str(e) for e in body.get("errors") or []]
        return "; ".join([str(body.get("message", "")), *details]).strip("; ")

    def _rate_limit_wait(self, status: int, headers: Any, body: Any, attempt: int) -> float | None:
        # A rate limit answers 403 or 429. retry-after, when present, is the
        # wait; a primary limit (x-ratelimit-remaining: 0) lasts until
        # x-ratelimit-reset (UTC epoch seconds); a secondary limit otherwise
        # says so in its message. Any other 403 is a credential refusal.
        if status not in (403, 429):
            return None
        after = retry_after(headers.get("retry-after"), self._clock)
        if after is not None:
            return after
        exhausted = headers.get("x-ratelimit-remaining") == "0"
        reset = (headers.get("x-ratelimit-reset") or "").strip()
        if exhausted and reset.isdigit():
            return max(0.0, int(reset) - self._clock()) + 1.0
        message = str(body.get("message", "")) if isinstance(body, dict) else ""
        if status == 429 or exhausted or "secondary rate limit" in message.lower():
            return SECONDARY_WAIT_SECONDS * 2 ** (attempt - 1)
        return None

    def pages(self, path: str, params: dict[str, Any]) -> Iterator[Any]:
        """Every item of a listing, page by page (the Link header's rel="next")."""
        url = f"{path}?{urllib.parse.urlencode({**params, 'per_page': 100})}"
        for _ in range(PAGE_LIMIT):
            answer = self.request("GET", url)
            yield from answer.body or []
            url = _next_link(answer.headers.get("Link", ""))
            if not url:
                return

    def _issue(self, body) -> RemoteIssue:
        return RemoteIssue(str(body["number"]), body["html_url"], body.get("state") == "closed",
                           [label["name"] if isinstance(label, dict) else label
                            for label in body.get("labels") or []],
                           [person["login"] for person in body.get("assignees") or []])

    def find_marked(self, action_id):
        marker = marker_label(action_id)
        for body in self.pages(f"{self.repo_path}/issues", {"labels": marker, "state": "all"}):
            issue = self._issue(body)
            # Pull requests are listed among issues, and carry labels too.
            if "pull_request" not in body and marker in issue.labels:
                return issue
        return None

    def _create(self, payload):
        fields: dict[str, Any] = {"title": payload.title, "body": payload.description,
                                  "labels": payload.labels}
        if payload.assignee:  # an empty list is never sent
            fields["assignees"] = [payload.assignee]
        return self._issue(self.request("POST", f"{self.repo_path}/issues", fields, once=True).body)

    def update(self, issue_id, payload, send=EVERY_FIELD):
        issue_path = f"{self.repo_path}/issues/{issue_id}"
        fields = {}
        if "title" in send:
            fields["title"] = payload.title
        if "description" in send:
            fields["body"] = payload.description
        # PATCH with `labels` or `assignees` would replace them: both go
        # through the endpoints that add.
        answer = (self.request("PATCH", issue_path, fields, missing_ok=True) if fields
                  else self.request("GET", issue_path, missing_ok=True))
        issue = self._issue(self._found(answer, issue_id))
        added = self.request("POST", f"{issue_path}/labels", {"labels": payload.labels}).body
        labels = [label["name"] for label in added or []] or issue.labels
        assignees = issue.assignees
        if "assignee" in send and payload.assignee and payload.assignee not in assignees:
            body = self.request("POST", f"{issue_path}/assignees",
                                {"assignees": [payload.assignee]}).body
            assignees = self._issue(body).assignees
        return RemoteIssue(issue.issue_id, issue.url, issue.closed, labels, assignees)

    def set_closed(self, issue_id, closed):
        state = ({"state": "closed", "state_reason": "completed"} if closed
                 else {"state": "open", "state_reason": "reopened"})
        answer = self.request("PATCH", f"{self.repo_path}/issues/{issue_id}", state, missing_ok=True)
        return self._issue(self._found(answer, issue_id))

    def get(self, issue_id):
        return self._issue(self._found(self.request(
            "GET", f"{self.repo_path}/issues/{issue_id}", missing_ok=True), issue_id))

    def user_for(self, owner):
        # Only a login that may be assigned in this repository: 204 yes, 404 no.
        login = owner.strip().lstrip("@")
        if not login or any(c.isspace() or c == "/" for c in login):
            return ""
        answer = self.request("GET", f"{self.repo_path}/assignees/{urllib.parse.quote(login)}",
                              missing_ok=True)
        return login if answer.status == 204 else ""


def _next_link(header: str) -> str:
    # Link: <https://...&page=2>; rel="next", <...>; rel="last"
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part:
            return part[part.index("<") + 1: part.index(">")]
    return ""
