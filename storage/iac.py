"""Marks on learnings and actions whose change lives in infrastructure code.

A mark is curation for the follow-through, so it may change in every phase
(canvas.session.phases: Action.mark_iac), asked inside the transaction that
writes it like every other write."""

from __future__ import annotations

from canvas.errors import NotAnIacItem
from canvas.session.phases import ANYONE, Action, Credentials, authorize
from storage.boards import board_phase, bump_revision, lock_live_board
from storage.db import Database, write_transaction
from storage.identity import resolve_actor

# Where an item may live, in the order they are looked for.
_KINDS = (("action", "actions"), ("learning", "learnings"))


def mark_iac(db: Database, board_id: str, item_id: str, iac: bool,
             credentials: Credentials | None = None) -> str:
    """Mark (or unmark) a live learning or action of the board as a lesson
    for infrastructure code; returns "learning" or "action". From the app
    (`credentials` given) the person must be on the board; the shell is
    trusted like every command that holds the database file. Raises
    NotAnIacItem for an id that is neither. Marking what is already marked
    writes nothing."""
    with write_transaction(db):
        lock_live_board(db, board_id)
        actor = resolve_actor(db, board_id, credentials) if credentials is not None else ANYONE
        authorize(Action.mark_iac, board_phase(db, board_id), actor)
        for kind, table in _KINDS:
            row = db.execute(f'SELECT "iac" FROM "{table}" WHERE "id" = ? AND "board_id" = ? '
                             'AND "deleted_at" IS NULL', [item_id, board_id]).fetchone()
            if row is None:
                continue
            if bool(row[0]) != iac:
                db.execute(f'UPDATE "{table}" SET "iac" = ? WHERE "id" = ?', [int(iac), item_id])
                bump_revision(db, board_id)
            return kind
        raise NotAnIacItem(item_id)
