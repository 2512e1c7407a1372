"""The forms refuse control characters and text with nothing visible in it,
with a message, and keep what was typed out of the database."""

import pytest

from storage import actions, boards, events, notes, participants
from storage.db import connect
from tests.pages.conftest import ROOT, create_board, page

HOSTILE = {"ESC": "Paged \x1b[2J on 5xx", "NUL": "Paged\x00", "zero-width": "\u200b\u2060 \ufeff"}


def errors(at) -> str:
    return " ".join(element.value for element in at.error)


def add_note(app, value):
    app.switch_page(page("step.py")).run()
    app.text_area(key="step_text").input(value)
    app.button(key="FormSubmitter:step_add-Add note").click().run()


def add_event(app, value):
    app.switch_page(page("timeline.py")).run()
    app.text_input(key="timeline_new_time").input("13:42")
    app.text_area(key="timeline_new_text").input(value)
    app.button(key="FormSubmitter:timeline_add-Add event").click().run()


def save_title(app, value):
    app.switch_page(page("summary.py")).run()
    app.text_input(key="summary_title").input(value)
    app.button(key="FormSubmitter:summary_form-Save summary").click().run()


def add_action(app, value):
    app.switch_page(page("actions.py")).run()
    app.text_input(key="action_new_title").input(value)
    app.button(key="FormSubmitter:action_new-Add action").click().run()


def add_trigger(app, value):
    app.switch_page(page("actions.py")).run()
    app.text_input(key="trigger_signal").input(value)
    app.text_input(key="trigger_response").input("roll back")
    app.button(key="FormSubmitter:trigger_new-Add trigger").click().run()


def stored(db, board_id) -> list[str]:
    board = boards.get_board(db, board_id)
    return ([note.text for note in notes.list_notes(db, board_id)]
            + [event.text for event in events.list_events(db, board_id)]
            + [board.title]
            + [action.title for action in actions.list_actions(db, board_id)]
            + [trigger.signal for trigger in actions.list_triggers(db, board_id)])


FORMS = {"note": add_note, "event": add_event, "summary title": save_title,
         "action title": add_action, "trigger signal": add_trigger}


@pytest.mark.parametrize("typed", HOSTILE.values(), ids=HOSTILE.keys())
@pytest.mark.parametrize("form", FORMS)
def test_a_form_refuses_hidden_or_invisible_text(app, db_file, form, typed):
    board_id = create_board(app)
    FORMS[form](app, typed)
    assert not app.exception, [e.value for e in app.exception]
    assert "control character" in errors(app) or "empty" in errors(app), errors(app)
    assert stored(connect(db_file), board_id) == ["Checkout errors"], "nothing hostile was written"


@pytest.mark.parametrize("typed", HOSTILE.values(), ids=HOSTILE.keys())
def test_joining_with_a_hidden_or_invisible_name_is_refused(app, db_file, typed):
    from streamlit.testing.v1 import AppTest

    board_id = create_board(app)
    tab = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    tab.query_params["board"] = board_id
    tab.run()
    tab.text_input(key="join_name").input(typed)
    tab.button(key="FormSubmitter:join-Join the board").click().run()
    assert not tab.exception
    assert "control character" in errors(tab) or "empty" in errors(tab), errors(tab)
    assert [p.display_name for p in participants.list_participants(connect(db_file), board_id)] == ["Fran"]
