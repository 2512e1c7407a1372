"""Vote rules hold after every change to a board, not only when a dot is cast.

After each path (delete and restore a note, merge, dissolve, grouping and
ungrouping, rule changes) nobody holds more dots than the budget or more than
the per-item limit on one item, no dot sits on a removed item, and the
board's own backup imports as a new board with the same tallies.
"""

import json
import random
import threading
from collections import Counter

import pytest

from canvas.exports.backup import BackupInvalid, backup_document, parse_backup
from canvas.errors import CanvasError
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from canvas.session.voting import ItemVoteLimitReached, RulesBelowSpent, VoteRules
from storage import boards, clusters, facilitation, notes, participants, restore, votes
from storage.db import connect, read_transaction


def breaches(db, board_id) -> list[str]:
    """Every way the board's dots break its rules, counted here with plain
    SQL rather than through the code under test."""
    budget, limit = db.execute(
        "SELECT vote_budget, vote_max_per_item FROM boards WHERE id = ?", [board_id]).fetchone()
    rows = db.execute(
        """
        SELECT v.participant_id, v.item_id,
          EXISTS (SELECT 1 FROM notes n WHERE n.id = v.item_id AND n.board_id = v.board_id
                  AND n.deleted_at IS NULL),
          EXISTS (SELECT 1 FROM clusters c WHERE c.id = v.item_id AND c.board_id = v.board_id
                  AND c.deleted_at IS NULL),
          (SELECT c.id FROM notes n JOIN clusters c ON c.id = n.cluster_id AND c.deleted_at IS NULL
           WHERE n.id = v.item_id)
        FROM votes v WHERE v.board_id = ?
        """, [board_id]).fetchall()
    problems = []
    in_all: Counter = Counter()
    on_item: Counter = Counter()
    for person, item, live_note, live_cluster, cluster in rows:
        if not (live_note or live_cluster):
            problems.append(f"a dot of {person} sits on removed item {item}")
            continue
        in_all[person] += 1
        on_item[person, cluster or item] += 1
    problems += [f"{person} holds {count} dots; the budget is {budget}"
                 for person, count in in_all.items() if count > budget]
    problems += [f"{person} holds {count} dots on {item}; the limit is {limit}"
                 for (person, item), count in on_item.items() if count > limit]
    return problems


def backup_text(db, board_id) -> str:
    snapshot, by_person = restore.load_snapshot_and_votes(db, board_id)
    return json.dumps(backup_document(snapshot, by_person))


def assert_sound(db, board_id):
    """The rules hold, and the board's own backup imports with the same dots."""
    assert breaches(db, board_id) == []
    restored, _ = restore.restore_board(db, parse_backup(backup_text(db, board_id)))
    assert breaches(db, restored.id) == []
    assert (sorted(votes.tallies(db, restored.id).values())
            == sorted(votes.tallies(db, board_id).values()))


class Session:
    """A board with its facilitator, and short ways to drive it."""

    def __init__(self, db):
        self.db = db
        started = facilitation.start_board(db, BoardDraft(title="Votes", facilitator_name="Fran"))
        self.id = started.board.id
        self.key = started.facilitator_key
        self.fac = Credentials(participant_id=started.facilitator.id, facilitator_key=self.key)

    def phase(self, phase: Phase):
        facilitation.set_phase(self.db, self.id, self.key, phase)

    def person(self, name: str) -> str:
        return participants.join_board(self.db, self.id, name)[0].id

    def note(self, text: str, step: str = "detect") -> str:
        return notes.add_note(self.db, self.id, step, NoteDraft(text=text), self.fac).id

    def cluster(self, name: str, *note_ids: str, step: str = "detect") -> str:
        cluster = clusters.create_cluster(self.db, self.id, step, name, self.fac)
        if note_ids:
            self.move(step, {note_id: cluster.id for note_id in note_ids})
        return cluster.id

    def move(self, step: str, moves: dict):
        return clusters.move_notes(self.db, self.id, step, moves, self.fac)

    def vote(self, person: str, item: str, times: int = 1):
        for _ in range(times):
            have = votes.my_votes(self.db, self.id, person)[item]
            assert votes.cast_vote(self.db, self.id, Credentials(participant_id=person), item, have)

    def mine(self, person: str) -> Counter:
        return votes.my_votes(self.db, self.id, person)


