"""The boards the Patterns page measures, read in one go: one query per
table over every board the filter may admit, never one per board, so a
few hundred boards cost five queries."""

from __future__ import annotations

import json
from collections import defaultdict

from pydantic import ValidationError

from canvas.incident.timeline import METRICS, TimelineEvent
from canvas.learnings import FACTOR_STEP_KEY
from canvas.patterns import DURATIONS, ActionFact, FactorItem, PatternBoard, PatternFilter
from canvas.session.phases import Phase
from canvas.validation import STORED
from storage.db import Database, read_transaction

# Only the events that anchor a response time are read.
_ANCHORS = sorted({kind.value for definition in METRICS if definition.name in DURATIONS
                   for kind in (definition.start, definition.end)})


def _placeholders(values: list) -> str:
    return ",".join("?" * len(values))


def _boards_where(board_ids: list[str] | None, wanted: PatternFilter) -> tuple[str, list]:
    """The live boards the filter may admit, as a WHERE clause on `boards`.
    Labels are a JSON list and are matched in canvas (PatternFilter.admits)."""
    clauses, params = ["deleted_at IS NULL"], []
    if board_ids is not None:
        clauses.append(f"id IN ({_placeholders(board_ids)})" if board_ids else "1 = 0")
        params += board_ids
    # A board's day, as everywhere: its incident date, or the day it was made.
    day = "coalesce(incident_date, substr(created_at, 1, 10))"
    if wanted.since is not None:
        clauses.append(f"{day} >= ?")
        params.append(wanted.since.isoformat())
    if wanted.until is not None:
        clauses.append(f"{day} <= ?")
        params.append(wanted.until.isoformat())
    if wanted.review_types:
        clauses.append(f"review_type IN ({_placeholders(wanted.review_types)})")
        params += [kind.value for kind in wanted.review_types]
    if wanted.severities:
        clauses.append(f"severity IN ({_placeholders(wanted.severities)})")
        params += [severity.value for severity in wanted.severities]
    return " AND ".join(clauses), params


def pattern_boards(db: Database, wanted: PatternFilter, board_ids: list[str] | None = None
                   ) -> tuple[list[PatternBoard], int]:
    """The live boards the filter may admit (only those in `board_ids` when
    given: the boards one browser knows) with their anchoring events,
    contributing factors, actions, learnings and decisions; and how many
    rows could not be read (older or damaged data), which are left out
    rather than stopping every figure."""
    where, params = _boards_where(board_ids, wanted)
    within = f"board_id IN (SELECT id FROM boards WHERE {where})"
    unreadable = 0
    children: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))

    def keep(board_id: str, field: str, read) -> None:
        nonlocal unreadable
        try:
            children[board_id][field].append(read())
        except (ValidationError, ValueError, TypeError, KeyError):
            unreadable += 1

    with read_transaction(db):
        board_rows = list(db.query(
            "SELECT id, title, incident_date, created_at, review_type, severity, labels, phase "
            f"FROM boards WHERE {where} ORDER BY created_at, id", params))
        for row in db.query(
                f"SELECT board_id, at, kind, text FROM events WHERE deleted_at IS NULL AND {within} "
                f"AND kind IN ({_placeholders(_ANCHORS)})", [*params, *_ANCHORS]):
            keep(row["board_id"], "events",
                 lambda: TimelineEvent.model_validate(row, context=STORED))
        # A contributing factor is a live cluster of the factor step, or a note
        # of it outside a live cluster. Notes of a board still in Write are
        # private to their writers (canvas.session.visibility.visible_notes),
        # so only those written before the meeting, which have no author, count.
        for row in db.query(
                f"SELECT board_id, name AS text, category FROM clusters WHERE deleted_at IS NULL "
                f"AND step_key = ? AND {within} ORDER BY created_at, id", [FACTOR_STEP_KEY, *params]):
            keep(row["board_id"], "factors", lambda: FactorItem.model_validate(row, context=STORED))
        for row in db.query(
                "SELECT n.board_id, n.text, n.category FROM notes n JOIN boards b ON b.id = n.board_id "
                "WHERE n.deleted_at IS NULL AND n.step_key = ? "
                "AND (b.phase <> ? OR n.author_id IS NULL) AND NOT EXISTS (SELECT 1 FROM clusters c "
                "WHERE c.id = n.cluster_id AND c.deleted_at IS NULL) "
                f"AND n.{within} ORDER BY n.created_at, n.id",
                [FACTOR_STEP_KEY, Phase.write.value, *params]):
            keep(row["board_id"], "factors", lambda: FactorItem.model_validate(row, context=STORED))
        for row in db.query(
                f"SELECT board_id, status, due_date, done_at FROM actions "
                f"WHERE deleted_at IS NULL AND {within}", params):
            keep(row["board_id"], "actions", lambda: _action(row))
        for row in db.query(
                "SELECT l.board_id, d.kind FROM learnings l LEFT JOIN decisions d "
                f"ON d.learning_id = l.id WHERE l.deleted_at IS NULL AND l.{within}", params):
            children[row["board_id"]]["learnings"].append(row["kind"])

    boards = []
    for row in board_rows:
        found = children[row["id"]]
        try:
            boards.append(PatternBoard.model_validate({
                "board_id": row["id"], "title": row["title"],
                "day": row["incident_date"] or row["created_at"][:10],
                "review_type": row["review_type"] or "incident",
                # Boards from before severities held none, and "n/a" is not an incident.
                "severity": row["severity"] or None, "labels": _labels(row["labels"]),
                "events": found["events"], "factors": found["factors"],
                "actions": found["actions"], "learnings": len(found["learnings"]),
                "decisions": [kind for kind in found["learnings"] if kind is not None],
            }, context=STORED))
        except (ValidationError, ValueError, TypeError):
            unreadable += 1
    return boards, unreadable


def _action(row: dict) -> ActionFact:
    # The day it was done (UTC), recorded as its status became done.
    done = row["status"] == "done" and row["done_at"]
    return ActionFact.model_validate({"status": row["status"], "due_date": row["due_date"],
                                      "done_on": row["done_at"][:10] if done else None},
                                     context=STORED)


def _labels(stored: str | None) -> list[str]:
    labels = json.loads(stored or "[]")
    if not isinstance(labels, list):
        raise ValueError("labels are not a list")
    return [label for label in labels if isinstance(label, str)]
