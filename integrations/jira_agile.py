"""Jira Software boards: the backlog, sprints, ranks and estimates a refinement
or planning board reads and writes.

The site, the credentials, Cloud or Data Center, and the error rules are the
action push's (integrations.jira on integrations.tracker_http): the same
JIRA_URL, JIRA_USER / JIRA_TOKEN or JIRA_PAT, JIRA_DEPLOYMENT, the same
retries, rate-limit waits and messages, and no credential in any of them.

Two APIs are spoken (both documented by Atlassian):
- Jira Software's Agile REST API, the same on Cloud and Data Center
  (https://developer.atlassian.com/cloud/jira/software/rest/intro/,
  https://docs.atlassian.com/jira-software/REST/9.13.0/): the backlog,
  sprints, moving issues between them, and rank;
- the platform REST API for the rest: fields, issues, transitions and JQL
  search; v3 on Cloud (descriptions in Atlassian Document Format, people by
  accountId, search paged by nextPageToken at /search/jql), v2 on Data
  Center (descriptions in wiki markup, people by name, search paged by
  startAt at /search).

Story points, the sprint and the rank are custom fields whose ids differ from
site to site; they are found once by name and type in the field list.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from canvas.errors import (
    CanvasError, JiraBoardNotFound, JiraFieldMissing, JiraIssueNotFound, JiraSprintNotFound,
    TrackerRefused, TrackerUnavailable,
)
from integrations import adf
from integrations.jira import CLOUD, Jira
from integrations.tracker_http import Answer, TrackerClient

AGILE = "/rest/agile/1.0"
PAGE_SIZE = 50  # the Agile API's documented default and the most rank and move take at once
SEARCH_PAGE_SIZE = 100
MAX_PAGES = 200  # 10,000 issues at least: a board beyond that is refused, not read forever
STORY_POINT_NAMES = ("story points", "story point estimate")
# Field types (schema.custom) Jira Software gives its own fields.
SPRINT_TYPE = "com.pyxis.greenhopper.jira:gh-sprint"
RANK_TYPE = "com.pyxis.greenhopper.jira:gh-lexo-rank"
SPRINT_STATES = ("active", "future", "closed")
# Data Center's REST v2 may give the sprint field as strings:
# "com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=7,rapidViewId=1,state=ACTIVE,name=...]".
_SPRINT_TEXT = re.compile(r"\bid=(\d+).*?\bstate=(\w+)", re.S)


@dataclass(frozen=True)
class JiraCard:
    """One issue as a board shows it."""

    key: str
    id: str
    url: str  # the issue's page in Jira
    summary: str
    description: str  # Markdown on Cloud (from ADF), wiki markup on Data Center
    issue_type: str
    status: str
    priority: str | None
    story_points: float | None
    assignee: str | None  # the person's display name
    labels: tuple[str, ...]
    sprint_id: int | None  # the active or future sprint it is in; None in the backlog
    rank: str | None
    updated: str  # Jira's own "updated" timestamp, compared to notice changes made in Jira
    done: bool = False  # its status is in the done category


@dataclass(frozen=True)
class JiraSprint:
    """One sprint of a board."""

    id: int
    name: str
    state: str  # "active" | "future" | "closed"
    goal: str
    start_date: str | None
    end_date: str | None
    complete_date: str | None = None


class _Site(Jira):
    # The push client's site, credentials and deployment rules; a refusal is
    # Jira's own words rather than the push's advice on JIRA_ISSUE_TYPE and
    # JIRA_DUE_FIELD, which a board does not use.
    def _refused(self, status: int, body: Any, raw: bytes) -> CanvasError:
        return TrackerClient._refused(self, status, body, raw)


class JiraAgile:
    """A Jira site's boards, sprints and issues, for refinement and planning."""

    def __init__(self, env: Mapping[str, str], **options):
        # options: sleep, clock, timeout, attempts, max_wait (as every tracker client takes)
        self._jira = _Site("", env, **options)
        self._fields: dict[str, str | None] | None = None
        self._boards_read: set[int] = set()

    # --- the site ---------------------------------------------------------------------

    @property
    def site(self) -> str:
        return self._jira.site

    @property
    def cloud(self) -> bool:
        return self._jira.deployment == CLOUD

    def _agile(self, method: str, path: str, body: Any = None, **options) -> Answer:
        return self._jira.request(method, f"{self.site}{AGILE}{path}", body, missing_ok=True,
                                  **options)

    def _platform(self, method: str, path: str, body: Any = None, **options) -> Answer:
        return self._jira.request(method, path, body, missing_ok=True, **options)

    def _fields_found(self) -> dict[str, str | None]:
        # GET /field lists every field with its id, name and schema
        # (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-fields/#api-rest-api-3-field-get).
        if self._fields is None:
            listed = self._platform("GET", "/field").body or []
            # Where two fields share a name, the number field is the estimate.
            numbers_last = sorted(listed, key=lambda f: (f.get("schema") or {}).get("type") == "number")
            by_name = {str(f.get("name", "")).strip().casefold(): f for f in numbers_last}
            points = next((by_name[name] for name in STORY_POINT_NAMES if name in by_name), None)
            typed = {((f.get("schema") or {}).get("custom")): f for f in listed}
            self._fields = {
                "points": points["id"] if points else None,
                "sprint": (typed.get(SPRINT_TYPE) or by_name.get("sprint") or {}).get("id"),
                "rank": (typed.get(RANK_TYPE) or by_name.get("rank") or {}).get("id"),
            }
        return self._fields

    def use_board_estimation(self, board_id: int) -> str | None:
        """The field the board estimates with, from its configuration, used
        from then on for story points (read and written); None when the board
        estimates otherwise (issue count, or not at all), which leaves the
        field found by name. Reading a board's backlog or sprints does this
        once, so the board's own choice wins where a site has several
        story-point fields
        (https://developer.atlassian.com/cloud/jira/software/rest/api-group-board/#api-rest-agile-1-0-board-boardid-configuration-get)."""
        answer = self._agile("GET", f"/board/{int(board_id)}/configuration")
        if answer.status == 404:
            raise JiraBoardNotFound(board_id)
        self._boards_read.add(int(board_id))
        estimation = (answer.body or {}).get("estimation") or {}
        field = (estimation.get("field") or {}).get("fieldId")
        if estimation.get("type") != "field" or not field or field == "timeoriginalestimate":
            return None
        self._fields_found()["points"] = field
        return field

    def _board(self, board_id: int) -> None:
        if int(board_id) not in self._boards_read:
            self.use_board_estimation(board_id)

    def story_points_field(self) -> str:
        """The id of the story-points field (`customfield_…`): the board's
        estimation field once a board has been read, else found by name, "Story
        Points" (company-managed projects, Data Center) before "Story point
        estimate" (team-managed projects on Cloud)."""
        field = self._fields_found()["points"]
        if field is None:
            raise JiraFieldMissing()
        return field

    def _wanted_fields(self) -> list[str]:
        found = self._fields_found()
        names = ["summary", "description", "issuetype", "status", "priority", "assignee",
                 "labels", "updated", "sprint"]
        return names + [field for field in found.values() if field]

    # --- reading issues --------------------------------------------------------------------

    def _card(self, body: dict) -> JiraCard:
        fields = body.get("fields") or {}
        found = self._fields_found()
        points = fields.get(found["points"]) if found["points"] else None
        assignee = fields.get("assignee") or {}
        status = fields.get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        description = fields.get("description")
        return JiraCard(
            key=body["key"], id=str(body.get("id", "")), url=f"{self.site}/browse/{body['key']}",
            summary=fields.get("summary") or "",
            description=adf.to_markdown(description) if isinstance(description, dict)
            else (description or ""),
            issue_type=(fields.get("issuetype") or {}).get("name") or "",
            status=status.get("name") or "",
            priority=(fields.get("priority") or {}).get("name"),
            story_points=float(points) if isinstance(points, (int, float)) else None,
            assignee=assignee.get("displayName") or assignee.get("accountId")
            or assignee.get("name") or None,
            labels=tuple(fields.get("labels") or ()),
            sprint_id=_open_sprint(fields.get("sprint"), fields.get(found["sprint"] or "")),
            rank=fields.get(found["rank"]) if found["rank"] else None,
            updated=fields.get("updated") or "",
            done=category == "done")

    def _paged(self, path: str, params: dict[str, Any], missing: CanvasError,
               items: str = "issues") -> Iterator[dict]:
        # The Agile API pages by startAt and maxResults; issue lists say their
        # `total`, sprint lists say `isLast` instead
        # (https://developer.atlassian.com/cloud/jira/software/rest/intro/#pagination).
        start = 0
        for _ in range(MAX_PAGES):
            query = urllib.parse.urlencode({**params, "startAt": start, "maxResults": PAGE_SIZE})
            answer = self._agile("GET", f"{path}?{query}")
            if answer.status == 404:
                raise missing
            body = answer.body or {}
            page = body.get(items) or []
            yield from page
            start += len(page)
            if not page or body.get("isLast") or ("total" in body and start >= int(body["total"])):
                return
        raise TrackerRefused("Jira", f"more than {MAX_PAGES * PAGE_SIZE} items; narrow the board's filter")

    def _listed(self, path: str, missing: CanvasError) -> list[JiraCard]:
        # The Agile API is not versioned with the platform API: on Cloud its
        # issues may carry the description in v2's wiki form rather than v3's
        # document, so there the description is read through v3 (a search by
        # key), and a card reads the same whichever way it was fetched.
        cloud = self.cloud
        fields = [f for f in self._wanted_fields() if not (cloud and f == "description")]
        bodies = list(self._paged(path, {"fields": ",".join(fields)}, missing))
        if cloud and bodies:
            found = {}
            keys = [body["key"] for body in bodies]
            for start in range(0, len(keys), SEARCH_PAGE_SIZE):
                quoted = ", ".join(f'"{key}"' for key in keys[start:start + SEARCH_PAGE_SIZE])
                for issue in self._searched(f"key in ({quoted})", "description"):
                    found[issue["key"]] = (issue.get("fields") or {}).get("description")
            bodies = [{**body, "fields": {**(body.get("fields") or {}),
                                          "description": found.get(body["key"])}}
                      for body in bodies]
        return [self._card(body) for body in bodies]

    def backlog(self, board_id: int) -> list[JiraCard]:
        """The board's backlog, in rank order: the issues that are not done and
        in no active or future sprint."""
        self._board(board_id)
        return self._listed(f"/board/{int(board_id)}/backlog", JiraBoardNotFound(board_id))

    def sprint_issues(self, sprint_id: int) -> list[JiraCard]:
        """The issues of a sprint, in rank order."""
        return self._listed(f"/sprint/{int(sprint_id)}/issue", JiraSprintNotFound(sprint_id))

    def search(self, jql: str) -> list[JiraCard]:
        """The issues a JQL query finds, every page of them."""
        return [self._card(issue) for issue in self._searched(jql, ",".join(self._wanted_fields()))]

    def _searched(self, jql: str, fields: str) -> Iterator[dict]:
        cloud = self.cloud
        token, start = "", 0
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"jql": jql, "maxResults": SEARCH_PAGE_SIZE, "fields": fields}
            if cloud:
                # Cloud's enhanced search pages by an opaque nextPageToken and
                # gives no total; the last page has no token (and isLast)
                # (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get).
                if token:
                    params["nextPageToken"] = token
                path = f"/search/jql?{urllib.parse.urlencode(params)}"
            else:
                path = f"/search?{urllib.parse.urlencode({**params, 'startAt': start})}"
            answer = self._platform("GET", path)
            if answer.status == 404:
                raise TrackerRefused("Jira", "the search was not found at this address: check "
                                     "JIRA_URL and JIRA_DEPLOYMENT")
            body = answer.body or {}
            page = body.get("issues") or []
            yield from page
            if cloud:
                token = body.get("nextPageToken") or ""
                if not token or body.get("isLast"):
                    return
            else:
                start += len(page)
                if not page or start >= int(body.get("total", 0)):
                    return
        raise TrackerRefused("Jira", f"the query finds more than {MAX_PAGES * SEARCH_PAGE_SIZE} "
                             "issues; narrow it")

    def get(self, key: str) -> JiraCard:
        """One issue, as it is now."""
        fields = ",".join(self._wanted_fields())
        answer = self._platform("GET", f"/issue/{_quoted(key)}?fields={fields}")
        if answer.status == 404:
            raise JiraIssueNotFound(key)
        return self._card(answer.body or {})

    # --- sprints ----------------------------------------------------------------------------

    @staticmethod
    def _sprint(body: dict) -> JiraSprint:
        return JiraSprint(id=int(body["id"]), name=body.get("name") or "",
                          state=(body.get("state") or "").lower(), goal=body.get("goal") or "",
                          start_date=body.get("startDate"), end_date=body.get("endDate"),
                          complete_date=body.get("completeDate"))

    def sprints(self, board_id: int, states: Sequence[str] = SPRINT_STATES) -> list[JiraSprint]:
        """The board's sprints in these states, in the board's order."""
        unknown = [state for state in states if state not in SPRINT_STATES]
        if unknown:
            raise ValueError(f"sprint states are active, future and closed, not {unknown[0]!r}")
        self._board(board_id)
        return [self._sprint(sprint) for sprint in self._paged(
            f"/board/{int(board_id)}/sprint", {"state": ",".join(states)},
            JiraBoardNotFound(board_id), items="values")]

    def closed_sprint_velocity(self, board_id: int, last: int = 3) -> list[float]:
        """The story points done in each of the last `last` closed sprints,
        oldest first: the points of the sprint's issues whose status is in the
        done category (as Jira's velocity chart counts completed work)."""
        if last <= 0:
            return []
        closed = self.sprints(board_id, ("closed",))
        closed.sort(key=lambda sprint: sprint.complete_date or sprint.end_date or "")
        points = self.story_points_field()
        velocity = []
        for sprint in closed[-last:]:
            # Only the status and the points: no description is needed here.
            issues = self._paged(f"/sprint/{sprint.id}/issue", {"fields": f"status,{points}"},
                                 JiraSprintNotFound(sprint.id))
            velocity.append(sum(
                float(fields.get(points) or 0) for fields in (i.get("fields") or {} for i in issues)
                if ((fields.get("status") or {}).get("statusCategory") or {}).get("key") == "done"
                and isinstance(fields.get(points), (int, float))))
        return velocity

    def set_sprint_goal(self, sprint_id: int, goal: str) -> JiraSprint:
        """Change a sprint's goal; its other fields stay (a partial update, POST)."""
        answer = self._agile("POST", f"/sprint/{int(sprint_id)}", {"goal": goal})
        if answer.status == 404:
            raise JiraSprintNotFound(sprint_id)
        return self._sprint(answer.body or {})

    # --- moving issues ----------------------------------------------------------------------

    def rank(self, keys: Sequence[str], *, before: str | None = None,
             after: str | None = None) -> None:
        """Put the issues, in this order, just before one issue or just after it."""
        if (before is None) == (after is None):
            raise ValueError("rank takes one of before or after")
        # Jira refuses to rank an issue relative to itself; it is already there.
        keys = [key for key in keys if key not in (before, after)]
        anchor_before, anchor_after = before, after
        for chunk in _chunks(keys):
            # At most 50 issues a request; a later chunk goes before the same
            # issue (so after the earlier chunk), or after the earlier chunk's last.
            body: dict[str, Any] = {"issues": chunk}
            if anchor_before is not None:
                body["rankBeforeIssue"] = anchor_before
            else:
                body["rankAfterIssue"] = anchor_after
            answer = self._agile("PUT", "/issue/rank", body)
            if answer.status == 404:
                raise JiraIssueNotFound(anchor_before or anchor_after or chunk[0])
            _check_partial(answer)
            if anchor_after is not None:
                anchor_after = chunk[-1]

    def move_to_sprint(self, sprint_id: int, keys: Sequence[str]) -> None:
        """Move the issues into a sprint (active or future)."""
        for chunk in _chunks(list(keys)):
            answer = self._agile("POST", f"/sprint/{int(sprint_id)}/issue", {"issues": chunk})
            if answer.status == 404:
                raise JiraSprintNotFound(sprint_id)

    def move_to_backlog(self, keys: Sequence[str]) -> None:
        """Take the issues out of any sprint, into the backlog."""
        for chunk in _chunks(list(keys)):
            answer = self._agile("POST", "/backlog/issue", {"issues": chunk})
            if answer.status == 404:
                raise JiraIssueNotFound(chunk[0])

    # --- editing issues ---------------------------------------------------------------------

    def _description(self, text: str) -> Any:
        return adf.from_markdown(text) if self.cloud else text

    def update(self, key: str, *, summary: str | None = None, description: str | None = None,
               labels: Sequence[str] | None = None,
               story_points: float | None = None) -> JiraCard:
        """Set the fields given (None leaves one as it is; labels replace the
        issue's) and answer the issue as it is afterwards."""
        fields: dict[str, Any] = {}
        if summary is not None:
            fields["summary"] = summary
        if description is not None:  # "" clears it
            fields["description"] = self._description(description) if description.strip() else None
        if labels is not None:
            fields["labels"] = list(labels)
        if story_points is not None:
            fields[self.story_points_field()] = story_points
        if fields:
            answer = self._platform("PUT", f"/issue/{_quoted(key)}", {"fields": fields})
            if answer.status == 404:
                raise JiraIssueNotFound(key)
        return self.get(key)

    def transitions(self, key: str) -> list[tuple[str, str]]:
        """The workflow's transitions open to the issue now: (id, name)."""
        answer = self._platform("GET", f"/issue/{_quoted(key)}/transitions")
        if answer.status == 404:
            raise JiraIssueNotFound(key)
        return [(str(t["id"]), str(t.get("name", ""))) for t in
                (answer.body or {}).get("transitions") or []]

    def transition(self, key: str, name: str) -> None:
        """Move the issue through the transition with this name (ignoring case)."""
        offered = self.transitions(key)
        chosen = next((tid for tid, tname in offered if tname.casefold() == name.casefold()), None)
        if chosen is None:
            names = ", ".join(tname for _, tname in offered) or "none"
            raise TrackerRefused("Jira", f"the workflow offers {key} no transition {name!r} "
                                 f"(it offers: {names})")
        # Not repeated blindly: a transition made but not answered would be refused the second time.
        answer = self._platform("POST", f"/issue/{_quoted(key)}/transitions",
                                {"transition": {"id": chosen}}, once=True)
        if answer.status == 404:
            raise JiraIssueNotFound(key)

    def create(self, project: str, *, summary: str, issue_type: str, description: str = "",
               labels: Sequence[str] = (), story_points: float | None = None) -> JiraCard:
        """A new issue in the project (a card split in two), answered as Jira has it."""
        fields: dict[str, Any] = {
            "project": {"key": project},
            "issuetype": {"id": issue_type} if issue_type.isdigit() else {"name": issue_type},
            "summary": summary, "labels": list(labels)}
        if description:
            fields["description"] = self._description(description)
        if story_points is not None:
            fields[self.story_points_field()] = story_points
        # Once: a create that timed out may have been made, and a second would duplicate it.
        answer = self._platform("POST", "/issue", {"fields": fields}, once=True)
        if answer.status == 404:
            raise TrackerRefused("Jira", f"project {project!r} was not found")
        return self.get((answer.body or {})["key"])


