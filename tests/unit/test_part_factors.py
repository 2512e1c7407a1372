"""The factors part as the board draws it: the factor step's notes and
clusters in category lanes, votes only once revealed, the top factors marked
for a 5 Whys, and nothing another person wrote while people write alone."""

import json
from datetime import UTC, datetime

from canvas.learnings import FactorCategory, WhyChain, WhyStep
from canvas.models import Board, Cluster, Note, Participant
from canvas.session.live_view import ViewBuilder
from canvas.session.parts import factors
from canvas.session.phases import Phase
from canvas.session.visibility import Viewer, visible_snapshot
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BOARD = "B" * 24
FAC, ANA, BEN = "p-fac", "p-ana", "p-ben"
FACTORS = "contributing-factors"


def note(number, author, *, step=FACTORS, cluster=None, category=None, text=None):
    return Note(id=f"n{number}", board_id=BOARD, step_key=step, text=text or f"factor {number}",
                colour="blue", author_id=author, created_at=T0, updated_at=T0, number=number,
                position=number, cluster_id=cluster, category=category)


def snapshot(phase: Phase, *, template="blameless", revealed=False, tallies=None, notes=None,
             whys=()) -> BoardSnapshot:
    board = Board(id=BOARD, title="Checkout errors", template=template, created_at=T0, revision=3,
                  details_version=1, phase=phase, votes_revealed=revealed)
    people = [Participant(id=pid, board_id=BOARD, display_name=pid, joined_at=T0, last_seen_at=T0)
              for pid in (FAC, ANA, BEN)]
    cluster = Cluster(id="c1", board_id=BOARD, step_key=FACTORS, name="Rollout", position=0,
                      created_at=T0, category=FactorCategory.process)
    found = notes if notes is not None else [
        note(1, ANA, category=FactorCategory.tech), note(2, ANA, cluster="c1"), note(3, BEN, cluster="c1"),
        note(4, BEN), note(5, ANA, step="detect"),
    ]
    return BoardSnapshot(board=board, participants=people, clusters=[cluster], notes=found,
                         tallies=tallies or {}, whys=list(whys))


def part_for(shot: BoardSnapshot, who: str | None) -> dict:
    return factors.build(visible_snapshot(shot, Viewer(participant_id=who)))


def by_id(part: dict) -> dict[str, dict]:
    return {factor["id"]: factor for factor in part["factors"]}


def test_the_factors_are_the_factor_steps_clusters_and_loose_notes_each_in_its_category():
    part = part_for(snapshot(Phase.group), ANA)
    found = by_id(part)
    assert list(found) == ["c1", "n1", "n4"], "a grouped note stands in its cluster; other steps stay out"
    assert {key: factor["category"] for key, factor in found.items()} == {
        "c1": "process", "n1": "tech", "n4": None}
    assert (found["c1"]["kind"], found["c1"]["text"], found["c1"]["notes"]) == ("cluster", "Rollout", 2)
    assert (found["n1"]["kind"], found["n1"]["text"], found["n1"]["number"]) == ("note", "factor 1", 1)
    assert found["n1"]["title"] == "#1 · factor 1"


def test_the_lanes_are_uncategorised_then_every_category_in_order():
    lanes = part_for(snapshot(Phase.group), ANA)["lanes"]
    assert lanes[0] == {"key": None, "label": "Uncategorised"}
    assert [lane["key"] for lane in lanes[1:]] == [category.value for category in FactorCategory]
    assert [lane["label"] for lane in lanes[1:]] == [
        "People", "Process", "Product", "Technology", "Communication", "Environment"]


def test_in_write_a_participant_receives_only_their_own_factors_and_no_whys_on_others():
    chains = [WhyChain(item_id="n4", steps=[WhyStep(why="ben-only-why", because="ben-only-because")]),
              WhyChain(item_id="n1", steps=[WhyStep(why="Why one stage?")])]
    shot = snapshot(Phase.write, notes=[note(1, ANA), note(4, BEN, text="ben-private-factor")], whys=chains)
    part = part_for(shot, ANA)
    assert list(by_id(part)) == ["c1", "n1"]
    assert by_id(part)["n1"]["whys"] == [{"why": "Why one stage?", "because": ""}]
    encoded = json.dumps(part)
    assert "ben-private" not in encoded and "ben-only" not in encoded
    # Ben receives his own.
    assert by_id(part_for(shot, BEN))["n4"]["whys"][0]["why"] == "ben-only-why"


def test_the_board_view_of_a_participant_in_write_carries_no_other_persons_factor():
    shot = snapshot(Phase.write, notes=[note(1, ANA), note(4, BEN, text="ben-private-factor")])
    view = ViewBuilder(shot).view_json(Viewer(participant_id=ANA), my_votes={}, present=[])
    assert "ben-private-factor" not in view
    assert [factor["id"] for factor in json.loads(view)["parts"]["factors"]["factors"]] == ["c1", "n1"]


def test_votes_are_shown_once_revealed_and_the_top_two_with_their_ties_are_marked():
    tallies = {"n1": 3, "n2": 1, "n3": 1, "n4": 2}
    hidden = by_id(part_for(snapshot(Phase.vote, tallies=tallies), ANA))
    assert {factor["votes"] for factor in hidden.values()} == {None}
    assert not any(factor["top"] for factor in hidden.values())

    shown = by_id(part_for(snapshot(Phase.discuss, revealed=True, tallies=tallies), ANA))
    assert {key: factor["votes"] for key, factor in shown.items()} == {"c1": 2, "n1": 3, "n4": 2}
    assert {key for key, factor in shown.items() if factor["top"]} == {"n1", "c1", "n4"}


def test_a_factor_without_a_vote_is_never_top():
    shown = by_id(part_for(snapshot(Phase.discuss, revealed=True, tallies={"n1": 1}), ANA))
    assert {key for key, factor in shown.items() if factor["top"]} == {"n1"}


def test_a_template_without_a_factor_step_has_no_factors_part():
    assert factors.build(snapshot(Phase.group, template="mad-sad-glad", notes=[])) == {}
