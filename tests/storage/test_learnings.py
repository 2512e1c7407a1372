"""Factors, 5 Whys, learnings and decisions on a real SQLite file: each write
checks who acts and the phase inside its transaction."""

from datetime import date

import pytest

from canvas.actions import ActionDraft
from canvas.errors import (
    EditConflict, EvidenceNotFound, InvalidInput, LearningNotFound, NotAFactorStep, NoteNotFound,
    NotFacilitator, ParticipantNotFound, WhysChanged,
)
from canvas.learnings import (
    DecisionDraft, DecisionKind, EvidenceKind, FactorCategory, LearningDraft, WhyStep,
)
from canvas.models import BoardDraft, NoteDraft
from canvas.incident.timeline import EventKind, TimelineEvent
from canvas.session.phases import Credentials, Phase, PhaseForbids
from storage import actions, boards, events, facilitation, learnings, notes, participants
from storage.snapshot import load_snapshot


@pytest.fixture
def board(db):
    made = boards.create_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran"))
    key = facilitation.create_facilitator_key(db, made.id, "creator")
    ann, _ = participants.join_board(db, made.id, "Ann")
    return made.id, Credentials(facilitator_key=key), Credentials(participant_id=ann.id)


def factor(db, board_id, who, text="One rollout stage for every rule"):
    return notes.add_note(db, board_id, "contributing-factors", NoteDraft(text=text), who)


def test_a_factor_gets_a_category_without_moving_its_version(db, board):
    board_id, _, ann = board
    note = factor(db, board_id, ann)
    learnings.set_category(db, board_id, note.id, FactorCategory.tech, ann)
    stored = notes.get_note(db, board_id, note.id)
    assert stored.category == FactorCategory.tech and stored.version == note.version
    learnings.set_category(db, board_id, note.id, None, ann)
    assert notes.get_note(db, board_id, note.id).category is None


def test_a_note_outside_the_factor_step_gets_no_category(db, board):
    board_id, _, ann = board
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="Alert on errors"), ann)
    with pytest.raises(NotAFactorStep):
        learnings.set_category(db, board_id, note.id, FactorCategory.tech, ann)


def test_only_the_facilitator_runs_the_five_whys_and_at_most_five_levels(db, board):
    board_id, fran, ann = board
    note = factor(db, board_id, ann)
    chain = [WhyStep(why=f"Why {level}?", because=f"Because {level}") for level in range(1, 4)]
    with pytest.raises(NotFacilitator):
        learnings.save_whys(db, board_id, note.id, chain, ann)
    learnings.save_whys(db, board_id, note.id, chain, fran)
    assert load_snapshot(db, board_id).whys_of(note.id).steps == chain
    with pytest.raises(ValueError):
        learnings.save_whys(db, board_id, note.id, chain * 2, fran)
    learnings.save_whys(db, board_id, note.id, [], fran)
    assert load_snapshot(db, board_id).whys_of(note.id) is None


def test_a_learning_starts_with_we_learned_that_and_keeps_its_evidence(db, board):
    board_id, _, ann = board
    event = events.add_event(db, board_id, TimelineEvent(at="2024-05-01T10:00:00Z",
                                                         kind=EventKind.detected, text="Paged"))
    learning = learnings.add_learning(db, board_id, LearningDraft(
        text="customers told us before our alerts did", evidence_kind=EvidenceKind.event,
        evidence_id=event.id), ann)
    assert learning.text == "We learned that customers told us before our alerts did"
    assert (learning.evidence_kind, learning.evidence_id) == (EvidenceKind.event, event.id)
    assert [found.id for found in learnings.list_learnings(db, board_id)] == [learning.id]


def test_evidence_from_another_board_is_refused_and_nothing_is_written(db, board):
    board_id, _, ann = board
    other = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    key = facilitation.create_facilitator_key(db, other.id, "creator")
    elsewhere = notes.add_note(db, other.id, "detect", NoteDraft(text="not here"),
                               Credentials(facilitator_key=key))
    with pytest.raises(EvidenceNotFound):
        learnings.add_learning(db, board_id, LearningDraft(
            text="x", evidence_kind=EvidenceKind.note, evidence_id=elsewhere.id), ann)
    assert learnings.list_learnings(db, board_id) == []


