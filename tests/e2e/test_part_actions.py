"""The actions and kill criteria parts in real Chromium: a facilitator and a
participant each see the other's edits (an action's owner and due date, a
kill criterion) without a reload, the later of two saves of one action hears
the conflict and keeps its text, and closing with drafts is refused until a
draft is fixed on its card or a reason is given."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.actions import ActionDraft, TriggerDraft
from canvas.session.phases import Phase
from storage import actions, boards
from storage.db import connect
from tests.e2e.conftest import seat, shoot
from tests.e2e.test_live_board import LIVE, LOW_CONTRAST_JS, box, to_phase

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def meeting(server, new_person, title: str, size=(1400, 1000)):
    """Fran facilitates, Ann has joined; both on the board screen."""
    board_id, (fran, ann) = seat(server, new_person, title, names=("Fran", "Ann"), size=size)
    return board_id, fran, ann


def part(page, key: str):
    return page.locator(f".pc-part-{key}")


def card(page, action_id: str):
    return page.locator(f'.pc-ap-card[data-action="{action_id}"]')


def field(page, name: str, action_id: str):
    return page.locator(f'[data-focus="ap-{name}:{action_id}"]')


def criterion(page, criterion_id: str):
    return page.locator(f'.pc-kc-card[data-criterion="{criterion_id}"]')


def stored_actions(server, board_id: str):
    return actions.list_actions(connect(server.db), board_id)


def add_action(page, title: str) -> None:
    """With the part's "+ Action" (the composer stays open for the next one)."""
    composer = page.get_by_role("form", name="Add an action")
    if not composer.count():
        part(page, "actions").get_by_role("button", name="Add an action").click()
    composer.get_by_role("textbox").fill(title)
    composer.get_by_role("textbox").press("Enter")
    expect(composer.get_by_role("textbox")).to_have_value("", timeout=LIVE)


