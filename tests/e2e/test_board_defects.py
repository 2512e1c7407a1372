"""The board screen's rough edges, in real Chromium: a held drag scrolls to
far columns, the writer's nudge, Undo after Delete, a bar that stays in view,
long notes cut to their first lines, a true Here, and the keyboard."""

import pytest
from playwright.sync_api import expect

from canvas.models import NoteColour
from canvas.session.phases import Phase
from canvas.session.voting import VoteRules
from storage import facilitation
from storage.db import connect
from tests.e2e.conftest import create_board, seat, settle
from tests.e2e.test_live_board import (ACTIVE_JS, DOCS_SCREENSHOTS, LIVE, LOW_CONTRAST_JS, box, column,
                                       put_notes, sticky, to_phase, where, write)

pytestmark = pytest.mark.e2e

SIZES = {"1024x768": (1024, 768), "1440x900": (1440, 900)}
LONG = ("The WAF rule went to every PoP at once because the rollout tool treats rule changes as "
        "configuration, not code: no canary stage, no automatic rollback, and the dashboards we "
        "watched showed CPU per machine rather than the error rate customers saw at checkout. "
        "By the time the pager fired the whole fleet was saturated, the kill switch needed a "
        "login that itself went through the saturated proxies, and the status page was updated "
        "by hand from a laptop on a phone hotspot. Nobody had practised the kill switch in a "
        "year, and its runbook still named a dashboard that had been renamed in the spring.")


# Every piece of text on the page outside the canvas, its colour laid over
# what is behind it (Streamlit fades captions with opacity), against
# the first opaque background; returns those below WCAG AA (4.5:1).
BLENDED_CONTRAST_JS = """() => {
  const rgba = s => { const v = (s.match(/[\\d.]+/g) || []).map(Number); return v.length === 3 ? [...v, 1] : v; };
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = node => {
    for (; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] === 1) return colour;
    }
    return [255, 255, 255, 1];
  };
  const low = [];
  for (const node of document.body.querySelectorAll("*")) {
    const own = [...node.childNodes].some(c => c.nodeType === 3 && c.textContent.trim());
    const box = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    if (!own || !box.width || node.closest("[hidden]") || style.visibility === "hidden") continue;
    // An icon drawn from a ligature ("home") is a picture, not text.
    if (node.closest("[data-testid=stIconMaterial]")) continue;
    const back = background(node);
    let [r, g, b, a] = rgba(style.color);
    for (let up = node; up; up = up.parentElement) a *= Number(getComputedStyle(up).opacity);
    const seen = [r * a + back[0] * (1 - a), g * a + back[1] * (1 - a), b * a + back[2] * (1 - a)];
    const [x, y] = [lum(seen), lum(back)];
    const ratio = (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
    if (ratio < 4.5) low.push(node.tagName + ": " + node.textContent.trim().slice(0, 30) + " " + ratio.toFixed(2));
  }
  return low;
}"""


def pair(server, new_person, title: str, size=(1400, 1000)):
    """Fran facilitates, Ann has joined; both on the board, live."""
    board_id, (fran, ann) = seat(server, new_person, title, names=("Fran", "Ann"), size=size)
    return board_id, fran, ann, f"{server.url}/?board={board_id}"


def phase(server, board_id, fran, pages, which: Phase) -> None:
    to_phase(server, board_id, fran, which)
    for page in pages:
        expect(page.locator('.pc-step[aria-current="step"]')).to_have_text(which.label, timeout=LIVE)


def active(page):
    return page.evaluate_handle(ACTIVE_JS)


# --- dragging to what is out of sight ----------------------------------------------------


