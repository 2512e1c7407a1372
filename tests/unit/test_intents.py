"""The canvas's intents as typed models: strict types, bounded strings, one
union told apart by `type`, and one sentence for what is wrong."""

import pytest
from pydantic import ValidationError

from canvas.actions import Status
from canvas.models import NoteColour
from canvas.session.intents import (
    ID_MAX_CHARS, INTENT_TYPES, INTENTS, NOT_AN_INTENT, AddNote, Focus, MoveNote, RevealVotes, SetCategory,
    ShowAuthors, describe_intent_error,
)
from canvas.session.phases import Phase

# What the live canvas (pages/live/*.js) sends, one body per `act(s, type, fields)` call,
# with the ticket and facilitator key it puts beside every intent.
ENVELOPE = {"ticket": "t.s", "facilitator_key": ""}
CANVAS_SENDS = [
    {"type": "set_phase", "phase": "group"},
    {"type": "reveal_votes", "revealed": False},
    {"type": "stop_timer"},
    {"type": "start_timer", "seconds": 300},
    {"type": "rename_cluster", "cluster_id": "c1", "name": "Alerting"},
    {"type": "dissolve_cluster", "cluster_id": "c1"},
    {"type": "merge_clusters", "cluster_id": "c1", "into_id": "c2"},
    {"type": "delete_note", "note_id": "n1"},
    {"type": "edit_note", "note_id": "n1", "text": "Pager muted", "colour": "pink", "version": 2},
    {"type": "unvote", "item_id": "c1", "seen": 1},
    {"type": "vote", "item_id": "c1", "seen": 0},
    {"type": "add_note", "step_key": "detect", "text": "Alert came late", "colour": "yellow"},
    {"type": "focus", "item_id": None},
    {"type": "focus", "item_id": "c1"},
    {"type": "lead", "target": "part:timeline"},
    {"type": "lead", "target": None},
    {"type": "make_action", "item_id": "c1", "title": "Page on 5xx", "owner": None, "due": None,
     "success_signal": ""},
    {"type": "set_action_status", "action_id": "a1", "status": "done"},
    {"type": "move_note", "note_id": "n1", "step_key": "detect", "cluster_id": None, "onto_note_id": "n2",
     "revision": 7},
    {"type": "move_note", "note_id": "n1", "step_key": "react", "cluster_id": "c1", "onto_note_id": None,
     "revision": 7},
    {"type": "set_category", "item_id": "n1", "category": "tech"},
    {"type": "set_category", "item_id": "n1", "category": None},
    {"type": "add_why", "item_id": "n1", "why": "Why global?", "because": "", "expected_steps": 0},
    {"type": "edit_why", "item_id": "n1", "index": 0, "why": "Why global?", "because": "One stage",
     "expected_steps": 1, "expected_why": "Why global?", "expected_because": ""},
    {"type": "remove_last_why", "item_id": "n1", "expected_steps": 1},
    # The summary and learnings parts (pages/live/part_summary.js, part_learnings.js).
    {"type": "edit_summary_field", "field": "roles.scribe", "value": "Kim", "version": 3},
    {"type": "choose_summary_editors", "everyone": False, "participant_ids": ["p1", "p2"]},
    {"type": "add_learning", "text": "deploys skip canaries", "evidence_id": "n1"},
    {"type": "edit_learning", "learning_id": "l1", "text": "We learned that x", "version": 1},
    {"type": "link_evidence", "learning_id": "l1", "evidence_id": None},
    {"type": "delete_learning", "learning_id": "l1"},
    {"type": "set_decision", "learning_id": "l1", "kind": "fix", "text": "Canary first", "trade_off": "",
     "version": None},
    {"type": "add_action_for_decision", "decision_id": "d1", "title": "Add a canary", "owner": "Kim",
     "due": "2026-12-24"},
    {"type": "link_action", "decision_id": "d1", "action_id": "a1"},
    {"type": "unlink_action", "decision_id": "d1", "action_id": "a1"},
    # the timeline lane
    {"type": "add_event", "day": "2019-07-02", "time": "13:42", "zone": "Europe/Berlin", "kind": "action",
     "text": "Rolled back"},
    {"type": "edit_event", "event_id": "e1", "zone": "UTC", "base_at": "2019-07-02T13:42:00Z",
     "base_kind": "detected", "base_text": "Paged", "day": "2019-07-02", "time": "13:45", "text": "Paged late"},
    {"type": "delete_event", "event_id": "e1"},
    {"type": "restore_event", "event_id": "e1"},
    {"type": "mark_event_assumption", "event_id": "e1", "assumption": True},
    {"type": "link_note", "note_id": "n1", "event_id": None},
    {"type": "import_timeline", "text": "13:42 paged", "day": "2019-07-02", "zone": "UTC", "confirm": False},
    {"type": "import_timeline", "text": "13:42 paged", "day": "2019-07-02", "zone": "UTC", "confirm": True,
     "choices": [{"index": 0, "add": True, "kind": "detected"}]},
    {"type": "add_action", "title": "Add a canary stage"},
    {"type": "edit_action", "action_id": "a1", "version": 3, "owner": "Ana", "due_date": ""},
    {"type": "delete_action", "action_id": "a1"},
    {"type": "restore_action", "action_id": "a1"},
    {"type": "set_phase", "phase": "closed", "close_reason": "Owners are picked on Monday"},
    {"type": "add_kill_criterion", "signal": "5xx above 2%", "kind": "roll_back", "response": "Roll back"},
    {"type": "edit_kill_criterion", "criterion_id": "k1", "seen": "0123456789abcdef", "signal": "5xx above 1%",
     "kind": "pause", "response": "Pause the rollout"},
    {"type": "delete_kill_criterion", "criterion_id": "k1"},
    {"type": "suggest_groups", "across_columns": False},
    {"type": "accept_suggestion", "suggestion_id": "g1"},
    {"type": "dismiss_suggestion", "suggestion_id": "g1"},
    {"type": "find_alike", "note_id": "n1"},
    {"type": "jira_move", "card_id": "j1", "column": "sprint-12", "index": 3},
    {"type": "jira_edit", "card_id": "j1", "summary": "Retry once"},
    {"type": "jira_edit", "card_id": "j1", "acceptance": "- one charge", "labels": "ops, payments"},
    {"type": "jira_split", "card_id": "j1", "summaries": "Read side\nWrite side"},
    {"type": "jira_start_round", "card_id": "j1"},
    {"type": "jira_estimate", "card_id": "j1", "value": "5"},
    {"type": "jira_reveal", "card_id": "j1"},
    {"type": "jira_settle", "card_id": "j1", "value": "M"},
    {"type": "jira_pick", "card_id": "j1", "field": "acceptance", "side": "jira"},
    {"type": "jira_capacity", "sprint_id": 12, "person": "Ana", "points": 7.5},
    {"type": "jira_capacity", "sprint_id": 12, "person": "Ana", "points": None},
    {"type": "jira_goal", "sprint_id": 12, "goal": "Checkout never double-charges"},
    {"type": "jira_sync"},
    {"type": "jira_sync", "due": True},
]


