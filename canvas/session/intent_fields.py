"""The field types every intent is made of, and the model they all extend.

Kept apart from the intents themselves so that each part of the board
(`canvas.session.parts`) can declare its own intents beside its view, and
`canvas.session.intents` can join them all into one union without a circle.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict, StringConstraints

# Row ids are 16 characters; older releases and backups stay far below this.
ID_MAX_CHARS = 64
# Above every text field's own limit (a note takes 1,000 characters), so that
# field's rule gives its own sentence; far below what would cost anything to read.
TEXT_MAX_CHARS = 10_000
# The largest integer a browser's JSON keeps exactly (2**53 - 1).
WHOLE_NUMBER_MAX = 9_007_199_254_740_991


def empty_is_none(value: Any) -> Any:
    # The canvas sends "" for "none" in a few places (a select left empty).
    return None if value == "" else value


Id = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=ID_MAX_CHARS)]
OptionalId = Annotated[Id | None, BeforeValidator(empty_is_none)]
StepKey = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=ID_MAX_CHARS)]
Text = Annotated[str, Strict(), StringConstraints(max_length=TEXT_MAX_CHARS)]
Flag = Annotated[bool, Strict()]
WholeNumber = Annotated[int, Strict(), Field(ge=-WHOLE_NUMBER_MAX, le=WHOLE_NUMBER_MAX)]


class IntentModel(BaseModel):
    """An intent: frozen, and deaf to fields it does not know (the ticket, the key)."""

    model_config = ConfigDict(frozen=True, extra="ignore")
