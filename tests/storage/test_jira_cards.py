"""Jira cards on both databases: an import, the order and column moves queued
for Jira in the order made, blind estimation, capacity and goals, the rules
checked in the write, and the sync with a Jira that changes issues itself
or stops answering (tests/jira_agile_fake.py)."""

import pytest

from canvas.errors import NotFacilitator, ParticipantNotFound
from canvas.jira_board import (
    BACKLOG, DROP, NEEDS_DETAIL, READY, SPLIT, TO_REFINE, EstimatesNotRevealed, JiraBoardSettings,
    NoEstimationRound, NotAColumn, NotAnEstimate, capacity_of, committed, over_capacity, sprint_column,
)
from canvas.models import BoardDraft
from canvas.session.phases import Credentials, Phase, PhaseForbids
from integrations import jira_board_sync
from storage import facilitation, jira_cards, participants
from tests.jira_agile_fake import FakeJira


class Meeting:
    def __init__(self, db, kind: str, **settings):
        started = facilitation.start_board(db, BoardDraft(
            title="Refinement", facilitator_name="Fran",
            template="backlog-refinement" if kind == "refinement" else "sprint-planning"))
        self.db, self.id = db, started.board.id
        self.fran = Credentials(participant_id=started.facilitator.id, facilitator_key=started.facilitator_key)
        ana, _ = participants.join_board(db, self.id, "Ana")
        ben, _ = participants.join_board(db, self.id, "Ben")
        self.ana, self.ben = Credentials(participant_id=ana.id), Credentials(participant_id=ben.id)
        jira_cards.make_jira_board(db, self.id, JiraBoardSettings(kind=kind, source_board=7, **settings))
        self.jira = FakeJira()

    def state(self):
        return jira_cards.load_state(self.db, self.id)

    def card(self, key: str):
        return next(card for card in self.state().cards if card.key == key)

    def column(self, column: str) -> list[str]:
        return [card.key for card in sorted(self.state().cards, key=lambda c: c.position) if card.column == column]

    def sync(self):
        jira_board_sync.sync(self.db, self.id, self.jira)


@pytest.fixture
def refinement(db):
    meeting = Meeting(db, "refinement", drop_as="label", drop_value="dropped", ready_transition="Ready")
    meeting.jira.seed(5)
    meeting.sync()
    return meeting


@pytest.fixture
def planning(db):
    meeting = Meeting(db, "planning")
    meeting.jira.add_sprint(1, "Sprint 1", "active")
    meeting.jira.add_sprint(2, "Sprint 2", "future")
    meeting.jira.add_sprint(0, "Sprint 0", "closed")
    meeting.jira.seed(2, sprint_id=1)
    meeting.jira.seed(4)
    meeting.sync()
    return meeting


def test_an_import_brings_the_backlog_in_jiras_order_into_to_refine(refinement):
    assert refinement.column(TO_REFINE) == ["PLAT-1", "PLAT-2", "PLAT-3", "PLAT-4", "PLAT-5"]
    card = refinement.card("PLAT-1")
    assert (card.summary, card.issue_type, card.status, card.sync) == ("Issue 1", "Story", "To Do", "saved")


def test_a_drag_sets_jiras_rank_before_the_card_that_follows(refinement):
    card = refinement.card("PLAT-5")
    jira_cards.move_card(refinement.db, refinement.id, refinement.ana, card.id, TO_REFINE, 1)
    assert refinement.card("PLAT-5").sync == "queued"
    refinement.sync()
    assert refinement.column(TO_REFINE) == ["PLAT-1", "PLAT-5", "PLAT-2", "PLAT-3", "PLAT-4"]
    assert refinement.jira.order == ["PLAT-1", "PLAT-5", "PLAT-2", "PLAT-3", "PLAT-4"]
    assert refinement.card("PLAT-5").sync == "saved"


