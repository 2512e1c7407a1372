"""The live board as one viewer receives it: the JSON the canvas draws.

Built from `visible_snapshot` only, so what a person may not see (others'
notes while writing, blind tallies, hidden authors) is decided in one place
and never reaches this function's output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from canvas.session.grouping import votable_items
from canvas.models import Note
from canvas.session.phases import Action, Actor, Phase, allowed
from canvas.snapshot import BoardSnapshot
from canvas.session.visibility import Viewer, hidden_note_counts, visible_snapshot
from canvas.session.voting import RankedItem, cluster_votes, rank


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
        self._encoded: dict[str | None, dict] = {}
        self._authors = {note.id: note.author_id for note in snapshot.notes}

    def _part(self, viewer: Viewer) -> tuple[str | None, dict]:
        audience = viewer.participant_id if self.snapshot.board.phase == Phase.write else None
        part = self._parts.get(audience)
        if part is None:
            part = self._parts[audience] = _board_part(self.snapshot, Viewer(participant_id=audience))
        return audience, part

    def view_json(self, viewer: Viewer, *, my_votes: Mapping[str, int], present: Iterable[str]) -> str:
        """`view(...)` as compact JSON, made from pieces encoded once per audience
        (what a stream sends: encoding a whole board per viewer would dominate)."""
        audience, part = self._part(viewer)
        encoded = self._encoded.get(audience)
        if encoded is None:
            encoded = self._encoded[audience] = _encode_part(part)
        me_id = viewer.participant_id
        authors = self._authors
        mine_true = ',"mine":true,"my_votes":'
        mine_false = ',"mine":false,"my_votes":'

        def note(fragment: tuple[str, str]) -> str:
            note_id, head = fragment
            flag = mine_true if me_id is not None and authors.get(note_id) == me_id else mine_false
            return f"{head}{flag}{my_votes.get(note_id, 0)}}}"

        columns = []
        for head, clusters, loose in encoded["columns"]:
            cluster_json = ",".join(
                f'{cluster_head},"my_votes":{my_votes.get(cluster_id, 0)},"notes":[{",".join(map(note, members))}]}}'
                for cluster_id, cluster_head, members in clusters
            )
            columns.append(f'{head},"clusters":[{cluster_json}],"notes":[{",".join(map(note, loose))}]}}')
        per_viewer = self._per_viewer(viewer, part, my_votes, present)
        return (f'{{"revision":{self.snapshot.board.revision},"board":{encoded["board"]},'
                f'"me":{_dumps(per_viewer["me"])},"present":{_dumps(per_viewer["present"])},'
                f'"people":{encoded["people"]},"can":{_dumps(per_viewer["can"])},'
                f'"columns":[{",".join(columns)}],"ranking":{encoded["ranking"]},'
                f'"actions":{encoded["actions"]}}}')

    def _per_viewer(self, viewer: Viewer, part: dict, my_votes: Mapping[str, int],
                    present: Iterable[str]) -> dict:
        board = self.snapshot.board
        used = sum(my_votes.values())
        return {
            "me": {
                "id": viewer.participant_id, "name": part["names"].get(viewer.participant_id),
                "is_facilitator": viewer.is_facilitator,
                "votes_used": used, "votes_left": max(board.vote_budget - used, 0),
            },
            "present": list(present),
            "can": {
                "write": _allowed(Action.write_note, board.phase, viewer),
                "group": _allowed(Action.group, board.phase, viewer),
                "vote": _allowed(Action.vote, board.phase, viewer),
                "make_action": _allowed(Action.edit_actions, board.phase, viewer),
                "facilitate": viewer.is_facilitator,
            },
        }

    def view(self, viewer: Viewer, *, my_votes: Mapping[str, int], present: Iterable[str]) -> dict:
        board = self.snapshot.board
        me_id = viewer.participant_id
        _, part = self._part(viewer)
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
        per_viewer = self._per_viewer(viewer, part, my_votes, present)
        return {
            "revision": board.revision,
            "board": part["board"],
            "me": per_viewer["me"],
            "present": per_viewer["present"],
            "people": part["people"],
            "can": per_viewer["can"],
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
            "assumption": note.is_assumption,
            "votes": tallies.get(note.id, 0) if revealed else None,
            "category": note.category.value if note.category else None,
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
                    "category": cluster.category.value if cluster.category else None,
                    "votes": cluster_votes(cluster.id, (n.id for n in members), tallies)
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
                "source_item_id": action.source_id, "is_draft": action.is_draft and not action.is_parked,
            }
            for action in seen.actions
        ],
    }


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _encode_part(part: dict) -> dict:
    """The board part as JSON pieces; a note or cluster is left open (no closing
    brace) so each viewer's own fields can be appended."""
    def note(n: dict) -> tuple[str, str]:
        return n["id"], _dumps(n)[:-1]

    return {
        "board": _dumps(part["board"]), "people": _dumps(part["people"]),
        "ranking": _dumps(part["ranking"]), "actions": _dumps(part["actions"]),
        "columns": [
            (
                _dumps({k: v for k, v in column.items() if k not in ("clusters", "notes")})[:-1],
                [(c["id"], _dumps({k: v for k, v in c.items() if k != "notes"})[:-1],
                  [note(n) for n in c["notes"]]) for c in column["clusters"]],
                [note(n) for n in column["notes"]],
            )
            for column in part["columns"]
        ],
    }


def _allowed(action: Action, phase: Phase, viewer: Viewer) -> bool:
    return allowed(action, phase, Actor(participant_id=viewer.participant_id,
                                        is_facilitator=viewer.is_facilitator))


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()
