"""Follow-up actions and triggers of a board."""

from __future__ import annotations


from canvas.actions import (
    ActionDraft, FollowUp, Status, Trigger, TriggerDraft, changes_only_follow_through, draft_for_item,
    trigger_fingerprint,
)
from canvas.errors import ActionNotFound, EditConflict, NotVotable, TriggerNotFound
from canvas.ids import new_row_id
from canvas.session.grouping import VotableItem
from canvas.session.phases import ANYONE, Action, Credentials, authorize
from canvas.validation import STORED
from storage.boards import board_phase, changing_board, get_board
from storage.clusters import list_clusters
from storage.db import Database, iso, now
from storage.identity import resolve_actor
from storage.notes import get_note


def _may_edit(db, board_id: str) -> None:
    # What an action is stays as the meeting left it once the board is closed;
    # how it is going does not (see edit_action and set_action_status).
    authorize(Action.edit_actions, board_phase(db, board_id), ANYONE)


def add_action(db: Database, board_id: str, draft: ActionDraft) -> FollowUp:
    """Store a new action."""
    action_id = new_row_id()
    stamp = iso(now())
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        columns = _columns(draft)
        if not draft.customer_facing:
            # Unmarked is the column's default: an insert leaves it to the
            # schema, as it leaves `iac`, and reads as every release wrote it.
            del columns["customer_facing"]
        db["actions"].insert({**columns, "id": action_id, "board_id": board_id,
                              "created_at": stamp, "updated_at": stamp, "deleted_at": None,
                              "version": 1, **_done_at(None, draft.status, stamp)})
    return get_action(db, board_id, action_id)


def add_action_from_item(db: Database, board_id: str, draft: ActionDraft,
                         credentials: Credentials) -> FollowUp:
    """Store the draft action made from a ranked item, which only Discuss allows."""
    with changing_board(db, board_id):
        authorize(Action.action_from_item, board_phase(db, board_id),
                  resolve_actor(db, board_id, credentials))
        return add_action(db, board_id, draft)


def add_action_for_item(db: Database, board_id: str, item_id: str, fields: dict,
                        credentials: Credentials) -> FollowUp:
    """Make a ranked item (a live cluster, or a note) of this board into an
    action, typed by its step and linked back to it, with the person's
    `fields` (title, owner, due_date, success_signal) over the draft.

    The item and the board's template are read inside the write's
    transaction, so the action is made from the item as it is when written:
    NoteNotFound for an id this board does not have, NotVotable for a
    deleted note, a ValidationError for fields an action refuses, and
    PhaseForbids outside Discuss."""
    with changing_board(db, board_id):
        cluster = next((c for c in list_clusters(db, board_id) if c.id == item_id), None)
        if cluster is not None:
            item = VotableItem(id=cluster.id, kind="cluster", step_key=cluster.step_key, title=cluster.name,
                               note_texts=[])
        else:
            note = get_note(db, board_id, item_id)
            if note.is_deleted:
                raise NotVotable()
            item = VotableItem(id=note.id, kind="note", step_key=note.step_key, title=note.text,
                               note_texts=[note.text])
        draft = draft_for_item(item, get_board(db, board_id).template_model)
        draft = ActionDraft.model_validate({**draft.model_dump(), **fields})
        return add_action_from_item(db, board_id, draft, credentials)


def get_action(db: Database, board_id: str, action_id: str) -> FollowUp:
    row = next(db.query("SELECT * FROM actions WHERE id = ? AND board_id = ? AND deleted_at IS NULL",
                        [action_id, board_id]), None)
    if row is None:
        raise ActionNotFound()
    return _action(row)


def list_actions(db: Database, board_id: str) -> list[FollowUp]:
    """A board's live actions, in the order they were created."""
    rows = db.query("SELECT * FROM actions WHERE board_id = ? AND deleted_at IS NULL "
                    "ORDER BY created_at, rowid", [board_id])
    return [_action(row) for row in rows]


