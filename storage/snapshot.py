"""Reading a whole board at once, for exports."""

from __future__ import annotations


from canvas.snapshot import BoardSnapshot
from storage import (
    actions, boards, clusters, dissemination, events, jira_cards, learnings, notes, participants,
    suggestions, votes,
)
from storage.db import Database, read_transaction


def load_snapshot(db: Database, board_id: str) -> BoardSnapshot:
    """Everything on the board, read in one transaction so it is consistent."""
    with read_transaction(db):
        return read_snapshot(db, board_id)


def read_snapshot(db: Database, board_id: str) -> BoardSnapshot:
    """Everything on the board, read inside the caller's transaction."""
    return BoardSnapshot(
        board=boards.get_board(db, board_id),
        participants=participants.list_participants(db, board_id),
        notes=notes.list_notes(db, board_id),
        clusters=clusters.list_clusters(db, board_id),
        tallies=dict(votes.tallies(db, board_id)),
        events=events.list_events(db, board_id),
        actions=actions.list_actions(db, board_id),
        triggers=actions.list_triggers(db, board_id),
        learnings=learnings.list_learnings(db, board_id),
        decisions=learnings.list_decisions(db, board_id),
        whys=learnings.list_whys(db, board_id),
        dissemination=dissemination.list_dissemination(db, board_id),
        suggestions=suggestions.list_suggestions(db, board_id),
        jira=jira_cards.read_state(db, board_id),
    )
