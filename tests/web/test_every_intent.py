"""Every intent the canvas may send is carried out through the actions route,
and the refusals every route shares: a wrong ticket (403), a board that is
not there (404), a rule (409), bad input (422), and the stream's first view
for a participant in Write, which holds none of another person's text.

ACCEPTED (or READS, for an intent that only reads) has a case for each
member of canvas.session.intents.INTENT_TYPES: an intent added there without
one here fails the first test."""

import json

import pytest

from canvas.actions import ActionDraft, TriggerDraft, trigger_fingerprint
from canvas.incident.timeline import TimelineEvent
from canvas.learnings import DecisionDraft, DecisionKind, EvidenceKind, LearningDraft, WhyStep
from canvas.models import BoardDraft, NoteDraft
from canvas.session.intents import INTENT_TYPES
from canvas.session.phases import Credentials, Phase
from canvas.session.voting import VoteRules
from storage import actions, boards, clusters, events, facilitation, learnings, notes, votes
from tests.web.conftest import act, canvas_tickets


class Scene:
    """Ana's notes on the board: loose ones (one a contributing factor), one deleted, two clusters, one action."""

    def __init__(self, board):
        db, board_id, key, ana = board.db, board.id, board.fran_key, board.credentials("Ana")

        def note(text: str, step: str = "detect") -> str:
            return notes.add_note(db, board_id, step, NoteDraft(text=text), ana).id

        self.note, self.other, self.deleted = note("Pager was muted"), note("Dashboards lag"), note("binned")
        self.factor = note("Config pushed to every region at once", "contributing-factors")
        pairs = [(note("first"), note("second")), (note("third"), note("fourth"))]
        notes.delete_note(db, board_id, self.deleted, ana)
        facilitation.set_phase(db, board_id, key, Phase.group)
        self.clusters = [clusters.move_note(db, board_id, moved, step_key="detect", onto_note_id=onto,
                                            seen_revision=boards.board_revision(db, board_id), credentials=ana)
                         for onto, moved in pairs]
        facilitation.set_phase(db, board_id, key, Phase.vote)
        votes.cast_vote(db, board_id, ana, self.other, 0)
        facilitation.set_phase(db, board_id, key, Phase.discuss)
        self.action = actions.add_action(db, board_id, ActionDraft(title="Page on 5xx")).id
        learnings.add_why(db, board_id, self.factor, WhyStep(why="Why every region?"), 0,
                          Credentials(facilitator_key=key))
        self.event, self.binned_event = (
            events.add_event(db, board_id, TimelineEvent(at="2019-07-02T13:45:00Z", kind="detected", text=text))
            for text in ("Paged on 5xx", "binned moment"))
        events.delete_event(db, board_id, self.binned_event.id)
        self.dropped = actions.add_action(db, board_id, ActionDraft(title="Dropped")).id
        actions.delete_action(db, board_id, self.dropped)
        self.trigger = actions.add_trigger(db, board_id, TriggerDraft(
            signal="5xx above 2% for 10 minutes", response="Roll back the release"))
        facilitation.set_phase(db, board_id, key, Phase.write)
        # A learning resting on a note, decided, carried out by the action.
        self.learning = learnings.add_learning(db, board_id, LearningDraft(
            text="alerts lag", evidence_kind=EvidenceKind.note, evidence_id=self.other), ana).id
        self.decision = learnings.set_decision(db, board_id, self.learning,
                                               DecisionDraft(kind=DecisionKind.fix, text="Alert sooner"), ana).id
        learnings.link_action(db, board_id, self.decision, self.action, ana)
        self.spare_action = actions.add_action(db, board_id, ActionDraft(title="Tune the pager")).id
        # A grouping suggestion of two loose notes, as asking for suggestions stores one.
        self.suggestions = []
        for position in (1, 2):
            self.suggestions.append(f"suggestion-{position}")
            db["grouping_suggestions"].insert({
                "id": f"suggestion-{position}", "board_id": board_id, "position": position,
                "step_key": "detect", "name": "Pager · dashboards",
                "note_ids": json.dumps([self.note, self.other]), "created_at": "2024-01-01T00:00:00+00:00",
                "dismissed_at": None})


