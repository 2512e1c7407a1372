"""What a page costs the server: every script run is a full page drawn in
Python, so a page asks for one only when the person does something."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import create_board, join

pytestmark = pytest.mark.e2e


def runs_asked(page) -> int:
    return page.evaluate("window.__streamlitRuns.requests")


def test_joining_from_a_share_link_asks_for_a_run_only_to_open_and_to_join(server, new_person):
    share = create_board(new_person(), server.url, "Runs of a join", "Fran")
    ann = join(new_person(), share, "Ann")
    expect(ann.locator(".pc-connection-live")).to_be_visible()
    # The page knows the name it was given: the browser's storage adds nothing.
    assert runs_asked(ann) == 2


def test_a_new_board_opens_without_a_run_for_what_the_page_already_knows(server, new_person):
    fran = new_person()
    create_board(fran, server.url, "Runs of a new board", "Fran")
    expect(fran.locator(".pc-connection-live")).to_be_visible()
    # Opening the home page, the boards this browser knows, and Create board.
    assert runs_asked(fran) == 3