def problem(body: dict) -> str:
    with pytest.raises(ValidationError) as refused:
        INTENTS.validate_python(body)
    return describe_intent_error(refused.value)


@pytest.mark.parametrize("body", CANVAS_SENDS, ids=lambda body: body["type"])
def test_every_intent_the_canvas_sends_is_read_with_its_ticket_beside_it(body):
    intent = INTENTS.validate_python({**ENVELOPE, **body})
    assert intent.type == body["type"]
    assert not hasattr(intent, "ticket") and not hasattr(intent, "facilitator_key")


def test_the_union_reads_each_type_into_its_own_model():
    tags = [cls.model_fields["type"].annotation.__args__[0] for cls in INTENT_TYPES]
    assert len(set(tags)) == len(INTENT_TYPES)
    for cls, tag in zip(INTENT_TYPES, tags):
        assert type(INTENTS.validate_python(minimal(tag))) is cls


def minimal(tag: str) -> dict:
    body = next((b for b in CANVAS_SENDS if b["type"] == tag), None)
    extra = {"restore_note": {"note_id": "n1"}, "show_authors": {"show": True},
             "set_vote_rules": {"budget": 5, "max_per_item": 3},
             "set_category": {"item_id": "n1", "category": "tech"}}
    return body or {"type": tag, **extra[tag]}