# intent -> (phase, whether Fran's key goes with it, the fields), the fields drawn from the scene
ACCEPTED = {
    "add_note": (Phase.write, False, lambda s: {"step_key": "detect", "text": "Runbook was stale"}),
    "edit_note": (Phase.write, False, lambda s: {"note_id": s.note, "text": "Pager muted", "version": 1}),
    "delete_note": (Phase.write, False, lambda s: {"note_id": s.note}),
    "restore_note": (Phase.write, False, lambda s: {"note_id": s.deleted}),
    "move_note": (Phase.group, False, lambda s: {"note_id": s.note, "step_key": "detect",
                                                  "onto_note_id": s.other, "revision": 10**6}),
    "rename_cluster": (Phase.group, False, lambda s: {"cluster_id": s.clusters[0], "name": "Alerting"}),
    "dissolve_cluster": (Phase.group, False, lambda s: {"cluster_id": s.clusters[0]}),
    "merge_clusters": (Phase.group, False, lambda s: {"cluster_id": s.clusters[0], "into_id": s.clusters[1]}),
    "vote": (Phase.vote, False, lambda s: {"item_id": s.note, "seen": 0}),
    "unvote": (Phase.vote, False, lambda s: {"item_id": s.other, "seen": 1}),
    "set_phase": (Phase.write, True, lambda s: {"phase": "group"}),
    "reveal_votes": (Phase.vote, True, lambda s: {"revealed": True}),
    "start_timer": (Phase.write, True, lambda s: {"seconds": 300}),
    "stop_timer": (Phase.write, True, lambda s: {}),
    "focus": (Phase.discuss, True, lambda s: {"item_id": s.other}),
    "lead": (Phase.write, True, lambda s: {"target": "part:timeline"}),
    "show_authors": (Phase.write, True, lambda s: {"show": True}),
    "set_vote_rules": (Phase.write, True, lambda s: {"budget": 7, "max_per_item": 2}),
    "make_action": (Phase.discuss, False, lambda s: {"item_id": s.other, "title": "Alert on 5xx"}),
    "set_action_status": (Phase.discuss, False, lambda s: {"action_id": s.action, "status": "in_progress"}),
    "set_category": (Phase.discuss, False, lambda s: {"item_id": s.factor, "category": "tech"}),
    "add_why": (Phase.discuss, True, lambda s: {"item_id": s.factor, "why": "Why global?", "expected_steps": 1}),
    "edit_why": (Phase.discuss, True, lambda s: {"item_id": s.factor, "index": 0, "why": "Why at once?",
                                                 "expected_steps": 1}),
    "remove_last_why": (Phase.discuss, True, lambda s: {"item_id": s.factor, "expected_steps": 1}),
    "edit_summary_field": (Phase.write, False, lambda s: {"field": "summary", "value": "DNS broke",
                                                          "version": 1}),
    "choose_summary_editors": (Phase.write, True, lambda s: {"everyone": False, "participant_ids": []}),
    "add_learning": (Phase.write, False, lambda s: {"text": "runbooks age", "evidence_id": s.note}),
    "edit_learning": (Phase.write, False, lambda s: {"learning_id": s.learning, "text": "alerts lag behind",
                                                     "version": 1}),
    "link_evidence": (Phase.group, False, lambda s: {"learning_id": s.learning, "evidence_id": s.clusters[0]}),
    "delete_learning": (Phase.write, False, lambda s: {"learning_id": s.learning}),
    "set_decision": (Phase.discuss, False, lambda s: {"learning_id": s.learning, "kind": "guardrail",
                                                      "text": "Stage rollouts", "version": 1}),
    "add_action_for_decision": (Phase.discuss, False, lambda s: {"decision_id": s.decision,
                                                                 "title": "Add a canary stage"}),
    "link_action": (Phase.discuss, False, lambda s: {"decision_id": s.decision, "action_id": s.spare_action}),
    "unlink_action": (Phase.discuss, False, lambda s: {"decision_id": s.decision, "action_id": s.action}),
    "add_event": (Phase.write, False, lambda s: {"day": "2019-07-02", "time": "13:42", "text": "Rule deployed"}),
    "edit_event": (Phase.group, False, lambda s: {
        "event_id": s.event.id, "text": "Paged by the synthetic check", "base_at": s.event.at.isoformat(),
        "base_kind": s.event.kind.value, "base_text": s.event.text}),
    "delete_event": (Phase.vote, False, lambda s: {"event_id": s.event.id}),
    "restore_event": (Phase.discuss, False, lambda s: {"event_id": s.binned_event.id}),
    "mark_event_assumption": (Phase.write, False, lambda s: {"event_id": s.event.id, "assumption": True}),
    "link_note": (Phase.group, False, lambda s: {"note_id": s.note, "event_id": s.event.id}),
    "import_timeline": (Phase.discuss, False, lambda s: {
        "text": "13:42 deploy started", "day": "2019-07-02", "confirm": True,
        "choices": [{"index": 0, "add": True, "kind": "trigger"}]}),
    "add_action": (Phase.write, False, lambda s: {"title": "Add a canary stage"}),
    "edit_action": (Phase.write, False, lambda s: {"action_id": s.action, "version": 1, "owner": "Ana"}),
    "delete_action": (Phase.write, False, lambda s: {"action_id": s.action}),
    "restore_action": (Phase.write, False, lambda s: {"action_id": s.dropped}),
    "add_kill_criterion": (Phase.write, False, lambda s: {"signal": "p99 above 2 s", "response": "Pause"}),
    "edit_kill_criterion": (Phase.write, False, lambda s: {
        "criterion_id": s.trigger.id, "seen": trigger_fingerprint(s.trigger), "signal": "5xx above 1%",
        "kind": "roll_back", "response": "Roll back the release"}),
    "delete_kill_criterion": (Phase.write, False, lambda s: {"criterion_id": s.trigger.id}),
    "suggest_groups": (Phase.group, True, lambda s: {"across_columns": True}),
    "accept_suggestion": (Phase.group, False, lambda s: {"suggestion_id": s.suggestions[0]}),
    "dismiss_suggestion": (Phase.group, False, lambda s: {"suggestion_id": s.suggestions[1]}),
}
# Intents that only read (the same shape as ACCEPTED): answered with a
# preview, and the board does not move.
READS = {
    "find_alike": (Phase.group, False, lambda s: {"note_id": s.note}),
}

