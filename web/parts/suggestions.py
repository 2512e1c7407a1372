"""Carrying out the grouping suggestions' intents
(canvas.session.parts.suggestions) through storage.suggestions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from canvas.session.parts.suggestions import AcceptSuggestion, DismissSuggestion, SuggestGroups
from storage import suggestions


def _suggest(db, board_id, credentials, intent: SuggestGroups):
    suggestions.suggest_groups(db, board_id, credentials, across_columns=intent.across_columns)


def _accept(db, board_id, credentials, intent: AcceptSuggestion):
    suggestions.accept_suggestion(db, board_id, intent.suggestion_id, credentials)


def _dismiss(db, board_id, credentials, intent: DismissSuggestion):
    suggestions.dismiss_suggestion(db, board_id, intent.suggestion_id, credentials)


HANDLERS: dict[type, Callable[..., Any]] = {
    SuggestGroups: _suggest, AcceptSuggestion: _accept, DismissSuggestion: _dismiss,
}
