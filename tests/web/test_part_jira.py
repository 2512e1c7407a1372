"""The Jira cards through the board's actions route, against the emulated
Jira Software site (tests/jira_agile_emulator.py): a change accepted and
written to Jira, refused by a rule (409), bad bodies (422), a card of no
board, two people on the same card, a blind round that hides values on the
stream, Jira changing an issue or going down while the board edits it, and
no Jira credential anywhere in a view."""

import pytest

from canvas.jira_board import JiraBoardSettings
from canvas.models import BoardDraft
from canvas.session.phases import Credentials, Phase
from integrations import jira_board_sync
from storage import boards, facilitation, jira_cards, participants
from storage.db import connect
from tests.jira_agile_emulator import JIRA_TOKEN as TOKEN, JiraAgileEmulator
from tests.web.conftest import Board, act, canvas_tickets, stream_views


@pytest.fixture
def jira(monkeypatch):
    with JiraAgileEmulator() as site:
        for i in range(6):
            site.add_issue(f"Issue {i + 1}")
        for name, value in site.env().items():
            monkeypatch.setenv(name, value)
        yield site


@pytest.fixture
def board(web_db, jira):
    db = connect(web_db)
    started = facilitation.start_board(db, BoardDraft(title="Refinement", facilitator_name="Fran",
                                                      template="backlog-refinement"))
    board_id = started.board.id
    tokens, ids = {}, {}
    for name in ("Ana", "Ben"):
        person, token = participants.join_board(db, board_id, name)
        tokens[name], ids[name] = token, person.id
    jira_cards.make_jira_board(db, board_id, JiraBoardSettings(kind="refinement", source_board=1,
                                                               ready_transition="Start progress",
                                                               drop_value="Drop"))
    jira_board_sync.sync(db, board_id, jira_board_sync.client_from_env())
    fran_key = facilitation.create_facilitator_key(db, board_id, "test")
    yield Board(db, board_id, fran_key, tokens, ids)
    db.close()


def part_of(reply) -> dict:
    assert reply.status_code == 200, reply.text
    return reply.json()["view"]["parts"]["jira"]


def refused(reply, status: int) -> str:
    assert reply.status_code == status, reply.text
    assert reply.json()["ok"] is False
    return reply.json()["message"]


def card(part: dict, key: str) -> dict:
    return next(c for column in part["columns"] for c in column["cards"] if c["key"] == key)


def keys(part: dict, column: str) -> list[str]:
    return [c["key"] for c in next(col for col in part["columns"] if col["key"] == column)["cards"]]


def test_a_drop_reorders_the_column_and_jiras_rank_at_once(client, board, jira):
    part = part_of(act(client, board, "Ana", "jira_move", card_id=card_of(board, "OPS-4"),
                       column="to-refine", index=0))
    assert keys(part, "to-refine")[:2] == ["OPS-4", "OPS-1"]
    assert jira.ranked()[:2] == ["OPS-4", "OPS-1"]
    assert card(part, "OPS-4")["sync"] == "saved"


def test_a_card_moved_to_ready_is_transitioned_in_jira(client, board, jira):
    part = part_of(act(client, board, "Ben", "jira_move", card_id=card_of(board, "OPS-2"), column="ready", index=0))
    assert keys(part, "ready") == ["OPS-2"]
    assert jira.issues["OPS-2"]["status"] == "In Progress"


def test_an_edit_lands_in_jira_and_the_card_says_saved(client, board, jira):
    part = part_of(act(client, board, "Ana", "jira_edit", card_id=card_of(board, "OPS-1"),
                       summary="Retries are idempotent", acceptance="- one charge per order",
                       labels="payments, postmortem"))
    shown = card(part, "OPS-1")
    assert (shown["summary"], shown["acceptance"], shown["labels"], shown["sync"]) == (
        "Retries are idempotent", "- one charge per order", ["payments", "postmortem"], "saved")
    assert jira.issues["OPS-1"]["labels"] == ["payments", "postmortem"]
    assert jira.text("OPS-1").split() == ["Acceptance", "criteria", "one", "charge", "per", "order"]


