"""What each person may see of the board, decided before anything is rendered
(a Streamlit page sends the browser only what the script draws)."""

from __future__ import annotations

from collections.abc import Iterable

from canvas.models import Note, Participant
from canvas.phases import Phase


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