@pytest.fixture
def s(db):
    return Session(db)


def test_a_restored_note_comes_back_without_its_dots_so_the_budget_holds(db, s):
    vic = s.person("Vic")
    a, b, c = s.note("a"), s.note("b"), s.note("c")
    s.phase(Phase.vote)
    s.vote(vic, a, 3)
    s.vote(vic, b, 2)
    s.phase(Phase.group)
    notes.delete_note(db, s.id, a, s.fac)
    assert s.mine(vic) == Counter({b: 2})
    s.phase(Phase.vote)
    s.vote(vic, c, 3)
    s.phase(Phase.group)
    notes.restore_note(db, s.id, a, s.fac)
    assert s.mine(vic) == Counter({b: 2, c: 3})
    assert votes.tallies(db, s.id)[a] == 0
    assert_sound(db, s.id)


def test_merging_keeps_each_persons_oldest_dots_up_to_the_limit(db, s):
    vic, ann = s.person("Vic"), s.person("Ann")
    s.phase(Phase.group)
    x, y = s.cluster("X", s.note("x")), s.cluster("Y", s.note("y"))
    s.phase(Phase.vote)
    s.vote(vic, x, 2)
    s.vote(vic, y, 2)
    s.vote(ann, y, 1)
    newest = db.execute("SELECT max(id) FROM votes WHERE participant_id = ?", [vic]).fetchone()[0]
    s.phase(Phase.group)
    clusters.merge_clusters(db, s.id, y, x, s.fac)
    assert s.mine(vic) == Counter({x: 3})
    assert s.mine(ann) == Counter({x: 1})
    assert db.execute("SELECT count(*) FROM votes WHERE id = ?", [newest]).fetchone()[0] == 0
    assert_sound(db, s.id)


def test_dissolving_returns_the_clusters_dots_and_leaves_the_notes_own(db, s):
    vic = s.person("Vic")
    a, b = s.note("a"), s.note("b")
    s.phase(Phase.vote)
    s.vote(vic, a, 1)  # before it is grouped
    s.phase(Phase.group)
    x = s.cluster("X", a, b)
    s.phase(Phase.vote)
    s.vote(vic, x, 2)
    assert s.mine(vic) == Counter({x: 3})
    s.phase(Phase.group)
    clusters.dissolve_cluster(db, s.id, x, s.fac)
    assert s.mine(vic) == Counter({a: 1})
    assert_sound(db, s.id)


def test_a_note_joining_a_cluster_brings_its_dots_up_to_the_limit(db, s):
    vic = s.person("Vic")
    a = s.note("a")
    s.phase(Phase.group)
    x = s.cluster("X", s.note("x"))
    s.phase(Phase.vote)
    s.vote(vic, a, 2)
    s.vote(vic, x, 2)
    s.phase(Phase.group)
    s.move("detect", {a: x})
    assert s.mine(vic) == Counter({x: 3})
    assert_sound(db, s.id)
    # Leaving again, the note takes its own dots; the cluster keeps its own.
    s.move("detect", {a: None})
    assert s.mine(vic) == Counter({a: 2, x: 1})
    assert_sound(db, s.id)


def test_a_note_moving_between_clusters_takes_its_dots_along(db, s):
    vic = s.person("Vic")
    a, b = s.note("a"), s.note("b")
    s.phase(Phase.vote)
    s.vote(vic, a, 2)
    s.phase(Phase.group)
    x, y = s.cluster("X", a), s.cluster("Y", b)
    s.phase(Phase.vote)
    s.vote(vic, y, 2)
    s.phase(Phase.group)
    s.move("detect", {a: y})
    assert s.mine(vic) == Counter({y: 3})
    assert votes.tallies(db, s.id)[x] == 0
    assert_sound(db, s.id)