def test_jira_down_keeps_the_change_queued_and_the_board_says_so_until_a_sync(client, board, jira):
    jira.go_down()
    part = part_of(act(client, board, "Ana", "jira_edit", card_id=card_of(board, "OPS-3"), summary="Queued"))
    assert card(part, "OPS-3")["sync"] == "queued"
    assert part["jira"]["reachable"] is False and part["jira"]["queued"] == 1
    assert jira.issues["OPS-3"]["summary"] == "Issue 3"
    jira.come_up()
    part = part_of(act(client, board, "Ben", "jira_sync"))
    assert card(part, "OPS-3")["sync"] == "saved" and part["jira"]["reachable"] is True
    assert jira.issues["OPS-3"]["summary"] == "Queued"


def test_an_issue_changed_in_jira_while_the_board_edits_it_shows_both_until_picked(client, board, jira):
    jira.go_down()
    act(client, board, "Ana", "jira_edit", card_id=card_of(board, "OPS-5"), summary="Board says")
    jira.come_up()
    jira.change("OPS-5", summary="Jira says")
    part = part_of(act(client, board, "Ben", "jira_sync"))
    shown = card(part, "OPS-5")
    assert shown["sync"] == "conflict"
    assert shown["conflicts"] == [{"field": "summary", "label": "summary", "board": "Board says", "jira": "Jira says"}]
    part = part_of(act(client, board, "Ben", "jira_pick", card_id=shown["id"], field="summary", side="jira"))
    assert (card(part, "OPS-5")["summary"], card(part, "OPS-5")["conflicts"]) == ("Jira says", [])


def test_a_closed_board_refuses_a_move_with_409_and_writes_nothing(client, board, jira):
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    revision = boards.board_revision(board.db, board.id)
    message = refused(act(client, board, "Ana", "jira_move", card_id=card_of(board, "OPS-6"),
                          column="to-refine", index=0), 409)
    assert message.startswith("The board is closed")
    assert boards.board_revision(board.db, board.id) == revision
    assert jira.ranked()[0] == "OPS-1"


def test_only_the_facilitator_starts_reveals_and_settles_a_round(client, board, jira):
    target = card_of(board, "OPS-2")
    assert "facilitator" in refused(act(client, board, "Ana", "jira_start_round", card_id=target), 409).lower()
    part_of(act(client, board, "Ana", "jira_start_round", card_id=target, facilitator_key=board.fran_key))
    part_of(act(client, board, "Ana", "jira_estimate", card_id=target, value="5"))
    part = part_of(act(client, board, "Ben", "jira_estimate", card_id=target, value="8"))
    assert part["round"] == {"card_id": target, "revealed": False, "estimated": ["Ana", "Ben"], "count": 2}
    assert refused(act(client, board, "Ben", "jira_reveal", card_id=target), 409)
    part = part_of(act(client, board, "Ana", "jira_reveal", card_id=target, facilitator_key=board.fran_key))
    assert [e["value"] for e in part["round"]["estimates"]] == ["5", "8"]
    part = part_of(act(client, board, "Ana", "jira_settle", card_id=target, value="8", facilitator_key=board.fran_key))
    assert card(part, "OPS-2")["points"] == 8.0 and part["round"] is None
    assert jira.issues["OPS-2"]["story_points"] == 8.0


def test_a_blind_estimate_never_reaches_a_stream_before_the_reveal(client, board):
    target = card_of(board, "OPS-1")
    act(client, board, "Ana", "jira_start_round", card_id=target, facilitator_key=board.fran_key)
    act(client, board, "Ana", "jira_estimate", card_id=target, value="13")
    ticket = canvas_tickets(client, board, "Ben", board.fran_key)["stream_ticket"]
    view = next(stream_views(client, board, ticket))
    assert view["parts"]["jira"]["round"]["estimated"] == ["Ana"]
    assert "13" not in str(view["parts"]["jira"]["round"])