def test_a_drag_held_at_the_edge_scrolls_to_a_far_column_and_down_the_page(server, new_person):
    board_id, fran, ann, _ = pair(server, new_person, "Far columns", size=(1024, 768))
    put_notes(server, board_id, "Ann", ["Move me far away"])
    put_notes(server, board_id, "Fran", [f"Filler note number {n}, long enough to take two lines"
                                         for n in range(24)], step="react")
    phase(server, board_id, fran, [ann], Phase.group)
    far = column(ann, "other-risks")
    expect(far).not_to_be_in_viewport()
    board = box(ann.locator(".pc-board"))
    note = box(sticky(ann, "Move me far away"))
    # On the note's text, clear of its buttons.
    x0, y0 = note["x"] + 20, note["y"] + 14
    edge_x = min(board["x"] + board["width"], 1024) - 12
    ann.mouse.move(x0, y0)
    ann.mouse.down()
    for step in range(1, 9):
        ann.mouse.move(x0 + (edge_x - x0) * step / 8, y0)
    # The pointer rests at the board's right edge: the columns keep scrolling.
    expect(far).to_be_in_viewport(ratio=0.6, timeout=LIVE)
    target = box(far)
    ann.mouse.move(target["x"] + target["width"] / 2, y0, steps=4)
    ann.mouse.up()
    expect(sticky(fran, "Move me far away")).to_have_count(1)
    expect(column(fran, "other-risks").locator(".pc-note", has_text="Move me far away")).to_be_visible(
        timeout=LIVE)
    assert where(server, board_id, "Move me far away") == ("other-risks", None)

    # Down the page: the foot of the long React column comes into view.
    last = sticky(ann, "Filler note number 23")
    expect(last).not_to_be_in_viewport()
    sticky(ann, "Filler note number 0").scroll_into_view_if_needed()
    first = box(sticky(ann, "Filler note number 0"))
    fx, fy = first["x"] + 20, first["y"] + 14
    ann.mouse.move(fx, fy)
    ann.mouse.down()
    for step in range(1, 9):
        ann.mouse.move(fx + 3 * step, fy + (760 - fy) * step / 8)
    expect(last).to_be_in_viewport(timeout=LIVE)
    ann.keyboard.press("Escape")
    ann.mouse.up()


def test_a_drop_that_moves_nothing_says_so(server, new_person):
    board_id, fran, ann, _ = pair(server, new_person, "Drop in place")
    put_notes(server, board_id, "Ann", ["Stay where you are", "A neighbour"])
    phase(server, board_id, fran, [ann], Phase.group)
    note = box(sticky(ann, "Stay where you are"))
    home = box(column(ann, "detect").locator(".pc-column-head"))
    ann.mouse.move(note["x"] + 20, note["y"] + 20)
    ann.mouse.down()
    ann.mouse.move(home["x"] + 40, home["y"] + home["height"] / 2, steps=8)
    ann.mouse.up()
    expect(ann.locator(".pc-message")).to_contain_text("Dropped where it already was")
    assert where(server, board_id, "Stay where you are") == ("detect", None)


# --- what the writer sees --------------------------------------------------------------------


def test_the_writer_is_nudged_about_blame_language_and_nobody_else_sees_it(server, new_person):
    board_id, fran, ann, _ = pair(server, new_person, "Nudge")
    write(ann, "The rollout was careless")
    nudge = sticky(ann, "The rollout was careless").locator(".pc-nudge")
    expect(nudge).to_contain_text("careless")
    expect(nudge).to_contain_text("Try:")
    phase(server, board_id, fran, [ann, fran], Phase.group)
    expect(sticky(fran, "The rollout was careless")).to_be_visible(timeout=LIVE)
    expect(sticky(fran, "The rollout was careless").locator(".pc-nudge")).to_have_count(0)
    # An edit that drops the word drops the nudge.
    sticky(ann, "The rollout was careless").get_by_role("button", name="Edit note", exact=False).click()
    area = ann.get_by_label("Text of note", exact=False)
    area.fill("The rollout had no canary stage")
    area.press("Enter")
    expect(sticky(ann, "no canary stage").locator(".pc-nudge")).to_have_count(0)