def move_across_columns(db, board_id, note_id, step, cluster_id=None):
    """What a move to another column does to the rows, followed by the call
    every such change makes in its transaction."""
    with boards.changing_board(db, board_id):
        db.execute("UPDATE notes SET step_key = ?, cluster_id = ? WHERE id = ?",
                   [step, cluster_id, note_id])
        votes.settle_votes(db, board_id)


def test_a_note_moved_across_columns_takes_its_dots_and_joins_within_the_limit(db, s):
    vic = s.person("Vic")
    a = s.note("a")
    s.phase(Phase.vote)
    s.vote(vic, a, 2)
    s.phase(Phase.group)
    x = s.cluster("X", a)
    y = s.cluster("Y", s.note("r", step="react"), step="react")
    s.phase(Phase.vote)
    s.vote(vic, x, 1)
    s.vote(vic, y, 2)
    s.phase(Phase.group)
    move_across_columns(db, s.id, a, "react")
    assert s.mine(vic) == Counter({x: 1, a: 2, y: 2})
    move_across_columns(db, s.id, a, "react", y)
    assert s.mine(vic) == Counter({x: 1, y: 3})
    assert votes.tallies(db, s.id) == Counter({x: 1, a: 2, y: 1})  # the newest dot went back
    assert_sound(db, s.id)


def test_a_vote_on_a_cluster_counts_the_dots_on_its_notes(db, s):
    vic = s.person("Vic")
    a = s.note("a")
    s.phase(Phase.vote)
    s.vote(vic, a, 2)
    s.phase(Phase.group)
    x = s.cluster("X", a)
    s.phase(Phase.vote)
    assert s.mine(vic) == Counter({x: 2})
    assert votes.cast_vote(db, s.id, Credentials(participant_id=vic), x, seen=2)
    with pytest.raises(ItemVoteLimitReached):
        votes.cast_vote(db, s.id, Credentials(participant_id=vic), x, seen=3)
    # Taking back removes the newest counted dot, wherever it sits.
    assert votes.retract_vote(db, s.id, Credentials(participant_id=vic), x, seen=3)
    assert votes.retract_vote(db, s.id, Credentials(participant_id=vic), x, seen=2)
    assert s.mine(vic) == Counter({x: 1})
    assert votes.tallies(db, s.id) == Counter({a: 1})
    assert_sound(db, s.id)


def test_the_per_item_limit_cannot_drop_below_dots_counted_through_notes(db, s):
    vic = s.person("Vic")
    a = s.note("a")
    s.phase(Phase.vote)
    s.vote(vic, a, 2)
    s.phase(Phase.group)
    x = s.cluster("X", a)
    s.phase(Phase.vote)
    s.vote(vic, x, 1)
    with pytest.raises(RulesBelowSpent, match="already put 3"):
        facilitation.set_vote_rules(db, s.id, s.key, VoteRules(budget=5, max_per_item=2))
    facilitation.set_vote_rules(db, s.id, s.key, VoteRules(budget=3, max_per_item=3))
    with pytest.raises(RulesBelowSpent, match="already spent 3"):
        facilitation.set_vote_rules(db, s.id, s.key, VoteRules(budget=2, max_per_item=2))
    assert_sound(db, s.id)


def test_deleting_a_grouped_note_takes_only_its_own_dots_from_the_cluster(db, s):
    vic = s.person("Vic")
    a, b = s.note("a"), s.note("b")
    s.phase(Phase.vote)
    s.vote(vic, a, 1)
    s.phase(Phase.group)
    x = s.cluster("X", a, b)
    s.phase(Phase.vote)
    s.vote(vic, x, 1)
    s.phase(Phase.group)
    notes.delete_note(db, s.id, a, s.fac)
    assert s.mine(vic) == Counter({x: 1})
    notes.restore_note(db, s.id, a, s.fac)
    assert notes.get_note(db, s.id, a).cluster_id == x
    assert s.mine(vic) == Counter({x: 1})
    assert_sound(db, s.id)


