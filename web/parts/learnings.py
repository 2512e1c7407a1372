"""Carrying out the learnings part's intents (canvas.session.parts.learnings)
through the storage functions the pages call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from canvas.actions import ActionDraft
from canvas.learnings import DecisionDraft, LearningDraft
from canvas.session.parts.learnings import (
    AddActionForDecision, AddLearning, DeleteLearning, EditLearning, LinkAction, LinkEvidence,
    SetDecision, UnlinkAction,
)
from storage import learnings


def _draft(db, board_id: str, text: str, evidence_id: str | None) -> LearningDraft:
    kind = None if evidence_id is None else learnings.evidence_kind(db, board_id, evidence_id)
    return LearningDraft.model_validate({"text": text, "evidence_kind": kind, "evidence_id": evidence_id})


def _add_learning(db, board_id, credentials, intent: AddLearning):
    learnings.add_learning(db, board_id, _draft(db, board_id, intent.text, intent.evidence_id), credentials)


def _edit_learning(db, board_id, credentials, intent: EditLearning):
    # The evidence stays as stored, even a note this person cannot see yet;
    # had it changed since their version, the version check refuses the save.
    current = learnings.get_learning(db, board_id, intent.learning_id)
    draft = LearningDraft.model_validate({"text": intent.text, "evidence_kind": current.evidence_kind,
                                          "evidence_id": current.evidence_id})
    learnings.edit_learning(db, board_id, intent.learning_id, draft, intent.version, credentials)


def _link_evidence(db, board_id, credentials, intent: LinkEvidence):
    # Against the version read here: a text saved in between is refused as a
    # conflict rather than overwritten with the text read here.
    current = learnings.get_learning(db, board_id, intent.learning_id)
    if current.evidence_id == intent.evidence_id:
        return False
    draft = _draft(db, board_id, current.text, intent.evidence_id)
    learnings.edit_learning(db, board_id, intent.learning_id, draft, current.version, credentials)


def _delete_learning(db, board_id, credentials, intent: DeleteLearning):
    learnings.delete_learning(db, board_id, intent.learning_id, credentials)


def _set_decision(db, board_id, credentials, intent: SetDecision):
    draft = DecisionDraft.model_validate({"kind": intent.kind, "text": intent.text,
                                          "trade_off": intent.trade_off})
    learnings.set_decision(db, board_id, intent.learning_id, draft, credentials, intent.version)


def _add_action_for_decision(db, board_id, credentials, intent: AddActionForDecision):
    decision = learnings.get_decision(db, board_id, intent.decision_id)
    draft = ActionDraft.model_validate({
        "title": intent.title, "owner": intent.owner, "due_date": intent.due or None,
        "type": decision.kind.action_type,
    })
    learnings.add_action_for_decision(db, board_id, intent.decision_id, draft, credentials)


def _link_action(db, board_id, credentials, intent: LinkAction):
    learnings.link_action(db, board_id, intent.decision_id, intent.action_id, credentials)


def _unlink_action(db, board_id, credentials, intent: UnlinkAction):
    learnings.unlink_action(db, board_id, intent.decision_id, intent.action_id, credentials)


HANDLERS: dict[type, Callable[..., Any]] = {
    AddLearning: _add_learning, EditLearning: _edit_learning, LinkEvidence: _link_evidence,
    DeleteLearning: _delete_learning, SetDecision: _set_decision,
    AddActionForDecision: _add_action_for_decision, LinkAction: _link_action,
    UnlinkAction: _unlink_action,
}
