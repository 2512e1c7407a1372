"""Every form and preview refuses a date outside 1970-01-01 to 2200-12-31 with
a message (and the line number for pasted lines); nothing is written."""

import json
from datetime import date
from pathlib import Path

import pytest

from storage import actions, boards, events
from storage.db import connect
from tests.pages.conftest import create_board, page

EDGES = ["0001-01-01", "9999-12-31"]
CLOUDFLARE = Path(__file__).resolve().parents[3] / "shared" / "incidents" / "cloudflare-2019-07-02.json"
ADD_EVENT = "FormSubmitter:timeline_add-Add event"


def errors(at) -> list[str]:
    return [element.value for element in at.error]


def bad_lines(at):
    [frame] = [frame.value for frame in at.dataframe
               if frame.editing_mode == "read_only" and "Line" in frame.value.columns]
    return frame


def nothing_stored(db_file, board_id) -> bool:
    return events.list_events(connect(db_file), board_id) == []


@pytest.mark.parametrize("day", EDGES)
def test_the_event_form_refuses_a_typed_edge_date(app, db_file, timeline, day):
    app.text_input(key="timeline_new_time").input(f"{day} 13:42")
    app.text_area(key="timeline_new_text").input("Paged on 5xx")
    app.button(key=ADD_EVENT).click().run()
    assert not app.exception
    assert errors(app) == [f"Time: {day} is outside the supported dates (1970-01-01 to 2200-12-31)"]
    assert app.text_area(key="timeline_new_text").value == "Paged on 5xx", "what was typed stays"
    assert nothing_stored(db_file, timeline)


@pytest.mark.parametrize("day", EDGES)
def test_a_chat_log_preview_lists_edge_dates_as_bad_lines(app, db_file, timeline, day):
    app.selectbox(key="timeline_zone").set_value("America/New_York").run()
    app.text_area(key="timeline_import_chat_text").input(
        f"13:42 paged for 5xx\n{day} 13:45 UTC acked\n{day}T23:59:00Z resolved")
    app.button(key="timeline_preview_chat").click().run()
    assert not app.exception, [e.value for e in app.exception]
    problems = bad_lines(app)
    assert list(problems["Line"]) == [2, 3]
    assert all("outside the supported dates" in reason for reason in problems["Problem"])
    assert len(app.data_editor[0].value) == 1
    assert nothing_stored(db_file, timeline), "a preview writes nothing"


@pytest.mark.parametrize("day", EDGES)
def test_a_csv_preview_lists_edge_dates_as_bad_lines(app, db_file, timeline, day):
    app.selectbox(key="timeline_zone").set_value("Asia/Tokyo").run()
    app.text_area(key="timeline_import_csv_text").input(
        f"time,kind,text\n2019-07-02 13:42,detected,Paged\n{day} 00:00 UTC,other,Edge\n")
    app.button(key="timeline_preview_csv").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert list(bad_lines(app)["Line"]) == [3]
    app.button(key="timeline_import_confirm").click().run()
    assert [event.text for event in events.list_events(connect(db_file), timeline)] == ["Paged"]


@pytest.mark.parametrize("day", EDGES)
def test_an_incident_file_preview_refuses_an_edge_date(app, db_file, timeline, day):
    incident = json.loads(CLOUDFLARE.read_text("utf-8"))
    incident["events"][2]["at"] = f"{day}T00:00:00Z"
    app.get("file_uploader")[-1].set_value(("edge.json", json.dumps(incident).encode(),
                                            "application/json"))
    app.button(key="timeline_preview_file").click().run()
    assert not app.exception
    [error] = errors(app)
    assert "edge.json" in error and "events[2].at" in error and "outside the supported dates" in error
    assert not app.data_editor and nothing_stored(db_file, timeline)


@pytest.mark.parametrize("day", EDGES)
def test_the_home_page_import_refuses_an_edge_date_and_creates_no_board(app, db_file, day):
    app.run()
    incident = json.loads(CLOUDFLARE.read_text("utf-8"))
    incident["events"][0]["at"] = f"{day}T00:00:00Z"
    app.file_uploader(key="home_import_file").set_value(
        ("edge.json", json.dumps(incident).encode(), "application/json"))
    app.button(key="home_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    [error] = errors(app)
    assert error.startswith("edge.json: ") and "outside the supported dates" in error
    assert boards.list_boards(connect(db_file)) == []


SUPPORTED = (date(1970, 1, 1), date(2200, 12, 31))


def bounds(widget) -> tuple[date, date]:
    return widget.min, widget.max


@pytest.mark.parametrize("day", EDGES)
def test_the_create_form_offers_only_supported_incident_dates(app, db_file, day):
    app.run()
    assert bounds(app.date_input(key="home_incident_date")) == SUPPORTED
    app.text_input(key="home_title").input("Checkout errors")
    app.text_input(key="home_name").input("Fran")
    app.date_input(key="home_incident_date").set_value(date.fromisoformat(day))
    app.button(key="FormSubmitter:home_create-Create board").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert all(SUPPORTED[0] <= listed.incident_date <= SUPPORTED[1]
               for listed in boards.list_boards(connect(db_file)))


@pytest.mark.parametrize("day", EDGES)
def test_the_summary_form_offers_only_supported_dates(app, db_file, day):
    board_id = create_board(app)
    app.switch_page(page("summary.py")).run()
    for key in ("summary_incident_date", "summary_review_date"):
        assert bounds(app.date_input(key=key)) == SUPPORTED
    app.date_input(key="summary_review_date").set_value(date.fromisoformat(day))
    app.button(key="FormSubmitter:summary_form-Save summary").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert boards.get_board(connect(db_file), board_id).review_date is None


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize("field", ["due", "review"])
def test_the_action_form_offers_only_supported_dates(app, db_file, day, field):
    board_id = create_board(app)
    app.switch_page(page("actions.py")).run()
    assert bounds(app.date_input(key=f"action_new_{field}")) == SUPPORTED
    app.text_input(key="action_new_title").input("Add an alert on checkout 5xx")
    app.date_input(key=f"action_new_{field}").set_value(date.fromisoformat(day))
    app.button(key="FormSubmitter:action_new-Add action").click().run()
    assert not app.exception, [e.value for e in app.exception]
    for action in actions.list_actions(connect(db_file), board_id):
        assert action.due_date is None and action.review_date is None


def test_the_event_form_and_chat_date_offer_only_supported_dates(app, db_file, timeline):
    assert bounds(app.date_input(key="timeline_new_date")) == SUPPORTED
    assert bounds(app.date_input(key="timeline_import_chat_date")) == SUPPORTED
