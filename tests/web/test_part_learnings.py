"""The learnings part's intents through the actions route: a learning with its
evidence, the decision on it and the actions carrying it out, each accepted,
refused by a rule (409), refused as bad input (422), refused for an id of
another board, and two people editing the same learning or decision."""

from datetime import UTC, datetime

import pytest

from canvas.actions import ActionDraft
from canvas.incident.timeline import TimelineEvent
from canvas.learnings import DecisionDraft, DecisionKind, EvidenceKind, LearningDraft
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import actions, boards, clusters, events, facilitation, learnings, notes, participants
from tests.web.conftest import act

CONFLICT = ("Someone else changed this while you were editing. Their version is shown below; "
            "your text is still in the box.")


def refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.json()["ok"] is False
    return response.json()["message"]


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.json()["ok"] is True
    return response.json()["view"]["parts"]["learnings"]


def only(board):
    [learning] = learnings.list_learnings(board.db, board.id)
    return learning


def note(board, text: str, person: str = "Ana", step: str = "detect") -> str:
    return notes.add_note(board.db, board.id, step, NoteDraft(text=text), board.credentials(person)).id


def learning(board, text: str = "alerts lag", evidence_id: str | None = None) -> str:
    kind = None if evidence_id is None else EvidenceKind.note
    return learnings.add_learning(board.db, board.id, LearningDraft(
        text=text, evidence_kind=kind, evidence_id=evidence_id), board.credentials("Ana")).id


def decided(board, learning_id: str, kind: DecisionKind = DecisionKind.fix) -> str:
    return learnings.set_decision(board.db, board.id, learning_id,
                                  DecisionDraft(kind=kind, text="Alert sooner"), board.credentials("Ana")).id


@pytest.fixture
def foreign(board):
    """A note, an action and a learning with a decision on another board."""
    other = facilitation.start_board(board.db, BoardDraft(title="Elsewhere", facilitator_name="Bo")).board.id
    person, _ = participants.join_board(board.db, other, "Cy")
    cy = Credentials(participant_id=person.id)
    found = {"board_id": other,
             "note": notes.add_note(board.db, other, "detect", NoteDraft(text="theirs"), cy).id,
             "action": actions.add_action(board.db, other, ActionDraft(title="Their action")).id}
    found["learning"] = learnings.add_learning(board.db, other, LearningDraft(text="x"), cy).id
    found["decision"] = learnings.set_decision(board.db, other, found["learning"],
                                               DecisionDraft(kind=DecisionKind.fix, text="y"), cy).id
    return found


# --- add_learning ---------------------------------------------------------------------


def test_a_learning_is_added_with_its_evidence_and_said_as_we_learned_that(client, board):
    evidence = note(board, "Pager was muted")
    part = ok(act(client, board, "Ana", "add_learning", text="the pager can be muted silently",
                  evidence_id=evidence))
    stored = only(board)
    assert stored.text == "We learned that the pager can be muted silently"
    assert (stored.evidence_kind, stored.evidence_id) == (EvidenceKind.note, evidence)
    [shown] = part["learnings"]
    assert shown["text"] == stored.text and shown["evidence"]["id"] == evidence
    assert shown["evidence"]["label"] == "Detect · #1 · Pager was muted"


def test_bad_text_is_422_and_adds_nothing(client, board):
    assert refusal(act(client, board, "Ana", "add_learning", text="  "), 422) == "A learning cannot be empty."
    said = refusal(act(client, board, "Ana", "add_learning", text="y" * 501), 422)
    assert said == "A learning is 501 characters long; the limit is 500."
    refusal(act(client, board, "Ana", "add_learning", text=["a"]), 422)
    assert learnings.list_learnings(board.db, board.id) == []


def test_evidence_of_another_board_or_none_at_all_is_refused(client, board, foreign):
    for evidence in (foreign["note"], "no-such-item"):
        said = refusal(act(client, board, "Ana", "add_learning", text="x", evidence_id=evidence), 409)
        assert said == "That evidence is not on this board any more: pick the evidence again."
    assert learnings.list_learnings(board.db, board.id) == []


def test_a_closed_board_refuses_learnings_with_409(client, board):
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    said = refusal(act(client, board, "Ana", "add_learning", text="too late"), 409)
    assert said.endswith(".")
    assert learnings.list_learnings(board.db, board.id) == []


# --- edit_learning ----------------------------------------------------------------------


def test_the_text_is_edited_and_the_evidence_stays(client, board):
    evidence = note(board, "Ana's private note")
    learning_id = learning(board, evidence_id=evidence)
    # Ben cannot see Ana's note while people write; his edit keeps it as the evidence.
    part = ok(act(client, board, "Ben", "edit_learning", learning_id=learning_id,
                  text="alerts lag by minutes", version=1))
    stored = only(board)
    assert stored.text == "We learned that alerts lag by minutes" and stored.version == 2
    assert stored.evidence_id == evidence
    assert part["learnings"][0]["evidence"]["state"] == "hidden"
    assert "Ana's private note" not in str(part)


