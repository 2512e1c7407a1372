"""The live board as one viewer receives it: the JSON the canvas draws.

Built from `visible_snapshot` only, so what a person may not see (others'
notes while writing, blind tallies, hidden authors) is decided in one place
and never reaches this function's output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache

from canvas.actions import Status
from canvas.session.grouping import votable_items
from canvas.models import Note, NoteColour
from canvas.review.language import check_text
from canvas.session.parts import TITLES, layout, parts_view, places
from canvas.session.phases import RULES, Action, Actor, Phase, allowed, board_explanation
from canvas.session.progress import progress
from canvas.snapshot import BoardSnapshot
from canvas.session.visibility import Viewer, hidden_note_counts, visible_snapshot
from canvas.session.voting import RankedItem, VoteRules, cluster_votes, dot_fits, rank

# The phases whose board shows dots: voting, and the two that rank by them.
DOTS_SHOWN = frozenset({Phase.vote, Phase.discuss, Phase.closed})
# The ranking and the actions stand beside the columns from here on (and
# earlier too once an action exists, but never while people write alone).
DISCUSSION_SHOWN = frozenset({Phase.discuss, Phase.closed})
TIMER_PRESETS_MINUTES = (3, 5)


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

    def __init__(self, snapshot: BoardSnapshot,
                 votes_by_person: Mapping[str, Mapping[str, int]] | None = None):
        self.snapshot = snapshot
        self._votes_by_person = votes_by_person or {}
        self._progress: str | None = None
        self._parts: dict[str | None, dict] = {}
        self._encoded: dict[str | None, dict] = {}
        self._authors = {note.id: note.author_id for note in snapshot.notes}
        # What the rules answer for each kind of viewer (see _role).
        self._cans: dict[tuple[bool, bool], dict] = {}
        self._can_texts: dict[tuple[bool, bool], str] = {}
        self._rules: dict[tuple[bool, bool], _RoleRules] = {}
        self._notes: dict[str, Note] | None = None
        # (audience, role, its answers, the vote fields of an item without the
        # viewer's dots) -> note id -> the note's JSON for such a viewer
        self._shared_notes: dict[tuple, dict[str, str]] = {}

    def nudge_json(self, note_id: str) -> str:
        """Blame or hindsight wording in a note, as the step pages nudge its
        writer, as JSON: only ever put on the writer's own note (a nudge, not
        a pillory). Checked once per text, step and roster, not per change."""
        if self._notes is None:
            self._notes = {note.id: note for note in self.snapshot.notes}
            self._names = tuple(person.display_name for person in self.snapshot.participants)
            self._steps = {step.key: step for step in self.snapshot.board.template_model.note_steps}
        note = self._notes.get(note_id)
        if note is None:
            return "[]"
        step = self._steps.get(note.step_key)
        return _nudge_json(note.text, step is not None and step.names_as_subjects, self._names)

    def nudge(self, note_id: str) -> list[dict]:
        return json.loads(self.nudge_json(note_id))

    def _part(self, viewer: Viewer) -> tuple[str | None, dict]:
        audience = viewer.participant_id if self.snapshot.board.phase == Phase.write else None
        part = self._parts.get(audience)
        if part is None:
            part = self._parts[audience] = _board_part(self.snapshot, Viewer(participant_id=audience))
        return audience, part

    def view_json(self, viewer: Viewer, *, my_votes: Mapping[str, int], present: Iterable[str]) -> str:
        """`view(...)` as compact JSON, made from pieces encoded once per audience
        (what a stream sends: encoding a whole board per viewer would dominate)."""
        return assemble_view(self.snapshot.board.revision,
                             self.view_pieces(viewer, my_votes=my_votes, present=present))

    def view_pieces(self, viewer: Viewer, *, my_votes: Mapping[str, int],
                    present: Iterable[str], whole: bool = True) -> list[tuple[str, str]]:
        """The view as (key, JSON text) pieces, in order: the board-wide ones
        by name, then `column:<step>` per column and `part:<key>` per part
        of the meeting. A stream compares them with what it sent before and
        sends only those that changed (`view_patch`).

        `whole=False` gives each column as its shape (its clusters and their
        note ids, `"notes":["<id>",…]`) followed by a `note:<id>` piece per
        note: a change to one note of a 300-note board so sends that note."""
        audience, part = self._part(viewer)
        encoded = self._encoded.get(audience)
        if encoded is None:
            encoded = self._encoded[audience] = _encode_part(part)
        me_id = viewer.participant_id
        authors = self._authors
        flags = self._flags(viewer, my_votes)
        # A note's own fields, as JSON, for each of the four ways they can fall.
        own = {(mine, may_change): f',"mine":{_JSON_BOOL[mine]},"may_change":{_JSON_BOOL[may_change]},'
                                   f'"may_move":{_JSON_BOOL[flags.move]},"my_votes":'
               for mine in (True, False) for may_change in (True, False)}
        # An item's vote fields depend only on the viewer's dots on it: most
        # items have none, so each count's text is made once.
        vote_texts: dict[int, str] = {}
        my_dots = flags.my_votes

        def votes_of(item_id: str) -> str:
            mine = my_dots.get(item_id, 0)
            text = vote_texts.get(mine)
            if text is None:
                may_vote, may_unvote = flags.votes_for(mine)
                text = vote_texts[mine] = (f'{mine},"may_vote":{_JSON_BOOL[may_vote]},'
                                           f'"may_unvote":{_JSON_BOOL[may_unvote]}')
            return text

        # A note that is not the viewer's and carries none of their dots reads
        # the same for everyone whose role and budget answer alike: made once
        # for all of them (and its hash, which a stream compares, with it).
        shared = self._shared_notes.setdefault(
            (audience, self._role(viewer), flags.change(False), flags.move, votes_of("")), {})

        def note(fragment: tuple[str, str, str, str]) -> str:
            note_id, head = fragment[0], fragment[1]
            mine = me_id is not None and authors.get(note_id) == me_id
            if not mine and note_id not in my_dots:
                text = shared.get(note_id)
                if text is None:
                    text = shared[note_id] = f"{head}{own[False, flags.change(False)]}{votes_of(note_id)}}}"
                return text
            nudge = f',"nudge":{self.nudge_json(note_id)}' if mine else ""
            return f"{head}{own[mine, flags.change(mine)]}{votes_of(note_id)}{nudge}}}"

        columns: list[tuple[str, str]] = []
        for key, head, clusters, loose in encoded["columns"]:
            if whole:
                def notes_json(members) -> str:
                    return ",".join(map(note, members))
            else:
                at = len(columns)
                columns.append(("", ""))  # the column's shape goes before its notes

                def notes_json(members) -> str:
                    columns.extend((member[2], note(member)) for member in members)
                    return ",".join(member[3] for member in members)
            cluster_json = ",".join(
                f'{cluster_head},"my_votes":{votes_of(cluster_id)},"notes":[{notes_json(members)}]}}'
                for cluster_id, cluster_head, members in clusters
            )
            text = f'{head},"clusters":[{cluster_json}],"notes":[{notes_json(loose)}]}}'
            if whole:
                columns.append((f"column:{key}", text))
            else:
                columns[at] = (f"column:{key}", text)
        per_viewer = self._per_viewer(viewer, part, my_votes, present, flags)
        return [
            ("board", encoded["board"]), ("me", _dumps(per_viewer["me"])),
            ("present", _dumps(per_viewer["present"])), ("people", encoded["people"]),
            ("can", self._can_json(viewer)), *columns,
            ("ranking", encoded["ranking"]), ("actions", encoded["actions"]),
            *((f"part:{key}", text) for key, text in encoded["parts"]),
            ("progress", self._progress_json(viewer)),
        ]

    def _progress_json(self, viewer: Viewer) -> str:
        # The room's progress is the facilitator's to see.
        if not viewer.is_facilitator:
            return "null"
        if self._progress is None:
            self._progress = _dumps(progress(self.snapshot, self._votes_by_person))
        return self._progress

    def _per_viewer(self, viewer: Viewer, part: dict, my_votes: Mapping[str, int],
                    present: Iterable[str], flags: "_ViewerFlags") -> dict:
        board = self.snapshot.board
        used = flags.used
        return {
            "me": {
                "id": viewer.participant_id, "name": part["names"].get(viewer.participant_id),
                "is_facilitator": viewer.is_facilitator,
                "votes_used": used, "votes_left": max(board.vote_budget - used, 0),
                # The budget line: while voting, and afterwards for whoever voted.
                "show_budget": board.phase == Phase.vote or (board.phase == Phase.discuss and used > 0),
                # The facilitator may have chosen who edits the summary.
                "may_edit_summary": allowed(Action.edit_summary, board.phase, _actor(viewer),
                                            chosen=board.summary_editors),
            },
            "present": list(present),
            "can": self._can(viewer),
        }

    def _role(self, viewer: Viewer) -> tuple[bool, bool]:
        # Every rule a view asks depends on the viewer only through these two
        # (an owner check compares the viewer with themselves).
        return viewer.participant_id is not None, viewer.is_facilitator

    def _can(self, viewer: Viewer) -> dict:
        role = self._role(viewer)
        can = self._cans.get(role)
        if can is None:
            can = self._cans[role] = board_flags(self.snapshot.board.phase, _actor(viewer))
        return can

    def _can_json(self, viewer: Viewer) -> str:
        role = self._role(viewer)
        text = self._can_texts.get(role)
        if text is None:
            text = self._can_texts[role] = _dumps(self._can(viewer))
        return text

    def _flags(self, viewer: Viewer, my_votes: Mapping[str, int]) -> "_ViewerFlags":
        role = self._role(viewer)
        rules = self._rules.get(role)
        if rules is None:
            rules = self._rules[role] = _RoleRules(self.snapshot.board, viewer)
        return _ViewerFlags(rules, my_votes)

    def view(self, viewer: Viewer, *, my_votes: Mapping[str, int], present: Iterable[str]) -> dict:
        board = self.snapshot.board
        me_id = viewer.participant_id
        _, part = self._part(viewer)
        authors = self._authors
        flags = self._flags(viewer, my_votes)

        def votes_of(item_id: str) -> dict:
            mine, may_vote, may_unvote = flags.votes(item_id)
            return {"my_votes": mine, "may_vote": may_vote, "may_unvote": may_unvote}

        def mine(note: dict) -> dict:
            is_mine = me_id is not None and authors.get(note["id"]) == me_id
            return {**note, "mine": is_mine, "may_change": flags.change(is_mine), "may_move": flags.move,
                    **votes_of(note["id"]), **({"nudge": self.nudge(note["id"])} if is_mine else {})}

        columns = [
            {**column,
             "clusters": [{**cluster, **votes_of(cluster["id"]),
                           "notes": [mine(n) for n in cluster["notes"]]} for cluster in column["clusters"]],
             "notes": [mine(n) for n in column["notes"]]}
            for column in part["columns"]
        ]
        per_viewer = self._per_viewer(viewer, part, my_votes, present, flags)
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
            "parts": part["parts"],
            "progress": (progress(self.snapshot, self._votes_by_person) if viewer.is_facilitator
                         else None),
        }


def board_flags(phase: Phase, actor: Actor) -> dict:
    """The board-wide controls `actor` is offered now, each asked of the rule
    table (`allowed`) that storage enforces; `phase_moves` are the phases the
    actor may move the board to (the one before and the one after)."""
    def may(action: Action) -> bool:
        return allowed(action, phase, actor)

    moves = [{"key": to.value, "label": to.label, "direction": direction}
             for direction, to in (("back", phase.previous), ("next", phase.next))
             if to is not None and may(Action.change_phase)]
    return {
        "write": may(Action.write_note),
        "group": may(Action.group),
        "suggest_groups": may(Action.suggest_groups),
        "vote": may(Action.vote),
        "make_action": may(Action.action_from_item),
        "set_category": may(Action.set_category),
        "set_action_status": may(Action.update_action_status),
        "reveal_votes": may(Action.reveal_votes),
        "run_timer": may(Action.run_timer),
        "focus": may(Action.focus),
        "lead": may(Action.lead),
        "show_authors": may(Action.show_authors),
        "set_vote_rules": may(Action.set_vote_rules),
        # The meeting's other parts. The summary: what the role may in this
        # phase; whether this person may (the facilitator may have chosen its
        # editors) is `me.may_edit_summary`.
        "edit_summary": may(Action.edit_summary),
        "choose_summary_editors": may(Action.choose_summary_editors),
        "edit_timeline": may(Action.edit_timeline),
        "link_note": may(Action.link_note),
        "mark_assumption": may(Action.mark_assumption),
        "edit_whys": may(Action.edit_whys),
        "edit_learnings": may(Action.edit_learnings),
        "edit_actions": may(Action.edit_actions),
        "phase_moves": moves,
        "facilitate": actor.is_facilitator,
    }


class _RoleRules:
    """What the rule table answers for one kind of viewer (with or without a
    seat, facilitator or not) on this board, each asked once."""

    def __init__(self, board, viewer: Viewer):
        actor = _actor(viewer)
        # Changing a note (edit, delete, restore) depends only on whether the
        # viewer wrote it: ask the rule for each answer once.
        self.change = {
            True: viewer.participant_id is not None
            and allowed(Action.change_note, board.phase, actor, viewer.participant_id),
            False: allowed(Action.change_note, board.phase, actor, None),
        }
        self.move = allowed(Action.group, board.phase, actor)
        self.vote = allowed(Action.vote, board.phase, actor)
        self.vote_rules = VoteRules.model_construct(budget=board.vote_budget,
                                                    max_per_item=board.vote_max_per_item)


class _ViewerFlags:
    """One viewer's per-note and per-item controls: their role's answers,
    and their own dots."""

    def __init__(self, rules: _RoleRules, my_votes: Mapping[str, int]):
        self._role = rules
        self.my_votes = my_votes
        self.used = sum(my_votes.values())
        self.move = rules.move

    def change(self, mine: bool) -> bool:
        return self._role.change[mine]

    def votes_for(self, mine: int) -> tuple[bool, bool]:
        """Whether the viewer, with `mine` dots on an item, may add one, and take one back."""
        may_vote = self._role.vote and dot_fits(self._role.vote_rules, self.used, mine)
        return may_vote, self._role.vote and mine > 0

    def votes(self, item_id: str) -> tuple[int, bool, bool]:
        """The viewer's dots on the item, whether they may add one, and take one back."""
        mine = self.my_votes.get(item_id, 0)
        return mine, *self.votes_for(mine)


