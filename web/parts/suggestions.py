"""Carrying out the grouping suggestions' intents
(canvas.session.parts.suggestions) and the alike notes' one
(canvas.session.parts.similar) through storage.suggestions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from canvas.session.parts.similar import FindAlike
from canvas.session.parts.suggestions import AcceptSuggestion, DismissSuggestion, SuggestGroups
from storage import suggestions


def _suggest(db, board_id, credentials, intent: SuggestGroups):
    suggestions.suggest_groups(db, board_id, credentials, across_columns=intent.across_columns)


def _accept(db, board_id, credentials, intent: AcceptSuggestion):
    suggestions.accept_suggestion(db, board_id, intent.suggestion_id, credentials)


def _dismiss(db, board_id, credentials, intent: DismissSuggestion):
    suggestions.dismiss_suggestion(db, board_id, intent.suggestion_id, credentials)


def _find_alike(db, board_id, credentials, intent: FindAlike):
    # Only reads: the answer is a preview, and the board does not move.
    alike = suggestions.find_alike(db, board_id, intent.note_id, credentials)
    return {"preview": {"note_id": intent.note_id, "alike": alike}}


HANDLERS: dict[type, Callable[..., Any]] = {
    SuggestGroups: _suggest, AcceptSuggestion: _accept, DismissSuggestion: _dismiss,
    FindAlike: _find_alike,
}
