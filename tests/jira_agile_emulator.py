"""A Jira Software site, Cloud or Data Center, emulated on 127.0.0.1 for the tests.

It holds issues, boards, sprints, ranks and fields in memory and answers the
Agile REST API and the platform REST API in the shapes Atlassian documents:
- Agile REST API 1.0 (the same on both):
  https://developer.atlassian.com/cloud/jira/software/rest/intro/ and
  https://docs.atlassian.com/jira-software/REST/9.13.0/ — board backlog and
  sprint issues paged by startAt/maxResults/total, sprints paged with
  isLast/values, POST sprint/{id}/issue and backlog/issue (204, at most 50
  issues), PUT issue/rank (204, or 207 with one entry per issue), POST
  sprint/{id} as a partial update;
- the platform API, v3 on Cloud (https://developer.atlassian.com/cloud/jira/platform/rest/v3/)
  and v2 on Data Center (https://docs.atlassian.com/software/jira/docs/api/REST/9.13.0/):
  GET field, issues, transitions, and search — Cloud's /search/jql paged by
  nextPageToken with isLast and no total (and only `id` unless fields are
  asked for), Data Center's /search paged by startAt with a total.

Cloud takes Basic auth with an API token and keeps descriptions as Atlassian
Document Format and people by accountId; Data Center takes a personal access
token as a Bearer token and keeps wiki markup and people by name.

Test hooks: `issues[key]` is an issue's state and `ranked()` the rank order;
`change(key, ...)` and `rank_in_jira(key, before=...)` are someone editing
or reordering in Jira; `go_down()` / `come_up()` stop and restart the site on
the same port; `fail(...)` queues an error answer (a 429 with Retry-After, a
503); `seed(n)` fills a board's backlog, `add_sprint` and `close_sprint` make
sprints; `fields`, `other_fields` and `estimation` shape the field list and
the board's estimation; `requests`, `bodies` and `queries` log every call.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.tracker_emulator import JIRA_PAT, JIRA_USER, TOKENS, USERS, _reply, request_handler, shown

JIRA_TOKEN = TOKENS["jira"]
PROJECT = "OPS"
BOARD = 1
# The ids a real site gives Jira Software's own fields differ between
# sites; these are the usual ones for each flavour.
CLOUD_FIELDS = {"points": ("customfield_10016", "Story point estimate",
                           "com.pyxis.greenhopper.jira:jsw-story-points"),
                "sprint": ("customfield_10020", "Sprint", "com.pyxis.greenhopper.jira:gh-sprint"),
                "rank": ("customfield_10019", "Rank", "com.pyxis.greenhopper.jira:gh-lexo-rank")}
DC_FIELDS = {"points": ("customfield_10106", "Story Points",
                        "com.atlassian.jira.plugin.system.customfieldtypes:float"),
             "sprint": ("customfield_10104", "Sprint", "com.pyxis.greenhopper.jira:gh-sprint"),
             "rank": ("customfield_10105", "Rank", "com.pyxis.greenhopper.jira:gh-lexo-rank")}
STATUSES = {"To Do": "new", "In Progress": "indeterminate", "Done": "done", "Won't Do": "done"}
WORKFLOW = {
    "To Do": [("11", "Start progress", "In Progress"), ("31", "Done", "Done"),
              ("51", "Drop", "Won't Do")],
    "In Progress": [("21", "Stop progress", "To Do"), ("31", "Done", "Done")],
    "Done": [("41", "Reopen", "To Do")],
    "Won't Do": [("41", "Reopen", "To Do")],
}
ISSUE_TYPES = ("Story", "Task", "Bug", "Epic")
PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")
NOT_FOUND_ISSUE = "Issue does not exist or you do not have permission to see it."


class JiraAgileEmulator:
    """One Jira site with boards on project OPS. `issues[key]` holds each
    issue's state: summary, description (ADF on Cloud, wiki text on Data
    Center, as Jira keeps them), issue_type, status, priority, story_points,
    assignee (accountId on Cloud, name on Data Center), labels, sprint (an id
    or None), closed_sprints, updated, id. `order` is the global rank order."""

    def __init__(self, cloud: bool = True, page_size: int = 50, search_page_size: int = 100):
        self.cloud = cloud
        self.page_size, self.search_page_size = page_size, search_page_size
        self.token = JIRA_TOKEN if cloud else JIRA_PAT
        self.project = PROJECT
        self.issues: dict[str, dict] = {}
        self.order: list[str] = []  # every issue, highest rank first
        self.boards: dict[int, dict] = {BOARD: {"id": BOARD, "name": "OPS board", "project": PROJECT}}
        self.sprints: dict[int, dict] = {}
        self.fields = dict(CLOUD_FIELDS if cloud else DC_FIELDS)
        # More fields in the list, holding no values (a legacy "Story Points" on Cloud, say).
        self.other_fields: list[dict] = []
        # What a board estimates with: None for the story-points field, else
        # {"type": "field", "field": {...}} or {"type": "issueCount"}.
        self.estimation: dict | None = None
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[tuple[str, str, object]] = []
        self.queries: list[tuple[str, dict]] = []
        self.headers_seen: list[dict] = []
        self._faults: list[tuple[str | None, str, int, dict, object]] = []
        self._numbers = itertools.count(1)
        self._sprint_ids = itertools.count(1)
        self._clock = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._port = 0
        self._positions: dict[str, int] | None = None

    # --- the test's side -------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def env(self) -> dict[str, str]:
        """The settings a user gives (the flavour is found from serverInfo)."""
        if self.cloud:
            return {"JIRA_URL": self.url, "JIRA_USER": JIRA_USER, "JIRA_TOKEN": self.token}
        return {"JIRA_URL": self.url, "JIRA_PAT": self.token}

    @property
    def points_field(self) -> str | None:
        """The story-points field's id (None on a site without one)."""
        return self.fields["points"][0] if "points" in self.fields else None

    def add_issue(self, summary: str, *, description: str = "", issue_type: str = "Story",
                  status: str = "To Do", priority: str | None = "Medium",
                  story_points: float | None = None, assignee: str | None = None,
                  labels: list[str] | tuple[str, ...] = (), sprint: int | None = None,
                  project: str = PROJECT) -> str:
        """A new issue at the bottom of the rank; its key. `description` is
        plain text (kept as a one-paragraph document on Cloud); `assignee` one
        of USERS' user names."""
        with self._lock:
            number = next(self._numbers)
            key = f"{project}-{number}"
            self.issues[key] = {
                "id": str(10000 + number), "key": key, "project": project, "summary": summary,
                "description": self._document(description) if description else None,
                "issue_type": issue_type, "status": status, "priority": priority,
                "story_points": story_points, "assignee": self._person_ref(assignee),
                "labels": list(labels), "sprint": sprint, "closed_sprints": [],
                "created": self._tick(), "updated": ""}
            self.issues[key]["updated"] = self.issues[key]["created"]
            self.order.append(key)
            return key

    def seed(self, n: int, board: int = BOARD, *, points: bool = True) -> list[str]:
        """`n` issues in the board's backlog, ranked in the order made; their keys."""
        project = self.boards[board]["project"]
        return [self.add_issue(f"Backlog item {i + 1}", description=f"Acceptance for item {i + 1}",
                               issue_type=ISSUE_TYPES[i % 3], priority=PRIORITIES[i % 5],
                               story_points=float((1, 2, 3, 5, 8)[i % 5]) if points else None,
                               assignee=USERS[i % len(USERS)][0] if i % 4 else None,
                               labels=["postmortem"] if i % 7 == 0 else [], project=project)
                for i in range(n)]

    def add_sprint(self, name: str, state: str = "future", goal: str = "", board: int = BOARD,
                   start: str | None = None, end: str | None = None,
                   complete: str | None = None) -> int:
        """A sprint of the board; its id."""
        sprint_id = next(self._sprint_ids)
        if state != "future":
            start = start or "2026-11-23T09:00:00.000Z"
            end = end or "2026-12-07T17:00:00.000Z"
        if state == "closed":
            complete = complete or end
        self.sprints[sprint_id] = {"id": sprint_id, "name": name, "state": state, "goal": goal,
                                   "startDate": start, "endDate": end, "completeDate": complete,
                                   "originBoardId": board}
        return sprint_id

    def close_sprint(self, sprint_id: int, done: dict[str, float], undone: dict[str, float] = {}):
        """A closed sprint that held these issues (key: points), the first done."""
        for key, points in [*done.items(), *undone.items()]:
            issue = self.issues[key]
            issue["story_points"] = points
            issue["closed_sprints"].append(sprint_id)
            issue["sprint"] = None
            if key in done:
                issue["status"] = "Done"

    def change(self, key: str, **fields) -> None:
        """Someone edits the issue in Jira: any of the state's keys
        (description as plain text; assignee as a user name)."""
        with self._lock:
            issue = self.issues[key]
            for name, value in fields.items():
                if name not in issue:
                    raise KeyError(name)
                if name == "description":
                    value = self._document(value) if value else None
                elif name == "assignee":
                    value = self._person_ref(value)
                elif name == "labels":
                    value = list(value)
                issue[name] = value
            issue["updated"] = self._tick()

    def rank_in_jira(self, key: str, *, before: str | None = None, after: str | None = None) -> None:
        """Someone drags the issue to another place in Jira's backlog."""
        with self._lock:
            self.order.remove(key)
            at = self.order.index(before) if before else self.order.index(after) + 1
            self.order.insert(at, key)
            self.issues[key]["updated"] = self._tick()

    def text(self, key: str) -> str:
        """The issue's description as a person reads it in Jira."""
        body = self.issues[key]["description"]
        return "" if body is None else shown(body)

    def ranked(self, keys=None) -> list[str]:
        """The keys in rank order (only `keys`, when given)."""
        wanted = set(self.issues if keys is None else keys)
        return [key for key in self.order if key in wanted]

    def backlog_keys(self, board: int = BOARD) -> list[str]:
        return [i["key"] for i in self._backlog(board)]

    def fail(self, status: int, times: int = 1, body: object = None, headers: dict | None = None,
             method: str | None = None, path: str = "") -> None:
        """The next `times` requests (with `method`, to a path ending in
        `path`, if given) are answered `status`."""
        self._faults += [(method, path, status, headers or {}, body)] * times

    def go_down(self) -> None:
        """The site stops answering: connections are refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def come_up(self) -> None:
        """The site answers again, at the same address."""
        if self._server is None:
            self._start(self._port)

    def __enter__(self):
        self._start(0)
        return self

    def __exit__(self, *exc):
        self.go_down()

    # --- the server's side --------------------------------------------------------------

    def _start(self, port: int) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", port), request_handler(self._serve))
        self._server.daemon_threads = True
        self._port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def _tick(self) -> str:
        # Jira's timestamp format, one millisecond apart, so every change is a new value.
        self._clock += timedelta(milliseconds=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S.") + f"{self._clock.microsecond // 1000:03d}+0000"

    def _document(self, text: str):
        if not self.cloud:
            return text
        return {"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": line}]}
            for line in text.split("\n\n") if line]}

    def _person_ref(self, username: str | None) -> str | None:
        if not username:
            return None
        return f"acc-{username}" if self.cloud else username

    def _person(self, ref: str | None) -> dict | None:
        if ref is None:
            return None
        username = ref.removeprefix("acc-")
        name = dict(USERS).get(username, username)
        if self.cloud:
            return {"accountId": ref, "displayName": name, "active": True, "accountType": "atlassian"}
        return {"name": ref, "key": f"JIRAUSER-{ref}", "displayName": name, "active": True}

    def _authorised(self, headers) -> bool:
        given = headers.get("Authorization") or ""
        if not self.cloud:
            return given == f"Bearer {self.token}"
        pair = base64.b64encode(f"{JIRA_USER}:{self.token}".encode()).decode()
        return given == f"Basic {pair}"

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return _reply(handler, 400, {"errorMessages": ["Unexpected character in the body."],
                                         "errors": {}})
        with self._lock:
            self.requests.append((handler.command, parsed.path))
            self.bodies.append((handler.command, parsed.path, body))
            self.queries.append((parsed.path, query))
            self.headers_seen.append(dict(handler.headers))
            fault = next((f for f in self._faults if f[0] in (None, handler.command)
                          and parsed.path.endswith(f[1])), None)
            if fault is not None:
                self._faults.remove(fault)
                _, _, status, headers, fault_body = fault
                return _reply(handler, status, fault_body if fault_body is not None
                              else {"errorMessages": [f"emulated {status}"], "errors": {}}, headers)
            if not self._authorised(handler.headers):
                # A 401 body as Jira sends it; never an echo of the credentials.
                return _reply(handler, 401, {"errorMessages": [
                    "You are not authenticated. Authentication required to perform this "
                    "operation."], "errors": {}})
            self._positions = None
            try:
                status, payload = self._route(handler.command, parsed.path, query, body)
            except (KeyError, TypeError, ValueError) as error:
                status, payload = 400, {"errorMessages": [f"Bad request: {error}"], "errors": {}}
        _reply(handler, status, payload)

    def _route(self, method, path, query, body):
        if path == "/rest/api/2/serverInfo":
            return 200, {"baseUrl": self.url, "deploymentType": "Cloud" if self.cloud else "Server",
                         "version": "1001.0.0" if self.cloud else "9.12.0"}
        if path.startswith("/rest/agile/1.0/"):
            return self._agile(method, path.removeprefix("/rest/agile/1.0/"), query, body)
        api = "/rest/api/3/" if self.cloud else "/rest/api/2/"
        if path == "/rest/api/2/field" or path.startswith(api):
            return self._platform(method, path.removeprefix(api).removeprefix("/rest/api/2/"),
                                  query, body)
        return 404, {"errorMessages": ["Not found"], "errors": {}}

    # Agile REST API ---------------------------------------------------------------

    def _agile(self, method, rest, query, body):
        if (match := re.fullmatch(r"board/(\d+)/configuration", rest)) and method == "GET":
            board = self.boards.get(int(match[1]))
            if board is None:
                return 404, {"errorMessages": ["Board does not exist or you do not have "
                                               "permission to see it."], "errors": {}}
            estimation = self.estimation
            if estimation is None:
                points = self.fields.get("points")
                estimation = ({"type": "field", "field": {"fieldId": points[0], "displayName": points[1]}}
                              if points else {"type": "issueCount"})
            return 200, {"id": board["id"], "name": board["name"], "type": "scrum",
                         "self": f"{self.url}/rest/agile/1.0/board/{board['id']}/configuration",
                         "location": {"type": "project", "key": board["project"]},
                         "filter": {"id": "10000", "self": f"{self.url}/rest/api/2/filter/10000"},
                         "columnConfig": {"columns": [
                             {"name": name, "statuses": [{"id": str(n)}]}
                             for n, name in enumerate(STATUSES, 1)], "constraintType": "none"},
                         "estimation": estimation,
                         "ranking": {"rankCustomFieldId": int(self.fields["rank"][0].split("_")[1])}}
        if (match := re.fullmatch(r"board/(\d+)/(backlog|sprint)", rest)) and method == "GET":
            board = self.boards.get(int(match[1]))
            if board is None:
                return 404, {"errorMessages": [
                    "The requested board cannot be viewed because it either does not exist or "
                    "you do not have permission to view it."], "errors": {}}
            if match[2] == "backlog":
                return 200, self._issue_page(self._backlog(board["id"]), query)
            states = [s for s in query.get("state", "").split(",") if s] or ["active", "future", "closed"]
            sprints = [s for s in self.sprints.values()
                       if s["originBoardId"] == board["id"] and s["state"] in states]
            start = int(query.get("startAt", 0))
            size = min(int(query.get("maxResults", self.page_size)), self.page_size)
            page = sprints[start:start + size]
            return 200, {"maxResults": size, "startAt": start,
                         "isLast": start + size >= len(sprints),
                         "values": [self._sprint_body(s) for s in page]}
        if match := re.fullmatch(r"sprint/(\d+)(/issue)?", rest):
            sprint = self.sprints.get(int(match[1]))
            if sprint is None:
                return 404, {"errorMessages": [f"Sprint with id {match[1]} does not exist or you "
                                               "do not have permission to view it."], "errors": {}}
            if match[2] and method == "GET":
                held = [self.issues[k] for k in self.order
                        if self.issues[k]["sprint"] == sprint["id"]
                        or sprint["id"] in self.issues[k]["closed_sprints"]]
                return 200, self._issue_page(held, query)
            if match[2] and method == "POST":
                if sprint["state"] == "closed":
                    return 400, {"errorMessages": ["Issues can't be moved to a closed sprint."],
                                 "errors": {}}
                return self._move(body, sprint["id"])
            if method == "GET":
                return 200, self._sprint_body(sprint)
            if method == "POST":  # partial update: only the fields sent change
                if sprint["state"] == "closed" and not self.cloud:
                    return 400, {"errorMessages": ["Sprints that are in a closed state cannot be "
                                                   "updated."], "errors": {}}
                for name in ("name", "goal", "startDate", "endDate"):
                    if name in body:
                        sprint[name] = body[name]
                return 200, self._sprint_body(sprint)
        if rest == "backlog/issue" and method == "POST":
            return self._move(body, None)
        if rest == "issue/rank" and method == "PUT":
            return self._rank(body)
        return 404, {"errorMessages": ["Not found"], "errors": {}}

    def _backlog(self, board: int) -> list[dict]:
        project = self.boards[board]["project"]
        open_sprints = {s["id"] for s in self.sprints.values() if s["state"] != "closed"}
        return [self.issues[k] for k in self.order
                if self.issues[k]["project"] == project
                and STATUSES[self.issues[k]["status"]] != "done"
                and self.issues[k]["sprint"] not in open_sprints]

    def _issue_page(self, issues: list[dict], query: dict) -> dict:
        start = int(query.get("startAt", 0))
        size = min(int(query.get("maxResults", self.page_size)), self.page_size)
        fields = query.get("fields")
        return {"expand": "schema,names", "startAt": start, "maxResults": size,
                "total": len(issues),
                "issues": [self._issue_body(i, fields, agile=True) for i in issues[start:start + size]]}

    def _move(self, body, sprint_id):
        keys = body["issues"]
        if len(keys) > 50:
            return 400, {"errorMessages": ["Only 50 issues can be moved at once."], "errors": {}}
        missing = [k for k in keys if k not in self.issues]
        if missing:
            return 400, {"errorMessages": [f"Issue {missing[0]} does not exist."], "errors": {}}
        for key in keys:
            issue = self.issues[key]
            if issue["sprint"] != sprint_id:
                issue["sprint"] = sprint_id
                issue["updated"] = self._tick()
        if body.get("rankBeforeIssue") or body.get("rankAfterIssue"):
            return self._rank(body)
        return 204, None

    def _rank(self, body):
        keys = body["issues"]
        before, after = body.get("rankBeforeIssue"), body.get("rankAfterIssue")
        if len(keys) > 50:
            return 400, {"errorMessages": ["Only 50 issues can be ranked at once."], "errors": {}}
        if (before is None) == (after is None):
            return 400, {"errorMessages": ["Either rankBeforeIssue or rankAfterIssue must be "
                                           "provided."], "errors": {}}
        anchor = before or after
        if anchor not in self.issues:
            return 400, {"errorMessages": [f"Issue {anchor} does not exist."], "errors": {}}
        entries, moved = [], []
        for key in keys:
            if key not in self.issues or key == anchor:
                entries.append({"issueKey": key, "status": 400,
                                "errors": [NOT_FOUND_ISSUE if key not in self.issues
                                           else "An issue cannot be ranked relative to itself."]})
            else:
                moved.append(key)
                entries.append({"issueId": int(self.issues[key]["id"]), "issueKey": key, "status": 200})
        remaining = [k for k in self.order if k not in moved]
        at = remaining.index(anchor) + (0 if before else 1)
        self.order = remaining[:at] + moved + remaining[at:]
        self._positions = None
        for key in moved:
            self.issues[key]["updated"] = self._tick()
        if len(moved) < len(keys):
            return 207, {"entries": entries}
        return 204, None

    def _sprint_body(self, sprint: dict) -> dict:
        data = {"id": sprint["id"], "self": f"{self.url}/rest/agile/1.0/sprint/{sprint['id']}",
                "state": sprint["state"], "name": sprint["name"],
                "originBoardId": sprint["originBoardId"], "goal": sprint["goal"]}
        for name in ("startDate", "endDate", "completeDate"):
            if sprint.get(name):
                data[name] = sprint[name]
        return data

    # Platform REST API ----------------------------------------------------------------

    def _platform(self, method, rest, query, body):
        if rest == "field" and method == "GET":
            return 200, self._field_list()
        if rest in ("search", "search/jql") and method == "GET":
            return self._search(rest, query)
        if rest == "issue" and method == "POST":
            return self._create(body.get("fields") or {})
        match = re.fullmatch(r"issue/([^/]+)(/transitions)?", rest)
        if match is None:
            return 404, {"errorMessages": ["Not found"], "errors": {}}
        issue = self.issues.get(urllib.parse.unquote(match[1]))
        if issue is None:
            return 404, {"errorMessages": [NOT_FOUND_ISSUE], "errors": {}}
        if match[2]:
            return self._transitions(issue, method, body)
        if method == "PUT":
            return self._edit(issue, body)
        if method == "GET":
            return 200, self._issue_body(issue, query.get("fields"))
        return 405, None

    def _field_list(self) -> list[dict]:
        system = [("summary", "Summary", "string"), ("description", "Description", "string"),
                  ("issuetype", "Issue Type", "issuetype"), ("status", "Status", "status"),
                  ("priority", "Priority", "priority"), ("assignee", "Assignee", "user"),
                  ("labels", "Labels", "array"), ("updated", "Updated", "datetime")]
        listed = [{"id": fid, "key": fid, "name": name, "custom": False, "orderable": True,
                   "navigable": True, "searchable": True, "clauseNames": [fid],
                   "schema": {"type": kind, "system": fid}} for fid, name, kind in system]
        kinds = {"points": "number", "sprint": "array", "rank": "any"}
        for role, (fid, name, custom) in self.fields.items():
            listed.append({"id": fid, "key": fid, "name": name, "custom": True, "orderable": True,
                           "navigable": True, "searchable": True,
                           "clauseNames": [f"cf[{fid.split('_')[1]}]", name],
                           "schema": {"type": kinds[role], "custom": custom,
                                      "customId": int(fid.split("_")[1])}})
        listed += self.other_fields
        # A look-alike a by-name match must not take.
        listed.append({"id": "customfield_10099", "key": "customfield_10099",
                       "name": "Story Points (old)", "custom": True, "orderable": True,
                       "navigable": True, "searchable": True, "clauseNames": ["cf[10099]"],
                       "schema": {"type": "number", "custom":
                                  "com.atlassian.jira.plugin.system.customfieldtypes:float",
                                  "customId": 10099}})
        return listed

    def _position(self, key: str) -> int:
        # Worked out once a request: the order may have been changed by a test in between.
        if self._positions is None:
            self._positions = {k: n for n, k in enumerate(self.order)}
        return self._positions[key]

    def _rank_value(self, key: str) -> str:
        # A LexoRank-like string that sorts as the order does.
        return f"0|i{self._position(key):05d}:"

    def _issue_body(self, issue: dict, fields: str | None, agile: bool = False) -> dict:
        sprint = self.sprints.get(issue["sprint"]) if issue["sprint"] else None
        everything = {
            "summary": issue["summary"], "description": issue["description"],
            "issuetype": {"name": issue["issue_type"], "subtask": False},
            "status": {"name": issue["status"],
                       "statusCategory": {"key": STATUSES[issue["status"]]}},
            "priority": {"name": issue["priority"]} if issue["priority"] else None,
            "assignee": self._person(issue["assignee"]), "labels": list(issue["labels"]),
            "updated": issue["updated"], "created": issue["created"],
        }
        values = {"points": issue["story_points"], "rank": self._rank_value(issue["key"]),
                  "sprint": self._sprint_field(issue)}
        everything |= {fid: values[role] for role, (fid, _, _) in self.fields.items()}
        if agile:  # the Agile API adds its own fields (documented as "Agile fields")
            if self.cloud and issue["description"] is not None:
                # Not versioned with the platform API: its issues take v2's
                # form, where a description is wiki text, not a document.
                everything["description"] = shown(issue["description"])
            open_sprint = sprint is not None and sprint["state"] != "closed"
            everything["sprint"] = self._sprint_body(sprint) if open_sprint else None
            everything["closedSprints"] = [self._sprint_body(self.sprints[s])
                                           for s in issue["closed_sprints"]]
        if fields is None:
            chosen = everything
        else:
            names = fields.split(",")
            chosen = {n: v for n, v in everything.items() if n in names or "*all" in names}
        return {"id": issue["id"], "key": issue["key"],
                "self": f"{self.url}/rest/api/issue/{issue['id']}", "fields": chosen}

    def _sprint_field(self, issue: dict) -> list | None:
        held = [*issue["closed_sprints"], *([issue["sprint"]] if issue["sprint"] else [])]
        if not held:
            return None
        if self.cloud:
            return [{"id": s, "name": self.sprints[s]["name"], "state": self.sprints[s]["state"],
                     "boardId": self.sprints[s]["originBoardId"], "goal": self.sprints[s]["goal"]}
                    for s in held]
        # Data Center's v2 gives each sprint as its Java toString.
        return [f"com.atlassian.greenhopper.service.sprint.Sprint@{s:x}[id={s},rapidViewId="
                f"{self.sprints[s]['originBoardId']},state={self.sprints[s]['state'].upper()},"
                f"name={self.sprints[s]['name']},goal={self.sprints[s]['goal']}]" for s in held]

    def _search(self, rest, query):
        if (rest == "search/jql") != self.cloud:
            # Cloud removed /search (410); Data Center has no /search/jql.
            return (410, {"errorMessages": ["The requested API has been removed. Please migrate "
                                            "to the /rest/api/3/search/jql API."], "errors": {}}) \
                if self.cloud else (404, None)
        try:
            found = self._jql(query.get("jql", ""))
        except ValueError as error:
            return 400, {"errorMessages": [str(error)], "errors": {}}
        fields = query.get("fields")
        if self.cloud:
            start = int(query.get("nextPageToken", "p0")[1:] or 0)
            size = min(int(query.get("maxResults", 50)), self.search_page_size)
            page = found[start:start + size]
            more = start + size < len(found)
            issues = [self._issue_body(i, fields) if fields else {"id": i["id"]} for i in page]
            return 200, {"issues": issues, "isLast": not more,
                         **({"nextPageToken": f"p{start + size}"} if more else {})}
        start = int(query.get("startAt", 0))
        size = min(int(query.get("maxResults", 50)), self.search_page_size)
        return 200, {"expand": "names,schema", "startAt": start, "maxResults": size,
                     "total": len(found),
                     "issues": [self._issue_body(i, fields) for i in found[start:start + size]]}

    def _jql(self, jql: str) -> list[dict]:
        """A small JQL: clauses joined by AND (project, key in, labels, sprint,
        status, statusCategory, issuetype), and ORDER BY rank or key."""
        parts = re.split(r"(?i)\border\s+by\b", jql, maxsplit=1)
        text, order = parts[0], (parts[1].strip().lower() if len(parts) > 1 else "")
        issues = list(self.issues.values())
        for clause in [c.strip() for c in re.split(r"(?i)\s+and\s+", text) if c.strip()]:
            match = re.fullmatch(r'(?i)(\w+)\s*(=|!=|in|not in)\s*(.+)', clause)
            if match is None:
                raise ValueError(f"Error in the JQL Query: the clause '{clause}' is not understood.")
            field, operator, value = match[1].lower(), match[2].lower(), match[3].strip()
            values = [v.strip().strip('"\'') for v in value.strip("()").split(",")]
            if field == "sprint" and value.lower() == "opensprints()":
                values = [str(s) for s, v in self.sprints.items() if v["state"] != "closed"]
            elif field == "sprint" and value.lower() == "empty":
                values = [""]
            getters = {"project": lambda i: [i["project"]], "key": lambda i: [i["key"]],
                       "issuekey": lambda i: [i["key"]], "labels": lambda i: i["labels"],
                       "sprint": lambda i: [str(i["sprint"] or "")],
                       "status": lambda i: [i["status"]],
                       "statuscategory": lambda i: [{"new": "To Do", "indeterminate": "In Progress",
                                                     "done": "Done"}[STATUSES[i["status"]]]],
                       "issuetype": lambda i: [i["issue_type"]], "type": lambda i: [i["issue_type"]]}
            if field not in getters:
                raise ValueError(f"Field '{match[1]}' does not exist or you do not have "
                                 "permission to view it.")
            if field in ("key", "issuekey") and operator in ("=", "in"):
                unknown = [v for v in values if v.upper() not in self.issues]
                if unknown:
                    raise ValueError(f"An issue with key '{unknown[0]}' does not exist for field "
                                     "'key'.")
            if field == "project" and not any(i["project"].lower() == values[0].lower()
                                              for i in self.issues.values()):
                raise ValueError(f"The value '{values[0]}' does not exist for the field 'project'.")
            wanted = {v.lower() for v in values}
            keep = operator in ("=", "in")
            issues = [i for i in issues
                      if any(v.lower() in wanted for v in getters[field](i)) == keep]
        if order.startswith("rank"):
            issues.sort(key=lambda i: self._position(i["key"]))
            if order.endswith("desc"):
                issues.reverse()
        else:  # Jira's default: newest first
            issues.sort(key=lambda i: int(i["id"]), reverse=True)
        return issues

    def _refusal(self, fields: dict) -> dict | None:
        known = {"project", "issuetype", "summary", "description", "labels", "assignee",
                 "priority", self.points_field}
        for name in fields:
            if name not in known:
                return {name: f"Field '{name}' cannot be set. It is not on the appropriate "
                              "screen, or unknown."}
        if "summary" in fields and not str(fields["summary"] or "").strip():
            return {"summary": "You must specify a summary of the issue."}
        if "description" in fields and fields["description"] is not None:
            text = fields["description"]
            if self.cloud and not (isinstance(text, dict) and text.get("type") == "doc"):
                return {"description": "Operation value must be an Atlassian Document (see the "
                                       "Atlassian Document Format)"}
            if not self.cloud and not isinstance(text, str):
                return {"description": "Operation value must be a string"}
        if self.points_field in fields and fields[self.points_field] is not None \
                and not isinstance(fields[self.points_field], (int, float)):
            return {self.points_field: "Operation value must be a number"}
        if "labels" in fields and any(" " in str(label) for label in fields["labels"] or []):
            return {"labels": "The label must not contain spaces."}
        return None

    def _apply(self, issue: dict, fields: dict) -> None:
        for name, value in fields.items():
            if name in ("summary", "description"):
                issue[name] = value
            elif name == "labels":
                issue["labels"] = list(value or [])
            elif name == "priority":
                issue["priority"] = (value or {}).get("name")
            elif name == "assignee":
                issue["assignee"] = (value or {}).get("accountId" if self.cloud else "name")
            elif name == self.points_field:
                issue["story_points"] = None if value is None else float(value)

    def _create(self, fields):
        if (fields.get("project") or {}).get("key") not in {b["project"] for b in self.boards.values()}:
            return 400, {"errorMessages": [], "errors": {"project": "valid project is required"}}
        if (fields.get("issuetype") or {}).get("name") not in ISSUE_TYPES:
            return 400, {"errorMessages": [], "errors": {"issuetype": "Specify a valid issue type"}}
        if not fields.get("summary"):
            return 400, {"errorMessages": [], "errors": {
                "summary": "You must specify a summary of the issue."}}
        if (refused := self._refusal(fields)) is not None:
            return 400, {"errorMessages": [], "errors": refused}
        key = self.add_issue(fields["summary"], issue_type=fields["issuetype"]["name"],
                             project=fields["project"]["key"])
        self._apply(self.issues[key], {k: v for k, v in fields.items()
                                       if k not in ("project", "issuetype", "summary")})
        issue = self.issues[key]
        return 201, {"id": issue["id"], "key": key, "self": f"{self.url}/rest/api/issue/{issue['id']}"}

    def _edit(self, issue, body):
        fields = body.get("fields") or {}
        if (refused := self._refusal(fields)) is not None:
            return 400, {"errorMessages": [], "errors": refused}
        self._apply(issue, fields)
        for operation in (body.get("update") or {}).get("labels", []):
            if "add" in operation and operation["add"] not in issue["labels"]:
                issue["labels"].append(operation["add"])
            if "remove" in operation and operation["remove"] in issue["labels"]:
                issue["labels"].remove(operation["remove"])
            if "set" in operation:
                issue["labels"] = list(operation["set"])
        issue["updated"] = self._tick()
        return 204, None

    def _transitions(self, issue, method, body):
        moves = WORKFLOW[issue["status"]]
        if method == "GET":
            return 200, {"expand": "transitions", "transitions": [
                {"id": number, "name": name, "hasScreen": False, "isAvailable": True,
                 "to": {"name": target, "statusCategory": {"key": STATUSES[target]}}}
                for number, name, target in moves]}
        chosen = next((m for m in moves if m[0] == str(body["transition"]["id"])), None)
        if chosen is None:
            return 400, {"errorMessages": [f"Transition id '{body['transition']['id']}' is not "
                                           "valid for this issue."], "errors": {}}
        issue["status"] = chosen[2]
        issue["updated"] = self._tick()
        return 204, None