def edit_action(db: Database, board_id: str, action_id: str, draft: ActionDraft,
                expected_version: int) -> FollowUp:
    """Save changes unless someone saved the action since `expected_version`.
    On a closed board only the follow-through (status, owner, dates) may change."""
    with changing_board(db, board_id):
        current = get_action(db, board_id, action_id)
        if changes_only_follow_through(current, draft):
            # Status, owner and dates: follow-through, allowed on a closed board.
            authorize(Action.update_action_status, board_phase(db, board_id), ANYONE)
        else:
            _may_edit(db, board_id)
        if current.version != expected_version:
            raise EditConflict(current.title)
        stamp = iso(now())
        db["actions"].update(action_id, {**_columns(draft), "updated_at": stamp,
                                         "version": current.version + 1,
                                         **_done_at(current.status, draft.status, stamp)})
    return get_action(db, board_id, action_id)


def change_action(db: Database, board_id: str, action_id: str, changes: dict,
                  expected_version: int) -> FollowUp:
    """Change some of an action's fields (`changes`, by ActionDraft's names;
    the rest stay as stored), unless someone saved it since
    `expected_version` (EditConflict). Read and written in one transaction,
    so two people changing different fields at once never undo each other."""
    with changing_board(db, board_id):
        current = get_action(db, board_id, action_id)
        if current.version != expected_version:
            raise EditConflict(current.title)
        draft = ActionDraft.model_validate(
            {**current.model_dump(include=set(ActionDraft.model_fields)), **changes})
        return edit_action(db, board_id, action_id, draft, expected_version)


def set_action_status(db: Database, board_id: str, action_id: str, status: Status,
                      reason: str = "") -> FollowUp:
    """Record how an action is going (open, in progress, done, won't do with a
    reason); allowed on a closed board too."""
    with changing_board(db, board_id):
        authorize(Action.update_action_status, board_phase(db, board_id), ANYONE)
        current = get_action(db, board_id, action_id)
        draft = ActionDraft.model_validate({
            **current.model_dump(include=set(ActionDraft.model_fields)),
            "status": status, "status_reason": reason or current.status_reason,
        })
        stamp = iso(now())
        db["actions"].update(action_id, {"status": draft.status.value,
                                         "status_reason": draft.status_reason,
                                         "updated_at": stamp, "version": current.version + 1,
                                         **_done_at(current.status, draft.status, stamp)})
    return get_action(db, board_id, action_id)


def delete_action(db: Database, board_id: str, action_id: str) -> None:
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        get_action(db, board_id, action_id)
        db["actions"].update(action_id, {"deleted_at": iso(now())})


def restore_action(db: Database, board_id: str, action_id: str) -> None:
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        db.execute("UPDATE actions SET deleted_at = NULL WHERE id = ? AND board_id = ?",
                   [action_id, board_id])


def all_actions(db: Database, board_ids: list[str] | None = None) -> list[tuple[str, str, FollowUp]]:
    """Actions across live boards as (board id, board title, action), for the
    cross-board list: the next postmortem sees what earlier ones left open."""
    sql = ("SELECT a.*, b.title AS board_title FROM actions a JOIN boards b ON b.id = a.board_id "
           "WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL")
    params: list = []
    if board_ids is not None:
        if not board_ids:
            return []
        sql += f" AND a.board_id IN ({','.join('?' * len(board_ids))})"
        params += board_ids
    sql += " ORDER BY coalesce(a.due_date, '9999'), a.created_at"
    return [(row["board_id"], row.pop("board_title"), _action(row)) for row in db.query(sql, params)]


def add_trigger(db: Database, board_id: str, draft: TriggerDraft) -> Trigger:
    """Record a pre-committed trigger (kill criterion)."""
    trigger_id = new_row_id()
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        db["triggers"].insert({"id": trigger_id, "board_id": board_id, "signal": draft.signal,
                               "kind": draft.kind.value, "response": draft.response,
                               "owner": draft.owner, "created_at": iso(now()),
                               "deleted_at": None})
    return next(t for t in list_triggers(db, board_id) if t.id == trigger_id)


