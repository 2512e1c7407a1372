import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "pages"


def page(name: str) -> str:
    """Absolute path of a page file, for AppTest.switch_page."""
    return str(PAGES / name)


@pytest.fixture
def app(db_file):
    # AppTest treats a main script with a pages/ folder beside it as an old
    # multipage app on every run, which bypasses st.navigation; running a copy
    # of app.py from a temporary folder keeps the real navigation.
    return AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)


def create_board(at: AppTest, title: str = "Checkout errors", name: str = "Fran") -> str:
    at.run()
    at.text_input(key="home_title").input(title)
    at.text_input(key="home_name").input(name)
    at.button(key="FormSubmitter:home_create-Create board").click().run()
    assert not at.exception, at.exception
    return at.session_state["board_id"]


ADD_NOTE = "FormSubmitter:step_add-Add note"


def join(board_id: str, name: str) -> AppTest:
    """A second tab (another person) joining the board from its share link."""
    tab = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    tab.query_params["board"] = board_id
    tab.run()
    tab.text_input(key="join_name").input(name)
    tab.button(key="FormSubmitter:join-Join the board").click().run()
    assert not tab.exception, tab.exception
    return tab


def facilitator_key(app: AppTest) -> str:
    return app.session_state["identities"][app.session_state["board_id"]]["facilitator_key"]


def add_note(tab: AppTest, text: str) -> None:
    """Write a note in the first sticky-note step (Detect)."""
    tab.switch_page(page("step.py")).run()
    tab.text_area(key="step_text").input(text)
    tab.button(key=ADD_NOTE).click().run()


def live_data(tab: AppTest) -> dict:
    """What the page handed the live board component (the view JSON, ticket...)."""
    [element] = [e for e in tab.get("bidi_component")
                 if e.proto.component_name == "postmortem_live_board"]
    data = json.loads(element.proto.json)
    return {**data, "view": json.loads(data["view"])}


def board_notes(tab: AppTest) -> list[dict]:
    """Every note the board screen handed this tab's canvas, clustered or not."""
    tab.switch_page(page("board.py")).run()
    assert not tab.exception, tab.exception
    return [note for column in live_data(tab)["view"]["columns"]
            for note in [*column["notes"], *(n for c in column["clusters"] for n in c["notes"])]]


@pytest.fixture
def timeline(app, db_file):
    """The app on a new board's timeline page; returns the board id."""
    board_id = create_board(app)
    app.switch_page(page("timeline.py")).run()
    assert not app.exception, app.exception
    return board_id
