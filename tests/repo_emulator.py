"""GitLab's and GitHub's repositories, merge and pull requests and issues, and
Jira's issues, emulated on 127.0.0.1 for the review issue and the write-up.

Each answers as its vendor documents: paths, auth headers, JSON fields,
Base64 file contents (GitHub's broken into lines), and the refusals the app
must handle: a second open request for one branch (GitLab 409, GitHub 422),
a file created twice or replaced without its version, an empty commit, a
protected branch. A repository is a small store of commits, so a branch,
a file's versions and what a merge brings are real. `requests` logs every
call and `writes` the ones that change something.

GitLab: https://docs.gitlab.com/api/branches/, /api/repository_files/,
/api/merge_requests/, /api/issues/.
GitHub: https://docs.github.com/rest/git/refs, /rest/repos/contents,
/rest/pulls/pulls, /rest/issues/issues, /rest/issues/labels.
Jira: https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-issues/.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKENS = {"gitlab": "glpat-REPO-EMULATED-4444", "github": "ghp_REPOEMULATED5555",
          "jira": "jira-REPO-EMULATED-6666"}
JIRA_USER = "bot@example.com"
PROJECTS = {"gitlab": ("ops/handbook", "ops/infrastructure"),
            "github": ("acme/handbook", "acme/infrastructure"), "jira": ("OPS",)}
WRITES = ("POST", "PUT", "PATCH", "DELETE")
_BAD_REF = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|^/|/$|\.lock$|^\.|/\.")


@dataclass
class Repository:
    default_branch: str = "main"
    branches: dict[str, str] = field(default_factory=dict)  # name -> commit sha
    commits: dict[str, dict] = field(default_factory=dict)  # sha -> {"tree", "parent", "message"}
    protected: list[str] = field(default_factory=list)  # branch name prefixes nobody may create

    def tree(self, ref: str) -> dict[str, str] | None:
        sha = self.branches.get(ref, ref)
        commit = self.commits.get(sha)
        return None if commit is None else commit["tree"]

    def commit(self, branch: str, tree: dict[str, str], message: str) -> str:
        parent = self.branches.get(branch)
        sha = hashlib.sha1(json.dumps([parent, tree, message], sort_keys=True).encode()).hexdigest()
        self.commits[sha] = {"tree": dict(tree), "parent": parent, "message": message}
        self.branches[branch] = sha
        return sha

    def is_protected(self, branch: str) -> bool:
        return any(branch.startswith(prefix) for prefix in self.protected)


def blob_sha(text: str) -> str:
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class RepoEmulator:
    """One host. `repositories`, `requests_by_project` (merge or pull
    requests) and `issues` are its state; `requests` logs (method, path)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.token = TOKENS[kind]
        self.projects = PROJECTS[kind]
        self.project, self.iac_project = (self.projects + ("",))[:2]
        self.repositories: dict[str, Repository] = {}
        for project in self.projects:
            repository = Repository()
            repository.commit("main", {"README.md": "# Handbook\n"}, "Initial commit")
            self.repositories[project] = repository
        self.requests_by_project: dict[str, list[dict]] = {p: [] for p in self.projects}
        self.issues: dict[str, list[dict]] = {p: [] for p in self.projects}
        self.requests: list[tuple[str, str]] = []
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _serve(self):
                with emulator._lock:
                    emulator._serve(self)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    # --- the test's side -------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def env(self) -> dict[str, str]:
        """The environment a user sets for this host."""
        return {"gitlab": {"GITLAB_URL": self.url, "GITLAB_TOKEN": self.token},
                "github": {"GITHUB_API_URL": self.url, "GITHUB_TOKEN": self.token},
                "jira": {"JIRA_URL": self.url, "JIRA_USER": JIRA_USER, "JIRA_TOKEN": self.token},
                }[self.kind]

    @property
    def writes(self) -> list[tuple[str, str]]:
        """The requests that change something."""
        return [(method, path) for method, path in self.requests if method in WRITES]

    def file(self, project: str, branch: str, path: str) -> str | None:
        tree = self.repositories[project].tree(branch)
        return None if tree is None else tree.get(path)

    def commits_on(self, project: str, branch: str) -> int:
        repository, count = self.repositories[project], 0
        sha = repository.branches.get(branch)
        while sha is not None:
            count, sha = count + 1, repository.commits[sha]["parent"]
        return count

    def open_requests(self, project: str) -> list[dict]:
        return [r for r in self.requests_by_project[project] if r["state"] == "open"]

    def merge(self, project: str, number: int) -> None:
        """Merge a request as a person would: its branch's files land on the target."""
        found = next(r for r in self.requests_by_project[project] if r["number"] == number)
        repository = self.repositories[project]
        repository.commit(found["target"], repository.tree(found["source"]), f"Merge {found['source']}")
        found["state"] = "merged"

    def protect(self, project: str, prefix: str) -> None:
        self.repositories[project].protected.append(prefix)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    # --- the server's side -----------------------------------------------------

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
        body = json.loads(handler.rfile.read(length)) if length else {}
        self.requests.append((handler.command, parsed.path))
        if not self._authorised(handler.headers):
            return _reply(handler, 401, {"message": "401 Unauthorized"})
        route = {"gitlab": self._gitlab, "github": self._github, "jira": self._jira}[self.kind]
        status, payload, headers = route(handler.command, parsed.path, query, body or {})
        _reply(handler, status, payload, headers)

    def _new_issue(self, project: str, title: str, description: str, labels: list[str]) -> dict:
        number = next(self._numbers)
        issue = {"number": number, "key": f"{project}-{number}", "title": title,
                 "description": description, "labels": list(dict.fromkeys(labels))}
        self.issues[project].append(issue)
        return issue

    # --- GitLab REST v4 ----------------------------------------------------------

    def _gitlab(self, method, path, query, body):
        match = re.fullmatch(r"/api/v4/projects/([^/]+)(/.*)?", path)
        if not match:
            return 404, {"error": "404 Not Found"}, {}
        project = urllib.parse.unquote(match[1])
        if project not in self.repositories:
            return 404, {"message": "404 Project Not Found"}, {}
        rest, repository = match[2] or "", self.repositories[project]
        if rest == "" and method == "GET":
            return 200, {"id": 7, "path_with_namespace": project, "web_url": f"{self.url}/{project}",
                         "default_branch": repository.default_branch}, {}
        if found := re.fullmatch(r"/repository/branches/([^/]+)", rest):
            name = urllib.parse.unquote(found[1])
            if name not in repository.branches:
                return 404, {"message": "404 Branch Not Found"}, {}
            return 200, {"name": name, "commit": {"id": repository.branches[name]},
                         "protected": repository.is_protected(name)}, {}
        if rest == "/repository/branches" and method == "POST":
            return self._gitlab_branch(repository, {**query, **body})
        if found := re.fullmatch(r"/repository/files/([^/]+)", rest):
            return self._gitlab_file(repository, method, urllib.parse.unquote(found[1]), query, body)
        if rest.startswith("/merge_requests"):
            return self._gitlab_merge_requests(project, method, rest, query, body)
        if rest.startswith("/issues"):
            return self._gitlab_issues(project, method, rest, query, body)
        return 404, {"error": "404 Not Found"}, {}

    def _gitlab_branch(self, repository, params):
        name, ref = params.get("branch", ""), params.get("ref", "")
        if repository.is_protected(name):
            return 403, {"message": "403 Forbidden - You are not allowed to push into this branch"}, {}
        if not name or _BAD_REF.search(name):
            return 400, {"message": "Branch name is invalid"}, {}
        if name in repository.branches:
            return 400, {"message": "Branch already exists"}, {}
        if ref not in repository.branches and ref not in repository.commits:
            return 400, {"message": f"Invalid reference name: {ref}"}, {}
        repository.branches[name] = repository.branches.get(ref, ref)
        return 201, {"name": name, "commit": {"id": repository.branches[name]},
                     "protected": False}, {}

    def _gitlab_file(self, repository, method, path, query, body):
        if method == "GET":
            tree = repository.tree(query.get("ref", ""))
            if tree is None or path not in tree:
                return 404, {"message": "404 File Not Found"}, {}
            text = tree[path]
            return 200, {"file_name": path.rsplit("/", 1)[-1], "file_path": path,
                         "size": len(text.encode()), "encoding": "base64",
                         "content": base64.b64encode(text.encode()).decode(),
                         "ref": query["ref"], "blob_id": blob_sha(text),
                         "commit_id": repository.branches.get(query["ref"], ""),
                         "last_commit_id": repository.branches.get(query["ref"], "")}, {}
        branch = body.get("branch", "")
        if repository.is_protected(branch):
            return 403, {"message": "403 Forbidden - You are not allowed to push into this branch"}, {}
        tree = repository.tree(branch)
        if tree is None:
            return 400, {"message": "You can only create or edit files when you are on a branch"}, {}
        text = base64.b64decode(body["content"]).decode() if body.get("encoding") == "base64" \
            else body["content"]
        if method == "POST" and path in tree:
            return 400, {"message": "A file with this name already exists"}, {}
        if method == "PUT":
            if path not in tree:
                return 400, {"message": "A file with this name doesn't exist"}, {}
            if body.get("last_commit_id") not in (None, repository.branches[branch]):
                return 400, {"message": "You are attempting to update a file that has changed "
                                        "since you started editing it."}, {}
            if tree[path] == text:
                # "The commit was empty": documented as a 400 with a non-specific message.
                return 400, {"message": "Failed to update file"}, {}
        repository.commit(branch, {**tree, path: text}, body["commit_message"])
        return (201 if method == "POST" else 200), {"file_path": path, "branch": branch}, {}

    def _gitlab_mr(self, project, found):
        return {"id": found["number"] * 10, "iid": found["number"], "title": found["title"],
                "description": found["description"], "source_branch": found["source"],
                "target_branch": found["target"],
                "state": {"open": "opened"}.get(found["state"], found["state"]),
                "web_url": f"{self.url}/{project}/-/merge_requests/{found['number']}"}

    def _gitlab_merge_requests(self, project, method, rest, query, body):
        known = self.requests_by_project[project]
        if rest == "/merge_requests" and method == "GET":
            state = {"opened": "open"}.get(query.get("state", "all"), query.get("state", "all"))
            chosen = [r for r in known if (state == "all" or r["state"] == state)
                      and query.get("source_branch") in (None, r["source"])]
            return 200, [self._gitlab_mr(project, r) for r in chosen], {"X-Next-Page": ""}
        if rest == "/merge_requests" and method == "POST":
            source, target = body.get("source_branch"), body.get("target_branch")
            repository = self.repositories[project]
            if source not in repository.branches or target not in repository.branches:
                return 400, {"message": ["Source branch does not exist"]}, {}
            if dup := next((r for r in known if r["source"] == source and r["state"] == "open"), None):
                return 409, {"message": ["Another open merge request already exists for this "
                                         f"source branch: !{dup['number']}"]}, {}
            found = {"number": next(self._numbers), "source": source, "target": target,
                     "title": body["title"], "description": body.get("description", ""),
                     "state": "open"}
            known.append(found)
            return 201, self._gitlab_mr(project, found), {}
        match = re.fullmatch(r"/merge_requests/(\d+)", rest)
        found = next((r for r in known if match and r["number"] == int(match[1])), None)
        if found is None:
            return 404, {"message": "404 Not found"}, {}
        if method == "PUT":
            found.update({k: body[v] for k, v in (("title", "title"), ("description", "description"))
                          if v in body})
        return 200, self._gitlab_mr(project, found), {}

    def _gitlab_issue(self, project, issue):
        return {"id": issue["number"] * 10, "iid": issue["number"], "title": issue["title"],
                "description": issue["description"], "labels": issue["labels"], "state": "opened",
                "web_url": f"{self.url}/{project}/-/issues/{issue['number']}"}

    def _gitlab_issues(self, project, method, rest, query, body):
        issues = self.issues[project]
        if rest == "/issues" and method == "GET":
            wanted = [label for label in query.get("labels", "").split(",") if label]
            chosen = [i for i in issues if all(label in i["labels"] for label in wanted)]
            return 200, [self._gitlab_issue(project, i) for i in chosen], {"X-Next-Page": ""}
        if rest == "/issues" and method == "POST":
            if not body.get("title"):
                return 400, {"message": {"title": ["can't be blank"]}}, {}
            issue = self._new_issue(project, body["title"], body.get("description", ""),
                                    [x for x in body.get("labels", "").split(",") if x])
            return 201, self._gitlab_issue(project, issue), {}
        match = re.fullmatch(r"/issues/(\d+)", rest)
        issue = next((i for i in issues if match and i["number"] == int(match[1])), None)
        if issue is None:
            return 404, {"message": "404 Not found"}, {}
        if method == "PUT":
            for name in ("title", "description"):
                if name in body:
                    issue[name] = body[name]
            if "labels" in body:
                issue["labels"] = [x for x in body["labels"].split(",") if x]
            for label in (body.get("add_labels") or "").split(","):
                if label and label not in issue["labels"]:
                    issue["labels"].append(label)
        return 200, self._gitlab_issue(project, issue), {}

    # --- GitHub REST -----------------------------------------------------------------

    def _github(self, method, path, query, body):
        match = re.fullmatch(r"/repos/([^/]+/[^/]+)(/.*)?", path)
        project = match[1] if match else ""
        if project not in self.repositories:
            return 404, {"message": "Not Found",
                         "documentation_url": "https://docs.github.com/rest"}, {}
        rest, repository = match[2] or "", self.repositories[project]
        if rest == "" and method == "GET":
            return 200, {"full_name": project, "owner": {"login": project.split("/")[0]},
                         "default_branch": repository.default_branch,
                         "html_url": f"{self.url}/{project}"}, {}
        if found := re.fullmatch(r"/git/ref/heads/(.+)", rest):
            name = urllib.parse.unquote(found[1])
            if name not in repository.branches:
                return 404, {"message": "Not Found"}, {}
            return 200, self._github_ref(name, repository), {}
        if rest == "/git/refs" and method == "POST":
            ref, sha = body.get("ref", ""), body.get("sha", "")
            if not ref.startswith("refs/") or ref.count("/") < 2:
                return 422, {"message": "Reference name is invalid"}, {}
            name = ref.removeprefix("refs/heads/")
            if repository.is_protected(name):
                return 422, {"message": "Repository rule violations found\n\nCannot create ref "
                                        "due to creations being restricted.\n\n", "status": "422"}, {}
            if name in repository.branches:
                return 422, {"message": "Reference already exists"}, {}
            if sha not in repository.commits:
                return 422, {"message": "Object does not exist"}, {}
            repository.branches[name] = sha
            return 201, self._github_ref(name, repository), {}
        if found := re.fullmatch(r"/contents/(.+)", rest):
            return self._github_contents(project, repository, method,
                                         urllib.parse.unquote(found[1]), query, body)
        if rest.startswith("/pulls"):
            return self._github_pulls(project, method, rest, query, body)
        if rest.startswith("/issues"):
            return self._github_issues(project, method, rest, query, body)
        return 404, {"message": "Not Found"}, {}

    @staticmethod
    def _github_ref(name, repository):
        return {"ref": f"refs/heads/{name}",
                "object": {"sha": repository.branches[name], "type": "commit"}}

    def _github_contents(self, project, repository, method, path, query, body):
        if method == "GET":
            tree = repository.tree(query.get("ref") or repository.default_branch)
            if tree is None or path not in tree:
                return 404, {"message": "Not Found"}, {}
            encoded = base64.b64encode(tree[path].encode()).decode()
            # GitHub breaks the Base64 into lines of 60 characters.
            lines = "\n".join(encoded[i:i + 60] for i in range(0, len(encoded), 60)) + "\n"
            return 200, {"type": "file", "encoding": "base64", "size": len(tree[path].encode()),
                         "name": path.rsplit("/", 1)[-1], "path": path, "content": lines,
                         "sha": blob_sha(tree[path]),
                         "html_url": f"{self.url}/{project}/blob/{query.get('ref')}/{path}"}, {}
        branch = body.get("branch") or repository.default_branch
        if repository.is_protected(branch):
            return 409, {"message": f"Changes must be made through a pull request."}, {}
        tree = repository.tree(branch)
        if tree is None:
            return 404, {"message": f"Branch {branch} not found"}, {}
        if path in tree and "sha" not in body:
            return 422, {"message": "Invalid request.\n\n\"sha\" wasn't supplied."}, {}
        if path in tree and body["sha"] != blob_sha(tree[path]):
            return 409, {"message": f"{path} does not match {body['sha']}"}, {}
        text = base64.b64decode(body["content"]).decode()
        created = path not in tree
        sha = repository.commit(branch, {**tree, path: text}, body["message"])
        return (201 if created else 200), {"content": {"path": path, "sha": blob_sha(text)},
                                           "commit": {"sha": sha}}, {}

    def _github_pull(self, project, found):
        return {"number": found["number"], "title": found["title"], "body": found["description"],
                "state": "open" if found["state"] == "open" else "closed",
                "merged": found["state"] == "merged",
                "head": {"ref": found["source"], "label": f"{project.split('/')[0]}:{found['source']}"},
                "base": {"ref": found["target"]},
                "html_url": f"{self.url}/{project}/pull/{found['number']}"}

    def _github_pulls(self, project, method, rest, query, body):
        known = self.requests_by_project[project]
        owner = project.split("/")[0]
        if rest == "/pulls" and method == "GET":
            state = query.get("state", "open")
            head = query.get("head")
            chosen = [r for r in known
                      if (state == "all" or (r["state"] == "open") == (state == "open"))
                      and (head is None or head == f"{owner}:{r['source']}")]
            return 200, [self._github_pull(project, r) for r in chosen], {}
        if rest == "/pulls" and method == "POST":
            source, target = body.get("head", "").split(":")[-1], body.get("base")
            repository = self.repositories[project]
            if source not in repository.branches or target not in repository.branches:
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequest", "field": "head", "code": "invalid"}]}, {}
            if any(r["source"] == source and r["state"] == "open" for r in known):
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequest", "code": "custom",
                     "message": f"A pull request already exists for {owner}:{source}."}]}, {}
            if repository.tree(source) == repository.tree(target):
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "PullRequest", "code": "custom",
                     "message": f"No commits between {target} and {source}"}]}, {}
            found = {"number": next(self._numbers), "source": source, "target": target,
                     "title": body["title"], "description": body.get("body", ""), "state": "open"}
            known.append(found)
            return 201, self._github_pull(project, found), {}
        match = re.fullmatch(r"/pulls/(\d+)", rest)
        found = next((r for r in known if match and r["number"] == int(match[1])), None)
        if found is None:
            return 404, {"message": "Not Found"}, {}
        if method == "PATCH":
            found.update({k: body[v] for k, v in (("title", "title"), ("description", "body"))
                          if v in body})
        return 200, self._github_pull(project, found), {}

    def _github_issue(self, project, issue):
        return {"number": issue["number"], "title": issue["title"], "body": issue["description"],
                "state": "open", "labels": [{"name": label} for label in issue["labels"]],
                "html_url": f"{self.url}/{project}/issues/{issue['number']}"}

    def _github_issues(self, project, method, rest, query, body):
        issues = self.issues[project]
        if rest == "/issues" and method == "GET":
            wanted = [label for label in query.get("labels", "").split(",") if label]
            chosen = [i for i in issues if all(label in i["labels"] for label in wanted)]
            return 200, [self._github_issue(project, i) for i in chosen], {}
        if rest == "/issues" and method == "POST":
            if not body.get("title"):
                return 422, {"message": "Validation Failed", "errors": [
                    {"resource": "Issue", "code": "missing_field", "field": "title"}]}, {}
            issue = self._new_issue(project, body["title"], body.get("body", ""),
                                    body.get("labels", []))
            return 201, self._github_issue(project, issue), {}
        match = re.fullmatch(r"/issues/(\d+)(/labels)?", rest)
        issue = next((i for i in issues if match and i["number"] == int(match[1])), None)
        if issue is None:
            return 404, {"message": "Not Found"}, {}
        if match[2] and method == "POST":
            issue["labels"] += [label for label in body.get("labels", [])
                                if label not in issue["labels"]]
            return 200, [{"name": label} for label in issue["labels"]], {}
        if method == "PATCH":
            issue.update({k: body[v] for k, v in (("title", "title"), ("description", "body"))
                          if v in body})
            if "labels" in body:
                issue["labels"] = list(body["labels"])
        return 200, self._github_issue(project, issue), {}

    # --- Jira REST v2 ----------------------------------------------------------------

    def _jira(self, method, path, query, body):
        api = "/rest/api/2"
        if path == f"{api}/search/jql" and method == "GET":
            project = re.search(r'project = "([^"]+)"', query.get("jql", ""))
            if not project or project[1] not in self.issues:
                return 400, {"errorMessages": [
                    f"The value '{project[1] if project else ''}' does not exist for the field "
                    "'project'."], "errors": {}}, {}
            label = re.search(r'labels = "([^"]+)"', query["jql"])
            found = [i for i in self.issues[project[1]] if not label or label[1] in i["labels"]]
            return 200, {"issues": [self._jira_issue(i) for i in found], "isLast": True}, {}
        if path == f"{api}/issue" and method == "POST":
            fields = body.get("fields") or {}
            project = (fields.get("project") or {}).get("key")
            if project not in self.issues:
                return 400, {"errorMessages": [], "errors": {"project": "valid project is required"}}, {}
            if not fields.get("summary"):
                return 400, {"errorMessages": [], "errors": {
                    "summary": "You must specify a summary of the issue."}}, {}
            issue = self._new_issue(project, fields["summary"], fields.get("description", ""),
                                    fields.get("labels", []))
            return 201, {"id": str(issue["number"]), "key": issue["key"],
                         "self": f"{self.url}{api}/issue/{issue['number']}"}, {}
        key = path.removeprefix(f"{api}/issue/")
        issue = next((i for issues in self.issues.values() for i in issues if i["key"] == key), None)
        if issue is None:
            return 404, {"errorMessages": ["Issue does not exist or you do not have permission "
                                           "to see it."], "errors": {}}, {}
        if method == "PUT":
            fields = body.get("fields") or {}
            if "summary" in fields:
                issue["title"] = fields["summary"]
            if "description" in fields:
                issue["description"] = fields["description"]
            if "labels" in fields:
                issue["labels"] = list(fields["labels"])
            for change in (body.get("update") or {}).get("labels", []):
                if "add" in change and change["add"] not in issue["labels"]:
                    issue["labels"].append(change["add"])
                if "remove" in change and change["remove"] in issue["labels"]:
                    issue["labels"].remove(change["remove"])
            return 204, None, {}
        return 200, self._jira_issue(issue), {}

    @staticmethod
    def _jira_issue(issue):
        return {"id": str(issue["number"]), "key": issue["key"], "fields": {
            "summary": issue["title"], "description": issue["description"],
            "labels": issue["labels"]}}


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
