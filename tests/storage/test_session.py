"""Facilitator powers, phases, clusters and votes on a real SQLite file."""

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from canvas.models import BoardDraft, NoteDraft
from canvas.phases import Credentials, NotFacilitator, Phase, PhaseForbids
from canvas.voting import ItemVoteLimitReached, RulesBelowSpent, VoteBudgetExceeded, VoteRules
from storage import boards, clusters, facilitation, notes, participants, votes
from storage.db import connect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def started(db):
    return facilitation.start_board(db, BoardDraft(title="Session", facilitator_name="Fran"))


def person(db, board_id, name):
    someone, _ = participants.join_board(db, board_id, name)
    return Credentials(participant_id=someone.id)


def snapshot(db, board_id):
    board = boards.get_board(db, board_id)
    return (board.revision, board.phase, board.vote_budget, board.votes_revealed,
            board.timer_ends_at, board.show_authors, board.focus_item)


def test_the_creator_holds_a_facilitator_key_stored_only_as_a_hash(db, started):
    board_id = started.board.id
    assert facilitation.is_facilitator(db, board_id, started.facilitator_key)
    assert not facilitation.is_facilitator(db, board_id, "guess")
    assert not facilitation.is_facilitator(db, board_id, None)
    stored = [row[0] for row in db.execute("SELECT key_hash FROM facilitator_keys")]
    assert started.facilitator_key not in stored


@pytest.mark.parametrize("crafted", [
    lambda db, b, k: facilitation.set_phase(db, b, k, Phase.vote),
    lambda db, b, k: facilitation.set_vote_rules(db, b, k, VoteRules(budget=9, max_per_item=2)),
    lambda db, b, k: facilitation.reveal_votes(db, b, k, True),
    lambda db, b, k: facilitation.start_timer(db, b, k, 300),
    lambda db, b, k: facilitation.set_focus(db, b, k, "x"),
    lambda db, b, k: facilitation.set_show_authors(db, b, k, True),
    lambda db, b, k: facilitation.issue_facilitator_key(db, b, k, revoke_others=True),
])
@pytest.mark.parametrize("key", [None, "", "not-the-key"])
def test_a_crafted_facilitator_action_without_the_key_changes_nothing(db, started, crafted, key):
    before = snapshot(db, started.board.id)
    with pytest.raises(NotFacilitator):
        crafted(db, started.board.id, key)
    assert snapshot(db, started.board.id) == before
    assert facilitation.is_facilitator(db, started.board.id, started.facilitator_key)


def test_a_key_of_another_board_gives_no_power_here(db, started):
    other = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    with pytest.raises(NotFacilitator):
        facilitation.set_phase(db, started.board.id, other.facilitator_key, Phase.group)


def test_co_facilitator_link_adds_and_hand_over_revokes(db, started):
    board_id, first = started.board.id, started.facilitator_key
    second = facilitation.issue_facilitator_key(db, board_id, first, revoke_others=False)
    assert facilitation.is_facilitator(db, board_id, first)
    assert facilitation.is_facilitator(db, board_id, second)
    third = facilitation.issue_facilitator_key(db, board_id, second, revoke_others=True)
    assert not facilitation.is_facilitator(db, board_id, first)
    assert not facilitation.is_facilitator(db, board_id, second)
    assert facilitation.is_facilitator(db, board_id, third)


def test_going_back_a_phase_loses_nothing(db, started):
    board_id, key = started.board.id, started.facilitator_key
    ann = person(db, board_id, "Ann")
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="alert sooner"), ann)
    facilitation.set_phase(db, board_id, key, Phase.group)
    cluster = clusters.create_cluster(db, board_id, "detect", "Alerting", ann)
    clusters.move_notes(db, board_id, "detect", {note.id: cluster.id}, ann)
    facilitation.set_phase(db, board_id, key, Phase.vote)
    assert votes.cast_vote(db, board_id, ann, cluster.id, seen=0)
    for phase in (Phase.group, Phase.write, Phase.discuss, Phase.closed, Phase.write):
        facilitation.set_phase(db, board_id, key, phase)
        assert [n.cluster_id for n in notes.list_notes(db, board_id)] == [cluster.id]
        assert votes.tallies(db, board_id)[cluster.id] == 1


def test_a_closed_board_refuses_participant_edits(db, started):
    board_id = started.board.id
    ann = person(db, board_id, "Ann")
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="x"), ann)
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.closed)
    before = boards.board_revision(db, board_id)
    for attempt in (
        lambda: notes.add_note(db, board_id, "detect", NoteDraft(text="late"), ann),
        lambda: notes.edit_note(db, board_id, note.id, NoteDraft(text="y"), note.version, ann),
        lambda: notes.delete_note(db, board_id, note.id, ann),
        lambda: clusters.create_cluster(db, board_id, "detect", "c", ann),
        lambda: votes.cast_vote(db, board_id, ann, note.id, 0),
    ):
        with pytest.raises(PhaseForbids, match="closed"):
            attempt()
    assert boards.board_revision(db, board_id) == before
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.write)
    notes.add_note(db, board_id, "detect", NoteDraft(text="reopened"), ann)


def test_someone_elses_note_cannot_be_changed_by_a_participant(db, started):
    board_id = started.board.id
    ann, bob = person(db, board_id, "Ann"), person(db, board_id, "Bob")
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="mine"), ann)
    with pytest.raises(Exception, match="Only the person who wrote"):
        notes.delete_note(db, board_id, note.id, bob)
    facilitator = Credentials(participant_id=started.facilitator.id,
                              facilitator_key=started.facilitator_key)
    notes.edit_note(db, board_id, note.id, NoteDraft(text="tidied"), note.version, facilitator)


