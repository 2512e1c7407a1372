"""Votes in a backup (canvas.exports.backup), with literals: a participant's
backup holds totals only, a facilitator's holds ballots that no name is tied
to, and either one plans a board whose dots keep the vote rules."""

import json
import random
from collections import Counter
from datetime import UTC, datetime

import pytest

from canvas.errors import BackupInvalid
from canvas.exports.backup import backup_document, parse_backup, planned_dots
from canvas.models import Board, Cluster, Note, NoteColour, Participant
from canvas.session.phases import Phase
from canvas.session.visibility import Viewer, backup_votes, visible_snapshot
from canvas.session.voting import counted_item
from canvas.snapshot import BoardSnapshot

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PEOPLE = ("fran", "ann", "bob", "cy")
# Each person's dots (n3 is grouped into c1, so its dots count toward c1).
VOTES = {"ann": {"n1": 2, "c1": 1}, "bob": {"n2": 3}, "cy": {"n1": 1, "n3": 1, "c1": 1}}


def note(number: int, cluster: str | None = None) -> Note:
    return Note(id=f"n{number}", board_id="B", step_key="detect", text=f"Note {number}",
                colour=NoteColour.yellow, author_id=None, created_at=T0, updated_at=T0,
                number=number, position=number, cluster_id=cluster)


def board(votes=VOTES, people=PEOPLE, *, revealed=True, budget=5, limit=3,
          notes=3, grouped=("n3",)) -> BoardSnapshot:
    tallies = Counter()
    for counts in votes.values():
        tallies.update(counts)
    return BoardSnapshot(
        board=Board(id="B", template="blameless", created_at=T0, revision=3, details_version=1,
                    title="Votes", phase=Phase.discuss, votes_revealed=revealed,
                    vote_budget=budget, vote_max_per_item=limit),
        participants=[Participant(id=person, board_id="B", display_name=person.title(),
                                  joined_at=T0, last_seen_at=T0) for person in people],
        notes=[note(number, "c1" if f"n{number}" in grouped else None)
               for number in range(1, notes + 1)],
        clusters=[Cluster(id="c1", board_id="B", step_key="detect", name="Grouped", position=1,
                          created_at=T0)],
        tallies=dict(tallies),
    )


def plan_of(document: dict):
    return parse_backup(json.dumps(document))


# --- what a backup holds ---------------------------------------------------------------

def test_a_participants_backup_holds_totals_and_no_votes_per_person():
    whole = board()
    ann = Viewer(participant_id="ann")
    document = backup_document(visible_snapshot(whole, ann), backup_votes(VOTES, whole, ann))

    assert document["votes"] == []
    assert document["tallies"] == [{"item": "cluster-1", "count": 2}, {"item": "note-1", "count": 3},
                                   {"item": "note-2", "count": 3}, {"item": "note-3", "count": 1}]
    assert '"participant"' not in json.dumps(document) and '"voter"' not in json.dumps(document)


def test_before_the_reveal_a_participants_backup_holds_no_votes_at_all():
    whole = board(revealed=False)
    ann = Viewer(participant_id="ann")
    document = backup_document(visible_snapshot(whole, ann), backup_votes(VOTES, whole, ann))
    assert (document["tallies"], document["votes"]) == ([], [])


def test_a_facilitators_backup_holds_ballots_without_names():
    whole = board()
    fran = Viewer(participant_id="fran", is_facilitator=True)
    document = backup_document(visible_snapshot(whole, fran), backup_votes(VOTES, whole, fran))

    assert document["votes"] == [
        {"voter": 1, "item": "cluster-1", "count": 1}, {"voter": 1, "item": "note-1", "count": 1},
        {"voter": 1, "item": "note-3", "count": 1},
        {"voter": 2, "item": "cluster-1", "count": 1}, {"voter": 2, "item": "note-1", "count": 2},
        {"voter": 3, "item": "note-2", "count": 3},
    ]
    assert {row["item"]: row["count"] for row in document["tallies"]} == {
        "cluster-1": 2, "note-1": 3, "note-2": 3, "note-3": 1}
    assert '"participant"' not in json.dumps(document)


def test_who_cast_which_ballot_changes_nothing_in_the_backup():
    # Ann and Cy swap ballots, and the participants join in another order:
    # a backup that differed would tie a ballot to a name.
    swapped = {"cy": VOTES["ann"], "bob": VOTES["bob"], "ann": VOTES["cy"]}
    first = backup_document(board(), VOTES)
    second = backup_document(board(swapped), swapped)
    third = backup_document(board(people=("cy", "bob", "ann", "fran")), VOTES)
    assert first["votes"] == second["votes"] == third["votes"]


