"""Timeline events of a board, stored with their time in UTC."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from canvas.ids import new_row_id
from canvas.timeline import TimelineEvent
from storage.boards import changing_board
from storage.db import iso, now


def add_events(db: sqlite_utils.Database, board_id: str, events: Iterable[TimelineEvent]) -> int:
    """Add events in one transaction (all or none); returns how many were added."""
    stamp = iso(now())
    rows = [
        {
            "id": new_row_id(),
            "board_id": board_id,
            "at": iso(event.at),
            "kind": event.kind.value,
            "text": event.text,
            "evidence_url": event.evidence_url,
            "approximate": int(event.approximate),
            "created_at": stamp,
            "deleted_at": None,
        }
        for event in events
    ]
    with changing_board(db, board_id):
        db["events"].insert_all(rows)
    return len(rows)


def list_events(db: sqlite_utils.Database, board_id: str) -> list[TimelineEvent]:
    """Live events of a board in time order (ties in the order they were entered)."""
    rows = db.query(
        "SELECT * FROM events WHERE board_id = ? AND deleted_at IS NULL ORDER BY at, rowid",
        [board_id],
    )
    return [
        TimelineEvent.model_validate({**row, "approximate": bool(row["approximate"])})
        for row in rows
    ]