def test_two_people_editing_one_learning_the_later_hears_it_and_the_first_text_stays(client, board):
    learning_id = learning(board)
    ok(act(client, board, "Ana", "edit_learning", learning_id=learning_id, text="Ana's words", version=1))
    said = refusal(act(client, board, "Ben", "edit_learning", learning_id=learning_id,
                       text="Ben's words", version=1), 409)
    assert said == CONFLICT
    assert only(board).text == "We learned that Ana's words"


def test_an_unknown_or_foreign_learning_is_refused(client, board, foreign):
    for learning_id in (foreign["learning"], "no-such-learning"):
        said = refusal(act(client, board, "Ana", "edit_learning", learning_id=learning_id,
                           text="mine now", version=1), 409)
        assert said == "That learning is no longer on this board."
        refusal(act(client, board, "Ana", "delete_learning", learning_id=learning_id), 409)
    assert learnings.get_learning(board.db, foreign["board_id"], foreign["learning"]).text == "We learned that x"


def test_a_learning_is_deleted(client, board):
    learning_id = learning(board)
    part = ok(act(client, board, "Ana", "delete_learning", learning_id=learning_id))
    assert part["learnings"] == [] and learnings.list_learnings(board.db, board.id) == []


# --- link_evidence ----------------------------------------------------------------------


def test_a_note_a_cluster_or_an_event_becomes_the_evidence_and_none_takes_it_off(client, board):
    learning_id = learning(board)
    first, second = note(board, "first"), note(board, "second")
    event = events.add_event(board.db, board.id, TimelineEvent(
        at=datetime(2026, 11, 30, 9, 12, tzinfo=UTC), text="Paged on 5xx")).id
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.group)
    cluster = clusters.move_note(board.db, board.id, second, step_key="detect", onto_note_id=first,
                                 seen_revision=boards.board_revision(board.db, board.id),
                                 credentials=board.credentials("Ana"))
    for evidence, kind in ((first, EvidenceKind.note), (cluster, EvidenceKind.cluster),
                           (event, EvidenceKind.event)):
        part = ok(act(client, board, "Ben", "link_evidence", learning_id=learning_id, evidence_id=evidence))
        stored = only(board)
        assert (stored.evidence_kind, stored.evidence_id) == (kind, evidence)
        assert part["learnings"][0]["evidence"]["id"] == evidence
    assert part["learnings"][0]["evidence"]["label"].startswith("Timeline · ")
    part = ok(act(client, board, "Ben", "link_evidence", learning_id=learning_id, evidence_id=None))
    assert only(board).evidence_id is None and part["learnings"][0]["evidence"] is None
    assert only(board).text == "We learned that alerts lag"


def test_linking_the_evidence_it_already_has_changes_nothing(client, board):
    evidence = note(board, "first")
    learning_id = learning(board, evidence_id=evidence)
    before = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ana", "link_evidence", learning_id=learning_id, evidence_id=evidence)
    assert reply.status_code == 200 and reply.json()["done"] is False
    assert boards.board_revision(board.db, board.id) == before and only(board).version == 1


def test_evidence_from_another_board_is_refused_and_the_link_stays(client, board, foreign):
    evidence = note(board, "first")
    learning_id = learning(board, evidence_id=evidence)
    said = refusal(act(client, board, "Ana", "link_evidence", learning_id=learning_id,
                       evidence_id=foreign["note"]), 409)
    assert said == "That evidence is not on this board any more: pick the evidence again."
    assert only(board).evidence_id == evidence


# --- decisions --------------------------------------------------------------------------


def test_a_decision_is_taken_then_changed(client, board):
    learning_id = learning(board)
    part = ok(act(client, board, "Ana", "set_decision", learning_id=learning_id, kind="guardrail",
                  text="Stage every rollout", trade_off="Slower releases"))
    decision = part["learnings"][0]["decision"]
    assert (decision["kind"], decision["text"], decision["trade_off"]) == (
        "guardrail", "Stage every rollout", "Slower releases")
    assert part["learnings"][0]["problems"] == ["No evidence linked"]
    part = ok(act(client, board, "Ben", "set_decision", learning_id=learning_id, kind="no_change",
                  text="Accept the risk", version=decision["version"]))
    assert part["learnings"][0]["decision"]["kind_label"] == "No change"
    assert part["learnings"][0]["decision"]["makes_actions"] is False


