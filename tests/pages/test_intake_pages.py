"""The Summary's review type, intake questions, roles, invitees, tracker link
and labels; the published source of an imported incident; the review invite
on the Export page."""

from datetime import date
from pathlib import Path

from canvas.exports.importing import incident_source
from canvas.incident.timeline import parse_incident_file
from canvas.models import BoardDetails, ReviewType
from canvas.review.intake import STABILISATION_NOTE
from storage import boards, events, notes
from storage.db import connect
from tests.pages.conftest import add_note, create_board, page

SAVE = "FormSubmitter:summary_form-Save summary"
INCIDENTS = Path(__file__).resolve().parents[3] / "shared" / "incidents"


def infos(app) -> list[str]:
    return [element.value for element in app.info]


def test_the_summary_saves_intake_answers_roles_invitees_tracker_and_labels(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("summary.py")).run()
    app.text_area(key="summary_reviewed").input("Checkout errors after the 14:00 deploy")
    app.text_area(key="summary_outcome").input("Deploys that cannot break checkout")
    app.text_area(key="summary_evidence").input("Grafana board, deploy log")
    app.text_area(key="summary_privacy").input("No customer names")
    app.text_area(key="summary_audience").input("Engineering")
    app.text_area(key="summary_key_dates").input("Deploy 14:00, rollback 14:40")
    app.text_input(key="summary_customer_facing").input("Cy")
    app.text_input(key="summary_support").input("Sue")
    app.text_area(key="summary_invitees").input("Sue <sue@example.com>\nLegal")
    app.text_input(key="summary_tracker_url").input("https://tracker.example.com/issues/12")
    app.text_input(key="summary_labels").input("postmortem, checkout, postmortem")
    app.button(key=SAVE).click().run()

    assert not app.exception and not app.error, [e.value for e in app.error]
    board = boards.get_board(connect(db_file), board_id)
    assert board.intake.reviewed == "Checkout errors after the 14:00 deploy"
    assert board.intake.desired_outcome == "Deploys that cannot break checkout"
    assert (board.intake.evidence, board.intake.privacy, board.intake.audience) == (
        "Grafana board, deploy log", "No customer names", "Engineering")
    assert board.intake.key_dates == "Deploy 14:00, rollback 14:40"
    assert (board.roles.customer_facing, board.roles.support) == ("Cy", "Sue")
    assert board.invitees == "Sue <sue@example.com>\nLegal"
    assert board.tracker_url == "https://tracker.example.com/issues/12"
    assert board.labels == ["postmortem", "checkout"]
    # Opened afresh (after another page), the form shows what was saved.
    app.switch_page(page("timeline.py")).run()
    app.switch_page(page("summary.py")).run()
    assert app.text_input(key="summary_labels").value == "postmortem, checkout"


def test_a_tracker_link_that_is_not_a_web_address_is_refused_and_nothing_is_saved(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("summary.py")).run()
    app.text_area(key="summary_reviewed").input("Something")
    app.text_input(key="summary_tracker_url").input("javascript:alert(1)")
    app.button(key=SAVE).click().run()

    assert any("web address" in element.value for element in app.error)
    board = boards.get_board(connect(db_file), board_id)
    assert board.tracker_url == "" and board.intake.reviewed == ""


def test_a_project_review_asks_for_a_period_instead_of_an_incident_date(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("summary.py")).run()
    assert app.date_input(key="summary_incident_date") is not None
    assert not app.get("date_input") or all(
        element.key not in ("summary_period_start", "summary_period_end")
        for element in app.date_input)

    app.selectbox(key="summary_review_type").set_value(ReviewType.project).run()
    keys = {element.key for element in app.date_input}
    assert {"summary_period_start", "summary_period_end"} <= keys
    assert "summary_incident_date" not in keys
    app.date_input(key="summary_period_start").set_value(date(2024, 1, 1))
    app.date_input(key="summary_period_end").set_value(date(2024, 3, 31))
    app.button(key=SAVE).click().run()

    assert not app.error, [e.value for e in app.error]
    board = boards.get_board(connect(db_file), board_id)
    assert board.review_type is ReviewType.project
    assert (board.intake.period_start, board.intake.period_end) == (date(2024, 1, 1),
                                                                    date(2024, 3, 31))
    # Nothing to stabilise in a project review.
    assert STABILISATION_NOTE not in infos(app)


def test_an_incident_without_mitigation_says_a_review_comes_after_stabilisation(app, db_file):
    create_board(app)
    app.switch_page(page("summary.py")).run()
    assert STABILISATION_NOTE in infos(app)
    app.switch_page(page("timeline.py")).run()
    assert STABILISATION_NOTE in infos(app)


