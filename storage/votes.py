"""Dot votes: one row per dot, cast and taken back inside BEGIN IMMEDIATE.

The write lock serialises every vote on a board, so the count a vote checks
against the budget is the count it is added to: two tabs of one person
clicking at the same instant cannot overspend.
"""

from __future__ import annotations

from collections import Counter

import sqlite_utils

from canvas.errors import CanvasError, ParticipantNotFound
from canvas.phases import Action, Credentials, authorize
from canvas.voting import VoteRules, check_vote
from storage.boards import changing_board
from storage.db import iso, now
from storage.facilitation import board_phase, resolve_actor

# Votes on items that still exist: a deleted or dissolved item gives its dots back.
LIVE_VOTES = """
SELECT v.* FROM votes v WHERE v.board_id = ? AND (
  EXISTS (SELECT 1 FROM notes n WHERE n.id = v.item_id AND n.deleted_at IS NULL)
  OR EXISTS (SELECT 1 FROM clusters c WHERE c.id = v.item_id AND c.deleted_at IS NULL))
"""


class NotVotable(CanvasError):
    """The item is not a live cluster or unclustered note of this board."""

    def __init__(self):
        super().__init__("That item can no longer be voted on (it was moved, merged or deleted).")


def cast_vote(db: sqlite_utils.Database, board_id: str, credentials: Credentials, item_id: str,
              seen: int) -> bool:
    """Add one dot, if this person still has `seen` dots on the item.

    `seen` is the count the person's page showed when they clicked: a double
    click, or a click replayed from a stale page, finds the count already
    moved on and adds nothing. Returns whether a dot was added.
    """
    with changing_board(db, board_id):
        participant_id = _voter(db, board_id, credentials)
        _require_votable(db, board_id, item_id)
        mine = _my_counts(db, board_id, participant_id)
        if mine[item_id] != seen:
            return False
        check_vote(_rules(db, board_id), sum(mine.values()), mine[item_id])
        db["votes"].insert({"board_id": board_id, "participant_id": participant_id,
                            "item_id": item_id, "created_at": iso(now())})
    return True


def retract_vote(db: sqlite_utils.Database, board_id: str, credentials: Credentials,
                 item_id: str, seen: int) -> bool:
    """Take one dot back (while voting is open), with the same `seen` guard."""
    with changing_board(db, board_id):
        participant_id = _voter(db, board_id, credentials)
        mine = _my_counts(db, board_id, participant_id)
        if mine[item_id] != seen or seen == 0:
            return False
        db.execute(
            "DELETE FROM votes WHERE id = (SELECT max(id) FROM votes WHERE board_id = ? "
            "AND participant_id = ? AND item_id = ?)",
            [board_id, participant_id, item_id],
        )
    return True


def my_votes(db: sqlite_utils.Database, board_id: str, participant_id: str) -> Counter:
    """This person's dots per item."""
    return _my_counts(db, board_id, participant_id)


def tallies(db: sqlite_utils.Database, board_id: str) -> Counter:
    """Everyone's dots per item. Callers show these only once votes are revealed."""
    rows = db.execute(f"SELECT item_id, count(*) FROM ({LIVE_VOTES}) GROUP BY item_id", [board_id])
    return Counter(dict(rows.fetchall()))


def voters(db: sqlite_utils.Database, board_id: str) -> tuple[int, int]:
    """How many people have voted, and how many dots are placed (no one's choices)."""
    row = db.execute(
        f"SELECT count(DISTINCT participant_id), count(*) FROM ({LIVE_VOTES})", [board_id]
    ).fetchone()
    return row[0], row[1]


def _voter(db, board_id: str, credentials: Credentials) -> str:
    # Dots belong to a participant of this board: a facilitator key alone
    # (no name on the board) has nobody to count them against.
    actor = resolve_actor(db, board_id, credentials)
    authorize(Action.vote, board_phase(db, board_id), actor)
    if actor.participant_id is None:
        raise ParticipantNotFound()
    return actor.participant_id


def _my_counts(db, board_id: str, participant_id: str) -> Counter:
    rows = db.execute(
        f"SELECT item_id, count(*) FROM ({LIVE_VOTES}) WHERE participant_id = ? GROUP BY item_id",
        [board_id, participant_id],
    )
    return Counter(dict(rows.fetchall()))


def _rules(db, board_id: str) -> VoteRules:
    budget, per_item = db.execute(
        "SELECT vote_budget, vote_max_per_item FROM boards WHERE id = ?", [board_id]
    ).fetchone()
    return VoteRules(budget=budget, max_per_item=per_item)


def _require_votable(db, board_id: str, item_id: str) -> None:
    note = db.execute(
        "SELECT 1 FROM notes WHERE id = ? AND board_id = ? AND deleted_at IS NULL AND cluster_id IS NULL",
        [item_id, board_id],
    ).fetchone()
    cluster = db.execute(
        "SELECT 1 FROM clusters WHERE id = ? AND board_id = ? AND deleted_at IS NULL",
        [item_id, board_id],
    ).fetchone()
    if note is None and cluster is None:
        raise NotVotable()