def list_triggers(db: Database, board_id: str) -> list[Trigger]:
    rows = db.query("SELECT * FROM triggers WHERE board_id = ? AND deleted_at IS NULL "
                    "ORDER BY created_at, rowid", [board_id])
    return [Trigger.model_validate(row, context=STORED) for row in rows]


def get_trigger(db: Database, board_id: str, trigger_id: str) -> Trigger:
    """A live kill criterion of this board; TriggerNotFound otherwise."""
    row = next(db.query("SELECT * FROM triggers WHERE id = ? AND board_id = ? AND deleted_at IS NULL",
                        [trigger_id, board_id]), None)
    if row is None:
        raise TriggerNotFound()
    return Trigger.model_validate(row, context=STORED)


def edit_trigger(db: Database, board_id: str, trigger_id: str, draft: TriggerDraft,
                 seen: str) -> Trigger:
    """Say a kill criterion anew, unless it changed since it read as `seen`
    (its canvas.actions.trigger_fingerprint then): EditConflict."""
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        current = get_trigger(db, board_id, trigger_id)
        if trigger_fingerprint(current) != seen:
            raise EditConflict(current.signal)
        db.execute("UPDATE triggers SET signal = ?, kind = ?, response = ?, owner = ? "
                   "WHERE id = ? AND board_id = ?",
                   [draft.signal, draft.kind.value, draft.response, draft.owner, trigger_id,
                    board_id])
    return get_trigger(db, board_id, trigger_id)


def delete_trigger(db: Database, board_id: str, trigger_id: str) -> None:
    """Remove a live kill criterion of this board (TriggerNotFound for any other id)."""
    with changing_board(db, board_id):
        _may_edit(db, board_id)
        get_trigger(db, board_id, trigger_id)
        db.execute("UPDATE triggers SET deleted_at = ? WHERE id = ? AND board_id = ?",
                   [iso(now()), trigger_id, board_id])


def _done_at(was: Status | None, status: Status, stamp: str) -> dict:
    """The done_at change a status change makes: the moment it becomes done,
    none once it is not; nothing while it stays done (or stays undone)."""
    if status is Status.done:
        return {} if was is Status.done else {"done_at": stamp}
    return {} if was is not Status.done else {"done_at": None}


def _columns(draft: ActionDraft) -> dict:
    data = draft.model_dump(mode="json")
    # An INTEGER column on both databases: PostgreSQL refuses a boolean in it.
    return {**{key: data[key] for key in (
        "title", "owner", "due_date", "type", "priority", "status", "status_reason",
        "success_signal", "review_date", "source_kind", "source_id")},
        "customer_facing": int(draft.customer_facing)}


def _action(row: dict) -> FollowUp:
    row = {key: value for key, value in row.items() if key != "deleted_at"}
    for key in ("owner", "status_reason", "success_signal"):
        row[key] = row[key] or ""
    # STORED: older data is read as it is, so it can be shown and corrected.
    return FollowUp.model_validate(row, context=STORED)


def dated_actions(db: Database, board_id: str | None = None,
                  owner: str | None = None) -> list[tuple[str, str, str, FollowUp]]:
    """Actions of live boards as (board id, board title, board time zone,
    action), for reminders and calendar feeds; one board or one owner's."""
    sql = ("SELECT a.*, b.title AS board_title, b.timezone AS board_timezone FROM actions a "
           "JOIN boards b ON b.id = a.board_id WHERE a.deleted_at IS NULL AND b.deleted_at IS NULL")
    params: list = []
    if board_id is not None:
        sql += " AND a.board_id = ?"
        params.append(board_id)
    if owner is not None:
        sql += " AND lower(trim(a.owner)) = lower(trim(?))"
        params.append(owner)
    sql += " ORDER BY b.created_at, a.created_at, a.rowid"
    result = []
    for row in db.query(sql, params):
        title, zone = row.pop("board_title"), row.pop("board_timezone")
        result.append((row["board_id"], title, zone, _action(row)))
    return result