def worth_retrying(error: Exception) -> bool:
    """Whether a failed write should wait in order and be tried again later:
    Jira was unreachable, failing or rate limited (TrackerUnavailable). A
    refusal (credentials, a missing issue, a field Jira will not take) would
    be refused again, so it is reported instead."""
    return isinstance(error, TrackerUnavailable)


def _open_sprint(agile: Any, custom: Any) -> int | None:
    # The Agile API gives `sprint`: the issue's active or future sprint, or
    # null. The platform API gives the sprint field: every sprint the issue
    # was ever in (objects on Cloud; objects or strings on Data Center).
    if isinstance(agile, dict) and agile.get("id") is not None:
        return int(agile["id"])
    for sprint in custom or []:
        if isinstance(sprint, dict):
            if str(sprint.get("state", "")).lower() in ("active", "future"):
                return int(sprint["id"])
        elif isinstance(sprint, str) and (match := _SPRINT_TEXT.search(sprint)):
            if match[2].lower() in ("active", "future"):
                return int(match[1])
    return None


def _check_partial(answer: Answer) -> None:
    # Rank answers 207 when some issues could not be ranked, with one entry each
    # (https://developer.atlassian.com/cloud/jira/software/rest/api-group-issue/#api-rest-agile-1-0-issue-rank-put).
    if answer.status != 207:
        return
    failed = [entry for entry in (answer.body or {}).get("entries") or []
              if int(entry.get("status", 200)) >= 300]
    if failed:
        reasons = "; ".join(f"{e.get('issueKey') or e.get('issueId')}: "
                            f"{', '.join(e.get('errors') or []) or 'refused'}" for e in failed)
        raise TrackerRefused("Jira", f"some issues were not ranked ({reasons})")


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), PAGE_SIZE):
        yield keys[start:start + PAGE_SIZE]


def _quoted(key: str) -> str:
    return urllib.parse.quote(str(key), safe="")
