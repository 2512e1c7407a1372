"""Participants: who joined a board, known to their browser by a secret token."""

from __future__ import annotations

from datetime import timedelta


from canvas.errors import ParticipantNotFound
from canvas.ids import hash_secret, new_row_id, new_secret
from canvas.models import Participant, checked_name
from storage.boards import changing_board
from storage.db import Database, iso, now, write_transaction

def join_board(db: Database, board_id: str, display_name: str) -> tuple[Participant, str]:
    """Add a participant; returns it and the token its browser keeps (shown once).
    Raises TextRefused for a name that breaks the text rules."""
    display_name = checked_name("display name", display_name)
    token = new_secret()
    participant_id = new_row_id()
    stamp = iso(now())
    with changing_board(db, board_id):
        db["participants"].insert(
            {
                "id": participant_id,
                "board_id": board_id,
                "display_name": display_name,
                "token_hash": hash_secret(token),
                "joined_at": stamp,
                "last_seen_at": stamp,
            }
        )
    row = next(db.query("SELECT * FROM participants WHERE id = ?", [participant_id]))
    return Participant.model_validate(row), token


def participant_by_token(db: Database, board_id: str, token: str | None) -> Participant:
    """The participant this token belongs to on this board; raises ParticipantNotFound."""
    if not token:
        raise ParticipantNotFound()
    # A seat tied to a signed-in person has a token per browser (seat_tokens).
    hashed = hash_secret(token)
    row = next(
        db.query(
            "SELECT * FROM participants WHERE board_id = ? AND (token_hash = ? OR id IN "
            "(SELECT participant_id FROM seat_tokens WHERE board_id = ? AND token_hash = ?))",
            [board_id, hashed, board_id, hashed],
        ),
        None,
    )
    if row is None:
        raise ParticipantNotFound()
    return Participant.model_validate(row)


def list_participants(db: Database, board_id: str) -> list[Participant]:
    """Everyone who joined the board, in joining order."""
    rows = db.query(
        "SELECT * FROM participants WHERE board_id = ? ORDER BY joined_at, id", [board_id]
    )
    return [Participant.model_validate(row) for row in rows]


# Presence is worth a glance, not a wait: behind a long write (an import) it
# gives up quickly, so opening a page never waits for the lock.
SEEN_WAIT_MS = 200


def mark_seen(db: Database, participant_id: str) -> None:
    """Record that this participant has the board open (no revision bump).
    Raises DatabaseBusy after SEEN_WAIT_MS, DiskFull or DatabaseReadOnly."""
    # Presence is not board content: it does not bump the revision, or every
    # open tab would make every other tab rerun.
    with write_transaction(db, wait_ms=SEEN_WAIT_MS):
        db["participants"].update(participant_id, {"last_seen_at": iso(now())})


def mark_gone(db: Database, participant_id: str) -> None:
    """Record that this participant closed the board (no revision bump): they
    are not here again until their page reports in. Raises like `mark_seen`."""
    # "Seen" goes back to the moment they joined, which `present` reads as
    # "not since joining"; nothing else reads the stamp.
    with write_transaction(db, wait_ms=SEEN_WAIT_MS):
        db.execute("UPDATE participants SET last_seen_at = joined_at WHERE id = ?", [participant_id])


def present(db: Database, board_id: str, within: timedelta) -> list[Participant]:
    """Participants whose page reported in during the last `within`, each once.

    Only a page reports in: a row stamped when it was made (a joined person
    whose page has not reported yet, the people of an imported board) or put
    back by `mark_gone` is nobody here."""
    since = iso(now() - within)
    rows = db.query(
        "SELECT * FROM participants WHERE board_id = ? AND last_seen_at >= ? "
        "AND last_seen_at > joined_at ORDER BY lower(display_name), display_name, id",
        [board_id, since],
    )
    return [Participant.model_validate(row) for row in rows]
