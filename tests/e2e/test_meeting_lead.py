"""Following the facilitator in real Chromium: the facilitator brings everyone
to a part of the board and each participant's board scrolls there, unless they
chose to look around freely; "back to the facilitator" returns them. The
facilitator sees the room's progress as counts."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shoot
from tests.e2e.test_live_board import DOCS_SCREENSHOTS, LIVE, column, session, write

pytestmark = pytest.mark.e2e


def top_of(page, key: str) -> float:
    """Where a place of the board stands, from the top of the window."""
    return page.locator(f'.pc-meeting [data-key="{key}"]').evaluate("node => node.getBoundingClientRect().top")


IN_SIGHT = """([node, bar]) => {
    const top = node.getBoundingClientRect().top;
    return top >= bar.getBoundingClientRect().bottom - 2 && top < window.innerHeight - 80;
}"""


def wait_in_view(page, key: str, timeout: float = LIVE) -> None:
    """Wait until the place's top is in sight, and not hidden under the top bar."""
    node = page.locator(f'.pc-meeting [data-key="{key}"]').element_handle()
    bar = page.locator(".pc-bar").element_handle()
    try:
        page.wait_for_function(IN_SIGHT, arg=[node, bar], timeout=timeout)
    except Exception as error:
        shoot(page, f"lead-not-in-view-{key.replace(':', '-')}")
        top = node.evaluate("n => n.getBoundingClientRect().top")
        below = bar.evaluate("n => n.getBoundingClientRect().bottom")
        raise AssertionError(f"{key} is not in sight: its top at {top:.0f} px, the bar ends at {below:.0f} px "
                             f"in a window {page.evaluate('innerHeight')} px high") from error


def test_the_facilitator_brings_everyone_to_the_actions_and_a_wanderer_stays_put(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Lead the room", size=(1024, 768))
    # Fran goes to the actions and brings everyone there.
    fran.locator(".pc-places").get_by_role("button", name="Actions").click()
    wait_in_view(fran, "part:actions")
    fran.get_by_role("button", name="Bring everyone here").click()
    expect(fran.locator(".pc-following")).to_have_text("Everyone is with you at Actions", timeout=LIVE)
    wait_in_view(ann, "part:actions")
    expect(ann.locator(".pc-following")).to_have_text("Following the facilitator: Actions")
    shoot(ann, "lead-followed-1024")

    # Bob looks around: the next lead leaves him where he is, and says where Fran is.
    wait_in_view(bob, "part:actions")
    bob.get_by_role("button", name="Look around freely").click()
    bob.locator(".pc-places").get_by_role("button", name="Summary").click()
    wait_in_view(bob, "part:summary")
    fran.locator(".pc-places").get_by_role("button", name="Timeline").click()
    wait_in_view(fran, "part:timeline")
    fran.get_by_role("button", name="Bring everyone here").click()
    wait_in_view(ann, "part:timeline")
    back = bob.get_by_role("button", name="Back to the facilitator (Timeline)")
    expect(back).to_be_visible(timeout=LIVE)
    assert top_of(bob, "part:summary") < 300  # he stayed where he chose
    back.click()
    wait_in_view(bob, "part:timeline")
    expect(bob.locator(".pc-following")).to_have_text("Following the facilitator: Timeline")


def test_the_facilitator_sees_who_has_written_as_counts_only(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Room progress", size=(1440, 900))
    write(ann, "ann-private-pager-muted")
    write(bob, "bob-private-dashboards", step="react")
    write(bob, "bob-second-detect")
    progress = fran.locator(".pc-progress")
    expect(progress).to_contain_text("Detect 2/3", timeout=LIVE)
    expect(progress).to_contain_text("React 1/3")
    # Counts only: Fran's board holds neither text, and participants see no progress.
    expect(column(fran, "detect")).not_to_contain_text("ann-private")
    expect(ann.locator(".pc-progress")).to_have_count(0)
    DOCS_SCREENSHOTS.mkdir(exist_ok=True)
    fran.screenshot(path=str(DOCS_SCREENSHOTS / "lead-progress-1440.png"))