def test_ready_is_a_transition_and_drop_and_needs_detail_are_labels_as_configured(refinement):
    for key, column in (("PLAT-1", READY), ("PLAT-2", DROP), ("PLAT-3", NEEDS_DETAIL)):
        jira_cards.move_card(refinement.db, refinement.id, refinement.ben, refinement.card(key).id, column, 0)
    refinement.sync()
    assert refinement.jira.issues["PLAT-1"].status == "Ready"
    assert refinement.jira.issues["PLAT-2"].labels == ("dropped",)
    assert refinement.jira.issues["PLAT-3"].labels == ("needs-detail",)
    assert refinement.card("PLAT-1").status == "Ready"


def test_a_column_the_board_does_not_have_is_refused(refinement):
    with pytest.raises(NotAColumn):
        jira_cards.move_card(refinement.db, refinement.id, refinement.ana, refinement.card("PLAT-1").id,
                             "sprint-3", 0)


def test_summary_acceptance_criteria_and_labels_land_in_jira(refinement):
    card = refinement.card("PLAT-2")
    assert jira_cards.edit_card(refinement.db, refinement.id, refinement.ana, card.id,
                                summary="Checkout retries idempotently", acceptance="- no double charge",
                                labels=["payments", "postmortem"])
    refinement.sync()
    issue = refinement.jira.issues["PLAT-2"]
    assert issue.summary == "Checkout retries idempotently"
    assert issue.description == "## Acceptance criteria\n- no double charge"
    assert issue.labels == ("payments", "postmortem")
    assert refinement.card("PLAT-2").acceptance == "- no double charge"


def test_an_estimate_stays_blind_until_the_facilitator_reveals_and_settles_it(refinement):
    card = refinement.card("PLAT-3")
    with pytest.raises(NotFacilitator):
        jira_cards.start_round(refinement.db, refinement.id, refinement.ana, card.id)
    jira_cards.start_round(refinement.db, refinement.id, refinement.fran, card.id)
    jira_cards.estimate(refinement.db, refinement.id, refinement.ana, card.id, "5")
    jira_cards.estimate(refinement.db, refinement.id, refinement.ben, card.id, "8")
    with pytest.raises(NotAnEstimate):
        jira_cards.estimate(refinement.db, refinement.id, refinement.ben, card.id, "4")
    with pytest.raises(EstimatesNotRevealed):
        jira_cards.settle_round(refinement.db, refinement.id, refinement.fran, card.id, "8")
    jira_cards.reveal_round(refinement.db, refinement.id, refinement.fran, card.id)
    with pytest.raises(NoEstimationRound):
        jira_cards.estimate(refinement.db, refinement.id, refinement.ana, card.id, "13")
    assert refinement.state().round.estimates == {refinement.ana.participant_id: "5",
                                                  refinement.ben.participant_id: "8"}
    jira_cards.settle_round(refinement.db, refinement.id, refinement.fran, card.id, "8")
    assert refinement.state().round is None
    refinement.sync()
    assert refinement.jira.issues["PLAT-3"].story_points == 8.0


def test_a_person_of_another_board_cannot_change_a_card(refinement, db):
    other = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Oz"))
    with pytest.raises(ParticipantNotFound):
        jira_cards.move_card(db, refinement.id, Credentials(participant_id=other.facilitator.id),
                             refinement.card("PLAT-1").id, TO_REFINE, 3)


def test_a_closed_board_refuses_changes_but_still_syncs(refinement):
    facilitation.set_phase(refinement.db, refinement.id, refinement.fran.facilitator_key, Phase.closed)
    with pytest.raises(PhaseForbids):
        jira_cards.edit_card(refinement.db, refinement.id, refinement.ana, refinement.card("PLAT-1").id,
                             summary="Later")
    refinement.jira.change("PLAT-1", summary="Said in Jira")
    jira_cards.may_sync(refinement.db, refinement.id, refinement.ana)
    refinement.sync()
    assert refinement.card("PLAT-1").summary == "Said in Jira"


