"""The kill criteria part of the live board: each criterion as a card,
"if we see this signal, we commit to this response", with who makes the
call, the advice that keeps it observable, and the intents that change them."""

from __future__ import annotations

from typing import Literal

from canvas.actions import Trigger, TriggerKind, trigger_fingerprint, trigger_warnings
from canvas.session.intent_fields import Id, IntentModel, Text
from canvas.snapshot import BoardSnapshot

EXPLANATION = ("Decided now, so nobody argues in the moment: if we see this signal, "
               "we commit to this response.")


class AddKillCriterion(IntentModel):
    type: Literal["add_kill_criterion"]
    signal: Text
    kind: Text = TriggerKind.pause.value
    response: Text
    owner: Text = ""


class EditKillCriterion(IntentModel):
    """A criterion said anew, over what the card showed (`seen`, its fingerprint)."""

    type: Literal["edit_kill_criterion"]
    criterion_id: Id
    seen: Text
    signal: Text
    kind: Text
    response: Text
    owner: Text = ""


class DeleteKillCriterion(IntentModel):
    type: Literal["delete_kill_criterion"]
    criterion_id: Id


INTENTS: tuple[type[IntentModel], ...] = (AddKillCriterion, EditKillCriterion, DeleteKillCriterion)


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it."""
    return {
        "criteria": [_card(trigger) for trigger in seen.triggers],
        "kinds": [{"key": kind.value, "label": kind.label} for kind in TriggerKind],
        "explanation": EXPLANATION,
    }


def _card(trigger: Trigger) -> dict:
    return {
        "id": trigger.id, "signal": trigger.signal, "kind": trigger.kind.value,
        "kind_label": trigger.kind.label, "response": trigger.response, "owner": trigger.owner,
        "seen": trigger_fingerprint(trigger),
        "tips": trigger_warnings(trigger.signal, trigger.response),
    }