def test_only_a_facilitator_gets_votes_per_person_for_a_backup():
    whole = board(revealed=False)
    assert backup_votes(VOTES, whole, Viewer(participant_id="ann")) is None
    assert backup_votes(VOTES, whole, Viewer()) is None
    # Before the reveal, even the facilitator's backup holds only their own dots.
    assert backup_votes({**VOTES, "fran": {"n2": 1}}, whole,
                        Viewer(participant_id="fran", is_facilitator=True)) == {"fran": {"n2": 1}}


# --- reading them back -----------------------------------------------------------------

def held(plan) -> tuple[Counter, Counter, Counter]:
    """Dots per item, per participant, and per participant on each counted item."""
    cluster_of = {note.ref: note.cluster for note in plan.notes}
    per_item, per_person, per_counted = Counter(), Counter(), Counter()
    for dot in planned_dots(plan):
        per_item[dot.item] += dot.count
        per_person[dot.participant] += dot.count
        per_counted[dot.participant, counted_item(dot.item, cluster_of)] += dot.count
    return per_item, per_person, per_counted


def test_ballots_come_back_as_they_were():
    plan = plan_of(backup_document(board(), VOTES))
    ballots = sorted(sorted((dot.item, dot.count) for dot in planned_dots(plan)
                            if dot.participant == seat) for seat in range(3))
    assert ballots == [[("cluster-1", 1), ("note-1", 1), ("note-3", 1)],
                       [("cluster-1", 1), ("note-1", 2)], [("note-2", 3)]]


def test_totals_alone_are_spread_within_the_budget_and_the_limit():
    plan = plan_of(backup_document(board()))
    per_item, per_person, per_counted = held(plan)
    assert per_item == Counter({"cluster-1": 2, "note-1": 3, "note-2": 3, "note-3": 1})
    assert max(per_person.values()) <= 5 and max(per_counted.values()) <= 3
    assert set(per_person) <= set(range(len(PEOPLE)))


def test_the_spread_fits_every_set_of_totals_real_ballots_can_make():
    rng = random.Random(20261207)
    for case in range(400):
        budget = rng.randint(1, 12)
        limit = rng.randint(1, budget)
        people = [f"p{index}" for index in range(rng.randint(1, 6))]
        notes = rng.randint(1, 8)
        grouped = {f"n{number}" for number in range(1, notes + 1) if rng.random() < 0.4}
        items = ["c1", *(f"n{number}" for number in range(1, notes + 1))]
        votes = {}
        for person in people:
            counts, spent, on = Counter(), 0, Counter()
            for _ in range(rng.randint(0, budget)):
                item = rng.choice(items)
                counted = "c1" if item in grouped else item
                if spent < budget and on[counted] < limit:
                    counts[item] += 1
                    on[counted] += 1
                    spent += 1
            votes[person] = dict(counts)
        plan = plan_of(backup_document(board(votes, people, budget=budget, limit=limit,
                                             notes=notes, grouped=grouped)))
        per_item, per_person, per_counted = held(plan)
        assert per_item == Counter({tally.item: tally.count for tally in plan.tallies}), case
        assert max(per_person.values(), default=0) <= budget, case
        assert max(per_counted.values(), default=0) <= limit, case


@pytest.mark.parametrize("tallies, message", [
    ([{"item": "note-2", "count": 4}], "tallies: 4 dots on 'note-2', more than 1 participant "
                                       "can hold with 3 per item"),
    ([{"item": "note-1", "count": 3}, {"item": "note-2", "count": 3}],
     "tallies: 6 dots, more than 1 participant can hold with a budget of 5"),
    ([{"item": "note-1", "count": 1}, {"item": "note-1", "count": 1}],
     "tallies[1].item: 'note-1' is listed twice"),
    ([{"item": "note-9", "count": 1}], "tallies[0].item: no cluster or note 'note-9'"),
    ([{"item": "note-1", "count": 2**70}], "more than 1 participant can hold"),
])
def test_totals_no_board_could_hold_are_refused(tallies, message):
    document = backup_document(board({}, ("ann",)))
    document["tallies"] = tallies
    with pytest.raises(BackupInvalid) as refused:
        plan_of(document)
    assert message in str(refused.value)


def test_a_backup_of_the_older_format_keeps_each_persons_votes_by_place():
    document = backup_document(board(), VOTES)
    document.update(format="postmortem-canvas/backup-1", tallies=[], votes=[
        {"item": "note-2", "participant": 2, "count": 3},
        {"item": "note-1", "participant": 1, "count": 2}])
    dots = planned_dots(plan_of(document))
    assert sorted(dots) == [(1, "note-1", 2), (2, "note-2", 3)]
