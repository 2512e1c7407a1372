"""One session in real Chromium on each database: the same app, the same
screens, on a SQLite file and on PostgreSQL. Three people write, group by
drag and drop, and vote; each change reaches the others live."""

import pytest
from playwright.sync_api import expect

from storage import votes
from storage.db import connect
from tests.databases import fresh_database
from tests.e2e.conftest import Server, app_server, shoot
from tests.e2e.test_live_board import LIVE, drag, go_to, grouping_board, sticky, where

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["sqlite", "postgresql"])
def server_on(request, tmp_path):
    # Not migrated beforehand: the app makes its schema when it starts.
    with fresh_database(request.param, tmp_path, migrated=False) as target:
        with app_server(str(target)) as (port, _):
            yield request.param, Server(f"http://127.0.0.1:{port}", str(target))


def test_a_session_groups_and_votes_live_on_either_database(server_on, new_person):
    kind, server = server_on
    board_id, fran, ann, bob = grouping_board(server, new_person, f"Checkout errors on {kind}")
    drag(ann, sticky(ann, "Alert on CPU per rule"), sticky(ann, "Synthetic check every minute"))
    frame = bob.locator(".pc-cluster", has=bob.locator(".pc-note", has_text="Alert on CPU per rule"))
    expect(frame).to_be_visible(timeout=LIVE)
    expect(frame.locator(".pc-note")).to_have_count(2)
    assert where(server, board_id, "Alert on CPU per rule")[1] is not None

    go_to(fran, "Vote", ann, bob)
    for page in (ann, bob):
        page.locator(".pc-cluster").get_by_role("button", name="Vote for", exact=False).click()
        expect(page.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")
    fran.locator(".pc-facilitation").get_by_role("button", name="Reveal votes").click()
    for page in (ann, bob, fran):
        expect(page.locator(".pc-cluster .pc-total")).to_have_text("2 votes", timeout=LIVE)
    with connect(server.db) as db:
        assert sum(votes.tallies(db, board_id).values()) == 2
        assert db.is_postgres == (kind == "postgresql")
    shoot(bob, f"both-databases-{kind}")
