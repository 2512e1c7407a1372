"""Boards: create, read, update details, list, delete.

Every change to anything on a board goes through `changing_board`, which
takes the write lock, refuses deleted or unknown boards, and bumps the board's
revision in the same transaction, so a page that polls the revision never
misses a change and never sees half of one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache

from canvas.errors import BoardNotFound, EditConflict
from canvas.ids import is_well_formed_board_id, new_board_id
from canvas.models import Board, BoardDetails, BoardDraft, BoardSummary, IncidentSource, Intake
from canvas.session.phases import ANYONE, Action, Credentials, Phase, authorize
from canvas.templates import Template, get_template
from canvas.validation import STORED
from storage.changes import announce_change
from storage.db import Database, iso, lock_board_row, now, write_transaction
from storage.identity import resolve_actor


@contextmanager
def changing_board(db: Database, board_id: str) -> Iterator[Database]:
    """A write transaction on one live board that bumps its revision on success.

    The board's row is locked first (on SQLite the whole file already is), so
    writes to one board take turns and each sees what the one before wrote:
    the vote budget and the next note number are read and written as one
    step. The new revision is announced to every app server in the same
    transaction (storage/changes.py). A change made inside another change of
    the same board (an action made from a ranked item, which adds an action)
    is part of it: the board moves by one revision, announced once."""
    if board_id in db.changing_boards:
        yield db
        return
    with write_transaction(db):
        lock_live_board(db, board_id)
        db.changing_boards.add(board_id)
        try:
            yield db
        finally:
            db.changing_boards.discard(board_id)
        bump_revision(db, board_id)


def lock_live_board(db: Database, board_id: str) -> None:
    """Inside a write transaction, what `changing_board` does first: lock the
    board's row, or raise BoardNotFound. For a change that may turn out to
    change nothing (a repeated click), which then leaves the revision alone
    so no viewer redraws, and calls `bump_revision` only when it wrote."""
    row = db.execute(
        "SELECT 1 FROM boards WHERE id = ? AND deleted_at IS NULL" + lock_board_row(db),
        [board_id],
    ).fetchone()
    if row is None:
        raise BoardNotFound(board_id)


def bump_revision(db: Database, board_id: str) -> int:
    """Inside the transaction that changed the board: its next revision,
    announced to every app server (storage/changes.py)."""
    revision = db.execute(
        "UPDATE boards SET revision = revision + 1, updated_at = ? WHERE id = ? RETURNING revision",
        [iso(now()), board_id],
    ).fetchone()[0]
    announce_change(db, board_id, revision)
    return revision


def create_board(db: Database, draft: BoardDraft) -> Board:
    """Store a new board and return it."""
    board_id = new_board_id()
    stamp = iso(now())
    # The board keeps the steps it is made with: a later change to the
    # template's file must not move notes out from under a running board.
    steps = draft.template_copy or get_template(draft.template)
    with write_transaction(db):
        db["boards"].insert(
            {
                "id": board_id,
                "title": draft.title,
                "template": draft.template,
                "template_copy": steps.model_dump_json(),
                "severity": draft.severity.value,
                "incident_date": _date(draft.incident_date),
                "review_date": None,
                "summary": "",
                "impact": "",
                "facilitator": draft.facilitator_name,
                "scribe": "",
                "decision_owner": "",
                "other_participants": "",
                "created_at": stamp,
                "updated_at": stamp,
                "revision": 1,
                "details_version": 1,
                "review_type": draft.review_type.value,
                "intake": _json(Intake(period_start=draft.period_start,
                                       period_end=draft.period_end)),
            }
        )
    return get_board(db, board_id)


def get_board(db: Database, board_id: str | None) -> Board:
    """The live board with this id; raises BoardNotFound for anything else."""
    if not is_well_formed_board_id(board_id):
        raise BoardNotFound(board_id or "")
    row = next(
        db.query("SELECT * FROM boards WHERE id = ? AND deleted_at IS NULL", [board_id]), None
    )
    if row is None:
        raise BoardNotFound(board_id)
    return _board(row)


def board_revision(db: Database, board_id: str) -> int | None:
    """The board's revision, the one cheap number a polling page reads."""
    row = db.execute(
        "SELECT revision FROM boards WHERE id = ? AND deleted_at IS NULL", [board_id]
    ).fetchone()
    return None if row is None else row[0]