@pytest.mark.parametrize("body", [
    {"type": "jira_move", "card_id": "x", "column": "ready"},
    {"type": "jira_move", "card_id": "x", "column": "ready", "index": "first"},
    {"type": "jira_pick", "card_id": "x", "field": "summary", "side": "both"},
    {"type": "jira_capacity", "sprint_id": 1, "person": "Ana", "points": -3},
])
def test_a_malformed_intent_is_422(client, board, body):
    kind = body.pop("type")
    assert refused(act(client, board, "Ana", kind, **body), 422)


def test_a_bad_estimate_or_label_is_refused_in_a_sentence(client, board):
    target = card_of(board, "OPS-1")
    act(client, board, "Ana", "jira_start_round", card_id=target, facilitator_key=board.fran_key)
    assert "fibonacci scale" in refused(act(client, board, "Ana", "jira_estimate", card_id=target, value="4"), 409)
    assert refused(act(client, board, "Ana", "jira_edit", card_id=target, summary=""), 422)


def test_a_card_of_no_board_is_refused_and_the_column_unknown(client, board):
    assert "not on this board" in refused(act(client, board, "Ana", "jira_move", card_id="nope", column="ready",
                                              index=0), 409)
    assert "column" in refused(act(client, board, "Ana", "jira_move", card_id=card_of(board, "OPS-1"),
                                   column="sprint-9", index=0), 409)


def test_two_people_dropping_cards_at_once_both_land_in_order(client, board, jira):
    act(client, board, "Ana", "jira_move", card_id=card_of(board, "OPS-6"), column="to-refine", index=0)
    part = part_of(act(client, board, "Ben", "jira_move", card_id=card_of(board, "OPS-5"), column="to-refine",
                       index=0))
    assert keys(part, "to-refine")[:3] == ["OPS-5", "OPS-6", "OPS-1"]
    assert jira.ranked()[:3] == ["OPS-5", "OPS-6", "OPS-1"]


def test_no_jira_credential_reaches_the_browser(client, board, jira):
    act(client, board, "Ana", "jira_sync")
    ticket = canvas_tickets(client, board, "Ana", board.fran_key)["stream_ticket"]
    view = next(stream_views(client, board, ticket))
    assert view["parts"]["jira"]["columns"]
    reply = act(client, board, "Ana", "jira_edit", card_id=card_of(board, "OPS-1"), summary="New words")
    for text in (str(view), reply.text):
        assert TOKEN not in text and "JIRA_TOKEN" not in text


def card_of(board, key: str) -> str:
    return next(c.id for c in jira_cards.load_state(board.db, board.id).cards if c.key == key)


# intent -> (whether Fran's key goes with it, the fields, given the card ids by key)
ACCEPTED = {
    "jira_move": (False, lambda ids: {"card_id": ids["OPS-2"], "column": "needs-detail", "index": 0}),
    "jira_edit": (False, lambda ids: {"card_id": ids["OPS-2"], "labels": "ops"}),
    "jira_split": (False, lambda ids: {"card_id": ids["OPS-2"], "summaries": "Read side\nWrite side"}),
    "jira_start_round": (True, lambda ids: {"card_id": ids["OPS-1"]}),
    "jira_estimate": (False, lambda ids: {"card_id": ids["OPS-3"], "value": "3"}),
    "jira_reveal": (True, lambda ids: {"card_id": ids["OPS-3"]}),
    "jira_settle": (True, lambda ids: {"card_id": ids["OPS-4"], "value": "5"}),
    "jira_pick": (False, lambda ids: {"card_id": ids["OPS-5"], "field": "summary", "side": "board"}),
    "jira_capacity": (False, lambda ids: {"sprint_id": 1, "person": "Ana", "points": 8}),
    "jira_goal": (False, lambda ids: {"sprint_id": 1, "goal": "Checkout never double-charges"}),
    "jira_sync": (False, lambda ids: {}),
}


