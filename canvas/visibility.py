"""What each person may see of the board, decided before anything is rendered
(a Streamlit page sends the browser only what the script draws)."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from canvas.models import Note, Participant
from canvas.phases import Phase
from canvas.snapshot import BoardSnapshot


def visible_notes(notes: Iterable[Note], phase: Phase, viewer_id: str | None) -> list[Note]:
    """In Write each person sees only their own notes (so nobody anchors on the
    first loud idea) and what was pre-filled before the meeting (imported
    notes have no author); from Group on, everyone sees every note."""
    if phase == Phase.write:
        return [note for note in notes if note.author_id in (viewer_id, None)]
    return list(notes)


def author_names(show_authors: bool, people: Iterable[Participant]) -> dict[str, str]:
    """Author id -> display name, or nothing at all while authors are hidden."""
    if not show_authors:
        return {}
    return {person.id: person.display_name for person in people}


class Viewer(BaseModel):
    """Who is looking: a participant of the board (None for someone who has
    not joined, such as the command line exporting a finished board)."""

    participant_id: str | None = None
    is_facilitator: bool = False


def visible_snapshot(snapshot: BoardSnapshot, viewer: Viewer) -> BoardSnapshot:
    """The board as this viewer may receive it: the one place that decides
    what leaves the server for a person (pages, exports, the live stream).

    - In Write, other people's notes are left out entirely (text, colour,
      number and links): only their count per step may be shown.
    - Votes are blind until revealed: totals are left out before the reveal.
    - Authors are left out unless the facilitator shows them; the viewer's own
      notes keep their author so the page can offer edit and delete.
    """
    board = snapshot.board
    notes = visible_notes(snapshot.notes, board.phase, viewer.participant_id)
    if not board.show_authors:
        notes = [
            note if note.author_id in (None, viewer.participant_id)
            else note.model_copy(update={"author_id": HIDDEN_AUTHOR})
            for note in notes
        ]
    return snapshot.model_copy(update={
        "notes": notes,
        "tallies": dict(snapshot.tallies) if board.votes_revealed else {},
    })


# Stands in for another person's id while authors are hidden, so a page can
# still tell "not mine" from "pre-filled before the meeting" (no author).
HIDDEN_AUTHOR = "hidden"


def hidden_note_counts(snapshot: BoardSnapshot, viewer: Viewer) -> dict[str, int]:
    """Step key -> how many notes others wrote that this viewer cannot see yet."""
    shown = {note.id for note in visible_notes(snapshot.notes, snapshot.board.phase,
                                               viewer.participant_id)}
    counts: dict[str, int] = {}
    for note in snapshot.notes:
        if note.id not in shown:
            counts[note.step_key] = counts.get(note.step_key, 0) + 1
    return counts
