"""Each live board's timeline and actions, for the impact across boards that
the Impact & Learnings review goes through."""

from __future__ import annotations

from canvas.exports.learnings_review import BoardImpact
from canvas.validation import STORED
from storage import actions, events
from storage.db import Database, read_transaction


def all_impact(db: Database, board_ids: list[str] | None = None) -> list[BoardImpact]:
    """Every live board with its events and actions, oldest first; only the
    boards in `board_ids` when given (the boards one browser knows)."""
    sql = ("SELECT id, title, incident_date, created_at, review_type, process_review FROM boards "
           "WHERE deleted_at IS NULL")
    params: list = []
    if board_ids is not None:
        if not board_ids:
            return []
        sql += f" AND id IN ({','.join('?' * len(board_ids))})"
        params += board_ids
    with read_transaction(db):
        return [BoardImpact.model_validate({
            "board_id": row["id"], "title": row["title"],
            # The same day the learnings of a board are reviewed as of.
            "day": row["incident_date"] or row["created_at"][:10],
            "review_type": row["review_type"] or "incident",
            "events": events.list_events(db, row["id"]),
            "actions": actions.list_actions(db, row["id"]),
            "process_review": row["process_review"] or ""}, context=STORED)
            for row in db.query(sql + " ORDER BY created_at", params)]