def test_splitting_makes_new_issues_ranked_after_the_card_and_parks_it_in_split(refinement):
    card = refinement.card("PLAT-4")
    jira_cards.split_card(refinement.db, refinement.id, refinement.ana, card.id, ["Read path", "Write path"])
    refinement.sync()
    assert refinement.column(SPLIT) == ["PLAT-4"]
    assert refinement.jira.issues["PLAT-6"].summary == "Read path"
    assert refinement.jira.issues["PLAT-7"].summary == "Write path"
    assert refinement.column(TO_REFINE) == ["PLAT-1", "PLAT-2", "PLAT-3", "PLAT-6", "PLAT-7", "PLAT-5"]
    assert refinement.jira.order == ["PLAT-1", "PLAT-2", "PLAT-3", "PLAT-4", "PLAT-6", "PLAT-7", "PLAT-5"]


def test_a_change_made_in_jira_while_the_board_edits_it_is_a_conflict_showing_both(refinement):
    card = refinement.card("PLAT-1")
    refinement.jira.go_down()
    jira_cards.edit_card(refinement.db, refinement.id, refinement.ana, card.id, summary="Board's words")
    refinement.sync()
    refinement.jira.come_up()
    refinement.jira.change("PLAT-1", summary="Jira's words")
    refinement.sync()
    card = refinement.card("PLAT-1")
    assert card.sync == "conflict"
    assert card.conflicts == {"summary": {"board": "Board's words", "jira": "Jira's words"}}
    assert refinement.jira.issues["PLAT-1"].summary == "Jira's words"  # nothing overwritten
    jira_cards.pick_side(refinement.db, refinement.id, refinement.ben, card.id, "summary", "board")
    refinement.sync()
    assert refinement.jira.issues["PLAT-1"].summary == "Board's words"
    assert (refinement.card("PLAT-1").sync, refinement.card("PLAT-1").conflicts) == ("saved", {})


def test_picking_jiras_side_takes_its_value_and_writes_nothing(refinement):
    card = refinement.card("PLAT-2")
    refinement.jira.go_down()
    jira_cards.edit_card(refinement.db, refinement.id, refinement.ana, card.id, labels=["ours"])
    refinement.jira.come_up()
    refinement.jira.change("PLAT-2", labels=("theirs",))
    refinement.sync()
    jira_cards.pick_side(refinement.db, refinement.id, refinement.ana, card.id, "labels", "jira")
    calls = len(refinement.jira.calls)
    jira_board_sync.push(refinement.db, refinement.id, refinement.jira)
    assert refinement.card("PLAT-2").labels == ("theirs",)
    assert refinement.jira.issues["PLAT-2"].labels == ("theirs",)
    assert len(refinement.jira.calls) == calls


def test_changes_made_while_jira_is_down_queue_and_land_in_order_when_it_is_back(refinement):
    refinement.jira.go_down()
    card = refinement.card("PLAT-3")
    jira_cards.edit_card(refinement.db, refinement.id, refinement.ana, card.id, summary="First")
    jira_cards.edit_card(refinement.db, refinement.id, refinement.ben, card.id, summary="Second")
    jira_cards.move_card(refinement.db, refinement.id, refinement.ana, card.id, TO_REFINE, 0)
    refinement.sync()
    state = refinement.state()
    assert (state.reachable, state.queued) == (False, 3)
    assert "not answering" in state.problem
    assert refinement.card("PLAT-3").sync == "queued"
    refinement.jira.come_up()
    refinement.sync()
    state = refinement.state()
    assert (state.reachable, state.queued) == (True, 0)
    assert refinement.jira.issues["PLAT-3"].summary == "Second"
    assert refinement.jira.order[0] == "PLAT-3"
    assert [c.kind for c in jira_cards.all_changes(refinement.db, refinement.id)] == ["summary", "summary", "rank"]


