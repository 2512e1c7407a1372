"""A board holding values from before the supported-range rule (older data),
written straight into SQLite as an old version of the app could have."""

from __future__ import annotations

from storage.db import Database

EARLY, LATE = "0001-01-01", "9999-12-31"
EARLY_AT, LATE_AT = "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:00+00:00"
GOOD_AT = "2019-07-02T13:42:00+00:00"


def seed_out_of_range(db: Database, board_id: str, zone: str = "America/New_York") -> dict[str, str]:
    """Events at year 1 and 9999 beside ordinary ones, board and action dates
    at the calendar's edges, and a note linked to the year-1 event. A zone
    west of UTC makes year 1 unreachable in local time. Returns the ids."""
    conn = db
    conn.execute("UPDATE boards SET incident_date = ?, review_date = ?, timezone = ? WHERE id = ?",
                 [EARLY, LATE, zone, board_id])
    rows = [("ev-early", EARLY_AT, "impact_start", "Year one"),
            ("ev-late", LATE_AT, "resolved", "Year 9999"),
            ("ev-good", GOOD_AT, "detected", "Paged on 5xx"),
            ("ev-good-2", "2019-07-02T14:09:00+00:00", "mitigated", "Rolled back")]
    for event_id, at, kind, text in rows:
        conn.execute("INSERT INTO events (id, board_id, at, kind, text, evidence_url, approximate, "
                     "created_at, deleted_at) VALUES (?, ?, ?, ?, ?, NULL, 0, ?, NULL)",
                     [event_id, board_id, at, kind, text, GOOD_AT])
    conn.execute("INSERT INTO actions (id, board_id, title, owner, due_date, type, priority, status, "
                 "status_reason, success_signal, review_date, source_kind, source_id, created_at, "
                 "updated_at, deleted_at, version) VALUES ('act-late', ?, 'Add an alert', 'Sam', ?, "
                 "'detect', 'high', 'open', '', 'Pages within 2 min', ?, NULL, NULL, ?, ?, NULL, 1)",
                 [board_id, LATE, EARLY, GOOD_AT, GOOD_AT])
    conn.execute("UPDATE boards SET revision = revision + 1 WHERE id = ?", [board_id])
    return {"early": "ev-early", "late": "ev-late", "action": "act-late"}
