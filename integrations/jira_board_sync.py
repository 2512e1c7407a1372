"""Keeping a board of Jira cards and Jira in step, through the Jira Agile
client (integrations/jira_agile.py, the same credential rules as the action
push): the board's queued changes written in order, and what changed in Jira
pulled onto the board.

A change is written only if Jira still holds, in that field, what the board
last pulled (or already what the board writes); otherwise it is a conflict
and the card shows both values until someone picks. When Jira does not
answer, or refuses the credentials, the writing stops where it is, the board
says so, and the next sync (on any change, on demand, every minute while the
board is open) starts again from the first change still queued.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from canvas.errors import CanvasError, TrackerAuthRefused, TrackerNotConfigured, TrackerUnavailable
from canvas.jira_board import PLANNING, JiraChange, conflicting
from integrations.jira_agile import JiraAgile
from integrations.trackers import tracker_env
from storage import jira_cards
from storage.db import Database

# Problems of the whole connection rather than of one change: the change
# stays queued, and so do the ones after it. Besides what the client calls
# worth retrying (an outage, a rate limit), refused or missing credentials
# stop the queue too: every change would be refused alike until they are fixed.
_CONNECTION_PROBLEMS = (TrackerUnavailable, TrackerAuthRefused, TrackerNotConfigured)
# Which card field a change writes, for the conflict check.
_FIELD = jira_cards.FIELD_OF_KIND


def jira_env(secrets: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Jira's settings from the environment over the secrets given; never stored."""
    return tracker_env(os.environ, secrets or {})


# A person waits on the board for the write: one attempt, a short timeout
# and no long rate-limit wait. What does not get through stays queued and is
# tried again at the next sync, in order.
BOARD_CLIENT_OPTIONS = {"attempts": 1, "timeout": 8.0, "max_wait": 2.0}


def client_from_env(env: Mapping[str, str] | None = None) -> JiraAgile:
    """The Jira Agile client for these settings, the environment's by default
    (TrackerNotConfigured without JIRA_URL)."""
    return JiraAgile(env if env is not None else jira_env(), **BOARD_CLIENT_OPTIONS)


def pull(db: Database, board_id: str, client) -> None:
    """Bring Jira's issues (and, for planning, its sprints and velocity) onto the board."""
    settings = jira_cards.settings_of(db, board_id)
    try:
        if settings.kind == PLANNING:
            sprints = client.sprints(settings.source_board, ("active", "future"))
            issues = []
            for sprint in sprints:
                issues += client.sprint_issues(sprint.id)
            issues += client.backlog(settings.source_board)
            velocity = (client.closed_sprint_velocity(settings.source_board)
                        if settings.capacity_from == "velocity" else None)
            jira_cards.record_pull(db, board_id, issues, sprints, velocity)
        else:
            issues = (client.backlog(settings.source_board) if settings.source_board is not None
                      else client.search(settings.jql))
            jira_cards.record_pull(db, board_id, issues)
    except _CONNECTION_PROBLEMS as problem:
        jira_cards.record_unreachable(db, board_id, str(problem))


def push(db: Database, board_id: str, client) -> bool:
    """Write the board's queued changes to Jira in order; returns whether every
    one was taken (saved, failed or a conflict) rather than left queued."""
    for change in jira_cards.queued_changes(db, board_id):
        try:
            _write(db, board_id, client, change)
        except _CONNECTION_PROBLEMS as problem:
            jira_cards.record_unreachable(db, board_id, str(problem))
            return False
        except CanvasError as refused:
            jira_cards.record_failed(db, board_id, change, str(refused))
    return True


def sync(db: Database, board_id: str, client) -> None:
    """Write what is queued, then pull: the board's changes land before Jira's
    answer is read back, so a pull never undoes what the board just did."""
    if push(db, board_id, client):
        pull(db, board_id, client)


def _last_split(db: Database, board_id: str, change: JiraChange) -> str | None:
    """The issue made by the split's previous part, which this one follows in rank."""
    made = [c for c in jira_cards.all_changes(db, board_id)
            if c.kind == "create" and c.card_id == change.card_id and c.state == "saved"
            and c.seq < change.seq and c.value.get("made")]
    return made[-1].value["made"] if made else None


def _board_value(change: JiraChange):
    value = change.value
    return {"summary": lambda: value["summary"], "description": lambda: value["acceptance"],
            "labels": lambda: sorted(value["labels"]), "story_points": lambda: value["points"],
            "sprint": lambda: value["sprint_id"], "backlog": lambda: None}[change.kind]()


def _write(db: Database, board_id: str, client, change: JiraChange) -> None:
    value = change.value
    if change.base is not None:
        # Against what the card holds as Jira's now, not when the change was
        # queued: an earlier change of the same field, written since, moved it.
        field = _FIELD[change.kind]
        base = jira_cards.get_card(db, board_id, change.card_id).pulled.get(field)
        fresh = jira_cards.pulled_values(client.get(value["key"]))
        if conflicting(base, _board_value(change), fresh[field]):
            jira_cards.record_conflict(db, board_id, change, field, _board_value(change), fresh[field])
            return
    issue = None
    kind, key = change.kind, value.get("key")
    if kind == "summary":
        issue = client.update(key, summary=value["summary"])
    elif kind == "description":
        issue = client.update(key, description=value["description"])
    elif kind == "labels":
        issue = client.update(key, labels=list(value["labels"]))
    elif kind == "story_points":
        issue = client.update(key, story_points=value["points"])
    elif kind == "sprint":
        client.move_to_sprint(value["sprint_id"], [key])
        issue = client.get(key)
    elif kind == "backlog":
        client.move_to_backlog([key])
        issue = client.get(key)
    elif kind == "rank":
        client.rank([key], before=value.get("before"), after=value.get("after"))
    elif kind == "transition":
        client.transition(key, value["name"])
        issue = client.get(key)
    elif kind == "goal":
        client.set_sprint_goal(change.sprint_id, value["goal"])
    elif kind == "create":
        issue = client.create(value["project"], summary=value["summary"], issue_type=value["issue_type"])
        after = _last_split(db, board_id, change) or value.get("after")
        if after:
            client.rank([issue.key], after=after)
    jira_cards.record_saved(db, board_id, change, issue)
