"""Grouping suggestions in real Chromium, three people on one board: the
facilitator asks, both participants see the suggested groups outlined on
their board; dragging a note lights up the notes most like it; one
participant accepts a suggestion and the other dismisses the other one, and
every tab follows without a reload."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.session.phases import Phase
from tests.e2e.conftest import seat, shoot
from tests.e2e.test_live_board import LIVE, cluster, hold, put_notes, sticky, to_phase

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
ALERTING = ["Alert fired forty minutes late", "The alert fired late, after customers called"]
RUNBOOK = ["Runbook for failover was outdated", "Failover runbook outdated and unowned"]
OTHER = "Release notes never reached support"
MARK = "rgb(109, 40, 217)"  # --sg-mark
NEAR = "rgb(15, 118, 110)"  # --sg-near


def rows(page):
    return page.locator(".pc-sg-row")


def row(page, name: str):
    return page.locator(".pc-sg-row", has=page.locator(".pc-sg-name", has_text=name))


def test_suggestions_are_accepted_and_dismissed_with_two_people_watching(server, new_person):
    board_id, (fran, ann, bob) = seat(server, new_person, "Checkout alerts came late", size=(1440, 900))
    put_notes(server, board_id, "Ann", ALERTING + RUNBOOK + [OTHER])
    to_phase(server, board_id, fran, Phase.group)
    for page in (fran, ann, bob):
        expect(sticky(page, OTHER)).to_be_visible(timeout=LIVE)
    # Only the facilitator may ask.
    expect(ann.get_by_role("button", name="Suggest groups")).to_have_count(0)
    fran.get_by_role("button", name="Suggest groups").click()
    for page in (fran, ann, bob):
        expect(rows(page)).to_have_count(2, timeout=LIVE)
        expect(row(page, "Alert · fired · late")).to_contain_text("#1 Alert fired forty minutes late")
    # The suggested notes are outlined on the board; the lone one is not.
    expect(sticky(ann, ALERTING[1])).to_have_css("outline-style", "dashed")
    expect(sticky(ann, ALERTING[1])).to_have_css("outline-color", MARK)
    expect(sticky(ann, OTHER)).to_have_css("outline-style", "none")
    expect(fran.get_by_role("button", name="Suggest again")).to_be_focused()

    for size, (width, height) in {"1024": (1024, 768), "1440": (1440, 900)}.items():
        fran.set_viewport_size({"width": width, "height": height})
        fran.locator(".pc-part-suggestions").scroll_into_view_if_needed()
        expect(fran.locator(".pc-sg-row").first).to_be_in_viewport()
        shoot(fran, f"grouping-suggestions-{size}")
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        fran.screenshot(path=str(DOCS_SCREENSHOTS / f"grouping-suggestions-{size}.png"), animations="disabled")

    # While Bob drags a runbook note, the other runbook note lights up (asked
    # for as the drag starts); Escape puts it back, and the light goes with it.
    hold(bob, sticky(bob, RUNBOOK[0]), sticky(bob, OTHER))
    expect(sticky(bob, RUNBOOK[1])).to_have_css("box-shadow", f"{NEAR} 0px 0px 0px 3px")
    expect(sticky(bob, ALERTING[0])).not_to_have_css("box-shadow", f"{NEAR} 0px 0px 0px 3px")
    bob.screenshot(path=str(DOCS_SCREENSHOTS / "grouping-drag-1440.png"), animations="disabled")
    bob.keyboard.press("Escape")
    bob.mouse.up()
    expect(sticky(bob, RUNBOOK[1])).not_to_have_css("box-shadow", f"{NEAR} 0px 0px 0px 3px")

    # Ann accepts the alerting group: a cluster for everyone, the row gone everywhere.
    row(ann, "Alert · fired · late").get_by_role("button", name="Accept").click()
    for page in (fran, ann, bob):
        expect(cluster(page, "Alert · fired · late").locator(".pc-note")).to_have_count(2, timeout=LIVE)
        expect(rows(page)).to_have_count(1, timeout=LIVE)
    expect(ann.get_by_role("button", name="Accept suggested group 1: Failover · runbook · outdated")
           ).to_be_focused()
    # Bob dismisses the other: gone for everyone, and its notes stay ungrouped.
    row(bob, "Failover · runbook · outdated").get_by_role("button", name="Dismiss").click()
    for page in (fran, ann, bob):
        expect(rows(page)).to_have_count(0, timeout=LIVE)
        expect(sticky(page, RUNBOOK[0])).to_have_css("outline-style", "none")
    expect(fran.locator(".pc-cluster")).to_have_count(1)