@pytest.fixture
def scene(board, jira):
    """A round open on OPS-3, one revealed on OPS-4 set up in turn, a conflict on OPS-5, a sprint."""
    db, ids = board.db, {c.key: c.id for c in jira_cards.load_state(board.db, board.id).cards}
    fran = Credentials(facilitator_key=board.fran_key)
    jira.go_down()
    jira_cards.edit_card(db, board.id, board.credentials("Ana"), ids["OPS-5"], summary="Ours")
    jira.come_up()
    jira.change("OPS-5", summary="Theirs")
    jira.add_sprint("Sprint 1", "future")
    jira_board_sync.sync(db, board.id, jira_board_sync.client_from_env())
    db["jira_sprints"].insert({"id": "s1", "board_id": board.id, "sprint_id": 1, "name": "Sprint 1",
                               "state": "future", "goal": "", "capacity": "{}", "position": 0})
    return ids, fran


@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_each_jira_intent_is_carried_out_and_answered_with_the_new_view(client, board, scene, kind):
    ids, fran = scene
    if kind == "jira_settle":
        jira_cards.start_round(board.db, board.id, fran, ids["OPS-4"])
        jira_cards.reveal_round(board.db, board.id, fran, ids["OPS-4"])
    elif kind in ("jira_estimate", "jira_reveal"):
        jira_cards.start_round(board.db, board.id, fran, ids["OPS-3"])
    with_key, fields = ACCEPTED[kind]
    before = boards.board_revision(board.db, board.id)
    part = part_of(act(client, board, "Ana", kind, facilitator_key=board.fran_key if with_key else None,
                       **fields(ids)))
    assert part["columns"]
    assert boards.board_revision(board.db, board.id) > before


def test_acceptance_criteria_read_back_from_jira_are_the_same_and_no_conflict(client, board, jira):
    target = card_of(board, "OPS-4")
    act(client, board, "Ana", "jira_edit", card_id=target, acceptance="- one charge per order\n- a receipt")
    part = part_of(act(client, board, "Ben", "jira_sync"))
    shown = card(part, "OPS-4")
    assert (shown["sync"], shown["conflicts"]) == ("saved", [])
    assert shown["acceptance"].split() == ["-", "one", "charge", "per", "order", "-", "a", "receipt"]


@pytest.fixture
def planning(web_db, jira):
    """A planning board of Jira board 1: an active sprint holding OPS-1, a future one, OPS-2..6 in the backlog."""
    active, future = jira.add_sprint("Sprint 1", "active"), jira.add_sprint("Sprint 2", "future")
    jira.change("OPS-1", sprint=active)
    for key, points in (("OPS-2", 5.0), ("OPS-3", 3.0), ("OPS-4", 8.0)):
        jira.change(key, story_points=points)
    db = connect(web_db)
    started = facilitation.start_board(db, BoardDraft(title="Planning", facilitator_name="Fran",
                                                      template="sprint-planning"))
    person, token = participants.join_board(db, started.board.id, "Ana")
    jira_cards.make_jira_board(db, started.board.id, JiraBoardSettings(kind="planning", source_board=1))
    jira_board_sync.sync(db, started.board.id, jira_board_sync.client_from_env())
    yield Board(db, started.board.id, started.facilitator_key, {"Ana": token}, {"Ana": person.id}), active, future
    db.close()


def column_of(part: dict, key: str) -> dict:
    return next(col for col in part["columns"] if col["key"] == key)


def test_planning_moves_issues_between_sprints_and_warns_over_capacity_and_back(client, planning, jira):
    board, active, future = planning
    sprint = f"sprint-{future}"
    part = part_of(act(client, board, "Ana", "jira_capacity", sprint_id=future, person="Ana", points=10))
    assert [c["key"] for c in part["columns"]] == [f"sprint-{active}", sprint, "backlog"]
    for key in ("OPS-2", "OPS-4"):
        part = part_of(act(client, board, "Ana", "jira_move", card_id=card_of(board, key), column=sprint, index=9))
    shown = column_of(part, sprint)
    assert (shown["points"], shown["capacity"], shown["over"]) == (13.0, 10.0, True)
    assert [jira.issues[k]["sprint"] for k in ("OPS-2", "OPS-4")] == [future, future]
    part = part_of(act(client, board, "Ana", "jira_move", card_id=card_of(board, "OPS-4"), column="backlog", index=0))
    shown = column_of(part, sprint)
    assert (shown["points"], shown["over"]) == (5.0, False)
    assert jira.issues["OPS-4"]["sprint"] is None
    assert jira.ranked(jira.backlog_keys())[0] == "OPS-4"