def test_clusters_create_rename_merge_dissolve(db, started):
    board_id = started.board.id
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.group)
    ann = person(db, board_id, "Ann")
    a = notes.add_note(db, board_id, "detect", NoteDraft(text="same text"), ann)
    b = notes.add_note(db, board_id, "detect", NoteDraft(text="same text"), ann)
    one = clusters.create_cluster(db, board_id, "detect", "same text", ann)
    two = clusters.create_cluster(db, board_id, "detect", "Other", ann)
    assert clusters.move_notes(db, board_id, "detect", {a.id: one.id, b.id: two.id}, ann) == 2
    clusters.rename_cluster(db, board_id, two.id, "Paging", ann)
    clusters.merge_clusters(db, board_id, two.id, one.id, ann)
    assert [c.name for c in clusters.list_clusters(db, board_id)] == ["same text"]
    assert {n.cluster_id for n in notes.list_notes(db, board_id)} == {one.id}
    clusters.dissolve_cluster(db, board_id, one.id, ann)
    assert clusters.list_clusters(db, board_id) == []
    assert {n.cluster_id for n in notes.list_notes(db, board_id)} == {None}


def test_grouping_is_refused_outside_the_group_phase(db, started):
    ann = person(db, started.board.id, "Ann")
    with pytest.raises(PhaseForbids):
        clusters.create_cluster(db, started.board.id, "detect", "too early", ann)


@pytest.fixture
def voting(db, started):
    board_id = started.board.id
    ann = person(db, board_id, "Ann")
    items = [notes.add_note(db, board_id, "detect", NoteDraft(text=f"idea {i}"), ann).id
             for i in range(6)]
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.vote)
    return board_id, items


def test_a_double_click_counts_once(db, started, voting):
    board_id, items = voting
    voter = person(db, board_id, "Vic")
    assert votes.cast_vote(db, board_id, voter, items[0], seen=0)
    assert not votes.cast_vote(db, board_id, voter, items[0], seen=0)
    assert votes.my_votes(db, board_id, voter.participant_id)[items[0]] == 1


def test_budget_and_per_item_limits_hold(db, started, voting):
    board_id, items = voting
    voter = person(db, board_id, "Vic")
    for seen in range(3):
        votes.cast_vote(db, board_id, voter, items[0], seen)
    with pytest.raises(ItemVoteLimitReached):
        votes.cast_vote(db, board_id, voter, items[0], 3)
    votes.cast_vote(db, board_id, voter, items[1], 0)
    votes.cast_vote(db, board_id, voter, items[1], 1)
    with pytest.raises(VoteBudgetExceeded):
        votes.cast_vote(db, board_id, voter, items[2], 0)
    assert votes.retract_vote(db, board_id, voter, items[1], 2)
    assert votes.cast_vote(db, board_id, voter, items[2], 0)


def test_vote_rules_cannot_drop_below_what_was_spent(db, started, voting):
    board_id, items = voting
    voter = person(db, board_id, "Vic")
    for index in range(4):
        votes.cast_vote(db, board_id, voter, items[index], 0)
    with pytest.raises(RulesBelowSpent):
        facilitation.set_vote_rules(db, board_id, started.facilitator_key,
                                    VoteRules(budget=3, max_per_item=1))
    facilitation.set_vote_rules(db, board_id, started.facilitator_key,
                                VoteRules(budget=4, max_per_item=1))
    assert boards.get_board(db, board_id).vote_budget == 4


def test_voting_is_refused_outside_the_vote_phase(db, started, voting):
    board_id, items = voting
    voter = person(db, board_id, "Vic")
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.discuss)
    with pytest.raises(PhaseForbids):
        votes.cast_vote(db, board_id, voter, items[0], 0)


def test_many_people_voting_at_once_lose_no_vote(db_file, db, started, voting):
    board_id, items = voting
    voters = [person(db, board_id, f"P{i}") for i in range(12)]
    errors = []

    def vote(voter):
        own = connect(db_file)
        try:
            for index in range(5):
                votes.cast_vote(own, board_id, voter, items[index], 0)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=vote, args=(v,)) for v in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(votes.tallies(connect(db_file), board_id).values()) == 12 * 5


def test_two_tabs_of_one_person_clicking_at_once_never_exceed_the_budget(db_file, db, started, voting):
    board_id, items = voting
    voter = person(db, board_id, "Vic")
    outcomes = []

    def click(item, seen):
        own = connect(db_file)
        try:
            outcomes.append(votes.cast_vote(own, board_id, voter, item, seen))
        except VoteBudgetExceeded:
            outcomes.append("refused")
        finally:
            own.close()

    # 6 items x 3 "tabs" each believing they have 0 dots there: 18 clicks for 5 dots.
    threads = [threading.Thread(target=click, args=(item, 0)) for item in items for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    mine = votes.my_votes(connect(db_file), board_id, voter.participant_id)
    assert sum(mine.values()) == 5
    assert all(count == 1 for count in mine.values())
    assert outcomes.count(True) == 5


WRITER = """
import sys
from canvas.models import NoteDraft
from canvas.phases import Credentials
from storage import notes
from storage.db import connect
db = connect(sys.argv[1])
for index in range(100):
    notes.add_note(db, sys.argv[2], "detect", NoteDraft(text=f"{sys.argv[3]}-{index}"),
                   Credentials(facilitator_key=sys.argv[4]))
"""


def test_two_processes_writing_the_same_file_lose_nothing(db_file, db, started):
    board_id = started.board.id
    before = boards.board_revision(db, board_id)
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(db_file), board_id, name,
                                 started.facilitator_key],
                                cwd=ROOT) for name in ("one", "two")]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    fresh = connect(db_file)
    assert len(notes.list_notes(fresh, board_id)) == 200
    assert boards.board_revision(fresh, board_id) == before + 200
