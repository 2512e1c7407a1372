"""Jira issues: Jira Cloud over REST API v3, Jira Data Center / Server over v2.

The two differ in every place a push touches, each documented by Atlassian:
- authentication: Cloud takes an API token with Basic auth (JIRA_USER, the
  account's email, and JIRA_TOKEN); Data Center a personal access token as a
  Bearer token (JIRA_PAT), recent releases having turned Basic auth off;
- people: Cloud knows them by `accountId` and finds them with
  `/user/assignable/search?query=`; Data Center by `name`, found with
  `/user/assignable/search?username=`. Both only list people who can be
  assigned issues in the project;
- the description: an Atlassian Document Format document on Cloud (v3),
  wiki markup on Data Center (v2);
- searching: Cloud's `/search/jql`, paged by token; Data Center's `/search`,
  paged by `startAt`.
Which one a site is comes from JIRA_DEPLOYMENT (cloud or datacenter), or else
from `/rest/api/2/serverInfo`, whose `deploymentType` is "Cloud" on Cloud.

Status moves by the workflow's transitions (`GET`/`POST /issue/{key}/transitions`),
picked by the status category they lead to: done to close, to do (else in
progress) to reopen. The issue type (JIRA_ISSUE_TYPE, default Task) and the
due-date field (JIRA_DUE_FIELD, default duedate, or none) are settings, and a
project that refuses them is told in one sentence naming the setting.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

from canvas.errors import (
    CanvasError, TrackerNotConfigured, TrackerRefused, TrackerSettingInvalid, TrackerSettingRefused,
)
from canvas.exports.tracker_issue import RemoteIssue, TextFormat, Tracker, marker_label
from integrations.tracker_http import EVERY_FIELD, PAGE_LIMIT, TrackerClient, same_person

CLOUD, DATA_CENTER = "cloud", "datacenter"
DEPLOYMENTS = {"cloud": CLOUD, "datacenter": DATA_CENTER, "server": DATA_CENTER}
DEFAULT_ISSUE_TYPE = "Task"
DEFAULT_DUE_FIELD = "duedate"
# Jira's words for a field that is not on the project's create or edit screen:
# "Field 'duedate' cannot be set. It is not on the appropriate screen, or unknown."
_NOT_ON_SCREEN = re.compile(r"cannot be set|not on the appropriate screen", re.IGNORECASE)


class Jira(TrackerClient):
    """Jira issues, a project KEY."""

    tracker = Tracker.jira
    settings = ("JIRA_URL", "JIRA_USER", "JIRA_TOKEN", "JIRA_PAT", "JIRA_DEPLOYMENT",
                "JIRA_ISSUE_TYPE", "JIRA_DUE_FIELD")
    secret_settings = ("JIRA_USER", "JIRA_TOKEN", "JIRA_PAT")

    def __init__(self, project: str, env: Mapping[str, str], **options):
        super().__init__(project, env, **options)
        if not env.get("JIRA_URL"):
            raise TrackerNotConfigured("JIRA_URL")
        self.site = env["JIRA_URL"].rstrip("/")
        chosen = (env.get("JIRA_DEPLOYMENT") or "").strip().lower()
        if chosen and chosen not in DEPLOYMENTS:
            raise TrackerSettingInvalid("JIRA_DEPLOYMENT", chosen, "cloud or datacenter")
        self._deployment = DEPLOYMENTS.get(chosen)
        basic = bool(env.get("JIRA_USER") and env.get("JIRA_TOKEN"))
        if env.get("JIRA_PAT") and self._deployment != CLOUD:
            self._auth = f"Bearer {env['JIRA_PAT']}"
            self.variables = "JIRA_PAT (and JIRA_URL)"
        elif basic:
            pair = base64.b64encode(f"{env['JIRA_USER']}:{env['JIRA_TOKEN']}".encode()).decode()
            self._auth = f"Basic {pair}"
            self._secrets.append(pair)
            self.variables = "JIRA_USER and JIRA_TOKEN (and JIRA_URL)"
        elif self._deployment == CLOUD:
            raise TrackerNotConfigured("JIRA_USER and JIRA_TOKEN (an API token: Jira Cloud "
                                       "takes no JIRA_PAT)")
        else:
            raise TrackerNotConfigured("JIRA_PAT (Data Center) or JIRA_USER and JIRA_TOKEN (Cloud)")
        self.issue_type = (env.get("JIRA_ISSUE_TYPE") or DEFAULT_ISSUE_TYPE).strip()
        due = (env.get("JIRA_DUE_FIELD") or DEFAULT_DUE_FIELD).strip()
        self.due_field = None if due.lower() == "none" else due

    # --- which Jira -----------------------------------------------------------------

    @property
    def deployment(self) -> str:
        """cloud or datacenter: the setting, or what the site says it is."""
        if self._deployment is None:
            answer = self.request("GET", f"{self.site}/rest/api/2/serverInfo", missing_ok=True)
            if answer.status == 404:
                raise TrackerSettingRefused(
                    f"{self.site} does not answer as a Jira site: set JIRA_URL to the address "
                    "people open Jira at (without /rest/...).")
            info = answer.body or {}
            self._deployment = CLOUD if info.get("deploymentType") == "Cloud" else DATA_CENTER
        return self._deployment

    @property
    def api(self) -> str:
        return self.site + ("/rest/api/3" if self.deployment == CLOUD else "/rest/api/2")

    @property
    def text_format(self) -> TextFormat:
        return TextFormat.adf if self.deployment == CLOUD else TextFormat.jira_wiki

    @property
    def has_due_field(self) -> bool:
        return self.due_field is not None

    def _person(self, reference: str) -> dict[str, str]:
        return {"accountId": reference} if self.deployment == CLOUD else {"name": reference}

    def _issue_type(self) -> dict[str, str]:
        return {"id": self.issue_type} if self.issue_type.isdigit() else {"name": self.issue_type}

    # --- HTTP -------------------------------------------------------------------------

    def _headers(self):
        return {"Authorization": self._auth}

    def _message(self, body):
        # Jira's error collection: {"errorMessages": [...], "errors": {field: message}}.
        if not isinstance(body, dict):
            return str(body)
        parts = [str(m) for m in body.get("errorMessages") or []]
        parts += [f"{field}: {why}" for field, why in (body.get("errors") or {}).items()]
        return "; ".join(parts)

    def _refused(self, status: int, body: Any, raw: bytes) -> CanvasError:
        # What every issue of the push would carry is refused once, naming the setting.
        errors = (body.get("errors") if isinstance(body, dict) else None) or {}
        if "issuetype" in errors:
            return TrackerSettingRefused(
                f"Jira refused the issue type {self.issue_type!r} in project {self.project} "
                f"({self._scrub(str(errors['issuetype']))}): set JIRA_ISSUE_TYPE to an issue "
                "type the project has.")
        if self.due_field and _NOT_ON_SCREEN.search(str(errors.get(self.due_field, ""))):
            return TrackerSettingRefused(
                f"Jira cannot set the due date in the field {self.due_field!r} of project "
                f"{self.project}, which is not on its create and edit screens: add the field to "
                "those screens, or set JIRA_DUE_FIELD to the field the project uses for due "
                "dates, or to none to put the due date in the description.")
        return super()._refused(status, body, raw)

    # --- issues ------------------------------------------------------------------------

    def _browse(self, key: str) -> str:
        return f"{self.site}/browse/{key}"

    def _issue(self, body) -> RemoteIssue:
        fields = body.get("fields") or {}
        category = ((fields.get("status") or {}).get("statusCategory") or {}).get("key")
        assignee = fields.get("assignee") or {}
        who = assignee.get("accountId") or assignee.get("name")
        return RemoteIssue(body["key"], self._browse(body["key"]), category == "done",
                           list(fields.get("labels") or []), [who] if who else [])

    def find_marked(self, action_id):
        marker = marker_label(action_id)
        jql = f'project = "{self.project}" AND labels = "{marker}"'
        cloud = self.deployment == CLOUD
        token, start = "", 0
        for _ in range(PAGE_LIMIT):
            params: dict[str, Any] = {"jql": jql, "maxResults": 50, "fields": "status,labels,assignee"}
            if cloud:
                # Cloud searches at /search/jql, a page at a time by nextPageToken.
                params |= {"nextPageToken": token} if token else {}
                path = f"/search/jql?{urllib.parse.urlencode(params)}"
            else:
                path = f"/search?{urllib.parse.urlencode({**params, 'startAt': start})}"
            body = self.request("GET", path).body or {}
            issues = body.get("issues") or []
            for issue in issues:
                if marker in ((issue.get("fields") or {}).get("labels") or []):
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
        fields = {"project": {"key": self.project}, "issuetype": self._issue_type(),
                  "summary": payload.title, "description": payload.description,
                  "labels": payload.labels}
        if self.due_field and payload.due_date:
            fields[self.due_field] = payload.due_date.isoformat()
        if payload.assignee:
            fields["assignee"] = self._person(payload.assignee)
        created = self.request("POST", "/issue", {"fields": fields}, once=True).body
        return RemoteIssue(created["key"], self._browse(created["key"]), False, payload.labels,
                           [payload.assignee] if payload.assignee else [])

    def update(self, issue_id, payload, send=EVERY_FIELD):
        fields: dict[str, Any] = {}
        if "title" in send:
            fields["summary"] = payload.title
        if "description" in send:
            fields["description"] = payload.description
        if "due_date" in send and self.due_field:
            fields[self.due_field] = payload.due_date.isoformat() if payload.due_date else None
        if "assignee" in send and payload.assignee:
            # Jira has one assignee: the board's owner, changed on the board
            # since the last push, takes the place.
            fields["assignee"] = self._person(payload.assignee)
        # Labels through `update` with `add`: a `fields.labels` would replace them.
        body: dict[str, Any] = {"update": {"labels": [{"add": label} for label in payload.labels]}}
        if fields:
            body["fields"] = fields
        self._found(self.request("PUT", f"/issue/{issue_id}", body, missing_ok=True), issue_id)
        return self.get(issue_id)

    def set_closed(self, issue_id, closed):
        path = f"/issue/{issue_id}/transitions"
        offered = (self._found(self.request("GET", path, missing_ok=True), issue_id) or {})
        transitions = offered.get("transitions") or []
        wanted = ("done",) if closed else ("new", "indeterminate")
        choice = next((t for category in wanted for t in transitions
                       if ((t.get("to") or {}).get("statusCategory") or {}).get("key") == category),
                      None)
        if choice is None:
            goal = "a done status" if closed else "a to-do or in-progress status"
            raise TrackerRefused(self.tracker.label, f"the workflow offers {issue_id} no "
                                 f"transition to {goal}: add one to the project's workflow, or "
                                 "move the issue by hand")
        self.request("POST", path, {"transition": {"id": str(choice["id"])}})
        return self.get(issue_id)

    def get(self, issue_id):
        return self._issue(self._found(self.request(
            "GET", f"/issue/{issue_id}?fields=status,labels,assignee", missing_ok=True), issue_id))

    def user_for(self, owner):
        # Only people who can be assigned issues in the project. Cloud matches
        # `query` against names and addresses and may answer fewer than a
        # page while more follow; Data Center takes `username` (refusing
        # `query`) and answers with `name` rather than `accountId`.
        cloud = self.deployment == CLOUD
        start = 0
        for _ in range(PAGE_LIMIT):
            query = urllib.parse.urlencode({"query" if cloud else "username": owner,
                                            "project": self.project, "startAt": start,
                                            "maxResults": 50})
            users = self.request("GET", f"/user/assignable/search?{query}").body or []
            for user in users:
                if user.get("active", True) and same_person(
                        owner, user.get("displayName"), user.get("name"), user.get("emailAddress")):
                    return str(user.get("accountId") if cloud else user.get("name"))
            if not users:
                return ""
            start += len(users)
        return ""