def test_a_stranger_cannot_write_a_learning(db, board):
    board_id, _, _ = board
    with pytest.raises(ParticipantNotFound):
        learnings.add_learning(db, board_id, LearningDraft(text="x"), Credentials())


def test_a_closed_board_refuses_learnings_and_decisions(db, board):
    board_id, fran, ann = board
    learning = learnings.add_learning(db, board_id, LearningDraft(text="x"), ann)
    facilitation.set_phase(db, board_id, fran.facilitator_key, Phase.closed)
    with pytest.raises(PhaseForbids):
        learnings.add_learning(db, board_id, LearningDraft(text="y"), ann)
    with pytest.raises(PhaseForbids):
        learnings.set_decision(db, board_id, learning.id, DecisionDraft(
            kind=DecisionKind.no_change, text="Keep as is"), fran)


def test_a_decision_is_changed_with_its_version_and_a_stale_save_is_refused(db, board):
    board_id, _, ann = board
    learning = learnings.add_learning(db, board_id, LearningDraft(text="x"), ann)
    first = learnings.set_decision(db, board_id, learning.id, DecisionDraft(
        kind=DecisionKind.fix, text="Fix the parser"), ann)
    second = learnings.set_decision(db, board_id, learning.id, DecisionDraft(
        kind=DecisionKind.no_change, text="Accept the risk", trade_off="Rare"), ann,
        expected_version=first.version)
    assert second.id == first.id and second.kind == DecisionKind.no_change
    with pytest.raises(EditConflict):
        learnings.set_decision(db, board_id, learning.id, DecisionDraft(
            kind=DecisionKind.fix, text="Again"), ann, expected_version=first.version)
    with pytest.raises(EditConflict):
        learnings.set_decision(db, board_id, learning.id, DecisionDraft(
            kind=DecisionKind.fix, text="As if new"), ann)


def test_a_decision_links_new_and_existing_actions(db, board):
    board_id, _, ann = board
    learning = learnings.add_learning(db, board_id, LearningDraft(text="x"), ann)
    decision = learnings.set_decision(db, board_id, learning.id, DecisionDraft(
        kind=DecisionKind.guardrail, text="Stage rollouts"), ann)
    made = learnings.add_action_for_decision(db, board_id, decision.id, ActionDraft(
        title="Staged rollout", owner="Dee", due_date=date(2030, 1, 1)), ann)
    existing = actions.add_action(db, board_id, ActionDraft(title="Runbook for rollback"))
    learnings.link_action(db, board_id, decision.id, existing.id, ann)
    learnings.link_action(db, board_id, decision.id, existing.id, ann)
    assert learnings.get_decision(db, board_id, decision.id).action_ids == [made.id, existing.id]
    learnings.unlink_action(db, board_id, decision.id, made.id, ann)
    assert learnings.get_decision(db, board_id, decision.id).action_ids == [existing.id]
    actions.delete_action(db, board_id, existing.id)
    assert learnings.get_decision(db, board_id, decision.id).action_ids == []


def test_deleting_a_learning_takes_its_decision_off_the_board(db, board):
    board_id, _, ann = board
    learning = learnings.add_learning(db, board_id, LearningDraft(text="x"), ann)
    learnings.set_decision(db, board_id, learning.id, DecisionDraft(
        kind=DecisionKind.training, text="Train on-call"), ann)
    learnings.delete_learning(db, board_id, learning.id, ann)
    assert learnings.list_decisions(db, board_id) == []
    with pytest.raises(LearningNotFound):
        learnings.get_learning(db, board_id, learning.id)


def test_every_write_bumps_the_board_revision(db, board):
    board_id, _, ann = board
    before = boards.board_revision(db, board_id)
    learnings.add_learning(db, board_id, LearningDraft(text="x"), ann)
    assert boards.board_revision(db, board_id) == before + 1