def test_delete_offers_undo_for_a_few_seconds(server, new_person):
    width, height = SIZES["1024x768"]
    board_id, fran, ann, _ = pair(server, new_person, "Undo delete", size=(width, height))
    write(ann, "Delete me, then change my mind")
    write(ann, "Another note to keep")
    sticky(ann, "Delete me, then change my mind").get_by_role("button", name="Delete note", exact=False).click()
    message = ann.locator(".pc-message")
    expect(message).to_contain_text("deleted")
    undo = message.get_by_role("button", name="Undo")
    expect(undo).to_be_visible()
    expect(sticky(ann, "Delete me, then change my mind")).to_have_count(0)
    # The keyboard lands on Undo, not on the page.
    assert active(ann).evaluate("n => n.textContent") == "Undo"
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # Both sizes from this one board: the offer lasts while Undo has the focus.
    for size, (shot_width, shot_height) in SIZES.items():
        ann.set_viewport_size({"width": shot_width, "height": shot_height})
        expect(undo).to_be_visible()
        ann.screenshot(path=str(DOCS_SCREENSHOTS / f"board-undo-{size}.png"))
    ann.set_viewport_size({"width": width, "height": height})
    undo.click()
    expect(sticky(ann, "Delete me, then change my mind")).to_be_visible()
    expect(message).to_be_hidden()
    # Left alone, the offer goes after a few seconds.
    sticky(ann, "Another note to keep").get_by_role("button", name="Delete note", exact=False).click()
    expect(message.get_by_role("button", name="Undo")).to_be_visible()
    ann.mouse.click(5, height - 5)
    expect(message).to_be_hidden(timeout=12_000)
    expect(sticky(ann, "Another note to keep")).to_have_count(0)


# --- long columns and long notes ------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_long_note_shows_six_lines_and_the_bar_stays_in_view(server, new_person, size):
    width, height = SIZES[size]
    board_id, fran, ann, _ = pair(server, new_person, "Long notes", size=(width, height))
    put_notes(server, board_id, "Ann", [LONG, "Short one"])
    put_notes(server, board_id, "Fran", [f"Another thought, number {n}" for n in range(14)],
              colour=NoteColour.green)
    phase(server, board_id, fran, [ann, fran], Phase.vote)
    long_note = sticky(ann, "The WAF rule went to every PoP")
    expect(long_note).to_be_visible(timeout=LIVE)
    assert box(long_note)["height"] < 260
    show = long_note.get_by_role("button", name="Show all", exact=False)
    expect(show).to_be_visible()
    expect(sticky(ann, "Short one").get_by_role("button", name="Show all", exact=False)).to_have_count(0)
    # The loose long note's + Vote is on the card, in reach.
    vote = long_note.get_by_role("button", name="Vote for", exact=False)
    vote.scroll_into_view_if_needed()
    expect(vote).to_be_in_viewport()
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    long_note.scroll_into_view_if_needed()
    ann.screenshot(path=str(DOCS_SCREENSHOTS / f"board-long-note-{size}.png"))
    show.click()
    expect(long_note.get_by_role("button", name="Show less", exact=False)).to_be_visible()
    assert box(long_note)["height"] > 300
    assert ann.locator(".pc-root").evaluate(LOW_CONTRAST_JS) == []
    # The page around the canvas too: the sidebar's captions, the share link.
    low = ann.evaluate(BLENDED_CONTRAST_JS)
    assert not low, "\n".join(low)

    # Scrolled to the foot of the long column, the bar is still on screen.
    last = sticky(ann, "Another thought, number 13")
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    bar = ann.locator(".pc-bar")
    expect(bar).to_be_in_viewport(ratio=0.9)
    expect(bar.locator(".pc-budget")).to_be_in_viewport()
    ann.screenshot(path=str(DOCS_SCREENSHOTS / f"board-long-column-{size}.png"))


# --- discussion -------------------------------------------------------------------------------


def test_make_it_an_action_starts_empty_and_says_where_it_came_from(server, new_person):
    board_id, fran, ann, _ = pair(server, new_person, "Action from")
    put_notes(server, board_id, "Ann", ["Alert on the checkout error rate"])
    phase(server, board_id, fran, [fran], Phase.discuss)
    fran.locator(".pc-ranked").first.get_by_role("button", name="Make it an action").click()
    editor = fran.get_by_role("form", name="New action")
    expect(editor.get_by_label("Action")).to_have_value("")
    expect(editor).to_contain_text("From: #1 · Alert on the checkout error rate")


# --- presence -----------------------------------------------------------------------------------


