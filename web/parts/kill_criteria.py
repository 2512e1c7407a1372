"""Carrying out the kill criteria part's intents (canvas.session.parts.kill_criteria)
through the storage functions the pages call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from canvas.actions import TriggerDraft
from canvas.session.parts.kill_criteria import AddKillCriterion, DeleteKillCriterion, EditKillCriterion
from storage import actions


def _draft(intent: AddKillCriterion | EditKillCriterion) -> TriggerDraft:
    return TriggerDraft.model_validate({"signal": intent.signal, "kind": intent.kind,
                                        "response": intent.response, "owner": intent.owner})


def _add(db, board_id, credentials, intent: AddKillCriterion):
    actions.add_trigger(db, board_id, _draft(intent))


def _edit(db, board_id, credentials, intent: EditKillCriterion):
    actions.edit_trigger(db, board_id, intent.criterion_id, _draft(intent), intent.seen)


def _delete(db, board_id, credentials, intent: DeleteKillCriterion):
    actions.delete_trigger(db, board_id, intent.criterion_id)


HANDLERS: dict[type, Callable[..., Any]] = {
    AddKillCriterion: _add, EditKillCriterion: _edit, DeleteKillCriterion: _delete,
}