KINDS = [model.model_fields["type"].annotation.__args__[0] for model in INTENT_TYPES]


def test_every_intent_has_an_accepted_case():
    # The Jira cards' intents need a board of Jira cards: tests/web/test_part_jira.py
    # has their accepted cases.
    from tests.web.test_part_jira import ACCEPTED as JIRA_ACCEPTED
    assert sorted(KINDS) == sorted([*ACCEPTED, *READS, *JIRA_ACCEPTED])


@pytest.mark.parametrize("kind", sorted(READS))
def test_each_reading_intent_answers_a_preview_and_changes_nothing(client, board, kind):
    phase, with_key, fields = READS[kind]
    scene = Scene(board)
    facilitation.set_phase(board.db, board.id, board.fran_key, phase)
    before = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ana", kind, facilitator_key=board.fran_key if with_key else None,
                **fields(scene))
    assert reply.status_code == 200, reply.text
    assert reply.json()["ok"] is True and reply.json()["done"] is False
    assert "preview" in reply.json()
    # What it read, alone: no view to draw, as nothing changed.
    assert "view" not in reply.json()
    assert boards.board_revision(board.db, board.id) == before


@pytest.mark.parametrize("kind", sorted(ACCEPTED))
def test_each_intent_is_carried_out_and_answered_with_the_new_view(client, board, kind):
    phase, with_key, fields = ACCEPTED[kind]
    scene = Scene(board)
    facilitation.set_phase(board.db, board.id, board.fran_key, phase)
    before = boards.board_revision(board.db, board.id)
    reply = act(client, board, "Ana", kind, facilitator_key=board.fran_key if with_key else None,
                **fields(scene))
    assert reply.status_code == 200, reply.text
    assert reply.json()["ok"] is True and reply.json()["done"] is True
    after = boards.board_revision(board.db, board.id)
    assert after > before and reply.json()["view"]["revision"] == after


