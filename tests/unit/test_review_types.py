"""Review types that fit: each type's default template, the OKR / project
and pre-mortem templates, what "Is it done?" and the rubric ask of each, and
the experiment decision."""

from __future__ import annotations

import pytest

from canvas.learnings import DecisionKind
from canvas.models import BoardDraft, ReviewType, Severity
from canvas.review.completeness import check_completeness, score_rubric
from canvas.session.parts import layout
from canvas.session.parts.learnings import build as learnings_part
from canvas.templates import StepKind, all_templates, get_template
from tests.unit.golden import okr_board, premortem_board
from tests.unit.golden.fixture_board import TODAY, cloudflare_snapshot


@pytest.mark.parametrize("kind, slug", [
    (ReviewType.incident, "blameless"), (ReviewType.project, "okr-retro"),
    (ReviewType.okr, "okr-retro"), (ReviewType.team, "mad-sad-glad"),
    (ReviewType.premortem, "pre-mortem"),
])
def test_each_review_type_starts_from_the_template_that_fits_it(kind, slug):
    assert kind.template == slug
    assert BoardDraft(title="A review", facilitator_name="Fran", review_type=kind).template == slug


def test_every_review_type_names_a_shipped_template():
    assert {kind.template for kind in ReviewType} <= set(all_templates())


def test_a_review_over_a_period_has_no_severity_unless_one_is_given():
    assert BoardDraft(title="Q3", facilitator_name="Fran",
                      review_type=ReviewType.okr).severity is Severity.none
    assert BoardDraft(title="Q3", facilitator_name="Fran", review_type=ReviewType.okr,
                      severity=Severity.sev2).severity is Severity.sev2
    assert BoardDraft(title="Outage", facilitator_name="Fran").severity is Severity.sev3


def test_a_template_chosen_by_hand_is_kept_whatever_the_review_type():
    draft = BoardDraft.model_validate({"title": "Q3", "facilitator_name": "Fran",
                                       "review_type": "okr", "template": "lean-coffee"})
    assert draft.template == "lean-coffee"


def test_an_unknown_review_type_is_refused_by_its_own_field():
    with pytest.raises(ValueError, match="review_type"):
        BoardDraft.model_validate({"title": "Q3", "facilitator_name": "Fran",
                                   "review_type": "audit"})


def test_the_okr_template_has_systemic_blockers_and_a_secondary_grade_after_the_learnings():
    keys = [step.key for step in get_template("okr-retro").steps]
    assert "systemic-blockers" in keys
    assert keys.index("learnings") < keys.index("grade") < keys.index("next-steps")
    grade = get_template("okr-retro").step("grade")
    assert grade.kind == StepKind.notes
    assert "secondary" in grade.prompt.lower() and "0.0 to 1.0" in grade.prompt


def test_the_pre_mortem_imagines_the_failure_its_causes_and_kill_criteria_with_owners():
    template = get_template("pre-mortem")
    assert [step.key for step in template.steps] == [
        "summary", "how-it-failed", "likely-causes", "kill-criteria", "next-steps"]
    assert "failed" in template.step("how-it-failed").prompt
    assert "who makes the call" in template.step("kill-criteria").prompt
    assert not any(step.kind == StepKind.timeline for step in template.steps)
    # The failure stories are its risks.
    assert [step.key for step in template.steps if step.is_risk_step] == ["how-it-failed"]


def test_kill_criteria_are_a_part_of_the_board_wherever_the_template_asks_for_them():
    assert layout(get_template("pre-mortem"))[-1] == "kill_criteria"
    assert layout(get_template("okr-retro"))[-1] == "kill_criteria"
    assert layout(get_template("blameless"))[-1] == "kill_criteria"
    assert "kill_criteria" not in layout(get_template("mad-sad-glad"))


def _summary_item(snapshot):
    return check_completeness(snapshot, TODAY).item("summary")


