"""Tables keyed by an action's status, checked to name every status.

An export that looks a status up in a table of its own (a colour, a word for
customers) must not fail on a board that uses a status the table forgot, as
the PNG once did on the first parked idea. `every_status` refuses such a
table when its module is imported, so every test that imports it fails
instead of a person's export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from canvas.actions import Status

V = TypeVar("V")


class StatusMissing(TypeError):
    """A table keyed by action status leaves a status out (a programming error)."""


def every_status(table: Mapping[Status, V]) -> dict[Status, V]:
    """`table` as a dict; raises StatusMissing unless it has an entry for
    every member of `Status`."""
    missing = [status.value for status in Status if status not in table]
    if missing:
        raise StatusMissing(f"no entry for the action status {', '.join(missing)}")
    return dict(table)
