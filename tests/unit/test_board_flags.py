"""Every control the live board offers is a flag the view carries, decided
from the rule table storage enforces: for each phase and each role, the
flags equal what `authorize` accepts, and what the rules of the meeting
say (written out here, so a changed rule shows up as a failing test)."""

from datetime import UTC, datetime

import pytest

from canvas.errors import CanvasError
from canvas.models import Board, Cluster, Note, Participant
from canvas.session.live_view import ViewBuilder
from canvas.session.phases import Action, Actor, Phase, authorize
from canvas.session.visibility import Viewer
from canvas.snapshot import BoardSnapshot

T0 = datetime(2024, 1, 1, tzinfo=UTC)
BOARD = "B" * 24
FAC, ANA, BEN = "p-fac", "p-ana", "p-ben"
ROLES = {
    "facilitator": Viewer(participant_id=FAC, is_facilitator=True),
    "author": Viewer(participant_id=ANA, is_facilitator=False),
    "other participant": Viewer(participant_id=BEN, is_facilitator=False),
}

# The board-wide flags and the rule each one asks.
FLAG_ACTIONS = {
    "write": Action.write_note, "group": Action.group, "vote": Action.vote,
    "make_action": Action.action_from_item, "set_category": Action.set_category,
    "set_action_status": Action.update_action_status, "reveal_votes": Action.reveal_votes,
    "run_timer": Action.run_timer, "focus": Action.focus, "lead": Action.lead, "show_authors": Action.show_authors,
    "set_vote_rules": Action.set_vote_rules,
    "edit_summary": Action.edit_summary, "edit_timeline": Action.edit_timeline,
    "link_note": Action.link_note, "mark_assumption": Action.mark_assumption,
    "edit_whys": Action.edit_whys, "edit_learnings": Action.edit_learnings,
    "edit_actions": Action.edit_actions, "choose_summary_editors": Action.choose_summary_editors,
}

STEERING = {"reveal_votes", "run_timer", "show_authors", "set_vote_rules", "facilitate", "lead"}
# The meeting's parts are worked on together while the board is open.
MEETING = {"set_category", "set_action_status", "edit_summary", "edit_timeline", "link_note",
           "mark_assumption", "edit_learnings", "edit_actions"}
# What each phase offers a participant, and what a facilitator has on top.
EXPECTED_FOR_A_PARTICIPANT = {
    Phase.write: {"write"} | MEETING,
    Phase.group: {"write", "group"} | MEETING,
    Phase.vote: {"vote"} | MEETING,
    Phase.discuss: {"make_action"} | MEETING,
    Phase.closed: {"set_action_status"},
}
# The facilitator leads the 5 Whys.
EXPECTED_FOR_THE_FACILITATOR_TOO = {
    Phase.write: STEERING | {"move:next", "edit_whys", "choose_summary_editors"},
    Phase.group: STEERING | {"move:back", "move:next", "edit_whys", "choose_summary_editors",
                             "suggest_groups"},
    Phase.vote: STEERING | {"move:back", "move:next", "edit_whys", "choose_summary_editors"},
    Phase.discuss: STEERING | {"focus", "move:back", "move:next", "edit_whys", "choose_summary_editors"},
    Phase.closed: STEERING | {"move:back"},
}
# Notes change (edit, delete, restore) while written and grouped: by their
# author, or by the facilitator.
NOTES_CHANGE_IN = {Phase.write, Phase.group}


def note(number, author, cluster=None):
    return Note(id=f"n{number}", board_id=BOARD, step_key="detect", text=f"note {number}", colour="yellow",
                author_id=author, created_at=T0, updated_at=T0, number=number, position=number,
                cluster_id=cluster)


def snapshot(phase: Phase) -> BoardSnapshot:
    board = Board(id=BOARD, title="Checkout errors", template="blameless", created_at=T0, revision=7,
                  details_version=1, phase=phase, vote_budget=3, vote_max_per_item=2)
    people = [Participant(id=pid, board_id=BOARD, display_name=pid, joined_at=T0, last_seen_at=T0)
              for pid in (FAC, ANA, BEN)]
    cluster = Cluster(id="c1", board_id=BOARD, step_key="detect", name="Alerts", position=0, created_at=T0)
    return BoardSnapshot(board=board, participants=people, clusters=[cluster],
                         notes=[note(1, ANA), note(2, ANA, cluster="c1"), note(3, FAC), note(4, BEN)],
                         tallies={})


# Ana has put both dots she may on n1 and one on the cluster.
MY_VOTES = {ANA: {"n1": 2, "c1": 1}}


def views(phase: Phase, viewer: Viewer) -> list[dict]:
    """The dict view and the stream's JSON view, which must agree."""
    import json

    builder = ViewBuilder(snapshot(phase))
    mine = MY_VOTES.get(viewer.participant_id, {})
    return [builder.view(viewer, my_votes=mine, present=[]),
            json.loads(builder.view_json(viewer, my_votes=mine, present=[]))]


def authorized(action: Action, phase: Phase, viewer: Viewer, owner: str | None = None) -> bool:
    try:
        authorize(action, phase, Actor(participant_id=viewer.participant_id,
                                       is_facilitator=viewer.is_facilitator), owner)
    except CanvasError:
        return False
    return True


