"""GitLab, GitHub and Jira, emulated on 127.0.0.1 for the tests.

Each speaks its tracker's documented REST shapes for the calls the app makes:
paths, auth headers, JSON fields, pagination (GitLab's X-Next-Page, GitHub's
Link header, Jira's startAt/total), and the error bodies of each. Pages are
small on purpose so pagination is always exercised. Faults (an error status,
a slow answer) are queued for the next requests.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKENS = {"gitlab": "glpat-EMULATED-SECRET-1111", "github": "ghp_EMULATEDSECRET2222",
          "jira": "jira-EMULATED-SECRET-3333"}
JIRA_USER = "bot@example.com"
PROJECTS = {"gitlab": "ops/platform", "github": "acme/platform", "jira": "OPS"}
# Users whose names partly match "Ann", so the exact one is on a later page.
USERS = [("joanna", "Joanna Smith"), ("anne", "Anne Li"), ("ann", "Ann"), ("bo", "Bo Chen")]


class Emulator:
    """One tracker's API. `issues` is the server's state; `requests` logs
    (method, path) of every call; `fail(...)` queues faults."""

    def __init__(self, kind: str, page_size: int = 1, jira_cloud: bool = True):
        # jira_cloud=False: Jira Data Center, which has no search/jql yet.
        self.kind, self.page_size, self.jira_cloud = kind, page_size, jira_cloud
        self.project = PROJECTS[kind]
        self.token = TOKENS[kind]
        self.issues: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.headers_seen: list[dict] = []
        self._faults: list[tuple[str | None, int, dict, object, float]] = []
        self._ids = itertools.count(101)
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _serve(self):
                try:
                    emulator._serve(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

            do_GET = do_POST = do_PUT = do_PATCH = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    # --- the test's side -------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """The environment a user sets for this tracker."""
        return {"gitlab": {"GITLAB_URL": self.url, "GITLAB_TOKEN": self.token},
                "github": {"GITHUB_API_URL": self.url, "GITHUB_TOKEN": self.token},
                "jira": {"JIRA_URL": self.url, "JIRA_USER": JIRA_USER, "JIRA_TOKEN": self.token},
                }[self.kind]

    def fail(self, status: int, times: int = 1, body: object = None, headers: dict | None = None,
             delay: float = 0.0, method: str | None = None) -> None:
        """The next `times` requests (with `method`, if given) get `status`
        after `delay` seconds (status 0: the normal answer, late)."""
        self._faults += [(method, status, headers or {}, body, delay)] * times

    def set_closed(self, issue_id: str, closed: bool) -> None:
        issue = next(i for i in self.issues if i["ref"] == issue_id)
        issue["closed"] = closed

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
        issue = {"id": number * 7, "ref": ref, "closed": False, "due": None, "assignees": [],
                 "pull_request": False, **fields}
        self.issues.append(issue)
        return issue

    def _authorised(self, headers) -> bool:
        if self.kind == "gitlab":
            return headers.get("PRIVATE-TOKEN") == self.token
        if self.kind == "github":
            return headers.get("Authorization") == f"Bearer {self.token}"
        pair = base64.b64encode(f"{JIRA_USER}:{self.token}".encode()).decode()
        return headers.get("Authorization") == f"Basic {pair}"

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parsed = urllib.parse.urlsplit(handler.path)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        length = int(handler.headers.get("Content-Length") or 0)
        body = json.loads(handler.rfile.read(length)) if length else None
        self.requests.append((handler.command, parsed.path))
        self.headers_seen.append(dict(handler.headers))
        fault = next((f for f in self._faults if f[0] in (None, handler.command)), None)
        if fault is not None:
            self._faults.remove(fault)
            _, status, headers, fault_body, delay = fault
            time.sleep(delay)
            if status:
                return _reply(handler, status, fault_body if fault_body is not None
                              else {"message": f"emulated {status}"}, headers)
        if not self._authorised(handler.headers):
            return _reply(handler, 401, {"message": "401 Unauthorized"})
        route = {"gitlab": self._gitlab, "github": self._github, "jira": self._jira}[self.kind]
        status, payload, headers = route(handler.command, parsed.path, query, body)
        _reply(handler, status, payload, headers)

    def _page(self, items: list, page: int) -> tuple[list, bool]:
        start = (page - 1) * self.page_size
        return items[start:start + self.page_size], start + self.page_size < len(items)

    def _labelled(self, labels: str) -> list[dict]:
        wanted = [label for label in labels.split(",") if label]
        return [i for i in self.issues if all(w in i["labels"] for w in wanted)]

    # GitLab REST v4: https://docs.gitlab.com/api/issues/
    def _gitlab(self, method, path, query, body):
        prefix = f"/api/v4/projects/{urllib.parse.quote(self.project, safe='')}/issues"
        if path == "/api/v4/users":
            users = [{"id": n + 1, "username": u, "name": name} for n, (u, name) in enumerate(USERS)
                     if query.get("search", "").lower() in (u + " " + name).lower()]
            page = int(query.get("page", 1))
            items, more = self._page(users, page)
            return 200, items, {"X-Next-Page": str(page + 1) if more else ""}
        if not path.startswith("/api/v4/projects/"):
            return 404, {"error": "404 Not Found"}, {}
        if not path.startswith(prefix):
            return 404, {"message": "404 Project Not Found"}, {}
        rest = path[len(prefix):].strip("/")
        if method == "GET" and not rest:
            page = int(query.get("page", 1))
            items, more = self._page(self._labelled(query.get("labels", "")), page)
            return 200, [self._gitlab_issue(i) for i in items], {
                "X-Page": str(page), "X-Next-Page": str(page + 1) if more else ""}
        if method == "POST" and not rest:
            if not (body or {}).get("title"):
                return 400, {"message": {"title": ["can't be blank"]}}, {}
            return 201, self._gitlab_issue(self._new(self._gitlab_fields(body))), {}
        issue = next((i for i in self.issues if i["ref"] == rest), None)
        if issue is None:
            return 404, {"message": "404 Not found"}, {}
        if method == "PUT":
            if "title" in body and not body["title"]:
                return 400, {"message": {"title": ["can't be blank"]}}, {}
            issue.update(self._gitlab_fields(body))
            if body.get("state_event") in ("close", "reopen"):
                issue["closed"] = body["state_event"] == "close"
        return 200, self._gitlab_issue(issue), {}

    @staticmethod
    def _gitlab_fields(body):
        return {"title": body["title"], "body": body.get("description", ""),
                "labels": [l for l in body.get("labels", "").split(",") if l],
                "due": body.get("due_date"), "assignees": body.get("assignee_ids", [])}

    def _gitlab_issue(self, issue):
        return {"id": issue["id"], "iid": int(issue["ref"]), "title": issue["title"],
                "description": issue["body"], "labels": issue["labels"],
                "state": "closed" if issue["closed"] else "opened", "due_date": issue["due"],
                "assignees": [{"id": a} for a in issue["assignees"]],
                "web_url": f"{self.url}/{self.project}/-/issues/{issue['ref']}"}

    # GitHub REST: https://docs.github.com/rest/issues/issues
    def _github(self, method, path, query, body):
        prefix = f"/repos/{self.project}"
        if not path.startswith(prefix + "/"):
            return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com"}, {}
        rest = path[len(prefix) + 1:]
        if rest.startswith("assignees/"):
            login = urllib.parse.unquote(rest.split("/", 1)[1])
            return (204 if login.lower() in [u for u, _ in USERS] else 404), None, {}  # logins ignore case
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
            return 201, self._github_issue(self._new(self._github_fields(body))), {}
        number = rest.removeprefix("issues/")
        issue = next((i for i in self.issues if i["ref"] == number), None)
        if issue is None:
            return 404, {"message": "Not Found"}, {}
        if method == "PATCH":
            issue.update(self._github_fields(body))
            if body.get("state") in ("open", "closed"):
                issue["closed"] = body["state"] == "closed"
        return 200, self._github_issue(issue), {}

    @staticmethod
    def _github_fields(body):
        return {"title": body["title"], "body": body.get("body", ""),
                "labels": list(body.get("labels", [])), "assignees": list(body.get("assignees", []))}

    def _github_issue(self, issue):
        data = {"id": issue["id"], "number": int(issue["ref"]), "title": issue["title"],
                "body": issue["body"], "state": "closed" if issue["closed"] else "open",
                "labels": [{"name": label} for label in issue["labels"]],
                "assignees": [{"login": a} for a in issue["assignees"]],
                "html_url": f"{self.url}/{self.project}/issues/{issue['ref']}"}
        if issue["pull_request"]:
            data["pull_request"] = {"url": "..."}
        return data

    # Jira REST v2: https://developer.atlassian.com/cloud/jira/platform/rest/v2/
    def _jira(self, method, path, query, body):
        api = "/rest/api/2"
        if path == f"{api}/user/search":
            users = [{"accountId": f"acc-{u}", "displayName": name} for u, name in USERS
                     if query.get("query", "").lower() in name.lower()]
            start = int(query.get("startAt", 0))
            return 200, users[start:start + self.page_size], {}
        if path in (f"{api}/search", f"{api}/search/jql"):
            if path.endswith("/jql") and not self.jira_cloud:
                return 404, None, {}
            project = re.search(r'project = "([^"]+)"', query.get("jql", ""))
            if not project or project.group(1) != self.project:
                return 400, {"errorMessages": [
                    f"The value '{project.group(1) if project else ''}' does not exist for the "
                    "field 'project'."], "errors": {}}, {}
            label = re.search(r'labels = "([^"]+)"', query["jql"])
            found = self._labelled(label.group(1) if label else "")
            if path.endswith("/jql"):  # Cloud: opaque page tokens, no total
                start = int(query.get("nextPageToken", "t0")[1:])
                page = found[start:start + self.page_size]
                more = start + self.page_size < len(found)
                return 200, {"issues": [self._jira_issue(i) for i in page], "isLast": not more,
                             **({"nextPageToken": f"t{start + self.page_size}"} if more else {})}, {}
            start = int(query.get("startAt", 0))
            page = found[start:start + self.page_size]
            return 200, {"startAt": start, "maxResults": self.page_size, "total": len(found),
                         "issues": [self._jira_issue(i) for i in page]}, {}
        if method == "POST" and path == f"{api}/issue":
            fields = body["fields"]
            if fields.get("project", {}).get("key") != self.project:
                return 400, {"errorMessages": [], "errors": {"project": "valid project is required"}}, {}
            if not fields.get("summary"):
                return 400, {"errorMessages": [], "errors": {
                    "summary": "You must specify a summary of the issue."}}, {}
            issue = self._new(self._jira_fields(fields))
            return 201, {"id": str(issue["id"]), "key": issue["ref"],
                         "self": f"{self.url}{api}/issue/{issue['id']}"}, {}
        key = path.removeprefix(f"{api}/issue/")
        issue = next((i for i in self.issues if i["ref"] == key), None)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission "
                                           "to see it."], "errors": {}}, {}
        if method == "PUT":
            issue.update(self._jira_fields(body["fields"]))
            return 204, None, {}
        return 200, self._jira_issue(issue), {}

    @staticmethod
    def _jira_fields(fields):
        return {"title": fields["summary"], "body": fields.get("description", ""),
                "labels": list(fields.get("labels", [])), "due": fields.get("duedate"),
                "assignees": [fields["assignee"]["accountId"]] if fields.get("assignee") else []}

    def _jira_issue(self, issue):
        return {"id": str(issue["id"]), "key": issue["ref"], "fields": {
            "summary": issue["title"], "labels": issue["labels"], "duedate": issue["due"],
            "status": {"name": "Done" if issue["closed"] else "To Do",
                       "statusCategory": {"key": "done" if issue["closed"] else "new"}}}}


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
