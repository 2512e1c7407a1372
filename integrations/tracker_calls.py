"""What the review issue and the write-up ask of a tracker client beyond its
five calls for actions: one request with the client's own rules (headers,
credentials, retries, and errors named as TrackerAuthRefused,
TrackerProjectNotFound, TrackerRefused or TrackerUnavailable), and where its
API lives. Kept in one place, so the clients stay the only code that knows
how each tracker is reached and authenticated."""

from __future__ import annotations

import urllib.parse
from typing import Any

from canvas.exports.tracker_issue import Tracker
from integrations.tracker_http import TrackerClient


def request(client: TrackerClient, method: str, url: str, body: Any = None, *,
            missing_ok: bool = False, once: bool = False):
    """One request through the client (status, headers, parsed body). A 404
    is an answer when `missing_ok`, else the project not found; `once` for a
    write that may have been carried out before an error, never tried twice
    blindly."""
    return client.request(method, url, body, missing_ok=missing_ok, once=once)


def project_api(client: TrackerClient) -> str:
    """The project's (or repository's) API address: GitLab's
    /api/v4/projects/<GROUP%2FNAME>, GitHub's /repos/<OWNER>/<NAME>, Jira's
    /rest/api/2: REST v2 on Cloud and Data Center alike, whose descriptions are
    wiki markup (Cloud's v3 would want Atlassian Document Format), so the
    review issue is written and compared in one form everywhere."""
    if client.tracker == Tracker.gitlab:
        return f"{client.api}/projects/{urllib.parse.quote(client.project, safe='')}"
    if client.tracker == Tracker.github:
        return client.api + client.repo_path
    return client.site + "/rest/api/2"


def jira_site(client: TrackerClient) -> str:
    """The Jira site an issue's page is under (<site>/browse/<KEY>)."""
    return client.site


def jira_issue_type(client: TrackerClient) -> dict[str, str]:
    """The issue type new Jira issues are made as (JIRA_ISSUE_TYPE: a name or an id)."""
    chosen = getattr(client, "issue_type", "") or "Task"
    return {"id": chosen} if chosen.isdigit() else {"name": chosen}
