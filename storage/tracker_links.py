"""Which tracker issue each action became, and what the last sync saw.
Credentials are never stored here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime


from canvas.actions import FollowUp, Status
from canvas.errors import ActionNotFound
from storage import actions
from storage.db import Database, iso, now, write_transaction


@dataclass(frozen=True)
class IssueLink:
    """An action's issue in a tracker, as last pushed or synced."""

    action_id: str
    board_id: str
    tracker: str
    project: str
    issue_id: str
    url: str
    issue_closed: bool
    synced_status: str  # the action's status when the board and the issue last agreed
    pushed_at: datetime | None
    synced_at: datetime | None
    pushed: dict[str, str] | None = None  # a digest per field the last push sent; None before 0012


def _link(row: dict) -> IssueLink:
    stamp = lambda value: datetime.fromisoformat(value) if value else None  # noqa: E731
    return IssueLink(action_id=row["action_id"], board_id=row["board_id"], tracker=row["tracker"],
                     project=row["project"], issue_id=row["issue_id"], url=row["url"],
                     issue_closed=bool(row["issue_closed"]), synced_status=row["synced_status"],
                     pushed_at=stamp(row["pushed_at"]), synced_at=stamp(row["synced_at"]),
                     pushed=_fingerprint(row.get("pushed_fingerprint")))


def _fingerprint(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    try:
        parsed = json.loads(value)
    except ValueError:
        return None  # unreadable: every field is sent once more, as before fingerprints
    return {str(k): str(v) for k, v in parsed.items()} if isinstance(parsed, dict) else None


def links_for_board(db: Database, board_id: str) -> dict[str, IssueLink]:
    """The board's issue links by action id (deleted actions left out)."""
    rows = db.query("SELECT l.* FROM tracker_links l JOIN actions a ON a.id = l.action_id "
                    "WHERE l.board_id = ? AND a.deleted_at IS NULL", [board_id])
    return {row["action_id"]: _link(row) for row in rows}


def linked_board_ids(db: Database) -> list[str]:
    """Live boards that have at least one action linked to an issue."""
    rows = db.execute("SELECT DISTINCT l.board_id FROM tracker_links l JOIN boards b "
                      "ON b.id = l.board_id WHERE b.deleted_at IS NULL ORDER BY l.board_id")
    return [row[0] for row in rows]


def record_push(db: Database, board_id: str, action: FollowUp, tracker: str,
                project: str, issue_id: str, url: str, issue_closed: bool, *,
                pushed: dict[str, str] | None = None,
                agreed_status: str | None = None) -> IssueLink:
    """Remember the issue an action was pushed to, as soon as the tracker has
    it, with a digest of the fields sent (`pushed`).

    A new link records the issue's state and `agreed_status` (default: the
    action's status) as what both sides last agreed on. For an issue already
    linked, what the last sync saw stays, so an issue closed in the tracker
    since then still counts as a change at the next sync instead of being
    swallowed; unless the push itself just closed or reopened the issue, and
    says so with `agreed_status`."""
    stamp = iso(now())
    fingerprint = json.dumps(pushed, sort_keys=True) if pushed is not None else None
    with write_transaction(db):
        actions.get_action(db, board_id, action.id)
        known = db.execute("SELECT 1 FROM tracker_links WHERE action_id = ? AND tracker = ? AND "
                           "project = ? AND issue_id = ?",
                           [action.id, tracker, project, issue_id]).fetchone()
        if known:
            values = {"url": url, "pushed_at": stamp}
            if fingerprint is not None:
                values["pushed_fingerprint"] = fingerprint
            if agreed_status is not None:
                values |= {"issue_closed": int(issue_closed), "synced_status": agreed_status}
            db["tracker_links"].update(action.id, values)
            return links_for_board(db, board_id)[action.id]
        db["tracker_links"].upsert({
            "action_id": action.id, "board_id": board_id, "tracker": tracker,
            "project": project, "issue_id": issue_id, "url": url,
            "issue_closed": int(issue_closed), "synced_status": agreed_status or action.status.value,
            "pushed_at": stamp, "synced_at": stamp, "pushed_fingerprint": fingerprint,
        })
    return links_for_board(db, board_id)[action.id]


def record_sync(db: Database, board_id: str, action_id: str, issue_closed: bool,
                new_status: Status | None, conflict: bool = False) -> FollowUp:
    """Apply what a sync read from an issue: the action's new status (if any)
    and the issue's state, in one transaction. On a conflict the board's
    status stays and so does the status the last agreement was about, so the
    conflict is shown again until someone settles it."""
    with write_transaction(db):
        if new_status is not None:
            actions.set_action_status(db, board_id, action_id, new_status)
        action = actions.get_action(db, board_id, action_id)
        values = {"synced_at": iso(now())}
        if not conflict:
            values |= {"issue_closed": int(issue_closed), "synced_status": action.status.value}
        if db.execute("SELECT 1 FROM tracker_links WHERE action_id = ?", [action_id]).fetchone() is None:
            raise ActionNotFound()
        db["tracker_links"].update(action_id, values)
    return action
