"""The links of calendar feeds: each opens one board's actions, or one
owner's across boards, and is stored only as the hash of its token."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from canvas.errors import FeedNotFound, NotFacilitator
from canvas.ids import new_row_id
from storage.db import Database, iso, now, write_transaction
from storage.identity import is_facilitator

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
