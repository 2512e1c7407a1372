"""Talking to issue trackers: GitLab, GitHub and Jira, Cloud and self-hosted.

Each tracker has its own module (integrations.gitlab, .github, .jira) on one
shared HTTP client (integrations.tracker_http); this one picks the client and
gathers its settings. Nothing here touches the database, and credentials
never leave the clients.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from canvas.exports.tracker_issue import Tracker
from integrations.github import GitHub
from integrations.gitlab import GitLab
from integrations.jira import Jira
from integrations.tracker_http import Answer, TrackerClient

__all__ = ["Answer", "CLIENTS", "ENV_VARIABLES", "GitHub", "GitLab", "Jira", "TrackerClient",
           "client_for", "tracker_env"]

CLIENTS: dict[Tracker, type[TrackerClient]] = {
    Tracker.gitlab: GitLab, Tracker.github: GitHub, Tracker.jira: Jira}
# Every setting a tracker reads, and nothing else from the environment.
ENV_VARIABLES = tuple(name for client in CLIENTS.values() for name in client.settings)


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