def test_here_lists_each_person_once_and_a_closed_tab_leaves_within_ten_seconds(server, new_person):
    board_id, fran, ann, share = pair(server, new_person, "Presence")
    here = fran.locator(".pc-here")
    expect(here).to_have_text("Here (2): Ann, Fran", timeout=LIVE)
    expect(ann.locator(".pc-here")).to_have_text("Here (2): Ann, Fran", timeout=LIVE)
    ann.context.close()
    expect(here).to_have_text("Here (1): Fran", timeout=10_000)


# --- refusals and notices --------------------------------------------------------------------------


def test_the_created_notice_leaves_the_bar_free_and_a_refusal_goes_with_its_phase(
        server, new_person):
    fran = new_person(1024, 768)
    share = create_board(fran, server.url, "Notices", "Fran")
    board_id = share.split("board=")[1]
    notice = fran.locator(".st-key-board_created")
    expect(notice).to_contain_text("Board created")
    bar, said = box(fran.locator(".pc-bar")), box(notice)
    assert said["y"] + said["height"] <= bar["y"], "the notice covers the bar"
    assert fran.locator("[data-testid=stToast]").count() == 0
    notice.get_by_role("button", name="Dismiss").click()
    settle(fran)
    expect(notice).to_have_count(0)

    # A draft sent after writing closed is refused, and says why ...
    area = column(fran, "detect").locator("textarea")
    area.fill("Written as the phase moved on")
    phase(server, board_id, fran, [fran], Phase.vote)
    area.press("Enter")
    error = column(fran, "detect").locator(".pc-error")
    expect(error).to_be_visible()
    # ... until the board moves on: back in Write, the refusal no longer holds.
    phase(server, board_id, fran, [fran], Phase.write)
    expect(error).to_have_count(0)
    expect(area).to_have_value("Written as the phase moved on")


def test_the_move_menu_opens_on_where_the_note_is_and_keys_jump_columns(server, new_person):
    board_id, fran, ann, _ = pair(server, new_person, "Keyboard")
    put_notes(server, board_id, "Ann", ["In React already"], step="react")
    put_notes(server, board_id, "Ann", ["In Detect"])
    phase(server, board_id, fran, [ann], Phase.group)
    note = sticky(ann, "In React already")
    note.focus()
    ann.keyboard.press("m")
    expect(ann.get_by_role("menu")).to_be_visible()
    assert "where it is now" in active(ann).evaluate("n => n.textContent")
    ann.keyboard.press("Enter")
    expect(ann.get_by_role("menu")).to_have_count(0)
    assert where(server, board_id, "In React already") == ("react", None)
    # [ goes to the column before (Detect), ] comes back.
    note.focus()
    ann.keyboard.press("[")
    assert active(ann).evaluate("n => n.textContent").startswith("In Detect")
    ann.keyboard.press("]")
    assert active(ann).evaluate("n => n.textContent").startswith("In React already")
    expect(ann.locator(".pc-keys")).to_contain_text("[ and ]")


def test_voting_by_keyboard_keeps_the_focus_on_the_item(server, new_person):
    board_id, fran, ann, _ = pair(server, new_person, "Keyboard votes")
    put_notes(server, board_id, "Fran", ["Vote on me by keyboard"])
    to_phase(server, board_id, fran, Phase.vote)
    key = fran.evaluate(f"localStorage.getItem('postmortem-canvas:facilitator:{board_id}')")
    facilitation.set_vote_rules(connect(server.db), board_id, key, VoteRules(budget=5, max_per_item=1))
    note = sticky(ann, "Vote on me by keyboard")
    vote = note.get_by_role("button", name="Vote for", exact=False)
    expect(vote).to_be_enabled(timeout=LIVE)
    vote.focus()
    ann.keyboard.press("Enter")
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")
    # The limit of one per item is reached: + Vote is disabled, the dot has the keyboard.
    expect(vote).to_be_disabled()
    assert active(ann).evaluate("n => n.getAttribute('aria-label') || ''").startswith("Take back a vote")
    ann.keyboard.press("Enter")
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 5 of 5")
    assert active(ann).evaluate("n => n.textContent") == "+ Vote"
