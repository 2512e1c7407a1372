"""What each person may see of the board, decided before anything is rendered
(a Streamlit page sends the browser only what the script draws)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pydantic import BaseModel

from canvas.models import Note, Participant
from canvas.session.phases import Phase
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
    what leaves the server for a person. Every page, export and download a
    participant can reach is built from what this returns.

    - In Write, other people's notes are left out entirely (text, colour,
      number, cluster and timeline links): only their count per step may be
      shown (`hidden_note_counts`). The facilitator is no exception.
    - Votes are blind until revealed: totals are left out before the reveal,
      and afterwards kept only for items this viewer can see.
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
    items = {note.id for note in notes} | {cluster.id for cluster in snapshot.clusters}
    tallies = ({item: count for item, count in snapshot.tallies.items() if item in items}
               if board.votes_revealed else {})
    return snapshot.model_copy(update={"notes": notes, "tallies": tallies})


def visible_votes(votes: Mapping[str, Mapping[str, int]], snapshot: BoardSnapshot,
                  viewer: Viewer) -> dict[str, dict[str, int]]:
    """Whose dots are where (participant id -> item id -> dots, as
    `backup_document` takes them), cut down to what this viewer may know:
    their own dots only until the votes are revealed, and only on items the
    viewer can see."""
    seen = visible_snapshot(snapshot, viewer)
    items = {note.id for note in seen.notes} | {cluster.id for cluster in seen.clusters}
    kept: dict[str, dict[str, int]] = {}
    for person, counts in votes.items():
        if not snapshot.board.votes_revealed and person != viewer.participant_id:
            continue
        mine = {item: count for item, count in counts.items() if item in items}
        if mine:
            kept[person] = mine
    return kept


def backup_votes(votes: Mapping[str, Mapping[str, int]], snapshot: BoardSnapshot,
                 viewer: Viewer) -> dict[str, dict[str, int]] | None:
    """The votes per person this viewer's backup may hold: a facilitator's
    holds them (as `visible_votes` cuts them; the backup keeps them as
    ballots without names), a participant's none, so that it carries only
    the totals the board shows them (canvas.exports.backup)."""
    if not viewer.is_facilitator:
        return None
    return visible_votes(votes, snapshot, viewer)


def visible_bin(deleted: Iterable[Note], phase: Phase, viewer: Viewer) -> list[Note]:
    """The deleted notes this viewer may see and restore: their own, or (for a
    facilitator) any note they could see if it were live."""
    return [note for note in visible_notes(deleted, phase, viewer.participant_id)
            if viewer.is_facilitator or (note.author_id is not None
                                         and note.author_id == viewer.participant_id)]


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
