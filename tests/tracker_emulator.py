"""GitLab, GitHub and Jira (Cloud and Data Center), emulated on 127.0.0.1 for the tests.

Each speaks its tracker's documented REST shapes for the calls the app makes:
paths, auth headers, JSON fields, pagination (GitLab's X-Next-Page, GitHub's
Link header, Jira's startAt/total and Cloud's nextPageToken), what replaces
and what adds (GitLab's `labels` vs `add_labels`, GitHub's PATCH vs its
labels and assignees endpoints, Jira's `fields` vs `update`), who may be
assigned (GitLab's project members, GitHub's assignees, Jira's assignable
users), Jira's workflow transitions, and the error bodies of each. Pages are
small on purpose so pagination is always exercised. Faults (an error status,
a slow answer) are queued for the next requests; what people do in the
tracker between two pushes is done with `add_label`, `assign` and `edit`.

Documents followed:
- GitLab: https://docs.gitlab.com/api/issues/, https://docs.gitlab.com/api/members/
- GitHub: https://docs.github.com/rest/issues/issues, .../issues/labels,
  .../issues/assignees, and .../using-the-rest-api/troubleshooting-the-rest-api
- Jira Cloud (v3): https://developer.atlassian.com/cloud/jira/platform/rest/v3/
- Jira Data Center (v2): https://developer.atlassian.com/server/jira/platform/rest/
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKENS = {"gitlab": "glpat-EMULATED-SECRET-1111", "github": "ghp_EMULATEDSECRET2222",
          "jira": "jira-EMULATED-SECRET-3333"}
JIRA_PAT = "jira-EMULATED-PAT-4444"
JIRA_USER = "bot@example.com"
PROJECTS = {"gitlab": "ops/platform", "github": "acme/platform", "jira": "OPS"}
# The project's people: members in GitLab, assignable in GitHub and Jira.
# Several names partly match "Ann", so the exact one is on a later page.
USERS = [("joanna", "Joanna Smith"), ("anne", "Anne Li"), ("ann", "Ann"), ("bo", "Bo Chen"),
         ("dee", "Dee Park")]
# People of the same instance who are not in the project: never to be assigned.
# The first is another "Ann", listed first by the instance-wide user search.
STRANGERS = [("ann.elsewhere", "Ann"), ("cy", "Cy Stranger")]
# GitLab's answer for an expired token (an OAuth 2 bearer error).
GITLAB_EXPIRED = {"error": "invalid_token",
                  "error_description": "Token is expired. You can either do re-authorization "
                                       "or token refresh."}
# Jira's workflow: statuses with their category, and the transitions out of each.
JIRA_STATUSES = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
JIRA_WORKFLOW = {
    "To Do": [("11", "Start progress", "In Progress"), ("31", "Done", "Done")],
    "In Progress": [("21", "Stop progress", "To Do"), ("31", "Done", "Done")],
    "Done": [("41", "Reopen", "To Do")],
}


# Every kind of tracker the app speaks to, as tests name them.
KINDS = ["gitlab", "github", "jira", "jira-datacenter"]


def request_handler(serve) -> type[BaseHTTPRequestHandler]:
    """A quiet handler that hands every request (GET, POST, PUT, PATCH,
    DELETE) to `serve(handler)`; a client that gave up waiting (a timeout
    test) is not an error of the emulator."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output quiet
            pass

        def _serve(self):
            try:
                serve(self)
            except (BrokenPipeError, ConnectionResetError):
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