def test_facilitator_and_participant_see_each_others_action_and_kill_criterion_edits(server, new_person):
    board_id, fran, ann = meeting(server, new_person, "Checkout errors after the WAF rule")

    add_action(fran, "Look into the alerting gaps")
    [first] = stored_actions(server, board_id)
    expect(card(ann, first.id)).to_be_visible(timeout=LIVE)
    expect(card(ann, first.id).locator(".pc-ap-badge")).to_have_text("Draft: needs an owner and a due date")
    expect(card(ann, first.id).locator(".pc-ap-tip")).to_contain_text("“Look into” has no end.")

    # Ann gives Fran's action an owner and a due date; Fran's tab follows.
    field(ann, "owner", first.id).fill("Ann")
    field(ann, "due_date", first.id).fill("2026-12-20")
    field(ann, "due_date", first.id).press("Enter")
    expect(field(fran, "owner", first.id)).to_have_value("Ann", timeout=LIVE)
    expect(field(fran, "due_date", first.id)).to_have_value("2026-12-20")
    expect(card(fran, first.id).locator(".pc-ap-badge")).to_have_count(0)
    expect(field(ann, "due_date", first.id)).to_be_focused(timeout=LIVE)

    # Ann adds one; Fran gives it an owner and a due date; Ann's tab follows.
    add_action(ann, "Add an alert when checkout 5xx exceed 2% for 3 minutes")
    second = stored_actions(server, board_id)[1]
    expect(card(fran, second.id)).to_be_visible(timeout=LIVE)
    field(fran, "owner", second.id).fill("Fran")
    field(fran, "due_date", second.id).fill("2027-01-15")
    card(fran, second.id).get_by_role("button", name="Save action").click()
    expect(field(ann, "owner", second.id)).to_have_value("Fran", timeout=LIVE)
    expect(field(ann, "due_date", second.id)).to_have_value("2027-01-15")

    # Kill criteria: Ann adds one, Fran sharpens its response, Ann sees it.
    part(ann, "kill_criteria").get_by_role("button", name="+ Kill criterion").click()
    composer = ann.get_by_role("form", name="New kill criterion")
    composer.get_by_role("textbox", name="If we see").fill("checkout errors above 2% for 10 minutes")
    composer.get_by_role("combobox").select_option("roll_back")
    composer.get_by_role("textbox", name="Committed response").fill("Roll back the WAF rule set")
    composer.get_by_role("button", name="Add").click()
    expect(composer.get_by_role("textbox", name="If we see")).to_have_value("", timeout=LIVE)
    [made] = actions.list_triggers(connect(server.db), board_id)
    response = criterion(fran, made.id).locator(f'[data-focus="kc-response:{made.id}"]')
    expect(response).to_have_value("Roll back the WAF rule set", timeout=LIVE)
    expect(criterion(fran, made.id).locator(".pc-kc-tip")).to_have_count(0)
    response.fill("Roll back the WAF rule set and page payments")
    response.press("Enter")
    expect(criterion(ann, made.id).locator(f'[data-focus="kc-response:{made.id}"]')).to_have_value(
        "Roll back the WAF rule set and page payments", timeout=LIVE)
    # Fran adds one nobody could observe: both tabs show the advice.
    part(fran, "kill_criteria").get_by_role("button", name="+ Kill criterion").click()
    composer = fran.get_by_role("form", name="New kill criterion")
    composer.get_by_role("textbox", name="If we see").fill("things look bad")
    composer.get_by_role("textbox", name="Committed response").fill("Discuss it")
    composer.get_by_role("textbox", name="Committed response").press("Enter")
    expect(ann.locator(".pc-kc-card")).to_have_count(2, timeout=LIVE)
    expect(ann.locator(".pc-kc-card").nth(1).locator(".pc-kc-tip").first).to_contain_text(
        "Name a signal anyone can see happen")

    # Both edit the first action's owner; Ann saves first. Fran's save hears
    # the conflict and keeps her text, and she can keep hers over Ann's.
    field(fran, "owner", first.id).fill("Fran")
    field(ann, "owner", first.id).fill("Ann B.")
    field(ann, "owner", first.id).press("Enter")
    theirs = card(fran, first.id).locator(".pc-ap-theirs")
    expect(theirs).to_have_text("Their version: Owner: Ann B.", timeout=LIVE)
    field(fran, "owner", first.id).press("Enter")
    expect(card(fran, first.id).get_by_role("alert")).to_contain_text(
        "Someone else changed this while you were editing.", timeout=LIVE)
    expect(field(fran, "owner", first.id)).to_have_value("Fran")
    assert stored_actions(server, board_id)[0].owner == "Ann B."
    card(fran, first.id).scroll_into_view_if_needed()
    shoot(fran, "part-actions-conflict")
    card(fran, first.id).get_by_role("button", name="Save mine over theirs").click()
    expect(field(ann, "owner", first.id)).to_have_value("Fran", timeout=LIVE)
    expect(card(fran, first.id).locator(".pc-ap-edit")).to_have_count(0, timeout=LIVE)
    assert (stored_actions(server, board_id)[0].owner, str(stored_actions(server, board_id)[0].due_date)) == (
        "Fran", "2026-12-20")


