"""The first visit to a fresh server may be to any page: a link to the
Learnings review or to All actions opens that page, with no "Page not found"
over it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import app_server, new_context

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fresh_url(tmp_path_factory):
    # A server of its own: the shared one has run pages for other tests.
    with app_server(tmp_path_factory.mktemp("first-visit") / "first.db") as (port, _):
        yield f"http://127.0.0.1:{port}"


def test_the_first_page_a_fresh_server_runs_is_the_one_linked_to(fresh_url, browser):
    page = new_context(browser).new_page()
    page.goto(f"{fresh_url}/learnings-review")
    expect(page.get_by_role("heading", name="Learnings review").first).to_be_visible(timeout=60_000)
    # The page's own run has finished: its sidebar link is the current one.
    expect(page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]')).to_contain_text(
        "Learnings review")
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
