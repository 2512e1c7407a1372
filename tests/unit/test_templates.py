import pytest

from canvas.errors import UnknownTemplate
from canvas.templates import StepKind, Template, all_templates, get_template

BLAMELESS_TITLES = [
    "Summary", "Rough timeline", "Contributing factors", "Detect", "React", "Quick fix", "Prevent",
    "Other areas of risk", "Next steps",
]


def test_the_default_canvas_keeps_the_eight_steps_in_order_with_factors_after_the_timeline():
    template = get_template("blameless")
    assert [step.title for step in template.steps] == BLAMELESS_TITLES
    assert template.step("detect").prompt.startswith("How do we detect this")
    assert template.step("summary").kind == StepKind.summary
    assert template.step("timeline").kind == StepKind.timeline
    assert template.step("next-steps").kind == StepKind.actions
    factors = template.step("contributing-factors")
    assert factors.kind == StepKind.notes and factors.is_factor_step
    assert "likely" in factors.prompt and "at the time" in factors.prompt
    assert template.step_receiving("contributing_factors") is factors
    assert not template.step("other-risks").receives


def test_every_practice_template_ships():
    assert set(all_templates()) >= {
        "blameless", "lessons-learned", "mad-sad-glad", "lean-coffee", "okr-retro",
    }
    titles = {slug: [s.title for s in t.steps] for slug, t in all_templates().items()}
    assert {"What went well", "What went wrong", "Suggestions for next time",
            "Engagement details"} <= set(titles["lessons-learned"])
    assert titles["mad-sad-glad"][:3] == ["Mad", "Sad", "Glad"]
    assert {"Learnings", "Decisions", "Kill criteria"} <= set(titles["okr-retro"])


def test_every_template_has_sticky_note_steps_and_a_home_for_imported_content():
    for template in all_templates().values():
        assert template.note_steps, template.slug
        assert template.step_receiving("actions") is not None, template.slug
        assert template.step_receiving("contributing_factors") is not None, template.slug


def test_unknown_template_is_a_named_error():
    with pytest.raises(UnknownTemplate):
        get_template("nope")


def test_a_template_repeating_a_step_key_is_refused():
    step = {"key": "mad", "title": "Mad", "kind": "notes", "prompt": "?"}
    with pytest.raises(ValueError, match="repeats a step key"):
        Template.model_validate(
            {"slug": "x", "name": "x", "description": "x", "steps": [step, step]}
        )


def test_a_step_key_that_would_shadow_a_board_page_is_refused():
    step = {"key": "facilitate", "title": "Facilitate", "kind": "notes", "prompt": "?"}
    with pytest.raises(ValueError, match="reserved step keys"):
        Template.model_validate({"slug": "x", "name": "x", "description": "x", "steps": [step]})


def test_dmaic_and_design_sprint_templates_ship_with_their_steps():
    dmaic = get_template("dmaic")
    assert [step.title for step in dmaic.steps] == ["Define", "Measure", "Analyze", "Improve", "Control"]
    assert dmaic.step("control").kind == StepKind.actions
    sprint = get_template("design-sprint")
    assert sprint.steps[0].kind == StepKind.summary and sprint.steps[-1].kind == StepKind.actions
    assert "What the tests showed" in [step.title for step in sprint.steps]


def test_no_template_text_trips_the_blame_checker():
    from canvas.review.language import check_text

    for template in all_templates().values():
        texts = [template.name, template.description]
        for step in template.steps:
            texts += [step.title, step.prompt, *step.follow_ups]
        flagged = {text: [f.phrase for f in check_text(text)] for text in texts if check_text(text)}
        assert flagged == {}, template.slug


def test_the_ground_rules_ask_for_directness_no_ego_and_a_proposal():
    from canvas.models import GROUND_RULES

    assert {"Be direct and kind.", "No ego: look for the right answer together."} <= set(GROUND_RULES)
    assert any(rule.startswith("Bring a proposal") for rule in GROUND_RULES)


def test_a_step_holds_notes_only_if_the_template_has_it_as_a_sticky_note_column():
    template = get_template("blameless")
    assert template.holds_notes("detect") and template.holds_notes("next-steps")
    assert not template.holds_notes("timeline") and not template.holds_notes("summary")
    assert not template.holds_notes("no-such-step")


def test_a_template_named_by_its_step_count_has_that_many_steps():
    import re

    from canvas.templates import all_templates

    for template in all_templates().values():
        said = re.search(r"\((\d+) steps\)", template.name)
        if said:
            assert int(said.group(1)) == len(template.steps), template.name


def test_the_lessons_learned_template_offers_the_gitlab_engagement_roles_and_no_other_does():
    assert [role.label for role in get_template("lessons-learned").roles] == [
        "SAL", "TAM", "IE", "Manager"]
    assert all(role.help for role in get_template("lessons-learned").roles)
    assert [slug for slug, t in all_templates().items() if t.roles] == ["lessons-learned"]


def test_a_template_offering_a_role_twice_is_refused():
    step = {"key": "mad", "title": "Mad", "kind": "notes", "prompt": "?"}
    with pytest.raises(ValueError, match="offers a role twice"):
        Template.model_validate({"slug": "x", "name": "x", "description": "x", "steps": [step],
                                 "roles": [{"label": "TAM"}, {"label": "tam"}]})
