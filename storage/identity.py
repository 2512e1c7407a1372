"""Who is acting on a board: a participant of it, a live facilitator key, or both.

Every write asks `resolve_actor` inside its own transaction, so a key revoked
after a page was drawn, or a participant of another board, counts at once.
Kept apart from the facilitator's powers so that every storage module can ask
it without importing the modules that ask it back.
"""

from __future__ import annotations


from canvas.errors import ParticipantNotFound
from canvas.ids import hash_secret
from canvas.session.phases import Actor, Credentials
from storage.db import Database


def is_facilitator(db: Database, board_id: str, key: str | None) -> bool:
    """Whether `key` is a live facilitator key of this board."""
    if not key:
        return False
    row = db.execute(
        "SELECT 1 FROM facilitator_keys WHERE board_id = ? AND key_hash = ? AND revoked_at IS NULL",
        [board_id, hash_secret(key)],
    ).fetchone()
    return row is not None


def resolve_actor(db: Database, board_id: str, credentials: Credentials) -> Actor:
    """Who is acting, checked against the board as it is now: the facilitator
    key against the board's live (unrevoked) key hashes, the participant
    against the board's own participants.

    Call it inside the transaction that carries the action out, so a key
    revoked or a board left after the page was drawn counts. Raises
    ParticipantNotFound for a participant of another board, or for someone
    who is neither a participant nor a facilitator.
    """
    facilitating = is_facilitator(db, board_id, credentials.facilitator_key)
    if credentials.participant_id is not None:
        row = db.execute("SELECT 1 FROM participants WHERE id = ? AND board_id = ?",
                         [credentials.participant_id, board_id]).fetchone()
        if row is None:
            raise ParticipantNotFound()
    elif not facilitating:
        raise ParticipantNotFound()
    return Actor(participant_id=credentials.participant_id, is_facilitator=facilitating)
