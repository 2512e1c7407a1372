"""A facilitator creates a board, a colleague joins from the share link."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import add_note, create_board, join, settle, shoot

pytestmark = pytest.mark.e2e

HOSTILE = "<img src=x onerror=alert(1)> **not bold** # not a heading"


def sticky_texts(page) -> list[str]:
    return page.locator('[class*="st-key-note-"] [data-testid=stText]').all_inner_texts()


def test_second_person_opens_the_share_link_and_sees_the_notes(server, new_person):
    fran = new_person()
    share = create_board(fran, server.url, "Checkout errors after deploy", "Fran")
    assert "/?board=" in share
    shoot(fran, "01-home-board-created")

    fran.get_by_role("link", name="Detect").click()
    settle(fran)
    add_note(fran, "Alert on checkout 5xx rate above 2% for 3 minutes")
    add_note(fran, HOSTILE)
    assert HOSTILE in sticky_texts(fran)
    shoot(fran, "02-detect-step")
    # Notes are private while writing; the facilitator reveals them.
    fran.get_by_role("button", name="Group ▶").click()
    settle(fran)

    # The share link lands Ravi on the board, which shows every note from Group on.
    ravi = join(new_person(), share, "Ravi")
    on_the_board = ravi.locator(".pc-note .pc-note-text")
    expect(on_the_board.filter(has_text="Alert on checkout 5xx rate")).to_be_visible()
    texts = on_the_board.all_inner_texts()
    assert "Alert on checkout 5xx rate above 2% for 3 minutes" in texts
    # Markup typed into a note is shown literally: no image element, no bold.
    assert HOSTILE in texts
    assert ravi.locator(".pc-note img").count() == 0
    assert ravi.locator(".pc-note strong").count() == 0
    # The URL names the board and nobody's identity.
    assert "board=" in ravi.url and "token" not in ravi.url
    shoot(ravi, "03-board-second-person")

    # A reload of the same tab keeps who Ravi is: no join form again.
    ravi.reload()
    settle(ravi)
    ravi.wait_for_selector('.pc-column[data-step="detect"]')
    assert ravi.locator(".st-key-join_name").count() == 0


def test_board_stays_selected_across_sidebar_navigation(server, new_person):
    page = new_person()
    create_board(page, server.url, "Navigation check", "Ann")
    for link in ["Summary", "React", "Board", "Prevent"]:
        page.get_by_role("link", name=link, exact=True).click()
        settle(page)
        assert "board=" in page.url, link
        assert page.locator(".st-key-join_name").count() == 0, link


def test_unknown_board_link_shows_not_found(server, new_person):
    page = new_person()
    page.goto(f"{server.url}/?board={'Z' * 24}")
    settle(page)
    page.get_by_role("heading", name="Board not found").wait_for()
    shoot(page, "04-board-not-found")
    page.get_by_role("button", name="Go to the home page").click()
    settle(page)
    page.get_by_role("heading", name="Postmortem Canvas").wait_for()