def test_dots_an_older_version_left_on_a_deleted_note_stay_gone_after_restore(db, s):
    vic = s.person("Vic")
    a, b, c = s.note("a"), s.note("b"), s.note("c")
    s.phase(Phase.vote)
    s.vote(vic, b, 3)
    s.vote(vic, c, 2)
    s.phase(Phase.group)
    notes.delete_note(db, s.id, a, s.fac)
    db["votes"].insert_all([{"board_id": s.id, "participant_id": vic, "item_id": a,
                             "created_at": "2024-01-01T00:00:00+00:00"}] * 3)
    notes.restore_note(db, s.id, a, s.fac)
    assert s.mine(vic) == Counter({b: 3, c: 2})
    assert_sound(db, s.id)


def test_a_backup_counting_a_notes_dots_over_its_clusters_limit_is_refused(db, s):
    vic = s.person("Vic")
    a = s.note("a")
    s.phase(Phase.vote)
    s.vote(vic, a, 2)
    s.phase(Phase.group)
    s.cluster("X", a)
    s.phase(Phase.vote)
    document = json.loads(backup_text(db, s.id))
    parse_backup(json.dumps(document))
    document["votes"].append({"item": "cluster-1", "voter": 1, "count": 2})
    with pytest.raises(BackupInvalid, match="voter 1 has 4 dots on 'cluster-1'; the board allows 3"):
        parse_backup(json.dumps(document))
    document["votes"].reverse()
    with pytest.raises(BackupInvalid, match=r"4 dots on 'cluster-1' \(through note 'note-1'\)"):
        parse_backup(json.dumps(document))


# --- random sequences -------------------------------------------------------------

STEPS = ("detect", "react")


def live_state(db, board_id):
    live_notes = notes.list_notes(db, board_id)
    live_clusters = clusters.list_clusters(db, board_id)
    items = [c.id for c in live_clusters] + [n.id for n in live_notes if n.cluster_id is None]
    return live_notes, live_clusters, items


def random_step(rng: random.Random, s: Session, people: list[str]) -> str:
    """One random change to the board; refused changes are part of the game."""
    db = s.db
    live_notes, live_clusters, items = live_state(db, s.id)
    op = rng.choice(["add", "add", "delete", "restore", "cluster", "move", "move", "merge",
                     "dissolve", "vote", "vote", "vote", "vote", "retract", "rules"])
    if op in ("vote", "retract"):
        if not items:
            return op
        s.phase(Phase.vote)
        person, item = rng.choice(people), rng.choice(items)
        have = votes.my_votes(db, s.id, person)[item]
        (votes.cast_vote if op == "vote" else votes.retract_vote)(db, s.id, Credentials(participant_id=person), item, have)
        return op
    if op == "rules":
        budget = rng.randint(1, 8)
        rules = VoteRules(budget=budget, max_per_item=rng.randint(1, min(budget, 4)))
        facilitation.set_vote_rules(db, s.id, s.key, rules)
        return op
    s.phase(Phase.group)
    if op == "add":
        s.note(f"note {rng.random()}", rng.choice(STEPS))
    elif op == "delete" and live_notes:
        notes.delete_note(db, s.id, rng.choice(live_notes).id, s.fac)
    elif op == "restore":
        binned = notes.list_notes(db, s.id, deleted=True)
        if binned:
            notes.restore_note(db, s.id, rng.choice(binned).id, s.fac)
    elif op == "cluster":
        s.cluster(f"cluster {rng.random()}", step=rng.choice(STEPS))
    elif op == "move" and live_notes:
        note = rng.choice(live_notes)
        targets = [c.id for c in live_clusters if c.step_key == note.step_key] + [None]
        s.move(note.step_key, {note.id: rng.choice(targets)})
    elif op == "merge" and len(live_clusters) >= 2:
        source, target = rng.sample(live_clusters, 2)
        clusters.merge_clusters(db, s.id, source.id, target.id, s.fac)
    elif op == "dissolve" and live_clusters:
        clusters.dissolve_cluster(db, s.id, rng.choice(live_clusters).id, s.fac)
    return op


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_sequences_of_changes_keep_every_vote_rule(db, seed):
    rng = random.Random(seed)
    s = Session(db)
    people = [s.person(name) for name in ("Ann", "Bob", "Cy")]
    for _ in range(6):
        s.note(f"start {rng.random()}", rng.choice(STEPS))
    done = Counter()
    for step in range(150):
        try:
            op = random_step(rng, s, people)
        except CanvasError:
            op = "refused"
        done[op] += 1
        assert breaches(db, s.id) == [], f"after step {step} ({op})"
        if step % 30 == 29:
            assert_sound(db, s.id)
    # The sequence really exercised the paths that used to break the rules.
    assert done["merge"] and done["restore"] and done["vote"] and done["move"]


