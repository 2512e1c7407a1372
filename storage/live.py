"""Reading a board for the live canvas: everything on it plus each person's own dots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from pydantic import BaseModel

from canvas.snapshot import BoardSnapshot
from storage import participants, votes
from storage.db import Database, read_transaction, write_transaction
from storage.snapshot import read_snapshot

# Every process records who has a stream open every few seconds (see
# web/board_cache.py); a few missed records, and the person is gone.
PRESENT_WITHIN = timedelta(seconds=20)


class LiveBoard(BaseModel):
    snapshot: BoardSnapshot
    # participant id -> item id -> that person's dots on the item (live items only;
    # a cluster counts the dots on its notes, as `storage.votes.my_votes` does)
    votes_by_person: dict[str, dict[str, int]] = {}


def load_live_board(db: Database, board_id: str) -> LiveBoard:
    """The whole board and everyone's own dots, read in one transaction."""
    with read_transaction(db):
        snapshot = read_snapshot(db, board_id)
        dots = votes.board_dots(db, board_id)
    by_person: dict[str, dict[str, int]] = {}
    for dot in dots:
        mine = by_person.setdefault(dot.participant_id, {})
        mine[dot.item_id] = mine.get(dot.item_id, 0) + 1
    return LiveBoard(snapshot=snapshot, votes_by_person=by_person)


def present_names(db: Database, board_id: str) -> list[str]:
    """Who has the board open now (reported in during PRESENT_WITHIN), by
    name: one name per person, so two people of one name are both listed."""
    return [person.display_name for person in participants.present(db, board_id, PRESENT_WITHIN)]


def mark_all_seen(db: Database, participant_ids: Iterable[str]) -> None:
    """Record in one transaction that these people have a board open (no
    revision bump). Like `participants.mark_seen` it gives up (DatabaseBusy)
    after SEEN_WAIT_MS behind a long write, rather than hold a stream for the
    busy timeout."""
    ids = list(participant_ids)
    if not ids:
        return
    with write_transaction(db, wait_ms=participants.SEEN_WAIT_MS):
        for participant_id in ids:
            participants.mark_seen(db, participant_id)


def mark_gone(db: Database, participant_id: str) -> None:
    """This person closed their last page of the board here (no revision bump)."""
    participants.mark_gone(db, participant_id)