@lru_cache(maxsize=4096)
def _nudge_json(text: str, names_as_subjects: bool, names: tuple[str, ...]) -> str:
    # A board's notes change one at a time: the rest are answered from here.
    flags = check_text(text, names=list(names), names_as_subjects=names_as_subjects)
    return _dumps([flag.as_nudge() for flag in flags])


def _actor(viewer: Viewer) -> Actor:
    return Actor(participant_id=viewer.participant_id, is_facilitator=viewer.is_facilitator)


def _move_targets(column: dict) -> list[dict]:
    """Where a note can be moved in this column: its loose notes (out of any
    cluster), and each cluster. A target says what the note is dropped on;
    storage decides what that means. The canvas leaves out the one a note is
    already at (its `place`). Each loose note is a target too (a new cluster
    with it), which `onto_loose_notes` says once rather than a target per
    note: a column of a hundred notes would otherwise resend a hundred
    targets whenever one of them moves."""
    step = column["key"]
    targets = [{"key": f"column:{step}", "label": "Ungrouped",
                "move": {"step_key": step, "cluster_id": None, "onto_note_id": None}}]
    targets += [{"key": f"cluster:{cluster['id']}", "label": f"Into {cluster['name']}",
                 "move": {"step_key": step, "cluster_id": cluster["id"], "onto_note_id": None}}
                for cluster in column["clusters"]]
    return targets


