"""The notes most like each note, for the highlight while a note is dragged
in Group: note ids only (the notes themselves are in the columns), computed
from the notes the audience may see, within each column."""

from __future__ import annotations

from canvas.session.intent_fields import IntentModel
from canvas.session.phases import RULES, Action
from canvas.session.suggestions import nearest_notes
from canvas.snapshot import BoardSnapshot

INTENTS: tuple[type[IntentModel], ...] = ()


def build(seen: BoardSnapshot) -> dict:
    """{"near": {note id: [note ids, most alike first]}} while notes can be
    moved; nothing otherwise. A piece of its own on the stream: it changes
    when a note's words change, not when notes move, so a drop does not
    resend it."""
    if seen.board.phase not in RULES[Action.group].phases:
        return {}
    steps = [step.key for step in seen.board.template_model.note_steps]
    return {"near": nearest_notes(seen.notes, steps)}