def test_a_change_jira_refuses_fails_with_its_sentence_and_the_rest_go_on(db):
    meeting = Meeting(db, "refinement", ready_transition="Approved")
    meeting.jira.seed(2)
    meeting.sync()
    jira_cards.move_card(db, meeting.id, meeting.ana, meeting.card("PLAT-1").id, READY, 0)
    jira_cards.edit_card(db, meeting.id, meeting.ana, meeting.card("PLAT-2").id, summary="Still goes")
    meeting.sync()
    assert meeting.card("PLAT-1").sync == "failed"
    assert "no transition named 'Approved'" in meeting.card("PLAT-1").sync_message
    assert meeting.jira.issues["PLAT-2"].summary == "Still goes"


def test_planning_shows_active_and_future_sprints_then_the_backlog(planning):
    assert planning.column(sprint_column(1)) == ["PLAT-1", "PLAT-2"]
    assert planning.column(BACKLOG) == ["PLAT-3", "PLAT-4", "PLAT-5", "PLAT-6"]
    assert [s.id for s in planning.state().sprints] == [1, 2]


def test_dragging_between_sprints_moves_the_issue_and_committed_points_follow(planning):
    for key, points in (("PLAT-3", 5.0), ("PLAT-4", 8.0)):
        planning.jira.change(key, story_points=points)
    planning.sync()
    for key in ("PLAT-3", "PLAT-4"):
        jira_cards.move_card(planning.db, planning.id, planning.ana, planning.card(key).id, sprint_column(2), 9)
    jira_cards.set_capacity(planning.db, planning.id, planning.ana, 2, "Ana", 6)
    jira_cards.set_capacity(planning.db, planning.id, planning.ben, 2, "Ben", 4)
    state = planning.state()
    sprint = next(s for s in state.sprints if s.id == 2)
    assert capacity_of(sprint, state.settings, state.velocity) == 10
    assert committed(state.cards, sprint_column(2)) == 13
    assert over_capacity(13, 10)
    planning.sync()
    assert [planning.jira.issues[k].sprint_id for k in ("PLAT-3", "PLAT-4")] == [2, 2]
    jira_cards.move_card(planning.db, planning.id, planning.ana, planning.card("PLAT-4").id, BACKLOG, 0)
    planning.sync()
    assert planning.jira.issues["PLAT-4"].sprint_id is None
    assert committed(planning.state().cards, sprint_column(2)) == 5


def test_the_sprint_goal_is_written_to_jira(planning):
    jira_cards.set_goal(planning.db, planning.id, planning.ben, 2, "Checkout never double-charges")
    planning.sync()
    assert planning.jira.sprint_list[1].goal == "Checkout never double-charges"


def test_velocity_capacity_is_the_mean_of_the_last_closed_sprints(db):
    meeting = Meeting(db, "planning", capacity_from="velocity")
    meeting.jira.add_sprint(1, "Sprint 1", "future")
    meeting.sync()
    state = meeting.state()
    assert capacity_of(state.sprints[0], state.settings, state.velocity) == 22.0


def test_a_pull_follows_jiras_rank_and_a_card_jira_no_longer_lists_keeps_its_place(refinement):
    refinement.jira.rank(["PLAT-5"], before="PLAT-2")
    refinement.jira.change("PLAT-3", sprint_id=9)  # planned into a sprint: gone from the backlog
    refinement.jira.rank(["PLAT-4"], before="PLAT-1")
    refinement.sync()
    assert refinement.column(TO_REFINE) == ["PLAT-4", "PLAT-1", "PLAT-3", "PLAT-5", "PLAT-2"]


def test_a_reorder_still_on_its_way_is_not_undone_by_a_pull(refinement):
    refinement.jira.go_down()
    jira_cards.move_card(refinement.db, refinement.id, refinement.ana, refinement.card("PLAT-5").id, TO_REFINE, 0)
    refinement.jira.come_up()
    jira_board_sync.pull(refinement.db, refinement.id, refinement.jira)
    assert refinement.column(TO_REFINE)[0] == "PLAT-5"
