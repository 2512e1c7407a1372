"""The summary card's editors: the facilitator chooses them on the board,
and what each person's card offers follows the server's answer for them."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import seat, shoot
from tests.e2e.test_live_board import LIVE
from tests.e2e.test_whole_meeting import edit_summary, part, summary_field

pytestmark = pytest.mark.e2e


def test_the_facilitator_lets_only_ann_edit_the_summary_and_bob_sees_why(server, new_person):
    _, (fran, ann, bob) = seat(server, new_person, "Checkout errors at noon")
    edit_summary(bob, "summary", "Checkout failed for 27 minutes.")

    chooser = part(fran, "summary").get_by_label("Who edits this card")
    chooser.select_option("chosen")
    people = part(fran, "summary").get_by_role("group", name="People who may edit this card")
    expect(people.get_by_label("Ann")).not_to_be_checked(timeout=LIVE)
    people.get_by_label("Ann").check()
    expect(people.get_by_label("Ann")).to_be_checked(timeout=LIVE)
    expect(people.get_by_label("Ann")).to_be_focused()

    # Bob's card turns read-only and says who edits it; Ann's stays editable.
    expect(part(bob, "summary")).to_contain_text("The facilitator and Ann edit this card.", timeout=LIVE)
    expect(summary_field(bob, "summary").locator("button.pc-summary-value")).to_have_count(0)
    expect(summary_field(bob, "summary")).to_contain_text("Checkout failed for 27 minutes.")
    edit_summary(ann, "impact", "Card payments failed at checkout.")
    expect(summary_field(bob, "impact")).to_contain_text("Card payments failed at checkout.", timeout=LIVE)
    edit_summary(fran, "summary", "Checkout failed for 27 minutes at noon.")
    for width, height in ((1024, 768), (1440, 900)):
        fran.set_viewport_size({"width": width, "height": height})
        part(fran, "summary").scroll_into_view_if_needed()
        shoot(fran, f"summary-editors-{width}")

    chooser.select_option("everyone")
    expect(part(bob, "summary")).to_contain_text("Everyone on the board edits this card.", timeout=LIVE)
    edit_summary(bob, "summary", "Bob may edit again.")


def test_a_summary_that_asks_who_is_to_blame_is_nudged_on_everyones_card(server, new_person):
    _, (fran, ann, bob) = seat(server, new_person, "Checkout errors at noon")
    edit_summary(ann, "summary", "Find who is to blame for the checkout outage.")
    for page in (fran, ann, bob):
        nudge = summary_field(page, "summary").locator(".pc-nudge")
        expect(nudge).to_contain_text("Outside a blameless review", timeout=LIVE)
        expect(nudge).to_contain_text("everyone sees this")
    part(bob, "summary").scroll_into_view_if_needed()
    shoot(bob, "summary-boundary-nudge-1440")
    edit_summary(ann, "summary", "Checkout failed for 27 minutes after a config push.")
    expect(summary_field(bob, "summary").locator(".pc-nudge")).to_have_count(0, timeout=LIVE)