def update_details(
    db: Database, board_id: str, details: BoardDetails, expected_version: int,
    credentials: Credentials | None = None,
) -> Board:
    """Save the summary step; refuses with EditConflict if someone saved in
    between, with PhaseForbids while the board is closed, and with
    NotASummaryEditor for a person the facilitator did not choose.
    `credentials` are the person's; None is the operator (a restore, the
    command line), whom no choice of editors limits."""
    with changing_board(db, board_id):
        current = get_board(db, board_id)
        # Read inside the transaction: a facilitator closing the board, or
        # choosing other editors, while this form was open must win.
        if credentials is None:
            authorize(Action.edit_summary, current.phase, ANYONE)
        else:
            authorize(Action.edit_summary, current.phase, resolve_actor(db, board_id, credentials),
                      chosen=current.summary_editors)
        if current.details_version != expected_version:
            raise EditConflict(current.summary)
        db["boards"].update(
            board_id,
            {
                "title": details.title,
                "summary": details.summary,
                "impact": details.impact,
                "incident_date": _date(details.incident_date),
                "review_date": _date(details.review_date),
                "severity": details.severity.value,
                "facilitator": details.roles.facilitator,
                "scribe": details.roles.scribe,
                "decision_owner": details.roles.decision_owner,
                "other_participants": details.other_participants,
                "timezone": details.timezone,
                "customer_facing": details.roles.customer_facing,
                "support": details.roles.support,
                "engagement_roles": json.dumps(details.roles.engagement, ensure_ascii=False),
                "review_type": details.review_type.value,
                "intake": _json(details.intake),
                "invitees": details.invitees,
                "tracker_url": details.tracker_url,
                "labels": json.dumps(details.labels, ensure_ascii=False),
                "details_version": expected_version + 1,
            },
        )
    return get_board(db, board_id)


def record_source(db: Database, board_id: str, source: IncidentSource) -> None:
    """Keep where an imported incident was published and the figures it gave."""
    with changing_board(db, board_id):
        db["boards"].update(board_id, {"source": _json(source)})


def _json(model) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False)


def list_boards(db: Database, limit: int = 200,
                board_ids: list[str] | None = None) -> list[BoardSummary]:
    """Live boards, newest first, with how much is on them; only those in
    `board_ids` when it is given (the boards one browser knows)."""
    only = ""
    params: list = []
    if board_ids is not None:
        only = f"AND b.id IN ({','.join('?' * len(board_ids))})" if board_ids else "AND 1 = 0"
        params += board_ids
    rows = db.query(
        f"""
        SELECT b.id, b.title, b.incident_date, b.severity, b.template, b.created_at, b.review_type,
          (SELECT count(*) FROM notes n
            WHERE n.board_id = b.id AND n.deleted_at IS NULL) AS note_count,
          (SELECT count(*) FROM participants p WHERE p.board_id = b.id) AS participant_count
        FROM boards b WHERE b.deleted_at IS NULL {only}
        ORDER BY b.created_at DESC LIMIT ?
        """,
        [*params, limit],
    )
    return [BoardSummary.model_validate(row) for row in rows]


def delete_board(db: Database, board_id: str) -> None:
    """Hide a board: its link then shows "board not found". Rows are kept."""
    with changing_board(db, board_id):
        db["boards"].update(board_id, {"deleted_at": iso(now())})


def _date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _board(row: dict) -> Board:
    # STORED: a board saved before the entry rules (a date outside the
    # supported range, say) still opens, so the value can be corrected.
    return Board.model_validate(
        {
            **row,
            "summary": row["summary"] or "",
            "impact": row["impact"] or "",
            "other_participants": row["other_participants"] or "",
            "close_reason": row.get("close_reason") or "",
            "roles": {
                "facilitator": row["facilitator"] or "",
                "scribe": row["scribe"] or "",
                "decision_owner": row["decision_owner"] or "",
                "customer_facing": row["customer_facing"] or "",
                "support": row["support"] or "",
                "engagement": json.loads(row.get("engagement_roles") or "{}"),
            },
            "intake": json.loads(row["intake"] or "{}"),
            "source": json.loads(row["source"] or "{}"),
            "labels": json.loads(row["labels"] or "[]"),
            "summary_editors": (None if row.get("summary_editors") is None
                                else json.loads(row["summary_editors"])),
            "invitees": row["invitees"] or "",
            "tracker_url": row["tracker_url"] or "",
            "template_copy": _template_copy(row.get("template_copy")),
        },
        context=STORED,
    )


@lru_cache(maxsize=256)
def _template_copy(text: str | None) -> Template | None:
    # Read on every get_board, and the same few copies over and over: parse
    # each text once. A copy is never changed in place, so sharing it is safe.
    if text is None:
        return None
    return Template.model_validate_json(text, context=STORED)


def board_phase(db: Database, board_id: str) -> Phase:
    """The board's phase as stored now (read inside the caller's transaction)."""
    return Phase(db.execute("SELECT phase FROM boards WHERE id = ?", [board_id]).fetchone()[0])
