"""The live board as one viewer receives it: the JSON the canvas draws.

Built from `visible_snapshot` only, so what a person may not see (others'
notes while writing, blind tallies, hidden authors) is decided in one place
and never reaches this function's output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from canvas.errors import CanvasError
from canvas.grouping import votable_items
from canvas.models import Note
from canvas.phases import Action, Phase, authorize
from canvas.snapshot import BoardSnapshot
from canvas.visibility import Viewer, hidden_note_counts, visible_snapshot
from canvas.voting import RankedItem, rank


def build_view(snapshot: BoardSnapshot, viewer: Viewer, *, my_votes: Mapping[str, int],
               present: Iterable[str]) -> dict:
    """The view JSON for `viewer` (see the live board's design for its shape).

    `my_votes` are the viewer's own dots per item (live items only) and
    `present` the names of the people who have the board open now.
    """
    return ViewBuilder(snapshot).view(viewer, my_votes=my_votes, present=present)


class ViewBuilder:
    """Views of one snapshot for many viewers, sharing what they have in common.

    The board part of a view (columns, ranking, actions) is built from
    `visible_snapshot` for an audience: in Write each person is their own
    audience (they see different notes); from Group on every participant
    receives the same notes, tallies and authors, so the part is built once,
    for a viewer who wrote nothing, and shared. Per viewer, only their own
    things are laid over it: which notes are theirs, their dots, their budget
    and their controls.
    """

    def __init__(self, snapshot: BoardSnapshot):
        self.snapshot = snapshot
        self._parts: dict[str | None, dict] = {}
        self._authors = {note.id: note.author_id for note in snapshot.notes}

    def view(self, viewer: Viewer, *, my_votes: Mapping[str, int], present: Iterable[str]) -> dict:
        board = self.snapshot.board
        me_id = viewer.participant_id
        audience = me_id if board.phase == Phase.write else None
        part = self._parts.get(audience)
        if part is None:
            part = self._parts[audience] = _board_part(self.snapshot, Viewer(participant_id=audience))
        authors = self._authors

        def mine(note: dict) -> dict:
            return {**note, "mine": me_id is not None and authors.get(note["id"]) == me_id,
                    "my_votes": my_votes.get(note["id"], 0)}

        columns = [
            {**column,
             "clusters": [{**cluster, "my_votes": my_votes.get(cluster["id"], 0),
                           "notes": [mine(n) for n in cluster["notes"]]} for cluster in column["clusters"]],
             "notes": [mine(n) for n in column["notes"]]}
            for column in part["columns"]
        ]
        used = sum(my_votes.values())
        names = part["names"]
        return {
            "revision": board.revision,
            "board": part["board"],
            "me": {
                "id": me_id, "name": names.get(me_id), "is_facilitator": viewer.is_facilitator,
                "votes_used": used, "votes_left": max(board.vote_budget - used, 0),
            },
            "present": list(present),
            "people": part["people"],
            "can": {
                "write": _allowed(Action.write_note, board.phase, viewer),
                "group": _allowed(Action.group, board.phase, viewer),
                "vote": _allowed(Action.vote, board.phase, viewer),
                "make_action": _allowed(Action.edit_actions, board.phase, viewer),
                "facilitate": viewer.is_facilitator,
            },
            "columns": columns,
            "ranking": part["ranking"],
            "actions": part["actions"],
        }


def _board_part(snapshot: BoardSnapshot, audience: Viewer) -> dict:
    board = snapshot.board
    seen = visible_snapshot(snapshot, audience)
    revealed = board.votes_revealed
    tallies = seen.tallies
    names = {person.id: person.display_name for person in snapshot.participants}

    def note_json(note: Note) -> dict:
        return {
            "id": note.id, "number": note.number, "text": note.text,
            "colour": note.colour.value, "colour_hex": note.colour.hex,
            "author": names.get(note.author_id) if board.show_authors else None,
            "version": note.version,
            "votes": tallies.get(note.id, 0) if revealed else None,
        }

    hidden = hidden_note_counts(snapshot, audience)
    columns = []
    for step in board.template_model.note_steps:
        step_notes = sorted(seen.notes_of(step.key), key=lambda n: (n.position, n.number))
        step_clusters = sorted(seen.clusters_of(step.key), key=lambda c: (c.position, c.created_at, c.id))
        cluster_ids = {cluster.id for cluster in step_clusters}
        columns.append({
            "key": step.key, "title": step.title, "prompt": step.prompt,
            "hidden_count": hidden.get(step.key, 0),
            "clusters": [
                {
                    "id": cluster.id, "name": cluster.name,
                    "votes": (tallies.get(cluster.id, 0) + sum(tallies.get(n.id, 0) for n in members))
                    if revealed else None,
                    "notes": [note_json(n) for n in members],
                }
                for cluster in step_clusters
                for members in [[n for n in step_notes if n.cluster_id == cluster.id]]
            ],
            "notes": [note_json(n) for n in step_notes if n.cluster_id not in cluster_ids],
        })

    items = votable_items(board.template_model, seen.notes, seen.clusters, tallies)
    by_id = {item.id: item for item in items}
    ranked = rank(RankedItem(item_id=item.id, votes=item.votes, step_index=item.step_index,
                             position=item.position) for item in items)
    return {
        "names": names,
        "board": {
            "id": board.id, "title": board.title, "phase": board.phase.value,
            "phases": [{"key": phase.value, "label": phase.label} for phase in Phase],
            "explanation": board.phase.explanation,
            "votes_revealed": revealed, "show_authors": board.show_authors,
            "timer_ends_at": _iso(board.timer_ends_at),
            "focus_item_id": board.focus_item,
            "vote_rules": {"budget": board.vote_budget, "max_per_item": board.vote_max_per_item},
        },
        "people": [person.display_name for person in snapshot.participants],
        "columns": columns,
        "ranking": [
            {
                "item_id": entry.item_id, "kind": by_id[entry.item_id].kind,
                # A note's title is its label ("#12 · text"), a cluster's its name.
                "label": by_id[entry.item_id].title,
                "step_key": by_id[entry.item_id].step_key,
                "votes": entry.votes if revealed else None, "rank": index,
            }
            for index, entry in enumerate(ranked, start=1)
        ],
        "actions": [
            {
                "id": action.id, "title": action.title, "owner": action.owner,
                "due": action.due_date.isoformat() if action.due_date else None,
                "status": action.status.value, "success_signal": action.success_signal,
                "source_item_id": action.source_id, "is_draft": action.is_draft,
            }
            for action in seen.actions
        ],
    }


def _allowed(action: Action, phase: Phase, viewer: Viewer) -> bool:
    try:
        authorize(action, phase, is_facilitator=viewer.is_facilitator)
    except CanvasError:
        return False
    return True


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()
