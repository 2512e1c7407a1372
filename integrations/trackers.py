"""Talking to issue trackers: GitLab, GitHub and Jira over their REST APIs.

One small HTTP client on the standard library's urllib serves all three: each
tracker needs only five calls (find by label, create, update, read, look up a
user), so a client library per tracker would add three dependencies and three
ways of failing for about a hundred lines saved. Nothing here touches the
database. Credentials come from the environment (or Streamlit secrets, passed
in as the same mapping) and never leave this module: no error message, log
line or return value carries a token.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from canvas.errors import (
    TrackerAuthRefused, TrackerNotConfigured, TrackerProjectNotFound, TrackerRefused,
    TrackerUnavailable,
)
from canvas.exports.tracker_issue import IssuePayload, RemoteIssue, Tracker, marker_label

log = logging.getLogger(__name__)

ENV_VARIABLES = ("GITLAB_URL", "GITLAB_TOKEN", "GITHUB_TOKEN", "GITHUB_API_URL", "JIRA_URL",
                 "JIRA_USER", "JIRA_TOKEN")
ATTEMPTS = 3  # a 5xx, a timeout or a 429 is tried again, this many times in all
BACKOFF_SECONDS = 1.0
MAX_RETRY_AFTER_SECONDS = 60.0  # a longer Retry-After is reported instead of waited for
TIMEOUT_SECONDS = 15.0
PAGE_LIMIT = 50  # pages read when searching for a marker, at most


@dataclass
class _Answer:
    status: int
    headers: Any
    body: Any


class TrackerClient:
    """One project of one tracker. Subclasses speak its REST shapes."""

    tracker: Tracker
    variables = ""  # the settings to check when credentials are refused

    def __init__(self, project: str, env: Mapping[str, str], *,
                 sleep: Callable[[float], None] = time.sleep, timeout: float = TIMEOUT_SECONDS,
                 attempts: int = ATTEMPTS):
        self.project = project
        self._secrets = [env[name] for name in ENV_VARIABLES
                         if name.endswith(("TOKEN", "USER")) and env.get(name)]
        self._sleep, self._timeout, self._attempts = sleep, timeout, attempts

    # --- the five calls every tracker answers ----------------------------------

    def find_marked(self, action_id: str) -> RemoteIssue | None:
        """The issue carrying the action's marker label, on any page, or None."""
        raise NotImplementedError

    def create(self, payload: IssuePayload) -> RemoteIssue:
        """A new issue. A create that failed or timed out may still have been
        made, so before trying again the marker is searched for."""
        for attempt in range(1, self._attempts + 1):
            try:
                return self._create(payload)
            except TrackerUnavailable:
                if attempt == self._attempts:
                    raise
                self._sleep(BACKOFF_SECONDS * attempt)
                if (found := self.find_marked(payload.action_id)) is not None:
                    return found
        raise AssertionError("unreachable")

    def _create(self, payload: IssuePayload) -> RemoteIssue:
        raise NotImplementedError

    def _found(self, answer: _Answer, issue_id: str) -> Any:
        if answer.status == 404:
            raise TrackerRefused(self.tracker.label, f"issue {issue_id} of {self.project} was not "
                                 "found (deleted or moved, or the project is gone)")
        return answer.body

    def _closed(self, issue: RemoteIssue, payload: IssuePayload) -> RemoteIssue:
        # A new issue opens; an action already done closes it straight away.
        return self.update(issue.issue_id, payload) if payload.done and not issue.closed else issue

    def update(self, issue_id: str, payload: IssuePayload) -> RemoteIssue:
        raise NotImplementedError

    def get(self, issue_id: str) -> RemoteIssue:
        raise NotImplementedError

    def user_for(self, owner: str) -> str:
        """The tracker's reference for the user called `owner` (matched on
        user name or full name, ignoring case), or "" when none matches."""
        raise NotImplementedError

    # --- HTTP ----------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        raise NotImplementedError

    def _message(self, body: Any) -> str:
        raise NotImplementedError

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return " ".join(text.split())[:300]

    def _call(self, method: str, url: str, body: Any = None, *, missing_ok: bool = False,
              once: bool = False) -> _Answer:
        """One request with the error rules: 401/403 name the settings to
        check, 404 the project, 4xx the tracker's own message; 429 waits for
        Retry-After, 5xx and timeouts are tried again, both up to a bound."""
        name = self.tracker.label
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {**self._headers(), "Accept": "application/json", "User-Agent": "postmortem-canvas"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        problem = ""
        attempts = self._attempts
        for attempt in range(1, attempts + 1):
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            wait = BACKOFF_SECONDS * attempt
            try:
                with urllib.request.urlopen(request, timeout=self._timeout) as response:
                    raw = response.read()
                    try:
                        return _Answer(response.status, response.headers,
                                       json.loads(raw) if raw.strip() else None)
                    except ValueError:
                        raise TrackerRefused(name, "the answer was not JSON: check the "
                                             f"address in {self.variables}") from None
            except urllib.error.HTTPError as error:
                raw = error.read()
                try:
                    parsed = json.loads(raw) if raw.strip() else None
                except ValueError:
                    parsed = None
                status = error.code
                if status == 429 or status >= 500:
                    problem = f"HTTP {status}"
                    if status == 429:
                        after = _retry_after(error.headers.get("Retry-After"))
                        if after is not None and after > MAX_RETRY_AFTER_SECONDS:
                            raise TrackerUnavailable(
                                name, f"rate limited for {int(after)} seconds") from None
                        wait = BACKOFF_SECONDS if after is None else after
                        problem = "rate limited"
                elif status in (401, 403):
                    raise TrackerAuthRefused(name, self.variables) from None
                elif status == 404:
                    if missing_ok:
                        return _Answer(404, error.headers, parsed)
                    raise TrackerProjectNotFound(name, self.project) from None
                else:
                    message = self._scrub(self._message(parsed) if parsed else raw.decode("utf-8", "replace"))
                    raise TrackerRefused(name, message or f"HTTP {status}") from None
            except (urllib.error.URLError, TimeoutError, socket.timeout, ConnectionError) as error:
                reason = getattr(error, "reason", error)
                problem = "timed out" if isinstance(reason, (TimeoutError, socket.timeout)) else "no connection"
            if once and problem != "rate limited":
                # Not safe to repeat blindly (it may have been carried out).
                raise TrackerUnavailable(name, problem)
            log.info("%s %s: %s (attempt %d of %d)", name, method, problem, attempt, attempts)
            if attempt < attempts:
                self._sleep(wait)
        raise TrackerUnavailable(name, f"{problem} after {attempts} attempt{'s' * (attempts > 1)}")


def _retry_after(value: str | None) -> float | None:
    # Seconds, or an HTTP date (RFC 9110 §10.2.3).
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _same_person(owner: str, *names: str | None) -> bool:
    wanted = " ".join(owner.split()).casefold()
    return bool(wanted) and any(name and " ".join(name.split()).casefold() == wanted for name in names)


class GitLab(TrackerClient):
    """GitLab issues (REST API v4), a project by its path GROUP/NAME."""

    tracker = Tracker.gitlab
    variables = "GITLAB_TOKEN (and GITLAB_URL)"

    def __init__(self, project: str, env: Mapping[str, str], **options):
        super().__init__(project, env, **options)
        if not env.get("GITLAB_TOKEN"):
            raise TrackerNotConfigured("GITLAB_TOKEN")
        self._token = env["GITLAB_TOKEN"]
        self._api = (env.get("GITLAB_URL") or "https://gitlab.com").rstrip("/") + "/api/v4"
        self._issues = f"{self._api}/projects/{urllib.parse.quote(project, safe='')}/issues"

    def _headers(self):
        return {"PRIVATE-TOKEN": self._token}

    def _message(self, body):
        message = body.get("message") or body.get("error") if isinstance(body, dict) else body
        if isinstance(message, dict):
            return "; ".join(f"{field} {' '.join(map(str, why)) if isinstance(why, list) else why}"
                             for field, why in message.items())
        return str(message)

    def _issue(self, body) -> RemoteIssue:
        return RemoteIssue(str(body["iid"]), body["web_url"], body.get("state") == "closed",
                           list(body.get("labels") or []))

    def _fields(self, payload: IssuePayload, assignee: str) -> dict:
        return {"title": payload.title, "description": payload.description,
                "labels": ",".join(payload.labels),
                "due_date": payload.due_date.isoformat() if payload.due_date else None,
                "assignee_ids": [int(assignee)] if assignee else [],
                **({"state_event": "close"} if payload.done else {})}

    def find_marked(self, action_id):
        page = "1"
        for _ in range(PAGE_LIMIT):
            query = urllib.parse.urlencode({"labels": marker_label(action_id), "state": "all",
                                            "per_page": 100, "page": page})
            answer = self._call("GET", f"{self._issues}?{query}")
            for body in answer.body or []:
                if marker_label(action_id) in (body.get("labels") or []):
                    return self._issue(body)
            page = answer.headers.get("X-Next-Page") or ""
            if not page:
                return None
        return None

    def _create(self, payload):
        return self._closed(self._issue(self._call(
            "POST", self._issues, self._fields(payload, payload.assignee), once=True).body), payload)

    def update(self, issue_id, payload):
        return self._issue(self._call("PUT", f"{self._issues}/{issue_id}",
                                      self._fields(payload, payload.assignee)).body)

    def get(self, issue_id):
        return self._issue(self._found(self._call("GET", f"{self._issues}/{issue_id}",
                                                  missing_ok=True), issue_id))

    def user_for(self, owner):
        # A search matches parts of names too ("Ann" finds "Joanna"): read on.
        page = "1"
        for _ in range(PAGE_LIMIT):
            query = urllib.parse.urlencode({"search": owner, "per_page": 100, "page": page})
            answer = self._call("GET", f"{self._api}/users?{query}")
            for user in answer.body or []:
                if _same_person(owner, user.get("username"), user.get("name")):
                    return str(user["id"])
            page = answer.headers.get("X-Next-Page") or ""
            if not page:
                return ""
        return ""


class GitHub(TrackerClient):
    """GitHub issues (REST API), a repository OWNER/NAME."""

    tracker = Tracker.github
    variables = "GITHUB_TOKEN (and GITHUB_API_URL)"

    def __init__(self, project: str, env: Mapping[str, str], **options):
        super().__init__(project, env, **options)
        if not env.get("GITHUB_TOKEN"):
            raise TrackerNotConfigured("GITHUB_TOKEN")
        self._token = env["GITHUB_TOKEN"]
        api = (env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/")
        self._repo = f"{api}/repos/{urllib.parse.quote(project, safe='/')}"

    def _headers(self):
        return {"Authorization": f"Bearer {self._token}", "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28"}

    def _message(self, body):
        if not isinstance(body, dict):
            return str(body)
        details = [e.get("message") or " ".join(str(e.get(k, "")) for k in ("field", "code")).strip()
                   if isinstance(e, dict) else str(e) for e in body.get("errors") or []]
        return "; ".join([str(body.get("message", "")), *details]).strip("; ")

    def _issue(self, body) -> RemoteIssue:
        return RemoteIssue(str(body["number"]), body["html_url"], body.get("state") == "closed",
                           [label["name"] if isinstance(label, dict) else label
                            for label in body.get("labels") or []])

    def _fields(self, payload: IssuePayload) -> dict:
        return {"title": payload.title, "body": payload.description, "labels": payload.labels,
                "assignees": [payload.assignee] if payload.assignee else [],
                **({"state": "closed", "state_reason": "completed"} if payload.done else {})}

    def find_marked(self, action_id):
        query = urllib.parse.urlencode({"labels": marker_label(action_id), "state": "all",
                                        "per_page": 100})
        url = f"{self._repo}/issues?{query}"
        for _ in range(PAGE_LIMIT):
            answer = self._call("GET", url)
            for body in answer.body or []:
                issue = self._issue(body)
                if "pull_request" not in body and marker_label(action_id) in issue.labels:
                    return issue
            url = _next_link(answer.headers.get("Link", ""))
            if not url:
                return None
        return None

    def _create(self, payload):
        fields = {key: value for key, value in self._fields(payload).items()
                  if key not in ("state", "state_reason")}
        return self._closed(self._issue(self._call("POST", f"{self._repo}/issues", fields,
                                                   once=True).body), payload)

    def update(self, issue_id, payload):
        return self._issue(self._call("PATCH", f"{self._repo}/issues/{issue_id}",
                                      self._fields(payload)).body)

    def get(self, issue_id):
        return self._issue(self._found(self._call("GET", f"{self._repo}/issues/{issue_id}",
                                                  missing_ok=True), issue_id))

    def user_for(self, owner):
        # Only a login that may be assigned in this repository: 204 yes, 404 no.
        login = owner.strip().lstrip("@")
        if not login or any(c.isspace() or c == "/" for c in login):
            return ""
        answer = self._call("GET", f"{self._repo}/assignees/{urllib.parse.quote(login)}",
                            missing_ok=True)
        return login if answer.status == 204 else ""


def _next_link(header: str) -> str:
    # Link: <https://...&page=2>; rel="next", <...>; rel="last"
    for part in header.split(","):
        if 'rel="next"' in part and "<" in part:
            return part[part.index("<") + 1: part.index(">")]
    return ""


class Jira(TrackerClient):
    """Jira issues (REST API v2, whose description is plain text), a project KEY."""

    tracker = Tracker.jira
    variables = "JIRA_USER and JIRA_TOKEN (and JIRA_URL)"
    issue_type = "Task"

    def __init__(self, project: str, env: Mapping[str, str], **options):
        super().__init__(project, env, **options)
        for name in ("JIRA_URL", "JIRA_USER", "JIRA_TOKEN"):
            if not env.get(name):
                raise TrackerNotConfigured(name)
        self._site = env["JIRA_URL"].rstrip("/")
        self._api = self._site + "/rest/api/2"
        pair = f"{env['JIRA_USER']}:{env['JIRA_TOKEN']}".encode("utf-8")
        self._auth = "Basic " + base64.b64encode(pair).decode("ascii")
        self._secrets.append(base64.b64encode(pair).decode("ascii"))

    def _headers(self):
        return {"Authorization": self._auth}

    def _message(self, body):
        if not isinstance(body, dict):
            return str(body)
        parts = [str(m) for m in body.get("errorMessages") or []]
        parts += [f"{field}: {why}" for field, why in (body.get("errors") or {}).items()]
        return "; ".join(parts)

    def _issue(self, body) -> RemoteIssue:
        fields = body.get("fields") or {}
        category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
        return RemoteIssue(body["key"], f"{self._site}/browse/{body['key']}", category == "done",
                           list(fields.get("labels") or []))

    def _fields(self, payload: IssuePayload) -> dict:
        fields = {"summary": payload.title, "description": payload.description,
                  "labels": payload.labels,
                  "duedate": payload.due_date.isoformat() if payload.due_date else None}
        if payload.assignee:
            fields["assignee"] = {"accountId": payload.assignee}
        return fields

    def find_marked(self, action_id):
        # Jira Cloud searches at search/jql, a page at a time by nextPageToken;
        # Jira Data Center has only the older search, paged by startAt.
        jql = f'project = "{self.project}" AND labels = "{marker_label(action_id)}"'
        token, start, cloud = "", 0, True
        for _ in range(PAGE_LIMIT):
            params = {"jql": jql, "maxResults": 50, "fields": "status,labels"}
            if cloud:
                params |= {"nextPageToken": token} if token else {}
                answer = self._call("GET", f"{self._api}/search/jql?{urllib.parse.urlencode(params)}",
                                    missing_ok=True)
                if answer.status == 404:
                    cloud = False
                    continue
            else:
                params["startAt"] = start
                answer = self._call("GET", f"{self._api}/search?{urllib.parse.urlencode(params)}")
            body = answer.body or {}
            issues = body.get("issues") or []
            for issue in issues:
                if marker_label(action_id) in ((issue.get("fields") or {}).get("labels") or []):
                    return self._issue(issue)
            if cloud:
                token = body.get("nextPageToken") or ""
                if not token or body.get("isLast"):
                    return None
            else:
                start += len(issues)
                if not issues or start >= int(body.get("total", 0)):
                    return None
        return None

    def _create(self, payload):
        fields = {**self._fields(payload), "project": {"key": self.project},
                  "issuetype": {"name": self.issue_type}}
        created = self._call("POST", f"{self._api}/issue", {"fields": fields}, once=True).body
        return RemoteIssue(created["key"], f"{self._site}/browse/{created['key']}", False,
                           payload.labels)

    def update(self, issue_id, payload):
        self._call("PUT", f"{self._api}/issue/{issue_id}", {"fields": self._fields(payload)})
        return self.get(issue_id)

    def get(self, issue_id):
        return self._issue(self._found(self._call(
            "GET", f"{self._api}/issue/{issue_id}?fields=status,labels", missing_ok=True), issue_id))

    def user_for(self, owner):
        start = 0
        for _ in range(PAGE_LIMIT):
            query = urllib.parse.urlencode({"query": owner, "startAt": start, "maxResults": 50})
            users = self._call("GET", f"{self._api}/user/search?{query}").body or []
            for user in users:
                if _same_person(owner, user.get("displayName"), user.get("name")):
                    return str(user.get("accountId") or user.get("name"))
            if not users:
                return ""
            start += len(users)
        return ""


CLIENTS: dict[Tracker, type[TrackerClient]] = {
    Tracker.gitlab: GitLab, Tracker.github: GitHub, Tracker.jira: Jira}


def client_for(tracker: Tracker | str, project: str, env: Mapping[str, str],
               **options) -> TrackerClient:
    """A client for one project of a tracker, configured from `env` (the
    environment, or Streamlit secrets merged into it). Raises
    TrackerNotConfigured naming the missing variable."""
    return CLIENTS[Tracker(tracker)](project, env, **options)


def tracker_env(environ: Mapping[str, str], secrets: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The tracker settings: Streamlit secrets, overridden by the environment."""
    env = {name: str(secrets[name]) for name in ENV_VARIABLES if secrets and name in secrets}
    env.update({name: environ[name] for name in ENV_VARIABLES if environ.get(name)})
    return env
