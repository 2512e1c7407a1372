"""A team's own templates: the TOML writer, the rules an edited template
must follow, and the team folder beside the shipped templates."""

import tomllib

import pytest
from pydantic import ValidationError

from canvas.errors import TemplateInvalid, UnknownTemplate
from canvas.templates import (
    Template, all_templates, describe_template_error, get_template, read_template,
    save_team_template, shipped_templates, team_folder, team_problems, template_toml,
)


def ours(**changes) -> Template:
    data = get_template("blameless").model_dump(mode="json")
    return Template.model_validate({**data, "slug": "ours", "name": "Our postmortem", **changes})


def step(**changes) -> dict:
    return {"key": "detect", "title": "Detect", "kind": "notes", "prompt": "How?", **changes}


@pytest.mark.parametrize("slug", sorted(shipped_templates()))
def test_every_shipped_template_round_trips_through_the_writer(slug):
    template = get_template(slug)
    assert read_template(template_toml(template)) == template


def test_awkward_text_round_trips_exactly():
    template = ours(name='Team "Ops" \\ retro ✨', description="Line one\nline\ttwo", steps=[
        step(prompt='Quotes "here", a backslash \\ and\nthree\nlines; emoji 🔥, ünïcödé',
             follow_ups=["Why \"this\"?", "C:\\path\\ok?", "中文问题？"], action_type="detect",
             receives=["actions"]),
        step(key="next", title="Next", kind="actions", prompt="Owner and date\r\nfor each."),
    ])
    text = template_toml(template)
    assert read_template(text) == template
    # The writer's file is plain TOML any reader takes, in the shipped format.
    data = tomllib.loads(text)
    assert data["steps"][0]["follow_ups"][1] == "C:\\path\\ok?"
    assert list(data) == ["slug", "name", "description", "order", "steps"]


def test_a_saved_team_template_is_listed_after_the_shipped_ones(team_templates_dir):
    path = save_team_template(ours(order=0))
    assert path == team_templates_dir / "ours.toml"
    slugs = list(all_templates())
    assert slugs[-1] == "ours" and slugs[:-1] == list(shipped_templates())
    assert get_template("ours").name == "Our postmortem"


def test_a_changed_file_is_read_again(team_templates_dir):
    save_team_template(ours())
    assert get_template("ours").name == "Our postmortem"
    save_team_template(ours(name="Renamed"))
    assert get_template("ours").name == "Renamed"
    (team_templates_dir / "ours.toml").unlink()
    with pytest.raises(UnknownTemplate):
        get_template("ours")


def test_a_bad_file_in_the_team_folder_is_reported_and_the_rest_still_load(team_templates_dir):
    save_team_template(ours())
    (team_templates_dir / "broken.toml").write_text('slug = "broken"\nname = ', "utf-8")
    (team_templates_dir / "empty-title.toml").write_text(
        template_toml(ours(slug="empty-title")).replace('title = "Detect"', 'title = " "'), "utf-8")
    (team_templates_dir / "clash.toml").write_text(
        template_toml(get_template("blameless")), "utf-8")
    assert "ours" in all_templates() and "broken" not in all_templates()
    problems = team_problems()
    assert problems[0].startswith("broken.toml: It is not valid TOML")
    assert any(p == "clash.toml: the key 'blameless' is a shipped template's; give the team's "
               "copy a key of its own." for p in problems)
    assert any(p.startswith("empty-title.toml: Step 4: A step title cannot be empty")
               for p in problems)
    assert get_template("blameless") == shipped_templates()["blameless"]


def test_a_shipped_key_cannot_be_saved_as_a_team_template():
    with pytest.raises(TemplateInvalid, match="shipped template's"):
        save_team_template(get_template("blameless"))


def test_the_team_folder_is_beside_the_database_unless_chosen():
    assert str(team_folder({"POSTMORTEM_CANVAS_TEMPLATES_DIR": "/srv/t"})) == "/srv/t"
    assert str(team_folder({"POSTMORTEM_CANVAS_DB": "/srv/pm/board.db"})) == "/srv/pm/templates"
    assert str(team_folder({"POSTMORTEM_CANVAS_DB": "postgresql://h/db"})) == "data/templates"
    assert str(team_folder({})) == "data/templates"


@pytest.mark.parametrize("changes, message", [
    ({"name": "  "}, "A template name cannot be empty."),
    ({"name": "x" * 61}, "A template name is 61 characters long; the limit is 60."),
    ({"name": "<b>Ours</b>"}, "A template name may not hold markup (HTML tags or links); write "
                              "plain text."),
    ({"slug": "Our Template"}, "The template key 'Our Template' must be 1 to 41 lowercase "
                               "letters, digits or hyphens, starting with a letter."),
    ({"steps": [step(), step(title="Again")]}, "two steps use the key 'detect'; each step needs "
                                               "its own key."),
    ({"steps": [step(key="export")]}, "uses reserved step keys ['export']"),
    ({"steps": [step(key="templates")]}, "uses reserved step keys ['templates']"),
    ({"steps": [step(kind="summary")]}, "A template needs at least one step of sticky notes or "
                                        "actions."),
    ({"steps": []}, "at least 1 item"),
])
def test_bad_template_input_gets_one_clear_sentence(changes, message):
    with pytest.raises(ValidationError) as caught:
        ours(**changes)
    described = describe_template_error(caught.value)
    assert message in described and "\n" not in described


@pytest.mark.parametrize("changes, message", [
    ({"title": ""}, "Step 1: A step title cannot be empty."),
    ({"prompt": "x" * 501}, "Step 1: A prompt is 501 characters long; the limit is 500."),
    ({"prompt": "See [the runbook](javascript:alert(1))"}, "Step 1: A prompt may not hold markup"),
    ({"prompt": "<script>alert(1)</script>"}, "Step 1: A prompt may not hold markup"),
    ({"follow_ups": ["ok?", " "]}, "Step 1: A follow-up question cannot be empty."),
    ({"follow_ups": ["why?"] * 11}, "Step 1: List should have at most 10 items"),
    ({"key": "Detect Sooner"}, "Step 1: The step key 'Detect Sooner' must be 2 to 31"),
    ({"action_type": "blame"}, "Step 1: Input should be 'detect', 'react'"),
])
def test_a_bad_step_is_named_by_its_place(changes, message):
    with pytest.raises(ValidationError) as caught:
        ours(steps=[step(**changes)])
    assert describe_template_error(caught.value).startswith(message)


def test_arrows_and_comparisons_are_plain_text_not_markup():
    template = ours(steps=[step(prompt="Latency < 200 ms, a < b or p99 -> alert? [optional] (yes)")])
    assert read_template(template_toml(template)) == template