def test_learnings_across_boards_keep_to_the_boards_asked_for(db, board):
    board_id, _, ann = board
    learnings.add_learning(db, board_id, LearningDraft(text="ours"), ann)
    other = boards.create_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    key = facilitation.create_facilitator_key(db, other.id, "creator")
    learnings.add_learning(db, other.id, LearningDraft(text="theirs"),
                           Credentials(facilitator_key=key))
    [ours] = learnings.all_learnings(db, [board_id])
    assert [learning.text for learning in ours.learnings] == ["We learned that ours"]
    assert ours.title == "Checkout errors" and ours.day is not None
    assert len(learnings.all_learnings(db)) == 2
    assert learnings.all_learnings(db, []) == []


# --- the 5 Whys, one step at a time ---------------------------------------------------


def steps_of(db, board_id, item_id) -> list[tuple[str, str]]:
    chain = load_snapshot(db, board_id).whys_of(item_id)
    return [(step.why, step.because) for step in chain.steps] if chain else []


def test_whys_are_added_edited_and_removed_one_step_at_a_time(db, board):
    board_id, fran, ann = board
    note = factor(db, board_id, ann)
    learnings.add_why(db, board_id, note.id, WhyStep(why="Why global?", because="One stage"), 0, fran)
    learnings.add_why(db, board_id, note.id, WhyStep(why="Why one stage?"), 1, fran)
    learnings.edit_why(db, board_id, note.id, 1, WhyStep(why="Why one stage?", because="Nobody asked"), 2,
                       fran, expected=("Why one stage?", ""))
    assert steps_of(db, board_id, note.id) == [("Why global?", "One stage"), ("Why one stage?", "Nobody asked")]
    learnings.remove_last_why(db, board_id, note.id, 2, fran)
    assert steps_of(db, board_id, note.id) == [("Why global?", "One stage")]


def test_a_why_step_on_a_chain_that_changed_meanwhile_is_refused_and_loses_nothing(db, board):
    board_id, fran, ann = board
    note = factor(db, board_id, ann)
    learnings.add_why(db, board_id, note.id, WhyStep(why="First tab's why"), 0, fran)
    revision = boards.board_revision(db, board_id)
    with pytest.raises(WhysChanged, match="now has 1 step"):
        learnings.add_why(db, board_id, note.id, WhyStep(why="Second tab's why"), 0, fran)
    with pytest.raises(WhysChanged):
        learnings.remove_last_why(db, board_id, note.id, 2, fran)
    with pytest.raises(WhysChanged):
        learnings.edit_why(db, board_id, note.id, 0, WhyStep(why="Mine"), 1, fran, expected=("Older", ""))
    assert steps_of(db, board_id, note.id) == [("First tab's why", "")]
    assert boards.board_revision(db, board_id) == revision


def test_a_participant_runs_no_whys_and_a_full_chain_takes_no_sixth(db, board):
    board_id, fran, ann = board
    note = factor(db, board_id, ann)
    with pytest.raises(NotFacilitator):
        learnings.add_why(db, board_id, note.id, WhyStep(why="Why?"), 0, ann)
    for level in range(5):
        learnings.add_why(db, board_id, note.id, WhyStep(why=f"Why {level}?"), level, fran)
    with pytest.raises(InvalidInput, match="stops at 5"):
        learnings.add_why(db, board_id, note.id, WhyStep(why="Why 6?"), 5, fran)
    with pytest.raises(InvalidInput, match="no step 6"):
        learnings.edit_why(db, board_id, note.id, 5, WhyStep(why="Why 6?"), 5, fran)
    assert len(steps_of(db, board_id, note.id)) == 5


def test_whys_go_only_on_a_live_factor_of_this_board(db, board):
    board_id, fran, ann = board
    other = notes.add_note(db, board_id, "detect", NoteDraft(text="Alert on errors"), ann)
    with pytest.raises(NotAFactorStep):
        learnings.add_why(db, board_id, other.id, WhyStep(why="Why?"), 0, fran)
    with pytest.raises(NoteNotFound):
        learnings.add_why(db, board_id, "no-such-note", WhyStep(why="Why?"), 0, fran)
    with pytest.raises(InvalidInput, match="no 5 Whys step"):
        learnings.remove_last_why(db, board_id, factor(db, board_id, ann).id, 0, fran)