def test_the_sprint_goal_is_said_on_the_board_and_lands_in_jira(client, planning, jira):
    board, _, future = planning
    part = part_of(act(client, board, "Ana", "jira_goal", sprint_id=future, goal="Checkout never double-charges"))
    assert column_of(part, f"sprint-{future}")["goal"] == "Checkout never double-charges"
    assert jira.sprints[future]["goal"] == "Checkout never double-charges"


def test_a_postmortem_action_pushed_to_jira_stands_out_with_its_board(client, planning, web_db):
    from canvas.actions import ActionDraft
    from storage import actions, tracker_links
    board, _, _ = planning
    db = board.db
    postmortem = facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))
    action = actions.add_action(db, postmortem.board.id, ActionDraft(title="Alert on 5xx"))
    tracker_links.record_push(db, postmortem.board.id, action, "jira", "OPS", "OPS-3",
                              "https://jira.example/browse/OPS-3", False)
    part = part_of(act(client, board, "Ana", "jira_sync"))
    assert card(part, "OPS-3")["action_board"] == postmortem.board.id
    assert card(part, "OPS-2")["action_board"] is None


def test_a_split_makes_new_issues_ranked_where_the_card_stood(client, board, jira):
    part = part_of(act(client, board, "Ana", "jira_split", card_id=card_of(board, "OPS-3"),
                       summaries="Read side\nWrite side\n"))
    assert keys(part, "split") == ["OPS-3"]
    assert keys(part, "to-refine") == ["OPS-1", "OPS-2", "OPS-7", "OPS-8", "OPS-4", "OPS-5", "OPS-6"]
    assert jira.ranked()[:5] == ["OPS-1", "OPS-2", "OPS-3", "OPS-7", "OPS-8"]
    assert [jira.issues[k]["summary"] for k in ("OPS-7", "OPS-8")] == ["Read side", "Write side"]


def test_a_reorder_made_in_jira_shows_on_the_board_at_the_next_pull(client, board, jira):
    jira.rank_in_jira("OPS-6", before="OPS-1")
    part = part_of(act(client, board, "Ben", "jira_sync"))
    assert keys(part, "to-refine")[:2] == ["OPS-6", "OPS-1"]


def test_the_minutes_pull_is_shared_by_the_open_tabs_and_a_pull_on_demand_is_not(client, board, jira):
    jira.rank_in_jira("OPS-6", before="OPS-1")
    asked = len(jira.requests)
    # The board was pulled a moment ago (on opening): the minute's pull of
    # each other tab finds it done, and Jira is not asked again.
    for name in ("Ana", "Ben"):
        reply = act(client, board, name, "jira_sync", due=True)
        assert reply.status_code == 200 and reply.json()["done"] is False
    assert len(jira.requests) == asked
    assert keys(part_of(reply), "to-refine")[0] == "OPS-1"
    # Pressing Pull from Jira always asks.
    assert keys(part_of(act(client, board, "Ben", "jira_sync")), "to-refine")[:2] == ["OPS-6", "OPS-1"]
    assert len(jira.requests) > asked
    # A change waiting for Jira is never held back by a recent pull.
    jira.go_down()
    act(client, board, "Ana", "jira_move", card_id=card(part_of(reply), "OPS-2")["id"], column="ready", index=0)
    jira.come_up()
    part = part_of(act(client, board, "Ben", "jira_sync", due=True))
    assert part["jira"]["queued"] == 0 and keys(part, "ready") == ["OPS-2"]