class Emulator:
    """One tracker's API. `issues` is the server's state; `requests` logs
    (method, path) of every call, `bodies` and `queries` what each sent;
    `fail(...)` queues faults."""

    def __init__(self, kind: str, page_size: int = 1, jira_cloud: bool = True):
        # jira_cloud=False: Jira Data Center (REST v2, Bearer personal access token).
        self.kind, self.page_size, self.jira_cloud = kind, page_size, jira_cloud
        self.project = PROJECTS[kind]
        self.token = JIRA_PAT if kind == "jira" and not jira_cloud else TOKENS[kind]
        self.issues: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.bodies: list[tuple[str, str, object]] = []
        self.queries: list[tuple[str, dict]] = []
        self.headers_seen: list[dict] = []
        # Jira's project configuration: its issue types, the fields its create
        # and edit screens hold beyond the standard ones, and its workflow.
        self.issue_types = {"Task": "10001", "Bug": "10002", "Story": "10003"}
        self.screen_fields = {"duedate"}
        self.workflow = {status: list(moves) for status, moves in JIRA_WORKFLOW.items()}
        self._faults: list[tuple[str | None, str, int, dict, object, float]] = []
        self._ids = itertools.count(101)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), request_handler(self._serve))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @classmethod
    def named(cls, name: str, **options) -> Emulator:
        """An emulator for one of KINDS."""
        if name == "jira-datacenter":
            return cls("jira", jira_cloud=False, **options)
        return cls(name, **options)

    # --- the test's side -------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """The environment a user sets for this tracker (Jira's flavour is
        found from the site, as it is when JIRA_DEPLOYMENT is not set)."""
        if self.kind == "jira":
            if self.jira_cloud:
                return {"JIRA_URL": self.url, "JIRA_USER": JIRA_USER, "JIRA_TOKEN": self.token}
            return {"JIRA_URL": self.url, "JIRA_PAT": self.token}
        return {"gitlab": {"GITLAB_URL": self.url, "GITLAB_TOKEN": self.token},
                "github": {"GITHUB_API_URL": self.url, "GITHUB_TOKEN": self.token},
                }[self.kind]

    def fail(self, status: int, times: int = 1, body: object = None, headers: dict | None = None,
             delay: float = 0.0, method: str | None = None, path: str = "") -> None:
        """The next `times` requests (with `method`, and to a path ending in
        `path`, if given) get `status` after `delay` seconds (status 0: the
        normal answer, late)."""
        self._faults += [(method, path, status, headers or {}, body, delay)] * times

    def text(self, issue_id: str) -> str:
        """The issue's description as a person reading it in the tracker sees
        it: markup, escapes and hidden comments gone, quoted lines as "> "."""
        return shown(self.issue(issue_id)["body"])

    def issue(self, ref: str) -> dict:
        return next(i for i in self.issues if i["ref"] == ref)

    def person(self, username: str) -> object:
        """How this tracker refers to one of USERS (or STRANGERS)."""
        if self.kind == "gitlab":
            return self._gitlab_people()[username]["id"]
        if self.kind == "jira" and self.jira_cloud:
            return f"acc-{username}"
        return username

    def set_closed(self, issue_id: str, closed: bool) -> None:
        """Someone closes or reopens the issue in the tracker."""
        issue = self.issue(issue_id)
        issue["closed"] = closed
        issue["status"] = "Done" if closed else "To Do"

    def add_label(self, issue_id: str, label: str) -> None:
        """Someone adds a label in the tracker."""
        self.issue(issue_id)["labels"].append(label)

    def assign(self, issue_id: str, username: str) -> None:
        """Someone assigns a person in the tracker (Jira has one assignee)."""
        issue = self.issue(issue_id)
        who = self.person(username)
        issue["assignees"] = [who] if self.kind == "jira" else [*issue["assignees"], who]

    def edit(self, issue_id: str, **fields) -> None:
        """Someone edits the title or the description in the tracker."""
        self.issue(issue_id).update(fields)

    def add_pull_request(self, labels: list[str]) -> None:
        """GitHub lists pull requests among issues; they carry labels too."""
        self._new({"title": "A pull request", "body": "", "labels": labels, "pull_request": True})

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    # --- the server's side -----------------------------------------------------

    def _new(self, fields: dict) -> dict:
        number = next(self._ids)
        ref = f"{self.project}-{number}" if self.kind == "jira" else str(number)
        issue = {"id": number * 7, "ref": ref, "closed": False, "status": "To Do", "due": None,
                 "assignees": [], "pull_request": False, "body": "", **fields}
        self.issues.append(issue)
        return issue

    def _authorised(self, headers) -> bool:
        given = headers.get("Authorization") or ""
        if self.kind == "gitlab":
            return headers.get("PRIVATE-TOKEN") == self.token
        if self.kind == "github":
            return given == f"Bearer {self.token}"
        if not self.jira_cloud:
            # Data Center with Basic auth turned off, as recent releases ship.
            return given == f"Bearer {self.token}"
        pair = base64.b64encode(f"{JIRA_USER}:{self.token}".encode()).decode()
        return given == f"Basic {pair}"

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length)) if length else None
        self.requests.append((handler.command, parsed.path))
        self.bodies.append((handler.command, parsed.path, body))
        self.queries.append((parsed.path, query))
        self.headers_seen.append(dict(handler.headers))
        fault = next((f for f in self._faults if f[0] in (None, handler.command)
                      and parsed.path.endswith(f[1])), None)
        if fault is not None:
            self._faults.remove(fault)
            _, _, status, headers, fault_body, delay = fault
            time.sleep(delay)
            if status:
                return _reply(handler, status, fault_body if fault_body is not None
                              else {"message": f"emulated {status}"}, headers)
        if not self._authorised(handler.headers):
            unauthorised = {"gitlab": {"message": "401 Unauthorized"},
                            "github": {"message": "Bad credentials",
                                       "documentation_url": "https://docs.github.com/rest"},
                            "jira": {"errorMessages": ["You are not authenticated. Authentication "
                                                       "required to perform this operation."],
                                     "errors": {}}}[self.kind]
            return _reply(handler, 401, unauthorised)
        route = {"gitlab": self._gitlab, "github": self._github, "jira": self._jira}[self.kind]
        status, payload, headers = route(handler.command, parsed.path, query, body)
        _reply(handler, status, payload, headers)

    def _page(self, items: list, page: int) -> tuple[list, bool]:
        start = (page - 1) * self.page_size
        return items[start:start + self.page_size], start + self.page_size < len(items)

    def _labelled(self, labels: str) -> list[dict]:
        wanted = [label for label in labels.split(",") if label]
        return [i for i in self.issues if all(w in i["labels"] for w in wanted)]

    @staticmethod
    def _matching(people: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
        return [(u, name) for u, name in people if text.lower() in (u + " " + name).lower()]

    # GitLab REST v4 -------------------------------------------------------------

    def _gitlab_people(self) -> dict[str, dict]:
        people = {u: {"id": n + 1, "username": u, "name": name, "state": "active"}
                  for n, (u, name) in enumerate(USERS)}
        people |= {u: {"id": n + 11, "username": u, "name": name, "state": "active"}
                   for n, (u, name) in enumerate(STRANGERS)}
        return people

    def _gitlab_listing(self, items: list, query: dict) -> tuple[int, list, dict]:
        page = int(query.get("page", 1))
        chunk, more = self._page(items, page)
        return 200, chunk, {"X-Page": str(page), "X-Next-Page": str(page + 1) if more else ""}

    def _gitlab(self, method, path, query, body):
        people = self._gitlab_people()
        if path == "/api/v4/users":  # the whole instance, strangers first
            found = self._matching([*STRANGERS, *USERS], query.get("search", ""))
            return self._gitlab_listing([people[u] for u, _ in found], query)
        project = f"/api/v4/projects/{urllib.parse.quote(self.project, safe='')}"
        if not path.startswith(project + "/"):
            return 404, {"message": "404 Project Not Found"}, {}
        rest = path[len(project) + 1:]
        if rest == "members/all" and method == "GET":
            found = self._matching(USERS, query.get("query", ""))
            members = [{**people[u], "access_level": 30} for u, _ in found]
            return self._gitlab_listing(members, query)
        if not rest.startswith("issues"):
            return 404, {"error": "404 Not Found"}, {}
        rest = rest.removeprefix("issues").strip("/")
        if method == "GET" and not rest:
            issues = [self._gitlab_issue(i) for i in self._labelled(query.get("labels", ""))]
            return self._gitlab_listing(issues, query)
        if method == "POST" and not rest:
            if not (body or {}).get("title"):
                return 400, {"message": {"title": ["can't be blank"]}}, {}
            issue = self._new({"title": body["title"], "body": body.get("description", "")})
            self._gitlab_edit(issue, body)
            return 201, self._gitlab_issue(issue), {}
        issue = next((i for i in self.issues if i["ref"] == rest), None)
        if issue is None:
            return 404, {"message": "404 Not found"}, {}
        if method == "PUT":
            if "title" in body and not body["title"]:
                return 400, {"message": {"title": ["can't be blank"]}}, {}
            self._gitlab_edit(issue, body)
        return 200, self._gitlab_issue(issue), {}

    @staticmethod
    def _gitlab_edit(issue: dict, body: dict) -> None:
        # `labels` replaces; `add_labels` adds; `assignee_ids` replaces ([] clears).
        split = lambda text: [label for label in (text or "").split(",") if label]  # noqa: E731
        if "title" in body:
            issue["title"] = body["title"]
        if "description" in body:
            issue["body"] = body["description"]
        if "labels" in body:
            issue["labels"] = split(body["labels"])
        for label in split(body.get("add_labels")):
            if label not in issue["labels"]:
                issue["labels"].append(label)
        if "due_date" in body:
            issue["due"] = body["due_date"]
        if "assignee_ids" in body:
            issue["assignees"] = [int(a) for a in body["assignee_ids"] or [] if int(a)]
        if body.get("state_event") in ("close", "reopen"):
            issue["closed"] = body["state_event"] == "close"

    def _gitlab_issue(self, issue):
        people = {p["id"]: p for p in self._gitlab_people().values()}
        return {"id": issue["id"], "iid": int(issue["ref"]), "title": issue["title"],
                "description": issue["body"], "labels": issue["labels"],
                "state": "closed" if issue["closed"] else "opened", "due_date": issue["due"],
                "assignees": [{"id": a, "username": people[a]["username"]}
                              for a in issue["assignees"]],
                "web_url": f"{self.url}/{self.project}/-/issues/{issue['ref']}"}

    # GitHub REST ----------------------------------------------------------------

    def _github(self, method, path, query, body):
        prefix = f"/repos/{self.project}"
        if not path.startswith(prefix + "/"):
            return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com"}, {}
        rest = path[len(prefix) + 1:]
        logins = [u for u, _ in USERS]
        if rest.startswith("assignees/"):
            login = urllib.parse.unquote(rest.split("/", 1)[1])
            return (204 if login.lower() in logins else 404), None, {}  # logins ignore case
        if method == "GET" and rest == "issues":
            page = int(query.get("page", 1))
            items, more = self._page(self._labelled(query.get("labels", "")), page)
            headers = {}
            if more:
                nxt = urllib.parse.urlencode({**query, "page": page + 1})
                headers["Link"] = f'<{self.url}{path}?{nxt}>; rel="next"'
            return 200, [self._github_issue(i) for i in items], headers
        if method == "POST" and rest == "issues":
            if not (body or {}).get("title"):
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "Issue", "code": "missing_field", "field": "title"}]}, {}
            if any(a.lower() not in logins for a in body.get("assignees", [])):
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "Issue", "code": "invalid", "field": "assignees"}]}, {}
            issue = self._new({"title": body["title"], "body": body.get("body", ""),
                               "labels": list(body.get("labels", [])),
                               "assignees": [a.lower() for a in body.get("assignees", [])]})
            return 201, self._github_issue(issue), {}
        match = re.fullmatch(r"issues/(\d+)(?:/(labels|assignees))?", rest)
        issue = next((i for i in self.issues if match and i["ref"] == match[1]), None)
        if issue is None:
            return 404, {"message": "Not Found"}, {}
        if match[2] == "labels" and method == "POST":  # adds; answers every label the issue has
            issue["labels"] += [label for label in body["labels"] if label not in issue["labels"]]
            return 200, [{"name": label} for label in issue["labels"]], {}
        if match[2] == "assignees" and method == "POST":  # adds
            issue["assignees"] += [a.lower() for a in body["assignees"]
                                   if a.lower() in logins and a.lower() not in issue["assignees"]]
            return 201, self._github_issue(issue), {}
        if method == "PATCH":
            # labels and assignees, when given, replace the issue's own.
            for field in ("title", "body"):
                if field in body:
                    issue[field] = body[field]
            if "labels" in body:
                issue["labels"] = list(body["labels"])
            if "assignees" in body:
                issue["assignees"] = list(body["assignees"])
            if body.get("state") in ("open", "closed"):
                issue["closed"] = body["state"] == "closed"
                issue["state_reason"] = body.get("state_reason")
        return 200, self._github_issue(issue), {}

    def _github_issue(self, issue):
        data = {"id": issue["id"], "number": int(issue["ref"]), "title": issue["title"],
                "body": issue["body"], "state": "closed" if issue["closed"] else "open",
                "labels": [{"name": label} for label in issue["labels"]],
                "assignees": [{"login": a} for a in issue["assignees"]],
                "html_url": f"{self.url}/{self.project}/issues/{issue['ref']}"}
        if issue["pull_request"]:
            data["pull_request"] = {"url": "..."}
        return data

    # Jira: Cloud REST v3, Data Center REST v2 ------------------------------------

    def _jira_people(self, assignable: bool) -> list[dict]:
        people = USERS if assignable else [*STRANGERS, *USERS]
        if self.jira_cloud:
            return [{"accountId": f"acc-{u}", "displayName": name, "active": True,
                     "accountType": "atlassian"} for u, name in people]
        return [{"name": u, "key": f"JIRAUSER{n}", "displayName": name, "active": True,
                 "emailAddress": f"{u}@example.com"} for n, (u, name) in enumerate(people)]

    def _jira(self, method, path, query, body):
        if path == "/rest/api/2/serverInfo":
            return 200, {"baseUrl": self.url, "deploymentType": "Cloud" if self.jira_cloud
                         else "Server", "version": "1001.0.0" if self.jira_cloud else "10.3.1"}, {}
        api = "/rest/api/3" if self.jira_cloud else "/rest/api/2"
        if not path.startswith(api + "/"):
            return 404, None, {}
        rest = path[len(api) + 1:]
        if rest in ("user/assignable/search", "user/search"):
            return self._jira_users(rest, query)
        if rest in ("search", "search/jql"):
            return self._jira_search(rest, query)
        if method == "POST" and rest == "issue":
            return self._jira_create(body["fields"])
        match = re.fullmatch(r"issue/([A-Z]+-\d+)(/transitions)?", rest)
        issue = next((i for i in self.issues if match and i["ref"] == match[1]), None)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission "
                                           "to see it."], "errors": {}}, {}
        if match[2]:
            return self._jira_transitions(issue, method, body)
        if method == "PUT":
            return self._jira_edit(issue, body)
        return 200, self._jira_issue(issue), {}

    def _jira_users(self, rest, query):
        if rest == "user/assignable/search":
            if not query.get("project"):
                return 400, {"errorMessages": ["The 'project' or 'issueKey' parameter must be "
                                               "provided."], "errors": {}}, {}
            if query["project"] != self.project:
                return 404, {"errorMessages": [f"No project could be found with key "
                                               f"'{query['project']}'."], "errors": {}}, {}
        if self.jira_cloud:
            text = query.get("query", "")
        else:
            if "username" not in query:
                return 400, {"errorMessages": ["The username query parameter was not provided"],
                             "errors": {}}, {}
            text = query["username"]
        people = [p for p in self._jira_people(rest == "user/assignable/search")
                  if text.lower() in (p.get("name", "") + " " + p["displayName"]).lower()]
        start = int(query.get("startAt", 0))
        return 200, people[start:start + self.page_size], {}

    def _jira_search(self, rest, query):
        if (rest == "search/jql") != self.jira_cloud:
            return 404, None, {}  # Cloud searches at search/jql; Data Center has only search
        project = re.search(r'project = "([^"]+)"', query.get("jql", ""))
        if not project or project.group(1) != self.project:
            return 400, {"errorMessages": [
                f"The value '{project.group(1) if project else ''}' does not exist for the "
                "field 'project'."], "errors": {}}, {}
        label = re.search(r'labels = "([^"]+)"', query["jql"])
        found = self._labelled(label.group(1) if label else "")
        if self.jira_cloud:  # opaque page tokens, no total
            start = int(query.get("nextPageToken", "t0")[1:])
            page = found[start:start + self.page_size]
            more = start + self.page_size < len(found)
            return 200, {"issues": [self._jira_issue(i) for i in page], "isLast": not more,
                         **({"nextPageToken": f"t{start + self.page_size}"} if more else {})}, {}
        start = int(query.get("startAt", 0))
        page = found[start:start + self.page_size]
        return 200, {"startAt": start, "maxResults": self.page_size, "total": len(found),
                     "issues": [self._jira_issue(i) for i in page]}, {}

    def _jira_refusal(self, fields: dict) -> dict | None:
        """Jira's error collection for fields this project refuses, or None."""
        standard = {"project", "issuetype", "summary", "description", "labels", "assignee"}
        for name in fields:
            if name not in standard and name not in self.screen_fields:
                return {name: f"Field '{name}' cannot be set. It is not on the appropriate "
                              "screen, or unknown."}
        if "description" in fields:
            text = fields["description"]
            if self.jira_cloud and not (isinstance(text, dict) and text.get("type") == "doc"):
                return {"description": "Operation value must be an Atlassian Document (see the "
                                       "Atlassian Document Format)"}
            if not self.jira_cloud and not isinstance(text, str):
                return {"description": "Operation value must be a string"}
        if fields.get("assignee"):
            key = "accountId" if self.jira_cloud else "name"
            known = [p[key] for p in self._jira_people(assignable=True)]
            if fields["assignee"].get(key) not in known:
                return {"assignee": f"User '{fields['assignee']}' cannot be assigned issues."}
        return None

    def _jira_create(self, fields):
        if fields.get("project", {}).get("key") != self.project:
            return 400, {"errorMessages": [], "errors": {"project": "valid project is required"}}, {}
        kind = fields.get("issuetype") or {}
        if kind.get("name") not in self.issue_types and kind.get("id") not in self.issue_types.values():
            return 400, {"errorMessages": [], "errors": {
                "issuetype": "Specify a valid issue type"}}, {}
        if not fields.get("summary"):
            return 400, {"errorMessages": [], "errors": {
                "summary": "You must specify a summary of the issue."}}, {}
        if (refused := self._jira_refusal(fields)) is not None:
            return 400, {"errorMessages": [], "errors": refused}, {}
        issue = self._new({"title": fields["summary"]})
        self._jira_set(issue, fields)
        return 201, {"id": str(issue["id"]), "key": issue["ref"],
                     "self": f"{self.url}/rest/api/issue/{issue['id']}"}, {}

    def _jira_edit(self, issue, body):
        fields = body.get("fields") or {}
        if (refused := self._jira_refusal(fields)) is not None:
            return 400, {"errorMessages": [], "errors": refused}, {}
        self._jira_set(issue, fields)
        # `update` operations: labels add / remove / set.
        for operation in (body.get("update") or {}).get("labels", []):
            if "add" in operation and operation["add"] not in issue["labels"]:
                issue["labels"].append(operation["add"])
            if "remove" in operation and operation["remove"] in issue["labels"]:
                issue["labels"].remove(operation["remove"])
            if "set" in operation:
                issue["labels"] = list(operation["set"])
        return 204, None, {}

    def _jira_set(self, issue, fields):
        for name, value in fields.items():
            if name == "summary":
                issue["title"] = value
            elif name == "description":
                issue["body"] = value
            elif name == "labels":
                issue["labels"] = list(value)
            elif name == "assignee":
                key = "accountId" if self.jira_cloud else "name"
                issue["assignees"] = [value[key]] if value else []
            elif name in self.screen_fields:
                issue["due"] = value

    def _jira_transitions(self, issue, method, body):
        moves = self.workflow[issue["status"]]
        if method == "GET":
            return 200, {"transitions": [
                {"id": number, "name": name, "to": {"name": target, "statusCategory": {
                    "key": JIRA_STATUSES[target]}}} for number, name, target in moves]}, {}
        chosen = next((m for m in moves if m[0] == str(body["transition"]["id"])), None)
        if chosen is None:
            return 400, {"errorMessages": [f"Transition id '{body['transition']['id']}' is not "
                                           "valid for this issue."], "errors": {}}, {}
        issue["status"] = chosen[2]
        issue["closed"] = JIRA_STATUSES[chosen[2]] == "done"
        return 204, None, {}

    def _jira_issue(self, issue):
        key = "accountId" if self.jira_cloud else "name"
        assignee = {key: issue["assignees"][0]} if issue["assignees"] else None
        status = issue["status"]
        return {"id": str(issue["id"]), "key": issue["ref"], "fields": {
            "summary": issue["title"], "description": issue["body"], "labels": issue["labels"],
            "duedate": issue["due"], "assignee": assignee,
            "status": {"name": status, "statusCategory": {"key": JIRA_STATUSES[status]}}}}


