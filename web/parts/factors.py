"""Carrying out the factors part's intents (canvas.session.parts.factors)
through the storage functions the pages call. A factor's category goes
through `set_category`, which the note columns share (web.actions)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from canvas.learnings import WhyStep
from canvas.session.parts.factors import AddWhy, EditWhy, RemoveLastWhy
from storage import learnings


def _step(intent: AddWhy | EditWhy) -> WhyStep:
    # The step's own rules (a why says something, each fits on one line and
    # within its limit) give the sentence a refusal carries.
    return WhyStep.model_validate({"why": intent.why, "because": intent.because})


def _add_why(db, board_id, credentials, intent: AddWhy):
    learnings.add_why(db, board_id, intent.item_id, _step(intent), intent.expected_steps, credentials)


def _edit_why(db, board_id, credentials, intent: EditWhy):
    expected = None
    if intent.expected_why is not None:
        expected = (intent.expected_why, intent.expected_because or "")
    learnings.edit_why(db, board_id, intent.item_id, intent.index, _step(intent), intent.expected_steps,
                       credentials, expected=expected)


def _remove_last_why(db, board_id, credentials, intent: RemoveLastWhy):
    learnings.remove_last_why(db, board_id, intent.item_id, intent.expected_steps, credentials)


HANDLERS: dict[type, Callable[..., Any]] = {
    AddWhy: _add_why, EditWhy: _edit_why, RemoveLastWhy: _remove_last_why,
}