def test_closing_with_drafts_is_refused_until_a_draft_is_fixed_or_a_reason_is_given(server, new_person):
    board_id, fran, ann = meeting(server, new_person, "Closing with drafts")
    db = connect(server.db)
    fixable = actions.add_action(db, board_id, ActionDraft(title="Add a canary stage to the WAF rollout"))
    actions.add_action(db, board_id, ActionDraft(title="Write the payments runbook"))
    kept = actions.add_trigger(db, board_id, TriggerDraft(signal="a second refund report", response="Stop refunds"))
    to_phase(server, board_id, fran, Phase.discuss)
    for page in (fran, ann):
        expect(page.locator('.pc-step[aria-current="step"]')).to_have_text("Discuss", timeout=LIVE)

    fran.locator(".pc-facilitation").get_by_role("button", name="Closed ▶").click()
    expect(fran.locator(".pc-message")).to_contain_text("The board cannot close yet: 2 draft actions have",
                                                          timeout=LIVE)
    assert boards.get_board(db, board_id).phase == Phase.discuss
    before = {page: page.get_by_role("region", name="Before closing") for page in (fran, ann)}
    for page, block in before.items():
        expect(block).to_contain_text("Before closing: 2 drafts need an owner and a due date", timeout=LIVE)
    expect(before[ann].get_by_role("button", name="Close anyway")).to_have_count(0)

    # The draft is a click away from its card: fixed there, it leaves the list.
    before[fran].get_by_role("button", name="Give Add a canary stage to the WAF rollout an owner").click()
    expect(field(fran, "owner", fixable.id)).to_be_focused()
    field(fran, "owner", fixable.id).fill("Ann")
    field(fran, "due_date", fixable.id).fill("2026-12-18")
    field(fran, "due_date", fixable.id).press("Enter")
    for block in before.values():
        expect(block).to_contain_text("Before closing: 1 draft needs", timeout=LIVE)

    # Closing anyway needs the reason, which is kept with the board.
    before[fran].get_by_role("button", name="Close anyway").click()
    expect(before[fran].get_by_role("alert")).to_contain_text("The board cannot close yet", timeout=LIVE)
    before[fran].get_by_role("textbox", name="Close anyway, because…").fill(
        "The runbook owner is picked at Monday's planning")
    before[fran].get_by_role("button", name="Close anyway").click()
    for page in (fran, ann):
        expect(page.locator('.pc-step[aria-current="step"]')).to_have_text("Closed", timeout=LIVE)
        expect(page.get_by_role("region", name="Before closing")).to_have_count(0, timeout=LIVE)
    closed = boards.get_board(db, board_id)
    assert (closed.phase, closed.close_reason) == (Phase.closed, "The runbook owner is picked at Monday's planning")

    # Closed: the follow-through still changes on the card, what the action is does not.
    expect(field(ann, "title", fixable.id)).to_be_disabled()
    card(ann, fixable.id).scroll_into_view_if_needed()
    shoot(ann, "part-actions-closed")
    expect(part(ann, "actions").get_by_role("button", name="Add an action")).to_have_count(0)
    # The kill criteria read as the meeting left them.
    expect(criterion(ann, kept.id)).to_contain_text("a second refund report")
    expect(criterion(ann, kept.id).get_by_role("textbox")).to_have_count(0)
    expect(part(ann, "kill_criteria").get_by_role("button")).to_have_count(0)
    card(ann, fixable.id).get_by_role("combobox", name="Status of action", exact=False).select_option("in_progress")
    card(ann, fixable.id).get_by_role("button", name="Save action").click()
    expect(card(fran, fixable.id).get_by_role("combobox", name="Status of action", exact=False)
           ).to_have_value("in_progress", timeout=LIVE)


SIZES = {"1024": (1024, 768), "1440": (1440, 900)}


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_the_actions_and_kill_criteria_parts(server, new_person, size):
    width, height = SIZES[size]
    board_id, fran, ann = meeting(server, new_person, "Checkout errors after the WAF rule", size=(width, height))
    db = connect(server.db)
    for draft in (
        ActionDraft(title="Add an alert when checkout 5xx exceed 2% for 3 minutes", owner="Ann",
                    due_date="2026-12-20", priority="high", success_signal="Paged within 5 minutes in the next drill"),
        ActionDraft(title="Look into the alerting gaps"),
        ActionDraft(title="Roll out WAF rules to one PoP first", owner="Fran", due_date="2027-01-15",
                    status="in_progress", review_date="2027-02-01"),
    ):
        actions.add_action(db, board_id, draft)
    actions.add_trigger(db, board_id, TriggerDraft(signal="checkout errors above 2% for 10 minutes",
                                                   kind="roll_back", response="Roll back the WAF rule set"))
    actions.add_trigger(db, board_id, TriggerDraft(signal="things look bad", response="Discuss it"))
    to_phase(server, board_id, fran, Phase.discuss)
    expect(fran.locator(".pc-ap-card")).to_have_count(3, timeout=LIVE)
    expect(fran.get_by_role("region", name="Before closing")).to_be_visible(timeout=LIVE)
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for key in ("actions", "kill_criteria"):
        section = part(fran, key)
        section.evaluate("node => node.scrollIntoView({ block: 'start' })")
        found = box(section)
        # The cards fit the board's width: nothing runs off to the side.
        assert found["x"] >= 0 and found["x"] + found["width"] <= width, key
        assert section.evaluate("node => node.scrollWidth <= node.clientWidth + 1"), key
        assert section.evaluate(LOW_CONTRAST_JS) == [], key
        fran.screenshot(path=str(DOCS_SCREENSHOTS / f"part-{key}-{size}.png"))