def test_an_imported_incident_shows_its_published_source_and_figures(app, db_file):
    board_id = create_board(app)
    incident = parse_incident_file((INCIDENTS / "cloudflare-2019-07-02.json").read_text("utf-8"))
    with connect(db_file) as db:
        boards.record_source(db, board_id, incident_source(incident))
        events.add_events(db, board_id, incident.events)
    app.switch_page(page("summary.py")).run()

    assert "Postmortem published by Cloudflare" in [element.value for element in app.text]
    [figures] = app.dataframe
    assert "waf rules reinspected" in list(figures.value["Figure"])
    # Mitigated and resolved are on the imported timeline: no stabilisation note.
    assert STABILISATION_NOTE not in infos(app)


def test_the_home_page_creates_an_okr_review_with_its_period(app, db_file):
    app.run()
    app.selectbox(key="home_review_type").set_value(ReviewType.okr).run()
    keys = {element.key for element in app.date_input}
    assert "home_incident_date" not in keys
    app.text_input(key="home_title").input("Q1 OKRs")
    app.text_input(key="home_name").input("Fran")
    app.date_input(key="home_period_start").set_value(date(2024, 1, 1))
    app.date_input(key="home_period_end").set_value(date(2024, 3, 31))
    app.button(key="FormSubmitter:home_create-Create board").click().run()

    assert not app.exception, app.exception
    board = boards.get_board(connect(db_file), app.session_state["board_id"])
    assert board.review_type is ReviewType.okr
    assert board.incident_date is None
    assert (board.intake.period_start, board.intake.period_end) == (date(2024, 1, 1),
                                                                    date(2024, 3, 31))


def captions(app) -> list[str]:
    return [element.value for element in app.caption]


def test_a_timeline_event_added_as_an_assumption_is_stored_and_shown_as_one(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("timeline.py")).run()
    app.date_input(key="timeline_new_date").set_value(date(2019, 7, 2))
    app.text_input(key="timeline_new_time").input("13:42")
    app.text_area(key="timeline_new_text").input("Probably the config push")
    app.checkbox(key="timeline_new_assumption").check()
    app.button(key="FormSubmitter:timeline_add-Add event").click().run()

    assert not app.error, [e.value for e in app.error]
    [event] = events.list_events(connect(db_file), board_id)
    assert event.is_assumption
    assert ":material/help: Assumption to verify" in captions(app)
    assert app.checkbox(key="timeline_new_assumption").value is False, "the form starts afresh"


def test_a_note_is_marked_as_an_assumption_from_its_menu(app, db_file):
    board_id = create_board(app)
    add_note(app, "The cache was cold after the deploy")
    [note] = notes.list_notes(connect(db_file), board_id)
    assert app.checkbox(key=f"step_assumption_{note.id}").value is False

    app.checkbox(key=f"step_assumption_{note.id}").check().run()

    assert notes.get_note(connect(db_file), board_id, note.id).is_assumption
    assert ":material/help: Assumption to verify" in captions(app)
    app.checkbox(key=f"step_assumption_{note.id}").uncheck().run()
    assert not notes.get_note(connect(db_file), board_id, note.id).is_assumption


def test_the_export_page_offers_the_review_invite_once_the_review_date_is_set(app, db_file):
    board_id = create_board(app)
    app.switch_page(page("export.py")).run()
    labels = [button.proto.label for button in app.get("download_button")]
    assert "Review meeting invite (.ics)" not in labels
    assert any("no review date" in caption for caption in captions(app))

    with connect(db_file) as db:
        board = boards.get_board(db, board_id)
        details = BoardDetails.model_validate({**board.model_dump(), "review_date": "2024-05-02"})
        boards.update_details(db, board_id, details, board.details_version)
    app.switch_page(page("export.py")).run()

    labels = [button.proto.label for button in app.get("download_button")]
    assert "Review meeting invite (.ics)" in labels


def test_a_lessons_learned_board_offers_the_engagement_roles_on_the_summary(app, db_file):
    app.run()
    app.session_state["home_template"] = "lessons-learned"
    board_id = create_board(app, title="Acme migration engagement")
    app.switch_page(page("summary.py")).run()
    offered = [box.label for box in app.text_input if box.key.startswith("summary_role_")]
    assert offered == ["SAL", "TAM", "IE", "Manager"]
    app.text_input(key="summary_role_sal").input("Ana")
    app.text_input(key="summary_role_ie").input("Ivo")
    app.button(key=SAVE).click().run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    board = boards.get_board(connect(db_file), board_id)
    assert board.roles.engagement == {"SAL": "Ana", "IE": "Ivo"}
    assert ("SAL", "Ana") in board.roles.named() and ("IE", "Ivo") in board.roles.named()
    app.switch_page(page("summary.py")).run()
    assert app.text_input(key="summary_role_sal").value == "Ana"


def test_other_templates_keep_their_own_roles_and_offer_no_engagement_roles(app, db_file):
    create_board(app)
    app.switch_page(page("summary.py")).run()
    assert not [box for box in app.text_input if box.key.startswith("summary_role_")]
    assert app.text_input(key="summary_customer_facing").label == "Customer-facing"
