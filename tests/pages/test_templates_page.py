"""The Templates page (AppTest): a team copies a shipped template, renames
it and its steps, reorders them by a drop and by the arrow buttons, edits a
prompt, saves the TOML into the team folder, downloads the same file, and
is told in one sentence what is wrong with bad input."""

import pytest

from canvas.template_editing import sort_key, step_labels
from canvas.templates import get_template, read_template
from tests.pages.conftest import page
from tests.pages.test_export_page import downloads  # noqa: F401 - a fixture

BLAMELESS = [step.key for step in get_template("blameless").steps]


def templates_page(app):
    app.run()
    app.switch_page(page("templates.py")).run()
    assert not app.exception, app.exception
    return app


def copy_of(app, slug: str = "blameless"):
    app.selectbox(key="templates_source").select(slug)
    app.button(key="templates_copy").click().run()
    assert not app.exception, app.exception


def step_keys(app) -> list[str]:
    return [step["key"] for step in app.session_state["templates_draft"]["steps"]]


def uid_of(app, key: str) -> str:
    return next(step["uid"] for step in app.session_state["templates_draft"]["steps"]
                if step["key"] == key)


def drop(app, order: list[str]) -> None:
    """What the drag-and-drop list sends after a drop: its items, reordered."""
    labels = step_labels(app.session_state["templates_draft"]["steps"])
    by_key = {label.rsplit(" · ", 1)[1]: label for label in labels}
    app.session_state[sort_key(labels)] = [{"header": None, "items": [by_key[k] for k in order]}]
    app.run()
    assert not app.exception, app.exception


def test_a_team_copies_edits_reorders_saves_and_downloads_a_template(app, team_templates_dir,
                                                                     downloads):  # noqa: F811
    templates_page(app)
    copy_of(app)
    assert step_keys(app) == BLAMELESS
    assert app.text_input(key="templates_f_slug").value == "blameless-team"

    app.text_input(key="templates_f_name").input("Payments postmortem")
    app.text_input(key="templates_f_slug").input("payments")
    detect = uid_of(app, "detect")
    app.text_input(key=f"templates_f_{detect}_title").input("Detect sooner")
    app.text_area(key=f"templates_f_{detect}_prompt").input("What would have shown it first?")
    app.text_area(key=f"templates_f_{detect}_follow_ups").input("Which alert?\n\nWhich graph?")
    app.selectbox(key=f"templates_f_{detect}_action_type").select("process")
    app.run()
    # A drop puts Detect first; the arrow buttons then move it down one place.
    drop(app, ["detect", *(key for key in BLAMELESS if key != "detect")])
    assert step_keys(app)[:2] == ["detect", "summary"]
    app.button(key=f"templates_down_{detect}").click().run()
    expected = ["summary", "detect", *(key for key in BLAMELESS if key not in ("summary", "detect"))]
    assert step_keys(app) == expected
    # Edits made before the moves are still there.
    assert app.text_input(key=f"templates_f_{detect}_title").value == "Detect sooner"
    # A step removed, and a new one added at the end.
    app.button(key=f"templates_remove_{uid_of(app, 'quick-fix')}").click().run()
    app.button(key="templates_add").click().run()
    expected = [key for key in expected if key != "quick-fix"] + ["step-9"]
    assert step_keys(app) == expected

    app.button(key="templates_save").click().run()
    assert not app.error, [error.value for error in app.error]
    assert "Saved as" in app.success[0].value
    text = (team_templates_dir / "payments.toml").read_text("utf-8")
    saved = read_template(text)
    assert saved.name == "Payments postmortem"
    assert [step.key for step in saved.steps] == expected
    step = saved.step("detect")
    assert (step.title, step.prompt, step.follow_ups, step.action_type) == (
        "Detect sooner", "What would have shown it first?", ["Which alert?", "Which graph?"],
        "process")
    # The download is the very file that was saved, to propose in a merge request.
    assert ("payments.toml", text.encode("utf-8")) in downloads

    # The saved template is offered for new boards and listed to copy again.
    app.switch_page(page("home.py")).run()
    assert app.selectbox(key="home_template").options[-1] == "Payments postmortem"


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "A template name cannot be empty."),
    ("name", "<b>Ours</b>", "A template name may not hold markup"),
    ("slug", "blameless", "The key 'blameless' is a shipped template's"),
    ("slug", "Our Team", "The template key 'Our Team' must be 1 to 41 lowercase letters"),
    ("detect_key", "summary", "two steps use the key 'summary'"),
    ("detect_key", "templates", "uses reserved step keys ['templates']"),
    ("detect_follow_ups", "ok?\n" + "x" * 250, "Step 4: A follow-up question is 250 characters "
                                              "long; the limit is 200."),
    ("detect_prompt", "See <script>alert(1)</script>", "Step 4: A prompt may not hold markup"),
    ("detect_title", " ", "Step 4: A step title cannot be empty."),
])
def test_bad_input_is_named_in_one_sentence_and_nothing_is_saved(app, team_templates_dir, field,
                                                                  value, message):
    templates_page(app)
    copy_of(app)
    if field.startswith("detect_"):
        key = f"templates_f_{uid_of(app, 'detect')}_{field.removeprefix('detect_')}"
    else:
        key = f"templates_f_{field}"
    if key.endswith(("prompt", "follow_ups")):
        app.text_area(key=key).input(value).run()
    else:
        app.text_input(key=key).input(value).run()
    assert not app.exception, app.exception
    [error] = app.error
    assert message in error.value and "\n" not in error.value
    assert app.button(key="templates_save").disabled
    assert app.get("download_button")[0].proto.disabled
    assert not list(team_templates_dir.glob("*.toml"))


def test_a_bad_file_in_the_team_folder_is_reported_and_the_page_still_works(app, team_templates_dir):
    team_templates_dir.mkdir()
    (team_templates_dir / "broken.toml").write_text("slug = ", "utf-8")
    templates_page(app)
    [warning] = app.warning
    assert warning.value.startswith("Left out of the list: broken.toml: It is not valid TOML")
    copy_of(app, "mad-sad-glad")
    assert step_keys(app)[:3] == [step.key for step in get_template("mad-sad-glad").steps][:3]