def shown(body: str | dict) -> str:
    """What a description shows: Atlassian Document Format walked for its
    text, or Markdown / Jira wiki markup with emphasis, escapes, entities,
    link brackets and hidden comments taken out; quotations as "> " lines."""
    if isinstance(body, dict):
        def walk(node: dict) -> str:
            if node["type"] == "text":
                return node["text"]
            if node["type"] == "hardBreak":
                return "\n"
            inner = [walk(child) for child in node.get("content", [])]
            if node["type"] == "blockquote":
                return "\n".join("> " + line for part in inner for line in part.split("\n"))
            return ("\n\n" if node["type"] == "doc" else "").join(inner)
        return walk(body)
    text = re.sub(r"<!--.*?-->", "", body.replace("  \n", "\n"), flags=re.S)
    text = re.sub(r"\{quote\}\n(.*?)\n\{quote\}",
                  lambda m: "\n".join("> " + line for line in m[1].split("\n")), text, flags=re.S)
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if char not in "*[]":
            out.append(char)
        index += 1
    return html.unescape("".join(out)).strip()


def _reply(handler, status: int, payload, headers: dict | None = None) -> None:
    data = b"" if payload is None or status == 204 else json.dumps(payload).encode()
    handler.send_response(status)
    for name, value in (headers or {}).items():
        if value:
            handler.send_header(name, value)
    if data:
        handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
