"""The timeline part of the live board: its view and the intents that change it."""

from __future__ import annotations

from canvas.session.intent_fields import IntentModel
from canvas.snapshot import BoardSnapshot

INTENTS: tuple[type[IntentModel], ...] = ()


def build(seen: BoardSnapshot) -> dict:
    """The part as the board draws it."""
    return {}
