"""The notes most like a note, for the highlight while it is dragged in
Group: asked for when a drag of that note starts (`FindAlike`, which only
reads), computed from the notes the asker may see, within its column.

The part itself carries only whether they may be asked for now: built on
every change of the board, it must cost nothing when a note's words change
(every note's alike notes at once is all pairs of a column, far too slow to
redo on each keystroke saved on a 300-note board)."""

from __future__ import annotations

from typing import Literal

from canvas.session.intent_fields import Id, IntentModel
from canvas.session.phases import RULES, Action
from canvas.snapshot import BoardSnapshot


class FindAlike(IntentModel):
    """Which notes of its column are most like this note (changes nothing)."""

    type: Literal["find_alike"]
    note_id: Id


INTENTS: tuple[type[IntentModel], ...] = (FindAlike,)


def build(seen: BoardSnapshot) -> dict:
    """{"may_ask": true} while notes are grouped (the same rule as moving
    them, so whoever drags a note may ask); nothing otherwise."""
    if seen.board.phase not in RULES[Action.group].phases:
        return {}
    return {"may_ask": True}
