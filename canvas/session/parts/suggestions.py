"""Grouping suggestions on the live board: the facilitator asks, in Group,
for groups of alike ungrouped notes; everyone sees each suggestion (its name
and its notes, outlined on the board), and whoever may group accepts one as
a cluster with one click or dismisses it."""

from __future__ import annotations

from typing import Literal

from canvas.session.intent_fields import Flag, Id, IntentModel
from canvas.session.phases import RULES, Action
from canvas.session.suggestions import still_suggested
from canvas.snapshot import BoardSnapshot

EXPLANATION = ("Groups of alike notes, found on this server from the notes' words: "
               "accept one to make it a cluster, or dismiss it.")
NOTE_PREVIEW_CHARS = 60


class SuggestGroups(IntentModel):
    """Ask for suggestions anew (they replace the open ones)."""

    type: Literal["suggest_groups"]
    across_columns: Flag = False


class AcceptSuggestion(IntentModel):
    type: Literal["accept_suggestion"]
    suggestion_id: Id


class DismissSuggestion(IntentModel):
    type: Literal["dismiss_suggestion"]
    suggestion_id: Id


INTENTS: tuple[type[IntentModel], ...] = (SuggestGroups, AcceptSuggestion, DismissSuggestion)


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it: nothing outside the phases where notes
    are grouped; there, each suggestion that still holds, with the notes of
    it the audience can see (suggestions name only notes already visible to
    everyone in Group, and the filter keeps it so in any phase)."""
    if seen.board.phase not in RULES[Action.group].phases:
        return {}
    titles = {step.key: step.title for step in seen.board.template_model.note_steps}
    cards = []
    for suggestion in seen.suggestions:
        members = still_suggested(suggestion, seen.notes)
        if not members:
            continue
        cards.append({
            "id": suggestion.id, "name": suggestion.name, "mark": len(cards) + 1,
            "step_key": members[0].step_key, "step_title": titles.get(members[0].step_key, ""),
            "across": len({note.step_key for note in members}) > 1,
            "notes": [{"id": note.id, "number": note.number, "text": _preview(note.text)}
                      for note in members],
        })
    return {"shown": True, "suggestions": cards, "explanation": EXPLANATION}


def _preview(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= NOTE_PREVIEW_CHARS else line[: NOTE_PREVIEW_CHARS - 1] + "…"
