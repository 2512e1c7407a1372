"""Grouping suggestions on the live board: which notes the similarity may
group, what a stored suggestion still holds as notes move, and a note's
alike notes for the highlight while it is dragged.

Only ungrouped notes are suggested: a cluster someone made by hand is their
decision, not a suggestion's to undo. A suggestion goes stale as people
group: a note that joined a cluster or was deleted leaves it, and a
suggestion left with fewer than two notes is no longer shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel

from canvas.errors import NoteNotFound
from canvas.models import Note
from canvas.similarity import NEIGHBOUR_THRESHOLD, most_similar, suggest_groups

NEIGHBOURS_SHOWN = 3


class GroupingSuggestion(BaseModel):
    """A stored suggestion: its notes (ids, in board order) in the column of
    the first, and the name the cluster gets when it is accepted."""

    id: str
    board_id: str
    position: int = 0
    step_key: str
    name: str
    note_ids: list[str]
    created_at: datetime
    dismissed_at: datetime | None = None


class ProposedGroup(BaseModel):
    """A suggestion to store: decided here, written by storage."""

    step_key: str
    name: str
    note_ids: list[str]


def _ordered(notes: Iterable[Note], step_order: Sequence[str]) -> list[Note]:
    place = {key: index for index, key in enumerate(step_order)}
    return sorted(notes, key=lambda n: (place.get(n.step_key, len(place)), n.position, n.number))


def propose_groups(notes: Iterable[Note], step_order: Sequence[str], *, across_columns: bool = False,
                   dismissed: Iterable[Iterable[str]] = ()) -> list[ProposedGroup]:
    """Groups of alike ungrouped notes, within a column unless
    `across_columns`, leaving out any group of exactly the notes of a
    suggestion dismissed before (asking again should not offer it again)."""
    loose = _ordered((n for n in notes if n.cluster_id is None and n.step_key in step_order), step_order)
    refused = {frozenset(ids) for ids in dismissed}
    proposed = []
    for found in suggest_groups([n.text for n in loose], columns=[n.step_key for n in loose],
                                across_columns=across_columns):
        members = [loose[i] for i in found.indices]
        if frozenset(n.id for n in members) in refused:
            continue
        proposed.append(ProposedGroup(step_key=members[0].step_key, name=found.name,
                                      note_ids=[n.id for n in members]))
    return proposed


def still_suggested(suggestion: GroupingSuggestion, notes: Iterable[Note]) -> list[Note]:
    """The suggestion's notes that are still live and ungrouped. Fewer than
    two, and it suggests nothing."""
    by_id = {n.id: n for n in notes}
    kept = [by_id[i] for i in suggestion.note_ids if i in by_id and by_id[i].cluster_id is None]
    return kept if len(kept) >= 2 else []


def alike_notes(notes: Iterable[Note], note_id: str, k: int = NEIGHBOURS_SHOWN) -> list[str]:
    """The ids of the notes of note `note_id`'s column most like it (at most
    `k`, at least NEIGHBOUR_THRESHOLD alike), most alike first: what lights
    up while it is dragged. `notes` are the notes the person asking may see:
    a note that is not among them is NoteNotFound, so asking about a note
    one may not see tells nothing about it, not even that it exists."""
    notes = list(notes)
    dragged = next((n for n in notes if n.id == note_id), None)
    if dragged is None:
        raise NoteNotFound(note_id)
    # Only its column, in board-number order, which moving notes within the
    # column does not change: the similarity's vectors, cached by the
    # column's texts, then answer every drag until a text of it changes.
    column = sorted((n for n in notes if n.step_key == dragged.step_key), key=lambda n: n.number)
    found = most_similar([n.text for n in column], column.index(dragged), k=k,
                         threshold=NEIGHBOUR_THRESHOLD)
    return [column[j].id for j, _ in found]
