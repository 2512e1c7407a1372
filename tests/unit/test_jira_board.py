"""The rules of boards of Jira cards, with literals: columns, estimates,
capacity, the acceptance criteria section, conflicts, and who may do what."""

import pytest
from pydantic import ValidationError

from canvas.errors import InvalidInput, NotFacilitator
from canvas.jira_board import (
    BACKLOG, JiraBoardSettings, JiraBoardState, NotAnEstimate, Round, ScaleKind, Sprint,
    acceptance_criteria, capacity_of, check_labels, columns, conflicting, moves_for_column,
    neighbours, over_capacity, points_of, round_view, with_acceptance_criteria,
)
from canvas.session.phases import ANYONE, Action, Actor, Phase, PhaseForbids, authorize

REFINE = JiraBoardSettings(kind="refinement", jql="project = PLAT")
PLAN = JiraBoardSettings(kind="planning", source_board=7)


def test_refinement_has_its_five_columns_and_planning_its_open_sprints_then_the_backlog():
    assert [title for _, title in columns(JiraBoardState(settings=REFINE))] == [
        "To refine", "Needs detail", "Ready", "Split", "Drop"]
    sprints = [Sprint(id=3, name="Sprint 3", state="future", position=1),
               Sprint(id=1, name="Sprint 1", state="closed"),
               Sprint(id=2, name="Sprint 2", state="active", position=2)]
    assert columns(JiraBoardState(settings=PLAN, sprints=sprints)) == [
        ("sprint-2", "Sprint 2"), ("sprint-3", "Sprint 3"), (BACKLOG, "Backlog")]


def test_a_board_needs_a_source_and_planning_needs_a_jira_board():
    with pytest.raises(ValidationError, match="Jira board id or a JQL query"):
        JiraBoardSettings(kind="refinement")
    with pytest.raises(ValidationError, match="Sprint planning needs the Jira board id"):
        JiraBoardSettings(kind="planning", jql="project = PLAT")


def test_estimates_are_on_the_boards_scale_and_t_shirts_become_points():
    assert points_of(ScaleKind.fibonacci, "13") == 13.0
    assert points_of(ScaleKind.t_shirt, "L") == 5.0
    assert points_of(ScaleKind.t_shirt, "?") is None
    with pytest.raises(NotAnEstimate, match="fibonacci scale"):
        points_of(ScaleKind.fibonacci, "4")


def test_a_round_shows_who_estimated_but_no_value_until_revealed():
    names = {"p1": "Ana", "p2": "Ben"}
    blind = round_view(Round(card_id="c", estimates={"p1": "5", "p2": "8"}), names)
    assert blind == {"card_id": "c", "revealed": False, "estimated": ["Ana", "Ben"], "count": 2}
    shown = round_view(Round(card_id="c", revealed=True, estimates={"p1": "5", "p2": "8"}), names)
    assert shown["estimates"] == [{"name": "Ana", "value": "5"}, {"name": "Ben", "value": "8"}]


def test_capacity_is_typed_per_person_or_the_mean_velocity():
    sprint = Sprint(id=1, name="S", state="future", capacity={"Ana": 8, "Ben": 5.5})
    assert capacity_of(sprint, PLAN, [30.0]) == 13.5
    by_velocity = PLAN.model_copy(update={"capacity_from": "velocity"})
    assert capacity_of(sprint, by_velocity, [20.0, 25.0]) == 22.5
    assert capacity_of(sprint, by_velocity, []) is None
    assert over_capacity(14, 13.5) and not over_capacity(13.5, 13.5) and not over_capacity(40, None)


def test_acceptance_criteria_are_a_section_of_the_description_said_anew_in_place():
    text = "Why it matters\n\n## Acceptance criteria\n- one\n\n## Notes\nkeep"
    assert acceptance_criteria(text) == "- one"
    assert with_acceptance_criteria(text, "- two") == "Why it matters\n\n## Acceptance criteria\n- two\n\n## Notes\nkeep"
    assert with_acceptance_criteria("Why", "- a") == "Why\n\n## Acceptance criteria\n- a"
    assert acceptance_criteria("h3. Acceptance criteria\n* wiki") == "* wiki"


def test_a_conflict_is_jira_moving_away_from_the_last_pull_to_another_value():
    assert conflicting("old", "ours", "theirs")
    assert not conflicting("old", "ours", "old")
    assert not conflicting("old", "ours", "ours")


def test_labels_have_no_spaces_and_no_repeats():
    assert check_labels(["a", " b ", "a", ""]) == ("a", "b")
    with pytest.raises(InvalidInput):
        check_labels(["two words"])


def test_ready_and_drop_are_the_configured_transition_or_label():
    assert moves_for_column(REFINE, "ready") == []
    ready = REFINE.model_copy(update={"ready_transition": "Ready"})
    assert moves_for_column(ready, "ready") == [("transition", {"name": "Ready"})]
    assert moves_for_column(REFINE, "drop") == [("transition", {"name": "Won't Do"})]
    labelled = REFINE.model_copy(update={"drop_as": "label", "drop_value": "dropped"})
    assert moves_for_column(labelled, "drop") == [("add_label", {"label": "dropped"})]


def test_rank_goes_before_the_next_card_or_after_the_previous_when_last():
    assert neighbours(["A", "B", "C"], "A") == {"before": "B"}
    assert neighbours(["A", "B", "C"], "C") == {"after": "B"}
    assert neighbours(["A"], "A") == {}


def test_only_the_facilitator_runs_estimation_and_a_closed_board_only_syncs():
    with pytest.raises(NotFacilitator):
        authorize(Action.run_estimation, Phase.write, ANYONE)
    authorize(Action.run_estimation, Phase.vote, Actor(participant_id=None, is_facilitator=True))
    with pytest.raises(PhaseForbids):
        authorize(Action.edit_cards, Phase.closed, ANYONE)
    authorize(Action.sync_jira, Phase.closed, ANYONE)
