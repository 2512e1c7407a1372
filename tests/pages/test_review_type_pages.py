"""The home page's create form: the review type picks the template that fits
it, and a person may still pick another."""

from canvas.models import ReviewType, Severity
from storage import boards
from storage.db import connect

CREATE = "FormSubmitter:home_create-Create board"


def test_each_review_type_selects_its_template_in_the_create_form(app, db_file):
    app.run()
    assert app.selectbox(key="home_template").value == "blameless"
    for kind, slug in ((ReviewType.okr, "okr-retro"), (ReviewType.project, "okr-retro"),
                       (ReviewType.team, "mad-sad-glad"), (ReviewType.premortem, "pre-mortem"),
                       (ReviewType.incident, "blameless")):
        app.selectbox(key="home_review_type").set_value(kind).run()
        assert not app.exception, app.exception
        assert app.selectbox(key="home_template").value == slug, kind


def test_a_pre_mortem_is_created_with_the_pre_mortem_template(app, db_file):
    app.run()
    app.selectbox(key="home_review_type").set_value(ReviewType.premortem).run()
    assert "home_severity" not in {element.key for element in app.selectbox}
    app.text_input(key="home_title").input("Before the EU launch")
    app.text_input(key="home_name").input("Fran")
    app.button(key=CREATE).click().run()

    assert not app.exception, app.exception
    board = boards.get_board(connect(db_file), app.session_state["board_id"])
    assert (board.review_type, board.template) == (ReviewType.premortem, "pre-mortem")
    # Severity rates an incident; the form does not ask it of a pre-mortem.
    assert board.severity is Severity.none


def test_an_incident_keeps_the_severity_picked_in_the_form(app, db_file):
    app.run()
    app.text_input(key="home_title").input("Checkout errors")
    app.text_input(key="home_name").input("Fran")
    app.selectbox(key="home_severity").set_value(Severity.sev1)
    app.button(key=CREATE).click().run()

    assert not app.exception, app.exception
    board = boards.get_board(connect(db_file), app.session_state["board_id"])
    assert (board.template, board.severity) == ("blameless", Severity.sev1)


def test_a_template_picked_after_the_review_type_is_kept(app, db_file):
    app.run()
    app.selectbox(key="home_review_type").set_value(ReviewType.okr).run()
    app.selectbox(key="home_template").set_value("lean-coffee")
    app.text_input(key="home_title").input("Q3 OKRs")
    app.text_input(key="home_name").input("Fran")
    app.button(key=CREATE).click().run()

    assert not app.exception, app.exception
    board = boards.get_board(connect(db_file), app.session_state["board_id"])
    assert (board.review_type, board.template) == (ReviewType.okr, "lean-coffee")


def test_the_next_steps_page_adds_a_kill_criterion_with_who_makes_the_call(app, db_file):
    from storage import actions
    from tests.pages.conftest import create_board, page

    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    app.text_input(key="trigger_signal").input("Vendor region not confirmed by 2027-01-15")
    app.text_input(key="trigger_response").input("Pause the migration")
    app.text_input(key="trigger_owner").input("Pat")
    app.button(key="FormSubmitter:trigger_new-Add trigger").click().run()

    assert not app.exception and not app.error, [e.value for e in app.error]
    [trigger] = actions.list_triggers(connect(db_file), board_id)
    assert (trigger.response, trigger.owner) == ("Pause the migration", "Pat")
    assert "Pat makes the call" in [element.value for element in app.caption]
    assert app.text_input(key="trigger_owner").value == ""
