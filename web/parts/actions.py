"""Carrying out the actions part's intents (canvas.session.parts.actions)
through the storage functions the pages call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from canvas.actions import ActionDraft
from canvas.session.parts.actions import AddAction, DeleteAction, EditAction, RestoreAction
from storage import actions


def _add_action(db, board_id, credentials, intent: AddAction):
    actions.add_action(db, board_id, ActionDraft.model_validate({
        "title": intent.title, "owner": intent.owner, "due_date": intent.due_date or None,
        "success_signal": intent.success_signal,
    }))


def _edit_action(db, board_id, credentials, intent: EditAction):
    changes = intent.changes()
    if not changes:
        return False
    actions.change_action(db, board_id, intent.action_id, changes, intent.version)


def _delete_action(db, board_id, credentials, intent: DeleteAction):
    actions.delete_action(db, board_id, intent.action_id)


def _restore_action(db, board_id, credentials, intent: RestoreAction):
    actions.restore_action(db, board_id, intent.action_id)


HANDLERS: dict[type, Callable[..., Any]] = {
    AddAction: _add_action, EditAction: _edit_action, DeleteAction: _delete_action,
    RestoreAction: _restore_action,
}
