"""Sticky notes: add, edit (with a version check), soft delete and restore,
and ties to the moments of the timeline they are about."""

from __future__ import annotations


from canvas.errors import EditConflict, NoteNotFound, StepNotFound
from canvas.ids import new_row_id
from canvas.models import Note, NoteDraft
from canvas.session.phases import Action, Credentials, authorize
from storage.boards import board_phase, changing_board, get_board
from storage.db import Database, iso, now
from storage.events import get_event
from storage.identity import resolve_actor
from storage.votes import return_votes_on, settle_votes


def add_note(
    db: Database, board_id: str, step_key: str, draft: NoteDraft,
    credentials: Credentials,
) -> Note:
    """Put a new note, written by whoever `credentials` name, at the end of a
    step's column. Raises StepNotFound unless the board's template has that
    sticky-note step."""
    note_id = new_row_id()
    stamp = iso(now())
    with changing_board(db, board_id):
        actor = resolve_actor(db, board_id, credentials)
        authorize(Action.write_note, board_phase(db, board_id), actor)
        if not get_board(db, board_id).template_model.holds_notes(step_key):
            raise StepNotFound(step_key)
        position = db["notes"].next_position(board_id=board_id, step_key=step_key)
        number = db.execute(
            "SELECT coalesce(max(number), 0) + 1 FROM notes WHERE board_id = ?", [board_id]
        ).fetchone()[0]
        db["notes"].insert(
            {
                "id": note_id,
                "board_id": board_id,
                "step_key": step_key,
                "text": draft.text,
                "colour": draft.colour.value,
                "author_id": actor.participant_id,
                "position": position,
                "number": number,
                "created_at": stamp,
                "updated_at": stamp,
                "deleted_at": None,
                "version": 1,
            }
        )
    return get_note(db, board_id, note_id)


def get_note(db: Database, board_id: str, note_id: str) -> Note:
    """A note of this board, deleted or not; raises NoteNotFound."""
    row = next(
        db.query("SELECT * FROM notes WHERE id = ? AND board_id = ?", [note_id, board_id]), None
    )
    if row is None:
        raise NoteNotFound(note_id)
    return Note.model_validate(row)


def list_notes(
    db: Database, board_id: str, step_key: str | None = None, *, deleted: bool = False
) -> list[Note]:
    """Live notes of a board (or only deleted ones), by step then column position."""
    sql = "SELECT * FROM notes WHERE board_id = ? AND deleted_at IS {} NULL".format(
        "NOT" if deleted else ""
    )
    params: list = [board_id]
    if step_key is not None:
        sql += " AND step_key = ?"
        params.append(step_key)
    sql += " ORDER BY step_key, position, created_at"
    return [Note.model_validate(row) for row in db.query(sql, params)]


def edit_note(
    db: Database, board_id: str, note_id: str, draft: NoteDraft,
    expected_version: int, credentials: Credentials,
) -> Note:
    """Change a note's text and colour, unless someone changed it since `expected_version`."""
    with changing_board(db, board_id):
        actor = resolve_actor(db, board_id, credentials)
        current = get_note(db, board_id, note_id)
        authorize(Action.change_note, board_phase(db, board_id), actor, current.author_id)
        if current.is_deleted:
            raise NoteNotFound(note_id)
        if current.version != expected_version:
            raise EditConflict(current.text)
        db["notes"].update(
            note_id,
            {
                "text": draft.text,
                "colour": draft.colour.value,
                "updated_at": iso(now()),
                "version": current.version + 1,
            },
        )
    return get_note(db, board_id, note_id)


def delete_note(db: Database, board_id: str, note_id: str,
                credentials: Credentials) -> Note:
    """Move a note to the board's bin; `restore_note` brings it back.
    Its dots go back to their voters."""
    return _set_deleted(db, board_id, note_id, credentials, deleted=True)


def restore_note(db: Database, board_id: str, note_id: str,
                credentials: Credentials) -> Note:
    """Bring a deleted note back to where it was, without dots (they went
    back to their voters when it was deleted, and may be spent elsewhere)."""
    return _set_deleted(db, board_id, note_id, credentials, deleted=False)


def _set_deleted(db: Database, board_id: str, note_id: str,
                 credentials: Credentials, *, deleted: bool) -> Note:
    with changing_board(db, board_id):
        actor = resolve_actor(db, board_id, credentials)
        current = get_note(db, board_id, note_id)
        authorize(Action.change_note, board_phase(db, board_id), actor, current.author_id)
        # Also before a restore: older versions left dots on deleted notes,
        # and bringing them back could push someone over the budget.
        return_votes_on(db, board_id, [note_id])
        db["notes"].update(
            note_id,
            {
                "deleted_at": iso(now()) if deleted else None,
                "version": current.version + 1,
                "updated_at": iso(now()),
            },
        )
        settle_votes(db, board_id)
    return get_note(db, board_id, note_id)


def link_note_to_event(
    db: Database, board_id: str, note_id: str, event_id: str | None,
    credentials: Credentials,
) -> Note:
    """Tie a note to a live event of the same board (None unties it).

    Anyone on the board may do this to any note, in every phase but Closed:
    pointing a note at the moment it is about is curation, not authorship.
    Raises NoteNotFound for a deleted or foreign note, EventNotFound for a
    deleted or foreign event.
    """
    with changing_board(db, board_id):
        authorize(Action.link_note, board_phase(db, board_id),
                  resolve_actor(db, board_id, credentials))
        current = get_note(db, board_id, note_id)
        if current.is_deleted:
            raise NoteNotFound(note_id)
        if event_id is not None:
            get_event(db, board_id, event_id)  # same board, and live
        # Neither the version nor updated_at moves: the version guards the
        # text, and someone editing the text must not be refused because
        # another person tied the note to a moment meanwhile.
        db["notes"].update(note_id, {"event_id": event_id})
    return get_note(db, board_id, note_id)


def mark_assumption(
    db: Database, board_id: str, note_id: str, is_assumption: bool,
    credentials: Credentials,
) -> Note:
    """Mark a live note as an assumption to verify, or as an established fact.

    Like a link to the timeline this is curation, not authorship: anyone on
    the board may do it to any note, in every phase but Closed, and the
    note's version stays, so it never makes someone's text edit conflict.
    """
    with changing_board(db, board_id):
        authorize(Action.mark_assumption, board_phase(db, board_id),
                  resolve_actor(db, board_id, credentials))
        current = get_note(db, board_id, note_id)
        if current.is_deleted:
            raise NoteNotFound(note_id)
        db["notes"].update(note_id, {"is_assumption": int(is_assumption)})
    return get_note(db, board_id, note_id)


def list_linked_notes(db: Database, board_id: str) -> dict[str, list[Note]]:
    """Live notes tied to live events, by event id (notes in board order).

    A note tied to a deleted event keeps its link, so restoring the event
    brings the link back; until then it is left out here.
    """
    rows = db.query(
        """
        SELECT n.* FROM notes n
        JOIN events e ON e.id = n.event_id AND e.board_id = n.board_id
        WHERE n.board_id = ? AND n.deleted_at IS NULL AND e.deleted_at IS NULL
        ORDER BY n.number, n.created_at
        """,
        [board_id],
    )
    linked: dict[str, list[Note]] = {}
    for row in rows:
        note = Note.model_validate(row)
        linked.setdefault(note.event_id, []).append(note)
    return linked
