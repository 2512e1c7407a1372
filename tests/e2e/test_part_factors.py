"""The factors part in real Chromium: the facilitator puts one factor in a
category with a chip and drags another into a lane, then runs two whys on the
top factor; a participant's tab shows each change without a reload."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.models import NoteColour
from canvas.session.phases import Phase
from storage import facilitation, notes, votes
from storage.db import connect
from tests.e2e.conftest import seat
from tests.e2e.test_live_board import LIVE, LOW_CONTRAST_JS, SIZES, hold, put_notes, to_phase, writer

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
GLOBAL = "Rule changes went global at once by default"
OWNER = "Nobody owned the WAF rule set after the team split"
THRESHOLDS = "Alert thresholds were tuned for traffic drops, not errors"
CHANGE_WINDOW = "The change went out during the Friday freeze"


def lane(page, label: str):
    return page.locator(".pc-factor-lane", has=page.locator(".pc-factor-lane-name", has_text=label))


def factor(page, text: str):
    # Not the copy that follows the pointer during a drag.
    return page.locator(".pc-factor:not(.pc-ghost)", has_text=text)


@pytest.mark.parametrize("size", SIZES)
def test_factors_are_categorised_by_click_and_drag_and_two_whys_reach_a_participant(
        server, new_person, size):
    width, height = SIZES[size]
    board_id, (fran, ann) = seat(server, new_person, "Checkout errors after the WAF rule",
                                 names=("Fran", "Ann"), size=(width, height))
    put_notes(server, board_id, "Ann", [GLOBAL, OWNER], step="contributing-factors", colour=NoteColour.purple)
    put_notes(server, board_id, "Ann", [THRESHOLDS, CHANGE_WINDOW], step="contributing-factors",
              colour=NoteColour.blue)
    # Ann's two dots make the first factor the top one, revealed to everyone.
    to_phase(server, board_id, fran, Phase.vote)
    db = connect(server.db)
    top = next(n for n in notes.list_notes(db, board_id) if n.text == GLOBAL)
    for seen in (0, 1):
        votes.cast_vote(db, board_id, writer(server, board_id, "Ann"), top.id, seen)
    key = fran.evaluate(f"localStorage.getItem('postmortem-canvas:facilitator:{board_id}')")
    facilitation.reveal_votes(db, board_id, key, True)
    to_phase(server, board_id, fran, Phase.discuss)
    for page in (fran, ann):
        expect(lane(page, "Uncategorised").locator(".pc-factor")).to_have_count(4, timeout=LIVE)
        expect(factor(page, GLOBAL).locator(".pc-factor-badge")).to_have_text("Top")
        expect(factor(page, GLOBAL)).to_contain_text("2 votes")

    # One click on a chip: the factor moves to its lane, here and in Ann's tab.
    factor(fran, THRESHOLDS).get_by_role("button", name="Tech (Technology)").click()
    expect(lane(ann, "Technology").locator(".pc-factor", has_text=THRESHOLDS)).to_be_visible(timeout=LIVE)
    pressed = lane(fran, "Technology").get_by_role("button", name="Tech (Technology)")
    expect(pressed).to_have_attribute("aria-pressed", "true")
    expect(pressed).to_be_focused()

    # A drag into a lane: the People lane lights up under the card, and the drop lands.
    fran.locator(".pc-factor-lanes").evaluate("lanes => lanes.scrollTop = 0")
    hold(fran, factor(fran, OWNER), lane(fran, "People"))
    expect(lane(fran, "People")).to_have_class("pc-factor-lane pc-drop-target")
    fran.mouse.up()
    expect(lane(ann, "People").locator(".pc-factor", has_text=OWNER)).to_be_visible(timeout=LIVE)
    expect(fran.locator(".pc-ghost")).to_have_count(0)

    # The facilitator runs two whys on the top factor; Ann sees the chain grow.
    expect(ann.get_by_role("button", name="Add why")).to_have_count(0)
    factor(fran, GLOBAL).get_by_role("button", name="5 Whys", exact=False).click()
    chain = fran.get_by_role("region", name=f"5 Whys on #{top.number} · {GLOBAL}")
    expect(chain.get_by_label("Why?")).to_be_focused()
    chain.get_by_label("Why?").fill("Why did the rule reach every PoP at once?")
    chain.get_by_label("Because").fill("The WAF tool has no staged rollout")
    chain.get_by_role("button", name="Add why").click()
    their_chain = ann.locator(".pc-whys-block")
    expect(their_chain.locator(".pc-why")).to_have_count(1, timeout=LIVE)
    expect(their_chain).to_contain_text("The WAF tool has no staged rollout")
    expect(chain.get_by_label("Why?")).to_have_value("")
    expect(chain.get_by_label("Why?")).to_be_focused()
    chain.get_by_label("Why?").fill("Why has the tool no staged rollout?")
    chain.get_by_label("Because").fill("Staging was never asked of the vendor")
    chain.get_by_label("Because").press("Enter")
    expect(their_chain.locator(".pc-why")).to_have_count(2, timeout=LIVE)
    expect(their_chain.locator(".pc-why").nth(1)).to_contain_text("Staging was never asked of the vendor")
    expect(factor(ann, GLOBAL)).to_contain_text("2 whys")
    # Everyone sees the chain; only the facilitator has its controls.
    expect(their_chain.get_by_role("button")).to_have_count(0)
    expect(their_chain.locator("input")).to_have_count(0)

    # The part from its title down, without the toast that greeted the new board.
    for toast in fran.get_by_test_id("stToast").all():
        toast.get_by_role("button").click()
    expect(fran.get_by_test_id("stToast")).to_have_count(0)
    fran.locator(".pc-part-factors").evaluate("part => part.scrollIntoView({block: 'start'})")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    fran.screenshot(path=str(DOCS_SCREENSHOTS / f"part-factors-{width}.png"))
    assert fran.locator(".pc-part-factors").evaluate(LOW_CONTRAST_JS) == []
    assert ann.locator(".pc-part-factors").evaluate(LOW_CONTRAST_JS) == []

    # A step reworded, then the last one taken back: Ann's tab follows both.
    chain.get_by_role("button", name="Edit why 1", exact=False).click()
    editor = chain.locator(".pc-why-form").first
    expect(editor.get_by_label("Because")).to_have_value("The WAF tool has no staged rollout")
    editor.get_by_label("Because").fill("The WAF tool pushes every rule to every PoP")
    editor.get_by_role("button", name="Save").click()
    expect(their_chain.locator(".pc-why").first).to_contain_text("pushes every rule to every PoP", timeout=LIVE)
    expect(chain.get_by_role("button", name="Edit why 1", exact=False)).to_be_focused()
    chain.get_by_role("button", name="Remove the last why").click()
    expect(their_chain.locator(".pc-why")).to_have_count(1, timeout=LIVE)
    expect(factor(ann, GLOBAL)).to_contain_text("1 why")