# --- at the same time -------------------------------------------------------------


def test_votes_merges_and_restores_at_once_never_break_the_rules(db_file, db, s):
    people = [s.person(f"P{i}") for i in range(3)]
    for index in range(8):
        s.note(f"idea {index}")
    s.phase(Phase.group)
    for index in range(4):
        s.cluster(f"C{index}")
    # A low per-item limit, and voters who favour clusters, so merges often
    # pile one person's dots together.
    facilitation.set_vote_rules(db, s.id, s.key, VoteRules(budget=6, max_per_item=2))
    board_id, key, fac = s.id, s.key, s.fac
    errors: list[BaseException] = []
    seen_breaches: list[str] = []
    finished = threading.Event()

    def voter(person, seed):
        rng = random.Random(seed)
        own = connect(db_file)
        try:
            for _ in range(80):
                _, live_clusters, items = live_state(own, board_id)
                if not items:
                    continue
                if live_clusters and rng.random() < 0.7:
                    item = rng.choice(live_clusters).id
                else:
                    item = rng.choice(items)
                have = votes.my_votes(own, board_id, person)[item]
                try:
                    if rng.random() < 0.8:
                        votes.cast_vote(own, board_id, Credentials(participant_id=person), item, have)
                    else:
                        votes.retract_vote(own, board_id, Credentials(participant_id=person), item, have)
                except CanvasError:
                    pass
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            own.close()

    def facilitator():
        rng = random.Random(99)
        own = connect(db_file)
        try:
            for _ in range(20):
                facilitation.set_phase(own, board_id, key, Phase.group)
                live_notes, live_clusters, _ = live_state(own, board_id)
                if live_notes and live_clusters:
                    clusters.move_notes(own, board_id, "detect",
                                        {rng.choice(live_notes).id: rng.choice(live_clusters).id}, fac)
                if len(live_clusters) >= 2:
                    source, target = rng.sample(live_clusters, 2)
                    clusters.merge_clusters(own, board_id, source.id, target.id, fac)
                else:
                    clusters.create_cluster(own, board_id, "detect", "again", fac)
                if live_notes:
                    notes.delete_note(own, board_id, rng.choice(live_notes).id, fac)
                binned = notes.list_notes(own, board_id, deleted=True)
                if binned:
                    notes.restore_note(own, board_id, rng.choice(binned).id, fac)
                facilitation.set_phase(own, board_id, key, Phase.vote)
                finished.wait(0.02)  # let the voters in
        except BaseException as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            own.close()

    def checker():
        own = connect(db_file)
        try:
            while not finished.is_set():
                with read_transaction(own):  # one consistent read of the board
                    seen_breaches.extend(breaches(own, board_id))
        finally:
            own.close()

    # Two tabs per person: their clicks race each other for the same budget.
    workers = [threading.Thread(target=voter, args=(p, i)) for i, p in enumerate(people * 2)]
    workers.append(threading.Thread(target=facilitator))
    watch = threading.Thread(target=checker)
    watch.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    finished.set()
    watch.join()
    assert errors == []
    assert seen_breaches == []
    assert sum(votes.tallies(db, board_id).values()) > 0
    assert_sound(db, board_id)