def test_two_people_deciding_at_once_the_later_hears_it(client, board):
    learning_id = learning(board)
    ok(act(client, board, "Ana", "set_decision", learning_id=learning_id, kind="fix", text="Ana's fix"))
    said = refusal(act(client, board, "Ben", "set_decision", learning_id=learning_id, kind="runbook",
                       text="Ben's runbook", version=None), 409)
    assert said == CONFLICT
    [decision] = learnings.list_decisions(board.db, board.id)
    assert decision.text == "Ana's fix"
    refusal(act(client, board, "Ben", "set_decision", learning_id=learning_id, kind="runbook",
                text="Ben's runbook", version=decision.version + 5), 409)


@pytest.mark.parametrize("fields, start", [
    ({"kind": "wish", "text": "x"}, "The action's “kind” is not right"),
    ({"kind": "fix", "text": ""}, "A decision cannot be empty."),
    ({"kind": "fix", "text": "x", "trade_off": "t" * 1001}, "is 1,001 characters long"),
    ({"kind": "fix", "text": "x", "version": "1"}, "The action's “version” is not right"),
], ids=["unknown kind", "empty", "long trade-off", "version as text"])
def test_a_bad_decision_is_422(client, board, fields, start):
    learning_id = learning(board)
    said = refusal(act(client, board, "Ana", "set_decision", learning_id=learning_id, **fields), 422)
    assert start in said
    assert learnings.list_decisions(board.db, board.id) == []


# --- the decision's actions ---------------------------------------------------------------


def test_a_decision_makes_its_action_in_one_step_and_the_card_shows_it(client, board):
    decision_id = decided(board, learning(board), DecisionKind.instrumentation)
    before = boards.board_revision(board.db, board.id)
    part = ok(act(client, board, "Ben", "add_action_for_decision", decision_id=decision_id,
                  title="Alert on DNS errors", owner="Kim", due="2026-12-24"))
    # One change of the board, announced once.
    assert boards.board_revision(board.db, board.id) == before + 1
    [action] = actions.list_actions(board.db, board.id)
    assert (action.title, action.owner, action.due_date.isoformat(), action.type.value) == (
        "Alert on DNS errors", "Kim", "2026-12-24", "detect")
    assert part["learnings"][0]["decision"]["actions"] == [
        {"id": action.id, "title": "Alert on DNS errors", "owner": "Kim", "due": "2026-12-24",
         "status": action.status.label}]


def test_a_bad_action_is_422_and_makes_nothing(client, board):
    decision_id = decided(board, learning(board))
    refusal(act(client, board, "Ana", "add_action_for_decision", decision_id=decision_id, title=""), 422)
    said = refusal(act(client, board, "Ana", "add_action_for_decision", decision_id=decision_id,
                       title="Alert", due="9999-01-01"), 422)
    assert "9999-01-01 is outside the supported dates" in said
    assert actions.list_actions(board.db, board.id) == []


def test_an_existing_action_is_linked_and_unlinked(client, board):
    decision_id = decided(board, learning(board))
    action_id = actions.add_action(board.db, board.id, ActionDraft(title="Tune the pager")).id
    part = ok(act(client, board, "Ana", "link_action", decision_id=decision_id, action_id=action_id))
    assert [a["id"] for a in part["learnings"][0]["decision"]["actions"]] == [action_id]
    part = ok(act(client, board, "Ana", "unlink_action", decision_id=decision_id, action_id=action_id))
    assert part["learnings"][0]["decision"]["actions"] == []
    assert [a.id for a in actions.list_actions(board.db, board.id)] == [action_id]


def test_actions_and_decisions_of_another_board_are_refused(client, board, foreign):
    decision_id = decided(board, learning(board))
    said = refusal(act(client, board, "Ana", "link_action", decision_id=decision_id,
                       action_id=foreign["action"]), 409)
    assert said == "That action no longer exists on this board."
    said = refusal(act(client, board, "Ana", "add_action_for_decision", decision_id=foreign["decision"],
                       title="Sneak in"), 409)
    assert said == "That learning is no longer on this board."
    refusal(act(client, board, "Ana", "unlink_action", decision_id=foreign["decision"],
                action_id=foreign["action"]), 409)
    assert actions.list_actions(board.db, board.id) == []
    assert learnings.list_decisions(board.db, board.id)[0].action_ids == []


def test_a_closed_board_refuses_decisions_and_their_actions(client, board):
    learning_id = learning(board)
    decision_id = decided(board, learning_id)
    facilitation.set_phase(board.db, board.id, board.fran_key, Phase.closed)
    refusal(act(client, board, "Ana", "set_decision", learning_id=learning_id, kind="fix", text="z",
                version=1), 409)
    refusal(act(client, board, "Ana", "add_action_for_decision", decision_id=decision_id, title="Late"), 409)
    assert actions.list_actions(board.db, board.id) == []
