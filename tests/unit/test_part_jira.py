"""The Jira cards part as the board draws it: columns and cards, sprints with
goal, capacity, committed points and the over-capacity warning, a blind
round that carries who estimated and no value until revealed, flags from the
rules, and nothing private of the board: no other person's note in Write,
no Jira settings."""

import json
from datetime import UTC, datetime

from canvas.jira_board import Card, JiraBoardSettings, JiraBoardState, Round, Sprint
from canvas.models import Board, Note, Participant
from canvas.session.live_view import ViewBuilder
from canvas.session.parts import jira as part
from canvas.session.phases import Phase
from canvas.session.visibility import Viewer
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BOARD = "B" * 24
ANA, BEN = "p-ana", "p-ben"
PLAN = JiraBoardSettings(kind="planning", source_board=7, jql="labels = secret-team")


def card(key: str, column: str, position: int, points=None, **more) -> Card:
    return Card(id="c-" + key, key=key, url=f"https://jira.example/browse/{key}", summary=f"Do {key}",
                column=column, position=position, story_points=points, **more)


def snapshot(state: JiraBoardState, phase: Phase = Phase.discuss, notes=()) -> BoardSnapshot:
    board = Board(id=BOARD, title="Planning", template="sprint-planning", created_at=T0, revision=3,
                  details_version=1, phase=phase)
    people = [Participant(id=pid, board_id=BOARD, display_name=name, joined_at=T0, last_seen_at=T0)
              for pid, name in ((ANA, "Ana"), (BEN, "Ben"))]
    return BoardSnapshot(board=board, participants=people, jira=state, notes=list(notes))


SPRINTS = [Sprint(id=2, name="Sprint 2", state="future", goal="No double charge", capacity={"Ana": 5, "Ben": 3}),
           Sprint(id=1, name="Sprint 1", state="active")]
CARDS = [card("OPS-1", "sprint-2", 1, 5.0), card("OPS-2", "sprint-2", 2, 8.0, action_board="PM" * 12),
         card("OPS-3", "backlog", 1, sync="failed", sync_message="Jira refused it: no transition"),
         card("OPS-4", "backlog", 2, conflicts={"summary": {"board": "Ours", "jira": "Theirs"}})]


def test_planning_shows_active_then_future_sprints_then_the_backlog_with_capacity():
    built = part.build(snapshot(JiraBoardState(settings=PLAN, cards=CARDS, sprints=SPRINTS)))
    assert [c["key"] for c in built["columns"]] == ["sprint-1", "sprint-2", "backlog"]
    sprint = built["columns"][1]
    assert (sprint["goal"], sprint["capacity"], sprint["points"], sprint["over"]) == ("No double charge", 8.0, 13.0, True)
    assert [c["key"] for c in sprint["cards"]] == ["OPS-1", "OPS-2"]
    assert sprint["cards"][1]["action_board"] == "PM" * 12
    assert built["columns"][0]["over"] is False and built["columns"][0]["capacity"] is None


def test_a_card_says_whether_jira_has_it_and_shows_both_sides_of_a_conflict():
    built = part.build(snapshot(JiraBoardState(settings=PLAN, cards=CARDS, sprints=SPRINTS)))
    failed, conflicted = built["columns"][2]["cards"]
    assert (failed["sync"], failed["sync_message"]) == ("failed", "Jira refused it: no transition")
    assert conflicted["conflicts"] == [{"field": "summary", "label": "summary", "board": "Ours", "jira": "Theirs"}]


def test_a_blind_round_names_who_estimated_and_no_value_until_revealed():
    blind = Round(card_id="c-OPS-1", estimates={ANA: "13", BEN: "8"})
    built = part.build(snapshot(JiraBoardState(settings=PLAN, cards=CARDS, sprints=SPRINTS, round=blind)))
    assert built["round"] == {"card_id": "c-OPS-1", "revealed": False, "estimated": ["Ana", "Ben"], "count": 2}
    assert "13" not in json.dumps(built["round"])
    shown = part.build(snapshot(JiraBoardState(settings=PLAN, cards=CARDS, sprints=SPRINTS,
                                               round=blind.model_copy(update={"revealed": True}))))
    assert shown["round"]["estimates"] == [{"name": "Ana", "value": "13"}, {"name": "Ben", "value": "8"}]


def test_flags_follow_the_rules_of_the_phase():
    open_board = part.build(snapshot(JiraBoardState(settings=PLAN), Phase.vote))["flags"]
    closed = part.build(snapshot(JiraBoardState(settings=PLAN), Phase.closed))["flags"]
    assert open_board == {"edit": True, "estimate": True, "run_estimation": True, "sync": True}
    assert closed == {"edit": False, "estimate": False, "run_estimation": False, "sync": True}


def test_a_board_without_jira_cards_draws_nothing():
    shot = snapshot(JiraBoardState(settings=PLAN)).model_copy(update={"jira": None})
    assert part.build(shot) == {}


def test_nothing_private_leaks_into_the_part_in_write():
    note = Note(id="n1", board_id=BOARD, step_key="questions", text="ana-private-worry", colour="yellow",
                author_id=ANA, position=1, created_at=T0, updated_at=T0, number=1)
    shot = snapshot(JiraBoardState(settings=PLAN, cards=CARDS, sprints=SPRINTS), Phase.write, notes=[note])
    view = ViewBuilder(shot).view(Viewer(participant_id=BEN), my_votes={}, present=[])
    text = json.dumps(view["parts"]["jira"])
    assert view["parts"]["jira"]["columns"]
    for private in ("ana-private-worry", "secret-team", "source_board"):
        assert private not in text
