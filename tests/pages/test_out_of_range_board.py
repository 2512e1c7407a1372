"""A board already holding dates outside the supported range (older data)
still renders every page, and its bad event can be fixed or deleted."""

from datetime import date

import pytest

from canvas.models import NoteDraft
from canvas.session.phases import Credentials
from storage import events, notes
from storage.db import connect
from tests.out_of_range import seed_out_of_range
from tests.pages.conftest import create_board, facilitator_key, page

PAGES = ["board.py", "summary.py", "timeline.py", "step.py", "actions.py", "check.py", "export.py",
         "facilitate.py", "all_actions.py"]


@pytest.fixture
def seeded(app, db_file):
    board_id = create_board(app)
    db = connect(db_file)
    ids = seed_out_of_range(db, board_id)
    facilitator = Credentials(facilitator_key=facilitator_key(app))
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="Paging was slow"),
                          facilitator)
    notes.link_note_to_event(db, board_id, note.id, ids["early"], facilitator)
    db.close()
    return board_id, ids


def warnings(at) -> str:
    return " ".join(element.value for element in [*at.warning, *at.caption])


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_a_board_holding_out_of_range_dates(app, seeded, name):
    app.switch_page(page(name)).run()
    assert not app.exception, [e.value for e in app.exception]


def test_the_timeline_lists_the_bad_events_with_a_warning_and_charts_the_rest(app, seeded):
    app.switch_page(page("timeline.py")).run()
    assert not app.exception, [e.value for e in app.exception]
    shown = [element.value for element in app.text]
    assert "0001-01-01 00:00 UTC" in shown and "9999-12-31 23:59 UTC" in shown
    assert "outside the supported dates" in warnings(app)
    [chart] = app.get("plotly_chart")
    assert "Year one" not in chart.proto.spec and "Paged on 5xx" in chart.proto.spec
    anchors = [text for text in shown if text.startswith(("Impact start:", "Resolved:"))]
    assert anchors and not any("0001" in text or "9999" in text for text in anchors), \
        "no duration is measured from an event outside the range"


def test_the_bad_event_can_be_deleted_in_the_app(app, db_file, seeded):
    board_id, ids = seeded
    app.switch_page(page("timeline.py")).run()
    app.button(key=f"timeline_delete_{ids['late']}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert ids["late"] not in [event.id for event in events.list_events(connect(db_file), board_id)]


def test_the_bad_event_can_be_fixed_in_the_app(app, db_file, seeded):
    board_id, ids = seeded
    app.switch_page(page("timeline.py")).run()
    app.session_state[f"timeline_menu_{ids['early']}"] = True
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    editor = f"timeline_edit_date_{ids['early']}"
    assert app.date_input(key=editor).value is None, "the form opens without the bad date"
    app.date_input(key=editor).set_value(date(2019, 7, 2))
    app.text_input(key=f"timeline_edit_time_{ids['early']}").input("09:30")
    app.button(key=f"FormSubmitter:timeline_edit_form_{ids['early']}-Save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    fixed = events.get_event(connect(db_file), board_id, ids["early"])
    assert fixed.in_range and fixed.at.isoformat() == "2019-07-02T13:30:00+00:00"


def test_the_summary_opens_bad_dates_empty_with_a_warning_and_saves_a_fix(app, db_file, seeded):
    board_id, _ = seeded
    app.switch_page(page("summary.py")).run()
    assert app.date_input(key="summary_incident_date").value is None
    assert "0001-01-01" in warnings(app) and "9999-12-31" in warnings(app)
    app.date_input(key="summary_incident_date").set_value(date(2019, 7, 2))
    app.button(key="FormSubmitter:summary_form-Save summary").click().run()
    assert not app.exception, [e.value for e in app.exception]
    from storage import boards
    board = boards.get_board(connect(db_file), board_id)
    assert board.incident_date == date(2019, 7, 2) and board.review_date is None
