"""How far the room has got, for the facilitator deciding when to move on:
counts only, never anyone's text or where their dots went.

- While notes are written: how many people have written in each column.
- While votes are cast: each person's dots left (while votes are blind, who
  has dots left says nothing about where the others went).
"""

from __future__ import annotations

from collections.abc import Mapping

from canvas.session.phases import RULES, Action
from canvas.snapshot import BoardSnapshot


def progress(snapshot: BoardSnapshot, votes_by_person: Mapping[str, Mapping[str, int]]) -> dict:
    """The room's progress now: `people` (who joined), and `writers` per
    column while writing is open, `votes_left` per person while voting is."""
    board = snapshot.board
    people = snapshot.participants
    found: dict = {"people": len(people)}
    if board.phase in RULES[Action.write_note].phases:
        writers: dict[str, set[str]] = {}
        for note in snapshot.notes:
            if note.author_id is not None:
                writers.setdefault(note.step_key, set()).add(note.author_id)
        found["writers"] = {step.key: len(writers.get(step.key, ()))
                            for step in board.template_model.note_steps}
    if board.phase in RULES[Action.vote].phases:
        found["votes_left"] = sorted(
            ({"name": person.display_name,
              "left": max(board.vote_budget - sum(votes_by_person.get(person.id, {}).values()), 0)}
             for person in people),
            key=lambda entry: (-entry["left"], entry["name"].casefold()))
    return found