# --- refusals -------------------------------------------------------------------------------


def refusal(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.json()["ok"] is False
    return response.json()["message"]


def test_a_ticket_for_another_board_is_403_and_writes_nothing(client, board):
    other = facilitation.start_board(board.db, BoardDraft(title="Another incident", facilitator_name="Bo"))
    ticket = canvas_tickets(client, board, "Ana")["action_ticket"]
    before = boards.board_revision(board.db, other.board.id)
    reply = client.post(f"/api/boards/{other.board.id}/actions",
                        json={"ticket": ticket, "type": "add_note", "step_key": "detect", "text": "x"})
    assert refusal(reply, 403) == "This page's access to the board has expired. Reload the page."
    assert boards.board_revision(board.db, other.board.id) == before


def test_a_board_that_is_not_there_is_404(client, board):
    assert refusal(client.post("/api/boards/no-such-board/tickets", json={"token": "x"}), 404)
    ticket = canvas_tickets(client, board, "Ana")["action_ticket"]
    boards.delete_board(board.db, board.id)
    reply = client.post(f"/api/boards/{board.id}/actions",
                        json={"ticket": ticket, "type": "add_note", "step_key": "detect", "text": "x"})
    refusal(reply, 404)


def test_a_rule_refuses_with_409_and_one_sentence(client, board):
    message = refusal(act(client, board, "Ana", "start_timer", seconds=300), 409)
    assert message.endswith(".") and "\n" not in message
    assert boards.get_board(board.db, board.id).timer_ends_at is None


def test_invalid_input_is_422_and_writes_nothing(client, board):
    before = boards.board_revision(board.db, board.id)
    refusal(act(client, board, "Ana", "add_note", step_key="detect", text=""), 422)
    refusal(act(client, board, "Ana", "set_vote_rules", facilitator_key=board.fran_key,
                budget=-1, max_per_item=1), 422)
    assert boards.board_revision(board.db, board.id) == before
    rules = boards.get_board(board.db, board.id)
    assert (rules.vote_budget, rules.vote_max_per_item) == (VoteRules().budget, VoteRules().max_per_item)


def test_a_participants_first_view_in_write_holds_none_of_another_persons_text(client, board):
    notes.add_note(board.db, board.id, "detect", NoteDraft(text="ana-private-checkout-alert"),
                   board.credentials("Ana"))
    notes.add_note(board.db, board.id, "detect", NoteDraft(text="ben-own-pager-note"), board.credentials("Ben"))
    ticket = canvas_tickets(client, board, "Ben")["stream_ticket"]
    with client.stream("GET", f"/api/boards/{board.id}/stream", params={"ticket": ticket}) as response:
        assert response.status_code == 200
        lines = response.iter_lines()
        first = next(line for line in lines if line.startswith("event: "))
        data = next(lines)
    assert first == "event: view" and data.startswith("data: ")
    assert "ben-own-pager-note" in data and "ana-private" not in data
    assert json.loads(data[6:])["board"]["phase"] == "write"
