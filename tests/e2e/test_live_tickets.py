"""The facilitator keeps the board's controls for the whole meeting (real
Chromium): the canvas renews its tickets as they run out, and finds its way
back after a server restart, with the facilitator's controls and no reload.

The server runs with tickets of a few seconds, so a meeting's worth of
renewals happens in the test's time; every renewal is the canvas's own."""

import re

import pytest
from playwright.sync_api import expect

from canvas.session.phases import Phase
from canvas.settings import TICKET_SECONDS_ENV
from storage import facilitation
from storage.db import connect
from tests.e2e.conftest import create_board, free_port, join, shoot, start_server, wait_healthy

pytestmark = pytest.mark.e2e

# A change travels server -> stream -> canvas; allow for a busy 2-core machine.
LIVE = 10_000
TICKET_SECONDS = 4
SIZES = {"1024x768": (1024, 768), "1440x900": (1440, 900)}


def controls(page):
    return page.locator(".pc-facilitation")


def phase_shown(page, label: str):
    expect(page.locator('.pc-step[aria-current="step"]')).to_have_text(label, timeout=LIVE)


def is_renewal(response) -> bool:
    return response.url.endswith("/tickets") and response.request.method == "POST"


def shoot_sizes(page, name: str) -> None:
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, f"{name}-{size}")


def test_the_facilitator_keeps_the_controls_as_tickets_run_out_and_after_a_restart(tmp_path, new_person):
    db_file, port = tmp_path / "tickets.db", free_port()
    settings = {TICKET_SECONDS_ENV: str(TICKET_SECONDS)}
    process = start_server(db_file, port, settings)
    try:
        wait_healthy(port, process)
        fran = new_person(*SIZES["1024x768"])
        share = create_board(fran, f"http://127.0.0.1:{port}", "Tickets that run out", "Fran")
        board_id = share.split("board=")[1]
        ann = join(new_person(*SIZES["1024x768"]), share, "Ann")
        for page in (fran, ann):
            expect(page.locator(".pc-connection-live")).to_be_visible(timeout=LIVE)

        # Two renewals, each due before the tickets run out: by the second,
        # the tickets the page started with have expired.
        for _ in range(2):
            with fran.expect_response(is_renewal, timeout=TICKET_SECONDS * 1000 + LIVE) as renewal:
                pass
            assert renewal.value.status == 200
        expect(controls(fran).get_by_role("button", name="Group ▶")).to_be_visible()
        expect(controls(fran).get_by_role("button", name="3 min timer")).to_be_visible()
        controls(fran).get_by_role("button", name="Group ▶").click()
        phase_shown(ann, "Group")
        phase_shown(fran, "Group")
        controls(fran).get_by_role("button", name="Vote ▶").click()
        phase_shown(ann, "Vote")
        controls(fran).get_by_role("button", name="Reveal votes").click()
        expect(controls(fran).get_by_role("button", name="Hide votes")).to_be_visible(timeout=LIVE)
        controls(fran).get_by_role("button", name="3 min timer").click()
        expect(ann.locator(".pc-timer")).to_have_text(re.compile(r"Timer [23]:\d\d"), timeout=LIVE)
        expect(controls(fran).get_by_role("button", name="◀ Group")).to_be_visible()
        shoot_sizes(fran, "live-tickets-renewed")

        process.terminate()
        process.wait(timeout=10)
        expect(fran.locator(".pc-connection")).to_have_text("Reconnecting…", timeout=LIVE)
        # While the server is away the session moves on (another process on
        # the same file): only the reopened stream can show it to Fran.
        key = fran.evaluate(f"localStorage.getItem('postmortem-canvas:facilitator:{board_id}')")
        facilitation.set_phase(connect(db_file), board_id, key, Phase.discuss)

        process = start_server(db_file, port, settings)
        wait_healthy(port, process)
        expect(fran.locator(".pc-connection")).to_have_text("● Live", timeout=30_000)
        phase_shown(fran, "Discuss")
        # The stream's view after the restart is a facilitator's: the controls
        # of the new phase are there, and they work.
        controls(fran).get_by_role("button", name="Closed ▶").wait_for(timeout=LIVE)
        controls(fran).get_by_role("button", name="◀ Vote").click()
        phase_shown(ann, "Vote")
        expect(controls(fran).get_by_role("button", name="Discuss ▶")).to_be_visible(timeout=LIVE)
        shoot_sizes(fran, "live-tickets-after-restart")
    finally:
        process.terminate()
        process.wait(timeout=10)