def offered(view: dict) -> set[str]:
    can = view["can"]
    flags = {name for name, value in can.items() if value is True}
    return flags | {f"move:{move['direction']}" for move in can["phase_moves"]}


def shown_notes(view: dict) -> list[dict]:
    return [n for c in view["columns"] for n in c["notes"] + [m for cl in c["clusters"] for m in cl["notes"]]]


PHASE_ROLE = [(phase, role) for phase in Phase for role in ROLES]


@pytest.mark.parametrize(("phase", "role"), PHASE_ROLE)
def test_board_flags_are_what_authorize_accepts(phase, role):
    viewer = ROLES[role]
    for view in views(phase, viewer):
        for flag, action in FLAG_ACTIONS.items():
            assert view["can"][flag] is authorized(action, phase, viewer), flag
        moves = {m["key"] for m in view["can"]["phase_moves"]}
        neighbours = {p.value for p in (phase.previous, phase.next) if p is not None}
        assert moves == {p for p in neighbours if authorized(Action.change_phase, Phase(p), viewer)
                         and authorized(Action.change_phase, phase, viewer)}


@pytest.mark.parametrize(("phase", "role"), PHASE_ROLE)
def test_board_flags_follow_the_rules_of_the_meeting(phase, role):
    expected = set(EXPECTED_FOR_A_PARTICIPANT[phase])
    if role == "facilitator":
        expected |= EXPECTED_FOR_THE_FACILITATOR_TOO[phase]
    for view in views(phase, ROLES[role]):
        assert offered(view) == expected


@pytest.mark.parametrize(("phase", "role"), PHASE_ROLE)
def test_a_note_may_be_changed_and_moved_exactly_when_storage_would_take_it(phase, role):
    viewer = ROLES[role]
    authors = {"n1": ANA, "n2": ANA, "n3": FAC, "n4": BEN}
    for view in views(phase, viewer):
        notes = shown_notes(view)
        assert notes, "every role sees at least its own notes"
        for shown in notes:
            author = authors[shown["id"]]
            assert shown["may_change"] is authorized(Action.change_note, phase, viewer, author)
            assert shown["may_change"] is (phase in NOTES_CHANGE_IN and (
                viewer.is_facilitator or author == viewer.participant_id))
            assert shown["may_move"] is authorized(Action.group, phase, viewer)
            assert shown["may_move"] is (phase is Phase.group)


@pytest.mark.parametrize(("phase", "role"), PHASE_ROLE)
def test_vote_again_and_take_back_are_decided_per_item_on_the_server(phase, role):
    viewer = ROLES[role]
    voting = authorized(Action.vote, phase, viewer)
    assert voting is (phase is Phase.vote)
    mine = MY_VOTES.get(viewer.participant_id, {})
    for view in views(phase, viewer):
        items = [c for col in view["columns"] for c in col["clusters"]] + \
                [n for col in view["columns"] for n in col["notes"]]
        for item in items:
            held = mine.get(item["id"], 0)
            # A budget of 3 and at most 2 on one item: Ana, with 3 placed, may add none.
            fits = sum(mine.values()) < 3 and held < 2
            assert item["my_votes"] == held
            assert item["may_vote"] is (voting and fits), item["id"]
            assert item["may_unvote"] is (voting and held > 0), item["id"]


def test_the_vocabulary_comes_from_the_server():
    view = views(Phase.group, ROLES["author"])[0]
    board = view["board"]
    assert [c["key"] for c in board["palette"]] == ["yellow", "pink", "blue", "green", "orange", "purple"]
    assert all(c["hex"].startswith("#") for c in board["palette"])
    assert {"key": "wont_do", "label": "Won't do"} in board["statuses"]
    assert board["vote_rules"] == {"budget": 3, "max_per_item": 2}
    assert board["timer_presets_minutes"]


def test_the_move_menu_names_what_a_note_is_dropped_on():
    view = views(Phase.group, ROLES["author"])[0]
    title = next(c["title"] for c in view["columns"] if c["key"] == "detect")
    detect = next(c for c in view["columns"] if c["title"] == title)
    by_key = {t["key"]: t["move"] for t in detect["move_targets"]}
    assert by_key["cluster:c1"] == {"step_key": "detect", "cluster_id": "c1", "onto_note_id": None}
    assert by_key["column:detect"] == {"step_key": "detect", "cluster_id": None, "onto_note_id": None}
    # Each loose note is a target too (a new cluster with it), said once for
    # the column; a note in a cluster is reached through its cluster.
    assert detect["onto_loose_notes"] is True
    assert {n["id"] for n in detect["notes"]} == {"n1", "n3", "n4"}
    places = {n["id"]: n["place"] for n in shown_notes(view)}
    assert places == {"n1": "column:detect", "n2": "cluster:c1", "n3": "column:detect", "n4": "column:detect"}
    assert all(c["move_targets"] == [] and c["onto_loose_notes"] is False
               for c in views(Phase.vote, ROLES["author"])[0]["columns"])
