"""Grouping suggestions: asking for them, accepting one as a cluster,
dismissing one, and a note's alike notes while it is dragged. Each is one
transaction on the board, with its rule checked inside it
(canvas.session.phases)."""

from __future__ import annotations

import json

from canvas.errors import NoteNotFound, SuggestionGone
from canvas.ids import new_row_id
from canvas.session.phases import Action, Credentials, authorize
from canvas.session.suggestions import GroupingSuggestion, alike_notes, propose_groups, still_suggested
from canvas.session.visibility import visible_notes
from storage.clusters import create_cluster
from storage.boards import board_phase, changing_board, get_board
from storage.db import Database, iso, now, read_transaction
from storage.identity import resolve_actor
from storage.notes import get_note, list_notes
from storage.votes import settle_votes


def _may(db: Database, board_id: str, action: Action, credentials: Credentials) -> None:
    authorize(action, board_phase(db, board_id), resolve_actor(db, board_id, credentials))


def _row(row: dict) -> GroupingSuggestion:
    return GroupingSuggestion.model_validate({**row, "note_ids": json.loads(row["note_ids"])})


def list_suggestions(db: Database, board_id: str, *, dismissed: bool = False) -> list[GroupingSuggestion]:
    """The board's open suggestions (or the dismissed ones), in the order made."""
    sql = ("SELECT * FROM grouping_suggestions WHERE board_id = ? AND dismissed_at IS {} NULL "
           "ORDER BY position").format("NOT" if dismissed else "")
    return [_row(row) for row in db.query(sql, [board_id])]


def suggest_groups(db: Database, board_id: str, credentials: Credentials, *,
                   across_columns: bool = False) -> int:
    """Replace the board's open suggestions with groups of alike ungrouped
    notes (never across columns unless `across_columns`); returns how many.
    The notes are read inside the write, so the suggestions fit the board as
    it is when they are stored."""
    with changing_board(db, board_id):
        _may(db, board_id, Action.suggest_groups, credentials)
        board = get_board(db, board_id)
        steps = [step.key for step in board.template_model.note_steps]
        refused = [s.note_ids for s in list_suggestions(db, board_id, dismissed=True)]
        proposed = propose_groups(list_notes(db, board_id), steps, across_columns=across_columns,
                                  dismissed=refused)
        db.execute("DELETE FROM grouping_suggestions WHERE board_id = ? AND dismissed_at IS NULL",
                   [board_id])
        position = db["grouping_suggestions"].next_position(board_id=board_id)
        stamp = iso(now())
        db["grouping_suggestions"].insert_all(
            {"id": new_row_id(), "board_id": board_id, "position": position + index,
             "step_key": group.step_key, "name": group.name, "note_ids": json.dumps(group.note_ids),
             "created_at": stamp, "dismissed_at": None}
            for index, group in enumerate(proposed))
    return len(proposed)


def _open(db: Database, board_id: str, suggestion_id: str) -> GroupingSuggestion:
    row = next(db.query("SELECT * FROM grouping_suggestions WHERE id = ? AND board_id = ? "
                        "AND dismissed_at IS NULL", [suggestion_id, board_id]), None)
    if row is None:
        raise SuggestionGone()
    return _row(row)


def accept_suggestion(db: Database, board_id: str, suggestion_id: str, credentials: Credentials,
                      *, name: str | None = None) -> str:
    """Make the suggestion a cluster, named as suggested (or `name`), of its
    notes that are still ungrouped, in the column of the first of them; the
    same rule as grouping by hand. Returns the new cluster's id. Refused
    (SuggestionGone) once fewer than two of its notes are left ungrouped."""
    with changing_board(db, board_id):
        _may(db, board_id, Action.group, credentials)
        suggestion = _open(db, board_id, suggestion_id)
        members = still_suggested(suggestion, list_notes(db, board_id))
        if not members:
            raise SuggestionGone()
        step_key = members[0].step_key
        # Joins this transaction: the board moves by one revision in all.
        cluster_id = create_cluster(db, board_id, step_key, name or suggestion.name, credentials).id
        placed = db.execute("SELECT revision FROM boards WHERE id = ?", [board_id]).fetchone()[0] + 1
        for note in members:
            changes: dict = {"cluster_id": cluster_id, "placed_revision": placed}
            if note.step_key != step_key:
                changes.update(step_key=step_key,
                               position=db["notes"].next_position(board_id=board_id, step_key=step_key))
            db["notes"].update(note.id, changes)
        db.execute("DELETE FROM grouping_suggestions WHERE id = ?", [suggestion.id])
        # A note's dots go with it into the cluster, within the per-item limit.
        settle_votes(db, board_id)
    return cluster_id


def dismiss_suggestion(db: Database, board_id: str, suggestion_id: str,
                       credentials: Credentials) -> None:
    """Put a suggestion aside for everyone; asking again will not offer the
    same notes as a group."""
    with changing_board(db, board_id):
        _may(db, board_id, Action.group, credentials)
        suggestion = _open(db, board_id, suggestion_id)
        db["grouping_suggestions"].update(suggestion.id, {"dismissed_at": iso(now())})


def find_alike(db: Database, board_id: str, note_id: str, credentials: Credentials) -> list[str]:
    """The ids of the notes of the note's column most like it, most alike
    first (canvas.session.suggestions.alike_notes), for whoever may group
    now; reads only. Made from the notes the asker may see: a note that is
    gone, of another board or hidden from them is NoteNotFound."""
    with read_transaction(db):
        board = get_board(db, board_id)
        actor = resolve_actor(db, board_id, credentials)
        authorize(Action.group, board.phase, actor)
        note = get_note(db, board_id, note_id)
        if note.is_deleted:
            raise NoteNotFound(note_id)
        column = visible_notes(list_notes(db, board_id, note.step_key), board.phase, actor.participant_id)
        return alike_notes(column, note_id)