def test_only_an_incident_is_asked_for_the_customer_impact():
    okr = okr_board.okr_snapshot()
    assert okr.board.impact == "" and "customer" not in okr.board.summary
    item = _summary_item(okr)
    assert item.done and "customer" not in item.label.lower()
    # The same summary on an incident board misses its customer impact.
    as_incident = okr.model_copy(update={"board": okr.board.model_copy(
        update={"review_type": ReviewType.incident})})
    item = _summary_item(as_incident)
    assert not item.done and "customers" in item.missing


@pytest.mark.parametrize("kind", [ReviewType.project, ReviewType.okr, ReviewType.team,
                                  ReviewType.premortem])
def test_no_check_or_dimension_of_a_review_that_is_not_an_incident_mentions_customers(kind):
    snapshot = okr_board.okr_snapshot()
    snapshot = snapshot.model_copy(update={"board": snapshot.board.model_copy(
        update={"review_type": kind, "summary": ""})})
    completeness = check_completeness(snapshot, TODAY)
    rubric = score_rubric(snapshot, TODAY)
    asked = [f"{item.label} {item.missing}" for item in completeness.applicable]
    asked += [f"{dimension.label} {dimension.missing}" for dimension in rubric.applicable]
    assert not [text for text in asked if "customer" in text.lower()]


def test_a_pre_mortem_is_asked_for_kill_criteria_but_not_for_a_timeline_learnings_or_what_went_well():
    snapshot = premortem_board.premortem_snapshot()
    completeness = check_completeness(snapshot, premortem_board.TODAY)
    rubric = score_rubric(snapshot, premortem_board.TODAY)
    assert not completeness.item("went-well").applies
    assert not completeness.item("timeline-impact-start").applies
    assert completeness.item("risks-and-next-steps").done
    for dimension_id in ("timeline", "learnings", "decisions"):
        assert not rubric.dimension(dimension_id).applies, dimension_id
    assert rubric.dimension("kill-criteria").met
    # Without its kill criteria, the pre-mortem misses what it is for.
    bare = snapshot.model_copy(update={"triggers": []})
    assert score_rubric(bare, premortem_board.TODAY).dimension("kill-criteria").score == 0


def test_a_pre_mortem_without_failure_stories_is_told_to_name_a_risk():
    snapshot = premortem_board.premortem_snapshot()
    bare = snapshot.model_copy(update={"notes": [
        note for note in snapshot.notes if note.step_key != "how-it-failed"]})
    item = check_completeness(bare, premortem_board.TODAY).item("risks-and-next-steps")
    assert not item.done and item.missing == "No note in How it failed names a risk yet."
    assert item.fix_page == "how-it-failed"


def test_the_blameless_board_still_asks_where_else_the_weakness_lives():
    snapshot = cloudflare_snapshot()
    bare = snapshot.model_copy(update={"notes": [
        note for note in snapshot.notes if note.step_key != "other-risks"]})
    item = check_completeness(bare, TODAY).item("risks-and-next-steps")
    assert "says where else the same weakness lives" in item.missing


def test_experiment_is_a_decision_kind_whose_actions_change_how_we_work():
    assert DecisionKind("experiment").label == "Experiment"
    assert DecisionKind.experiment.action_type == "process"
    assert DecisionKind.instrumentation.action_type == "detect"
    assert DecisionKind.fix.action_type == "prevent"
    offered = learnings_part(okr_board.okr_snapshot())["decision_kinds"]
    assert {"key": "experiment", "label": "Experiment"} in offered


def test_the_summary_card_asks_for_customer_impact_on_an_incident_only():
    from canvas.session.parts.summary import build as summary_part

    def keys(snapshot):
        return [field["key"] for field in summary_part(snapshot)["fields"]]

    assert "impact" in keys(cloudflare_snapshot())
    okr = okr_board.okr_snapshot()
    assert "impact" not in keys(okr) and "impact" not in keys(premortem_board.premortem_snapshot())
    written = okr.model_copy(update={"board": okr.board.model_copy(
        update={"impact": "Partners waited a week for accounts"})})
    assert "impact" in keys(written)