def test_values_become_their_domain_types():
    assert INTENTS.validate_python(CANVAS_SENDS[0]).phase is Phase.group
    assert INTENTS.validate_python({"type": "add_note", "step_key": "detect", "text": "x"}).colour \
        is NoteColour.yellow
    assert INTENTS.validate_python(next(b for b in CANVAS_SENDS if b["type"] == "set_action_status")).status \
        is Status.done


@pytest.mark.parametrize("body", [
    {"type": "reveal_votes", "revealed": "false"},
    {"type": "reveal_votes", "revealed": 0},
    {"type": "show_authors", "show": "false"},
    {"type": "show_authors", "show": 1},
    {"type": "show_authors", "show": None},
], ids=["revealed 'false'", "revealed 0", "show 'false'", "show 1", "show null"])
def test_a_flag_is_a_json_boolean_and_nothing_else(body):
    assert "should be a valid boolean" in problem(body)


@pytest.mark.parametrize("value", [True, 1.0, "1", 2**53, None], ids=["true", "1.0", "'1'", "2**53", "null"])
def test_a_count_is_a_json_integer_a_browser_keeps_exactly(value):
    assert problem({"type": "vote", "item_id": "c1", "seen": value}).startswith("The action's “seen”")


@pytest.mark.parametrize("value", [7, ["n1"], {"id": "n1"}, "x" * (ID_MAX_CHARS + 1), ""],
                         ids=["a number", "a list", "an object", "too long", "empty"])
def test_an_id_is_a_short_string(value):
    assert problem({"type": "delete_note", "note_id": value}).startswith("The action's “note_id”")


def test_an_empty_string_means_none_where_the_canvas_sends_one_for_none():
    move = INTENTS.validate_python({**next(b for b in CANVAS_SENDS if b["type"] == "move_note"), "cluster_id": "", "onto_note_id": "n2"})
    assert isinstance(move, MoveNote) and move.cluster_id is None
    assert INTENTS.validate_python({"type": "focus", "item_id": ""}) == Focus(type="focus")
    assert INTENTS.validate_python({"type": "set_category", "item_id": "n1", "category": ""}) == \
        SetCategory(type="set_category", item_id="n1")


def test_text_is_a_string_with_a_bound_and_its_own_rules_stay_with_the_note():
    assert problem({"type": "add_note", "step_key": "detect", "text": 5}).startswith("The action's “text”")
    assert "at most 10000 characters" in problem({"type": "add_note", "step_key": "detect",
                                                  "text": "x" * 10_001})
    # Within the bound, the note's own rule (1,000 characters) speaks when the note is made.
    assert INTENTS.validate_python({"type": "add_note", "step_key": "detect", "text": "x" * 2_000}) == \
        AddNote(type="add_note", step_key="detect", text="x" * 2_000)


@pytest.mark.parametrize("body", [{}, {"type": []}, {"type": {}}, {"type": None}, {"type": "drop_table"},
                                  {"type": "Vote"}],
                         ids=["no type", "a list", "an object", "null", "unknown", "wrong case"])
def test_anything_but_a_known_type_is_not_something_the_board_can_do(body):
    assert problem(body) == NOT_AN_INTENT


def test_a_missing_field_is_named():
    assert problem({"type": "show_authors"}) == "The action needs “show”."
    assert problem({"type": "vote", "item_id": "c1"}) == "The action needs “seen”."


def test_defaults_are_what_the_canvas_means_when_it_leaves_a_field_out():
    assert INTENTS.validate_python({"type": "reveal_votes"}) == RevealVotes(type="reveal_votes", revealed=True)
    assert INTENTS.validate_python({"type": "show_authors", "show": False}) == \
        ShowAuthors(type="show_authors", show=False)