def _board_part(snapshot: BoardSnapshot, audience: Viewer) -> dict:
    board = snapshot.board
    seen = visible_snapshot(snapshot, audience)
    revealed = board.votes_revealed
    tallies = seen.tallies
    names = {person.id: person.display_name for person in snapshot.participants}

    def note_json(note: Note, place: str) -> dict:
        return {
            "id": note.id, "number": note.number, "text": note.text, "place": place,
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
            "loose_label": "Your notes" if board.phase == Phase.write and not step_clusters else "Ungrouped",
            "clusters": [
                {
                    "id": cluster.id, "name": cluster.name,
                    "category": cluster.category.value if cluster.category else None,
                    "votes": cluster_votes(cluster.id, (n.id for n in members), tallies)
                    if revealed else None,
                    "merge_into": [{"id": other.id, "name": other.name}
                                   for other in step_clusters if other.id != cluster.id],
                    "notes": [note_json(n, f"cluster:{cluster.id}") for n in members],
                }
                for cluster in step_clusters
                for members in [[n for n in step_notes if n.cluster_id == cluster.id]]
            ],
            "notes": [note_json(n, f"column:{step.key}") for n in step_notes if n.cluster_id not in cluster_ids],
        })

    discussion = board.phase in DISCUSSION_SHOWN or (bool(seen.actions) and board.phase != Phase.write)
    # Only while notes can be grouped: a list the size of the column.
    grouping = board.phase in RULES[Action.group].phases
    for column in columns:
        column["move_targets"] = _move_targets(column) if grouping else []
        column["onto_loose_notes"] = grouping
    order = layout(board.template_model)
    items = votable_items(board.template_model, seen.notes, seen.clusters, tallies)
    by_id = {item.id: item for item in items}
    ranked = rank(RankedItem(item_id=item.id, votes=item.votes, step_index=item.step_index,
                             position=item.position) for item in items)
    return {
        "names": names,
        "board": {
            "id": board.id, "title": board.title, "phase": board.phase.value,
            "phases": [{"key": phase.value, "label": phase.label} for phase in Phase],
            "explanation": board_explanation(board.phase, revealed),
            "votes_revealed": revealed, "show_authors": board.show_authors,
            "timer_ends_at": _iso(board.timer_ends_at),
            "focus_item_id": board.focus_item,
            "vote_rules": {"budget": board.vote_budget, "max_per_item": board.vote_max_per_item},
            "show": {"dots": board.phase in DOTS_SHOWN, "discussion": discussion},
            "palette": [{"key": colour.value, "hex": colour.hex} for colour in NoteColour],
            "statuses": [{"key": status.value, "label": status.label} for status in Status],
            "timer_presets_minutes": list(TIMER_PRESETS_MINUTES),
            # The board's parts from top to bottom, and what each is called.
            "layout": [{"key": key, "title": TITLES[key]} for key in order],
            # Where a person can go, and where the facilitator brought everyone
            # (`count` moves each time, so the same place again still counts).
            "places": places(board.template_model),
            "lead": _lead(board),
        },
        "parts": parts_view(seen, order),
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
            # Only where the discussion shows it: a list the size of the board.
            for index, entry in enumerate(ranked if discussion else (), start=1)
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


_JSON_BOOL = {True: "true", False: "false"}


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def assemble_view(revision: int, pieces: list[tuple[str, str]]) -> str:
    """The whole view as JSON, from `ViewBuilder.view_pieces(..., whole=True)`."""
    named = ",".join(f'"{key}":{text}' for key, text in pieces if ":" not in key)
    columns = ",".join(text for key, text in pieces if key.startswith("column:"))
    parts = ",".join(f"{_dumps(key[5:])}:{text}" for key, text in pieces if key.startswith("part:"))
    return f'{{"revision":{revision},{named},"columns":[{columns}],"parts":{{{parts}}}}}'


def view_patch(revision: int, pieces: list[tuple[str, str]], sent: dict[str, int]) -> str:
    """What changed since the view whose pieces' hashes are in `sent` (which
    then holds this one's): the revision, the order of the columns and
    parts, and under `set` each piece whose text differs. `pieces` are made
    with `whole=False`: most changes touch one note or one part, so a stream
    sends that, not its column or the whole board."""
    changed = []
    for key, text in pieces:
        digest = hash(text)
        if sent.get(key) != digest:
            changed.append(f"{_dumps(key)}:{text}")
            sent[key] = digest
    keys = {key for key, _ in pieces}
    for gone in [key for key in sent if key not in keys]:
        del sent[gone]
    columns = [key[7:] for key, _ in pieces if key.startswith("column:")]
    parts = [key[5:] for key, _ in pieces if key.startswith("part:")]
    return (f'{{"revision":{revision},"columns":{_dumps(columns)},"parts":{_dumps(parts)},'
            f'"set":{{{",".join(changed)}}}}}')


def apply_patch(view: dict, patch: dict) -> dict:
    """The view a patch makes of the view before it (what the canvas does in
    network.js), for clients other than the canvas: tests and benchmarks.
    A column whose shape and notes are all unchanged keeps its object."""
    columns = {column["key"]: column for column in view["columns"]}
    notes = {note["id"]: note for column in view["columns"] for note in _notes_in(column)}
    shapes: dict[str, dict] = {}
    parts = dict(view["parts"])
    made = {**view, "revision": patch["revision"]}
    for key, value in patch["set"].items():
        if key.startswith("note:"):
            notes[key[5:]] = value
        elif key.startswith("column:"):
            shapes[key[7:]] = value
        elif key.startswith("part:"):
            parts[key[5:]] = value
        else:
            made[key] = value
    changed = {key[5:] for key in patch["set"] if key.startswith("note:")}

    def column(key: str) -> dict:
        shape = shapes.get(key)
        if shape is None:
            old = columns[key]
            if not any(note["id"] in changed for note in _notes_in(old)):
                return old
            shape = _shape_of(old)
        return {**shape,
                "clusters": [{**cluster, "notes": [notes[i] for i in cluster["notes"]]}
                             for cluster in shape["clusters"]],
                "notes": [notes[i] for i in shape["notes"]]}

    made["columns"] = [column(key) for key in patch["columns"]]
    made["parts"] = {key: parts[key] for key in patch["parts"]}
    return made


def _notes_in(column: dict) -> Iterable[dict]:
    for cluster in column["clusters"]:
        yield from cluster["notes"]
    yield from column["notes"]


def _shape_of(column: dict) -> dict:
    return {**column,
            "clusters": [{**cluster, "notes": [note["id"] for note in cluster["notes"]]}
                         for cluster in column["clusters"]],
            "notes": [note["id"] for note in column["notes"]]}


def remember_pieces(pieces: list[tuple[str, str]]) -> dict[str, int]:
    """The hashes `view_patch` compares with, for a view sent whole."""
    return {key: hash(text) for key, text in pieces}


def _encode_part(part: dict) -> dict:
    """The board part as JSON pieces; a note or cluster is left open (no closing
    brace) so each viewer's own fields can be appended."""
    def note(n: dict) -> tuple[str, str, str, str]:
        # id, its fields, and for a patch its piece's key and the id as JSON
        return n["id"], _dumps(n)[:-1], f"note:{n['id']}", _dumps(n["id"])

    return {
        "board": _dumps(part["board"]), "people": _dumps(part["people"]),
        "ranking": _dumps(part["ranking"]), "actions": _dumps(part["actions"]),
        "parts": [(key, _dumps(value)) for key, value in part["parts"].items()],
        "columns": [
            (
                column["key"],
                _dumps({k: v for k, v in column.items() if k not in ("clusters", "notes")})[:-1],
                [(c["id"], _dumps({k: v for k, v in c.items() if k != "notes"})[:-1],
                  [note(n) for n in c["notes"]]) for c in column["clusters"]],
                [note(n) for n in column["notes"]],
            )
            for column in part["columns"]
        ],
    }


def _lead(board) -> dict | None:
    if board.lead_target is None:
        return None
    title = next((place["title"] for place in places(board.template_model)
                  if place["key"] == board.lead_target), None)
    # A place the template no longer has (an old board) leads nowhere.
    return None if title is None else {"target": board.lead_target, "title": title, "count": board.lead_count}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()
