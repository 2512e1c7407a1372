"""Rules for what a person enters, and reading back what is already stored.

The same models carry both a person's input and what storage returns. Rules
about input (supported dates, no control characters, no text made only of
invisible characters) must refuse new input, yet never make a board that
already holds such a value (older data) impossible to open: storage reads
rows with the `STORED` context, under which the entry rules stand aside and
the value is taken as it is, to be shown with a warning and corrected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import AfterValidator, ValidationInfo

# model_validate(row, context=STORED): a row read back from the database.
STORED = {"stored": True}


def is_stored(info: ValidationInfo) -> bool:
    """Whether the value being validated is read back from storage."""
    return bool(info.context and info.context.get("stored"))


def entry_rule(check: Callable[[Any], Any]) -> AfterValidator:
    """An after-validator running `check` on what a person enters, and
    skipping it for values read back from storage (see the module docstring).
    `check` returns the (possibly normalised) value or raises ValueError."""

    def run(value: Any, info: ValidationInfo) -> Any:
        return value if is_stored(info) else check(value)

    return AfterValidator(run)
