"""Which tracker issue each action became, what the last sync saw, and the
tokens of calendar feeds. Credentials are never stored here."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime


from canvas.actions import FollowUp, Status
from canvas.errors import ActionNotFound, FeedNotFound, NotFacilitator
from canvas.ids import new_row_id
from storage import actions
from storage.db import Database, iso, now, write_transaction
from storage.identity import is_facilitator


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


def _link(row: dict) -> IssueLink:
    stamp = lambda value: datetime.fromisoformat(value) if value else None  # noqa: E731
    return IssueLink(action_id=row["action_id"], board_id=row["board_id"], tracker=row["tracker"],
                     project=row["project"], issue_id=row["issue_id"], url=row["url"],
                     issue_closed=bool(row["issue_closed"]), synced_status=row["synced_status"],
                     pushed_at=stamp(row["pushed_at"]), synced_at=stamp(row["synced_at"]))


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
                project: str, issue_id: str, url: str, issue_closed: bool) -> IssueLink:
    """Remember the issue an action was pushed to, as soon as the tracker has it.

    For an issue already linked only its address and the push time change:
    what the last sync saw stays, so an issue closed in the tracker since then
    still counts as a change at the next sync instead of being swallowed."""
    stamp = iso(now())
    with write_transaction(db):
        actions.get_action(db, board_id, action.id)
        known = db.execute("SELECT 1 FROM tracker_links WHERE action_id = ? AND tracker = ? AND "
                           "project = ? AND issue_id = ?",
                           [action.id, tracker, project, issue_id]).fetchone()
        if known:
            db["tracker_links"].update(action.id, {"url": url, "pushed_at": stamp})
            return links_for_board(db, board_id)[action.id]
        db["tracker_links"].upsert({
            "action_id": action.id, "board_id": board_id, "tracker": tracker,
            "project": project, "issue_id": issue_id, "url": url,
            "issue_closed": int(issue_closed), "synced_status": action.status.value,
            "pushed_at": stamp, "synced_at": stamp,
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


# --- calendar feeds ------------------------------------------------------------

FEED_SCOPES = ("board", "owner")


@dataclass(frozen=True)
class FeedToken:
    id: str
    scope: str  # "board" or "owner"
    value: str  # the board id or the owner's name
    created_at: datetime
    revoked: bool


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_feed_token(db: Database, scope: str, value: str,
                      facilitator_key: str | None = None) -> tuple[FeedToken, str]:
    """A new feed link for a board or an owner; returns the record and the
    token itself, which is shown once and stored only as its hash. From the
    app (`facilitator_key` given) only a board's facilitator makes its feed;
    an owner's feed spans boards, so only the shell makes it."""
    if scope not in FEED_SCOPES:
        raise ValueError(scope)
    token = secrets.token_urlsafe(32)
    record = {"id": new_row_id(), "token_hash": _hash(token), "scope": scope, "value": value,
              "created_at": iso(now()), "revoked_at": None}
    with write_transaction(db):
        if facilitator_key is not None and not (scope == "board" and is_facilitator(db, value, facilitator_key)):
            raise NotFacilitator()
        db["feed_tokens"].insert(record)
    return _feed(record), token


def feed_for_token(db: Database, token: str) -> FeedToken | None:
    """The live feed a token opens, or None for a forged or revoked one."""
    row = next(db.query("SELECT * FROM feed_tokens WHERE token_hash = ? AND revoked_at IS NULL",
                        [_hash(token)]), None)
    return _feed(row) if row else None


def feed_tokens(db: Database, scope: str, value: str) -> list[FeedToken]:
    """The live feed links of a board or an owner."""
    rows = db.query("SELECT * FROM feed_tokens WHERE scope = ? AND value = ? AND revoked_at IS NULL "
                    "ORDER BY created_at", [scope, value])
    return [_feed(row) for row in rows]


def revoke_feed_token(db: Database, token_id: str,
                      facilitator_key: str | None = None) -> None:
    """Stop a feed link working; calendars subscribed to it get 404 from now on.
    From the app (`facilitator_key` given) only the board's facilitator may;
    from the shell, an id no feed has raises FeedNotFound (a typo must not
    look like a revoked link). Revoking a revoked feed changes nothing."""
    with write_transaction(db):
        row = db.execute("SELECT scope, value FROM feed_tokens WHERE id = ?", [token_id]).fetchone()
        if facilitator_key is not None:
            if row is None or row[0] != "board" or not is_facilitator(db, row[1], facilitator_key):
                raise NotFacilitator()
        elif row is None:
            raise FeedNotFound(token_id)
        db.execute("UPDATE feed_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                   [iso(now()), token_id])


def _feed(row: dict) -> FeedToken:
    return FeedToken(id=row["id"], scope=row["scope"], value=row["value"],
                     created_at=datetime.fromisoformat(row["created_at"]),
                     revoked=bool(row.get("revoked_at")))


def dated_actions(db: Database, board_id: str | None = None,
                  owner: str | None = None) -> list[tuple[str, str, str, FollowUp]]:
    """Actions of live boards as (board id, board title, board time zone,
    action), for reminders and calendar feeds; one board or one owner's."""
    sql = ("SELECT a.*, b.title AS board_title, b.timezone AS board_timezone FROM actions a "
           "JOIN boards b ON b.id = a.board_id WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL")
    params: list = []
    if board_id is not None:
        sql += " AND a.board_id = ?"
        params.append(board_id)
    if owner is not None:
        sql += " AND lower(trim(a.owner)) = lower(trim(?))"
        params.append(owner)
    sql += " ORDER BY b.created_at, a.created_at, a.rowid"
    result = []
    for row in db.query(sql, params):
        title, zone = row.pop("board_title"), row.pop("board_timezone")
        result.append((row["board_id"], title, zone, actions._action(row)))
    return result
