"""GitLab issues over REST API v4, on gitlab.com or a self-managed instance.

Documented at https://docs.gitlab.com/api/issues/ (create, edit with
`add_labels` and `state_event`) and https://docs.gitlab.com/api/members/
(`/projects/:id/members/all`: the project's members, inherited ones included).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator, Mapping
from typing import Any

from canvas.errors import CanvasError, TrackerAuthRefused, TrackerNotConfigured
from canvas.exports.tracker_issue import RemoteIssue, Tracker, marker_label
from integrations.tracker_http import EVERY_FIELD, PAGE_LIMIT, TrackerClient, same_person


class GitLab(TrackerClient):
    """GitLab issues, a project by its path GROUP/NAME."""

    tracker = Tracker.gitlab
    variables = "GITLAB_TOKEN (and GITLAB_URL)"
    settings = ("GITLAB_URL", "GITLAB_TOKEN")
    secret_settings = ("GITLAB_TOKEN",)

    def __init__(self, project: str, env: Mapping[str, str], **options):
        super().__init__(project, env, **options)
        if not env.get("GITLAB_TOKEN"):
            raise TrackerNotConfigured("GITLAB_TOKEN")
        self._token = env["GITLAB_TOKEN"]
        self.api = (env.get("GITLAB_URL") or "https://gitlab.com").rstrip("/") + "/api/v4"
        self.project_path = f"/projects/{urllib.parse.quote(project, safe='')}"
        self._issues = f"{self.project_path}/issues"

    def _headers(self):
        return {"PRIVATE-TOKEN": self._token}

    def _message(self, body):
        message = body.get("message") or body.get("error") if isinstance(body, dict) else body
        if isinstance(message, dict):
            return "; ".join(f"{field} {' '.join(map(str, why)) if isinstance(why, list) else why}"
                             for field, why in message.items())
        return str(message)

    def _auth_refused(self, status: int, body: Any) -> CanvasError:
        # An expired token answers 401 {"error": "invalid_token",
        # "error_description": "Token is expired. ..."} (OAuth 2 bearer errors, RFC 6750).
        if (isinstance(body, dict) and body.get("error") == "invalid_token"
                and "expired" in str(body.get("error_description", "")).lower()):
            return TrackerAuthRefused(self.tracker.label, self.variables, expired="GITLAB_TOKEN")
        return super()._auth_refused(status, body)

    def pages(self, path: str, params: dict[str, Any]) -> Iterator[Any]:
        """Every item of a listing, page by page (GitLab's X-Next-Page header)."""
        page = "1"
        for _ in range(PAGE_LIMIT):
            query = urllib.parse.urlencode({**params, "per_page": 100, "page": page})
            answer = self.request("GET", f"{path}?{query}")
            yield from answer.body or []
            page = answer.headers.get("X-Next-Page") or ""
            if not page:
                return

    def _issue(self, body) -> RemoteIssue:
        return RemoteIssue(str(body["iid"]), body["web_url"], body.get("state") == "closed",
                           list(body.get("labels") or []),
                           [str(person["id"]) for person in body.get("assignees") or []])

    def find_marked(self, action_id):
        marker = marker_label(action_id)
        for body in self.pages(self._issues, {"labels": marker}):
            if marker in (body.get("labels") or []):
                return self._issue(body)
        return None

    def _create(self, payload):
        fields = {"title": payload.title, "description": payload.description,
                  "labels": ",".join(payload.labels)}
        if payload.due_date:
            fields["due_date"] = payload.due_date.isoformat()
        if payload.assignee:
            fields["assignee_ids"] = [int(payload.assignee)]
        return self._issue(self.request("POST", self._issues, fields, once=True).body)

    def update(self, issue_id, payload, send=EVERY_FIELD):
        # `add_labels` adds to the labels people set; `labels` would replace them.
        fields: dict[str, Any] = {"add_labels": ",".join(payload.labels)}
        if "title" in send:
            fields["title"] = payload.title
        if "description" in send:
            fields["description"] = payload.description
        if "due_date" in send:
            fields["due_date"] = payload.due_date.isoformat() if payload.due_date else None
        if "assignee" in send and payload.assignee:
            # assignee_ids replaces the list: the board's owner joins whoever
            # people assigned in the tracker.
            current = self.get(issue_id).assignees
            if payload.assignee not in current:
                fields["assignee_ids"] = [int(person) for person in [*current, payload.assignee]]
        answer = self.request("PUT", f"{self._issues}/{issue_id}", fields, missing_ok=True)
        return self._issue(self._found(answer, issue_id))

    def set_closed(self, issue_id, closed):
        answer = self.request("PUT", f"{self._issues}/{issue_id}",
                              {"state_event": "close" if closed else "reopen"}, missing_ok=True)
        return self._issue(self._found(answer, issue_id))

    def get(self, issue_id):
        return self._issue(self._found(self.request("GET", f"{self._issues}/{issue_id}",
                                                    missing_ok=True), issue_id))

    def user_for(self, owner):
        # Only the project's members (inherited ones too): on gitlab.com a
        # stranger with the same name must never be assigned. The query
        # matches parts of names ("Ann" finds "Joanna"), so read on.
        for member in self.pages(f"{self.project_path}/members/all", {"query": owner}):
            if member.get("state", "active") == "active" and same_person(
                    owner, member.get("username"), member.get("name")):
                return str(member["id"])
        return ""
