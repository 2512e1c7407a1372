"""Starting a backlog refinement board from home: the Jira board id or a JQL
query, the issues imported as cards at once; a bad id or a missing source is
one sentence beside the form."""

import pytest

from storage import jira_cards
from storage.db import connect
from tests.jira_agile_emulator import JiraAgileEmulator


@pytest.fixture
def jira(monkeypatch):
    with JiraAgileEmulator() as site:
        site.seed(3)
        for name, value in site.env().items():
            monkeypatch.setenv(name, value)
        yield site


def start(app, **fields):
    app.run()
    app.text_input(key="home_title").input("Refinement")
    app.text_input(key="home_name").input("Fran")
    app.selectbox(key="home_template").select("backlog-refinement")
    for key, value in fields.items():
        app.text_input(key=f"home_jira_{key}").input(value)
    app.button(key="FormSubmitter:home_create-Create board").click().run()
    assert not app.exception, app.exception


def test_a_refinement_board_imports_its_jql_query_as_cards(app, db_file, jira):
    start(app, jql="project = OPS ORDER BY Rank")
    board_id = app.session_state["board_id"]
    with connect(db_file) as db:
        state = jira_cards.load_state(db, board_id)
    assert [card.key for card in state.cards] == ["OPS-1", "OPS-2", "OPS-3"]
    assert state.settings.jql == "project = OPS ORDER BY Rank"


def test_a_board_without_a_source_is_refused_in_one_sentence(app, jira):
    start(app)
    assert "board_id" not in app.session_state or not app.session_state["board_id"]
    assert any("Jira board id or a JQL query" in error.value for error in app.error)


def test_a_board_id_that_is_not_a_number_is_refused(app, jira):
    start(app, board="OPS board")
    assert any("The Jira board id is a number" in error.value for error in app.error)
