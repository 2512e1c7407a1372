"""Dot votes: one row per dot, cast and taken back inside BEGIN IMMEDIATE.

The write lock serialises every vote on a board, so the count a vote checks
against the budget is the count it is added to: two tabs of one person
clicking at the same instant cannot overspend. A click that changes nothing
(a repeated one, or taking back a dot that is not there) leaves the board's
revision where it was, so no viewer redraws for it.

Changes that move or remove notes and clusters call `settle_votes` inside
their own transaction, which applies the rules of `canvas.session.voting` (dots on a
removed item go back; a merged item keeps each person's oldest dots up to the
limit), and `return_votes_on` for an item coming back from the bin.
"""

from __future__ import annotations

from collections import Counter


from canvas.errors import NotVotable, ParticipantNotFound
from canvas.session.phases import Action, Credentials, authorize
from canvas.session import voting
from canvas.session.voting import Dot, VoteRules, check_vote, counted_item, dots_beyond_rules
from storage.boards import board_phase, bump_revision, lock_live_board
from storage.db import Database, iso, now, write_transaction
from storage.identity import resolve_actor

# Votes on items that still exist: a deleted or dissolved item gives its dots back.
LIVE_VOTES = """
SELECT v.* FROM votes v WHERE v.board_id = ? AND (
  EXISTS (SELECT 1 FROM notes n WHERE n.id = v.item_id AND n.deleted_at IS NULL)
  OR EXISTS (SELECT 1 FROM clusters c WHERE c.id = v.item_id AND c.deleted_at IS NULL))
"""


def cast_vote(db: Database, board_id: str, credentials: Credentials, item_id: str,
              seen: int) -> bool:
    """Add one dot, if this person still has `seen` dots on the item.

    `seen` is the count the person's page showed when they clicked: a double
    click, or a click replayed from a stale page, finds the count already
    moved on and adds nothing. Returns whether a dot was added; only then
    does the board's revision move (nothing changed, so no viewer redraws).
    """
    with write_transaction(db):
        lock_live_board(db, board_id)
        participant_id = _voter(db, board_id, credentials)
        _require_votable(db, board_id, item_id)
        mine = _my_counts(db, board_id, participant_id)
        if mine[item_id] != seen:
            return False
        check_vote(_rules(db, board_id), sum(mine.values()), mine[item_id])
        db["votes"].insert({"board_id": board_id, "participant_id": participant_id,
                            "item_id": item_id, "created_at": iso(now())})
        bump_revision(db, board_id)
    return True


def retract_vote(db: Database, board_id: str, credentials: Credentials,
                 item_id: str, seen: int) -> bool:
    """Take one dot back (while voting is open), with the same `seen` guard.
    Returns whether a dot was taken back: taking back a dot this person does
    not have there changes nothing, the revision included."""
    with write_transaction(db):
        lock_live_board(db, board_id)
        participant_id = _voter(db, board_id, credentials)
        mine = [dot for dot in board_dots(db, board_id, participant_id) if dot.item_id == item_id]
        if len(mine) != seen or seen == 0:
            return False
        # The newest dot counted on the item, which may sit on one of a
        # cluster's notes (placed before it was grouped).
        db.execute("DELETE FROM votes WHERE id = ?", [max(dot.id for dot in mine)])
        bump_revision(db, board_id)
    return True


def my_votes(db: Database, board_id: str, participant_id: str) -> Counter:
    """This person's dots per item; a cluster's count includes the dots on its notes."""
    return _my_counts(db, board_id, participant_id)


def board_dots(db: Database, board_id: str,
               participant_id: str | None = None) -> list[Dot]:
    """Every dot on a live item of the board (or only this person's), oldest
    first, each with the item it counts toward (a grouped note's dots count
    toward its cluster)."""
    mine = "" if participant_id is None else "WHERE v.participant_id = ?"
    rows = db.execute(
        f"""
        SELECT v.id, v.participant_id, v.item_id, c.id FROM ({LIVE_VOTES}) v
        LEFT JOIN notes n ON n.id = v.item_id
        LEFT JOIN clusters c ON c.id = n.cluster_id AND c.deleted_at IS NULL
        {mine} ORDER BY v.id
        """,
        [board_id] if participant_id is None else [board_id, participant_id],
    ).fetchall()
    return [Dot(vote_id, person, counted_item(item_id, {item_id: cluster_id}))
            for vote_id, person, item_id, cluster_id in rows]


def settle_votes(db: Database, board_id: str) -> int:
    """Bring the board's dots back within its rules after notes or clusters
    moved, merged, dissolved or were deleted; returns how many dots went back.

    Call it inside the transaction that made the change (`changing_board`):
    dots on items that no longer exist go back to their voters, and each
    person keeps their oldest dots up to the per-item limit and the budget
    (`canvas.session.voting.dots_beyond_rules`).
    """
    gone = db.execute(
        f"DELETE FROM votes WHERE board_id = ? AND id NOT IN (SELECT id FROM ({LIVE_VOTES}) live)",
        [board_id, board_id],
    ).rowcount
    back = dots_beyond_rules(board_dots(db, board_id), _rules(db, board_id))
    for start in range(0, len(back), 500):
        chunk = back[start:start + 500]
        db.execute(f"DELETE FROM votes WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
    return gone + len(back)


def return_votes_on(db: Database, board_id: str, item_ids: list[str]) -> int:
    """Give back every dot placed on these items (a note coming back from
    the bin returns without dots); returns how many. Call it inside the
    change's transaction."""
    returned = 0
    for item_id in item_ids:
        returned += db.execute(
            "DELETE FROM votes WHERE board_id = ? AND item_id = ?", [board_id, item_id]
        ).rowcount
    return returned


def most_spent(db: Database, board_id: str) -> tuple[int, int]:
    """The most dots one person holds in all, and on one item (its notes included)."""
    return voting.most_spent(board_dots(db, board_id))


def tallies(db: Database, board_id: str) -> Counter:
    """Everyone's dots per item. Callers show these only once votes are revealed."""
    rows = db.execute(f"SELECT item_id, count(*) FROM ({LIVE_VOTES}) live GROUP BY item_id", [board_id])
    return Counter(dict(rows.fetchall()))


def voters(db: Database, board_id: str) -> tuple[int, int]:
    """How many people have voted, and how many dots are placed (no one's choices)."""
    row = db.execute(
        f"SELECT count(DISTINCT participant_id), count(*) FROM ({LIVE_VOTES}) live", [board_id]
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
    return Counter(dot.item_id for dot in board_dots(db, board_id, participant_id))


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
