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
from integrations.trackers import TrackerClient


def request(client: TrackerClient, method: str, url: str, body: Any = None, *,
            missing_ok: bool = False, once: bool = False):
    """One request through the client (status, headers, parsed body). A 404
    is an answer when `missing_ok`, else the project not found; `once` for a
    write that may have been carried out before an error, never tried twice
    blindly."""
    return client._call(method, url, body, missing_ok=missing_ok, once=once)


def project_api(client: TrackerClient) -> str:
    """The project's (or repository's) API address: GitLab's
    /api/v4/projects/<GROUP%2FNAME>, GitHub's /repos/<OWNER>/<NAME>, Jira's
    /rest/api/2."""
    if client.tracker == Tracker.gitlab:
        return f"{client._api}/projects/{urllib.parse.quote(client.project, safe='')}"
    if client.tracker == Tracker.github:
        return client._repo
    return client._api


def jira_site(client: TrackerClient) -> str:
    """The Jira site an issue's page is under (<site>/browse/<KEY>)."""
    return client._site


def jira_issue_type(client: TrackerClient) -> str:
    """The issue type new Jira issues are made as."""
    return getattr(client, "issue_type", "") or "Task"
