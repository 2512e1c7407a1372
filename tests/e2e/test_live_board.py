"""The board screen in real Chromium: a facilitator and two participants run
the session on one live canvas, with every change pushed to the others."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.models import NoteColour, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import actions, clusters, facilitation, notes, participants
from storage.db import connect
from tests.e2e.conftest import create_board, seat

pytestmark = pytest.mark.e2e

# A change travels server -> stream -> canvas; allow for a busy 2-core machine.
LIVE = 10_000
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


# --- helpers ----------------------------------------------------------------------


def column(page, step: str):
    return page.locator(f'.pc-column[data-step="{step}"]')


def sticky(page, text: str):
    # Not the copy that follows the pointer during a drag.
    return page.locator(".pc-note:not(.pc-ghost)", has_text=text)


def cluster(page, name: str):
    return page.locator(".pc-cluster", has=page.locator(".pc-cluster-name", has_text=name))


def write(page, text: str, step: str = "detect") -> None:
    area = column(page, step).locator("textarea")
    area.fill(text)
    area.press("Enter")
    expect(sticky(page, text)).to_be_visible()
    expect(area).to_have_value("")


def go_to(facilitator, label: str, *others) -> None:
    """The facilitator moves the session on with the top bar's ▶; everyone follows."""
    facilitator.locator(".pc-facilitation").get_by_role("button", name=f"{label} ▶").click()
    for page in (facilitator, *others):
        expect(page.locator('.pc-step[aria-current="step"]')).to_have_text(label, timeout=LIVE)


def session(server, new_person, title: str, size=(1400, 1000)):
    """Fran facilitates; Ann and Bob have joined. All on the board screen."""
    board_id, (fran, ann, bob) = seat(server, new_person, title, size=size)
    return board_id, fran, ann, bob


def writer(server, board_id: str, name: str) -> Credentials:
    db = connect(server.db)
    person = next(p for p in participants.list_participants(db, board_id) if p.display_name == name)
    return Credentials(participant_id=person.id)


def put_notes(server, board_id: str, name: str, texts, step: str = "detect",
              colour: NoteColour = NoteColour.yellow) -> None:
    """Notes written from another process, as if typed by `name` in another tab."""
    db = connect(server.db)
    who = writer(server, board_id, name)
    for text in texts:
        notes.add_note(db, board_id, step, NoteDraft(text=text, colour=colour), who)


def to_phase(server, board_id: str, fran, phase: Phase) -> None:
    key = fran.evaluate(f"localStorage.getItem('postmortem-canvas:facilitator:{board_id}')")
    facilitation.set_phase(connect(server.db), board_id, key, phase)


def box(locator) -> dict:
    """Where an element is; the canvas redraws on every view, so an element
    found a moment ago may just have been replaced by its successor."""
    for _ in range(50):
        locator.wait_for(state="visible")
        found = locator.bounding_box()
        if found is not None:
            return found
    raise AssertionError(f"{locator} is not on the page")


# Up or down only, and only when the note is out of sight (below the window,
# or under the bar that stays at the top): sideways stays as the test left it.
BRING_INTO_REACH = """node => {
    const box = node.getBoundingClientRect();
    const bar = node.getRootNode().querySelector('.pc-bar');
    const top = bar ? bar.getBoundingClientRect().bottom : 0;
    if (box.top >= top && box.bottom <= innerHeight) return;
    let page = node.parentNode || node.host;
    while (page && !(page.nodeType === 1 && /(auto|scroll)/.test(getComputedStyle(page).overflowY)
                     && page.scrollHeight > page.clientHeight)) page = page.parentNode || page.host;
    (page || document.scrollingElement).scrollBy(0, box.top - innerHeight / 2);
}"""


def hold(page, source, target, steps: int = 12) -> tuple[float, float]:
    """Press on `source` and move, in small steps, over `target`; keep holding.
    The page is first scrolled to bring the source to the middle of the
    window, as a person scrolls to what they are about to drag (the meeting's
    other parts stand above the columns)."""
    source.wait_for(state="visible")
    source.evaluate(BRING_INTO_REACH)
    start, end = box(source), box(target)
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 40)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, steps + 1):
        page.mouse.move(x0 + (x1 - x0) * step / steps, y0 + (y1 - y0) * step / steps)
    return x1, y1


def drag(page, source, target) -> None:
    hold(page, source, target)
    page.mouse.up()


def where(server, board_id: str, text: str):
    """(step, cluster name or None) of the note with this text, read from the database."""
    db = connect(server.db)
    note = next(n for n in notes.list_notes(db, board_id) if n.text == text)
    names = {c.id: c.name for c in clusters.list_clusters(db, board_id)}
    return note.step_key, names.get(note.cluster_id)


# --- Write ---------------------------------------------------------------------------


def test_enter_saves_a_note_shift_enter_breaks_the_line_and_others_see_only_a_count(
        server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Checkout errors")
    write(ann, "Alert on the checkout error rate")

    area = column(ann, "react").locator("textarea")
    area.fill("Page payments on-call")
    area.press("Shift+Enter")
    area.type("and the incident lead")
    area.press("Enter")
    expect(sticky(ann, "and the incident lead")).to_be_visible()
    assert column(ann, "react").locator(".pc-note-text").inner_text() == (
        "Page payments on-call\nand the incident lead")

    # Bob sees how many notes others wrote, never their text.
    expect(column(bob, "detect").locator(".pc-hidden")).to_contain_text(
        "1 note by others", timeout=LIVE)
    expect(column(bob, "react").locator(".pc-hidden")).to_contain_text("1 note by others")
    assert sticky(bob, "checkout error rate").count() == 0
    # Ann's own notes carry their board number, and she can reword them in place.
    note = sticky(ann, "Alert on the checkout error rate")
    expect(note.locator(".pc-number")).to_have_text("#1")
    note.get_by_role("button", name="Edit note #1").click()
    editor = ann.get_by_role("textbox", name="Text of note #1")
    editor.fill("Alert on the checkout error rate per region")
    editor.press("Enter")
    expect(sticky(ann, "Alert on the checkout error rate per region")).to_be_visible()
    assert [n.text for n in notes.list_notes(connect(server.db), board_id, "detect")] == [
        "Alert on the checkout error rate per region"]


def test_a_refused_note_too_long_or_after_writing_closed_keeps_its_text_and_says_why(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Refused note")
    area = column(ann, "detect").locator("textarea")
    too_long = "x" * 1001
    area.fill(too_long)
    area.press("Enter")
    expect(column(ann, "detect").locator(".pc-error")).to_contain_text("the limit is 1,000")
    assert area.input_value() == too_long

    area.fill("Half a thought about the runbook")
    to_phase(server, board_id, fran, Phase.vote)
    expect(ann.locator('.pc-step[aria-current="step"]')).to_have_text("Vote", timeout=LIVE)
    area = column(ann, "detect").locator("textarea")
    area.press("Enter")
    expect(column(ann, "detect").locator(".pc-error")).to_be_visible()
    assert area.input_value() == "Half a thought about the runbook"
    assert sticky(ann, "Half a thought").count() == 0


# --- Group ---------------------------------------------------------------------------


def grouping_board(server, new_person, title: str):
    board_id, fran, ann, bob = session(server, new_person, title)
    put_notes(server, board_id, "Ann", ["Alert on CPU per rule", "Synthetic check every minute"])
    put_notes(server, board_id, "Bob", ["Status page by hand", "Status page from the error rate"],
              colour=NoteColour.blue)
    put_notes(server, board_id, "Bob", ["Practise the kill switch"], step="react",
              colour=NoteColour.green)
    go_to(fran, "Group", ann, bob)
    for page in (fran, ann, bob):
        expect(sticky(page, "Practise the kill switch")).to_be_visible(timeout=LIVE)
    return board_id, fran, ann, bob


def test_dropping_a_note_onto_another_makes_a_cluster_of_the_two(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Drop onto a note")
    drag(ann, sticky(ann, "Alert on CPU per rule"), sticky(ann, "Synthetic check every minute"))
    frame = bob.locator(".pc-cluster", has=bob.locator(".pc-note", has_text="Alert on CPU per rule"))
    expect(frame).to_be_visible(timeout=LIVE)
    expect(frame.locator(".pc-note")).to_have_count(2)
    assert where(server, board_id, "Alert on CPU per rule")[1] is not None
    # Colours survive grouping: Bob's blue notes are still blue on Ann's canvas.
    assert sticky(ann, "Status page by hand").evaluate(
        "n => getComputedStyle(n).backgroundColor") == "rgb(207, 232, 255)"


def test_a_drag_into_a_cluster_beside_another_cluster_lands(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Clusters side by side")
    drag(ann, sticky(ann, "Alert on CPU per rule"), sticky(ann, "Synthetic check every minute"))
    expect(bob.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)
    drag(bob, sticky(bob, "Status page by hand"), sticky(bob, "Status page from the error rate"))
    expect(ann.locator(".pc-cluster")).to_have_count(2, timeout=LIVE)
    # Rename inline, then drop the React note into the second of the two clusters.
    alerting = ann.locator(".pc-cluster").first
    alerting.locator(".pc-rename").click()
    name = alerting.locator("input")
    name.fill("Alerting")
    name.press("Enter")
    expect(cluster(bob, "Alerting")).to_be_visible(timeout=LIVE)
    second = ann.locator(".pc-cluster").nth(1)
    second_name = second.locator(".pc-cluster-name").inner_text()
    drag(ann, sticky(ann, "Practise the kill switch"), second)
    expect(cluster(bob, second_name).locator(".pc-note", has_text="Practise the kill switch")
           ).to_be_visible(timeout=LIVE)
    assert where(server, board_id, "Practise the kill switch") == ("detect", second_name)
    assert ann.locator(".pc-message").is_hidden()
    # Out again: dropped on the column, the note is ungrouped in that step.
    drag(ann, sticky(ann, "Practise the kill switch"), column(ann, "react"))
    expect(column(bob, "react").locator(".pc-ungrouped .pc-note", has_text="Practise the kill switch")
           ).to_be_visible(timeout=LIVE)
    assert where(server, board_id, "Practise the kill switch") == ("react", None)


def test_two_people_dragging_at_once_both_land_or_one_is_told_why(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Two drags")
    drag(fran, sticky(fran, "Status page by hand"), sticky(fran, "Status page from the error rate"))
    expect(ann.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)
    expect(bob.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)

    # Different notes into the same cluster at the same moment: both land.
    hold(ann, sticky(ann, "Alert on CPU per rule"), ann.locator(".pc-cluster"))
    hold(bob, sticky(bob, "Practise the kill switch"), bob.locator(".pc-cluster"))
    ann.mouse.up()
    bob.mouse.up()
    # Each drop lands, or (when the other drop just moved what it landed on)
    # is refused with a message on that person's board: never lost silently.
    for page, text in ((ann, "Alert on CPU per rule"), (bob, "Practise the kill switch")):
        landed = page.locator(".pc-cluster .pc-note", has_text=text)
        expect(landed.or_(page.locator(".pc-message:not([hidden])")).first).to_be_visible(
            timeout=LIVE)
    clustered = sum(where(server, board_id, text)[1] is not None
                    for text in ("Alert on CPU per rule", "Practise the kill switch"))
    assert clustered == 2 or bob.locator(".pc-message").is_visible() or \
        ann.locator(".pc-message").is_visible()
    for page in (ann, bob, fran):
        expect(page.locator(".pc-cluster .pc-note")).to_have_count(2 + clustered, timeout=LIVE)

    # The same note to two places at once: the first drop lands, the second is
    # refused with a message, and nobody's board is left half-moved.
    hold(ann, sticky(ann, "Synthetic check every minute"), column(ann, "react"))
    hold(bob, sticky(bob, "Synthetic check every minute"), bob.locator(".pc-cluster"))
    ann.mouse.up()
    expect(column(ann, "react").locator(".pc-note", has_text="Synthetic check")).to_be_visible(
        timeout=LIVE)
    bob.mouse.up()
    expect(bob.locator(".pc-message", has_text="moved that note")).to_be_visible(timeout=LIVE)
    assert where(server, board_id, "Synthetic check every minute") == ("react", None)
    expect(column(bob, "react").locator(".pc-note", has_text="Synthetic check")).to_be_visible(
        timeout=LIVE)


def test_a_column_with_many_notes_and_clusters_still_drags_without_errors(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Many notes")
    errors = []
    ann.on("pageerror", lambda error: errors.append(str(error)))
    put_notes(server, board_id, "Bob", [f"Idea number {n}" for n in range(1, 41)])
    go_to(fran, "Group", ann, bob)
    expect(ann.locator(".pc-note")).to_have_count(40, timeout=LIVE)
    for first, second in [(1, 2), (3, 4), (5, 6)]:
        drag(ann, sticky(ann, f"Idea number {first}").first, sticky(ann, f"Idea number {second}").first)
        expect(ann.locator(".pc-cluster")).to_have_count((first + 1) // 2, timeout=LIVE)
    # From the foot of the long column up into the first cluster: holding the
    # note near the top edge scrolls the page until the cluster is in reach.
    low = sticky(ann, "Idea number 40")
    low.scroll_into_view_if_needed()
    start = box(low)
    ann.mouse.move(start["x"] + 30, start["y"] + 30)
    ann.mouse.down()
    target = ann.locator(".pc-cluster").first
    # The bar stays in view at the top: the cluster is in reach once below it.
    bar = box(ann.locator(".pc-bar"))
    for step in range(200):
        ann.mouse.move(start["x"] + 30 + step % 2, 20)
        if box(target)["y"] > bar["y"] + bar["height"] + 10:
            break
    # Out of the scrolling edge first, then over the cluster where it now is.
    ann.mouse.move(start["x"] + 30, 400)
    above = box(target)
    for step in range(1, 6):
        ann.mouse.move(above["x"] + above["width"] / 2,
                       400 + (above["y"] + 30 - 400) * step / 5)
    ann.mouse.up()
    expect(ann.locator(".pc-cluster").first.locator(".pc-note")).to_have_count(3, timeout=LIVE)
    assert where(server, board_id, "Idea number 40")[1] is not None
    assert errors == []


def test_someone_elses_change_during_a_drag_waits_until_the_drop(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Drag during a change")
    drag(fran, sticky(fran, "Status page by hand"), sticky(fran, "Status page from the error rate"))
    expect(ann.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)

    hold(ann, sticky(ann, "Alert on CPU per rule"), ann.locator(".pc-cluster"))
    # A third person changes the board while Ann's note is in the air.
    drag(bob, sticky(bob, "Practise the kill switch"), column(bob, "detect"))
    expect(ann.locator(".pc-root[data-pending]")).to_have_count(1, timeout=LIVE)
    expect(ann.locator(".pc-ghost")).to_be_visible()
    expect(ann.locator(".pc-cluster")).to_have_class("pc-cluster pc-drop-target")
    ann.mouse.up()
    # Both changes are on Ann's board: her drop and Bob's move.
    expect(ann.locator(".pc-cluster .pc-note", has_text="Alert on CPU per rule")).to_be_visible(
        timeout=LIVE)
    expect(column(ann, "detect").locator(".pc-note", has_text="Practise the kill switch")
           ).to_be_visible(timeout=LIVE)
    assert where(server, board_id, "Alert on CPU per rule")[1] is not None
    assert where(server, board_id, "Practise the kill switch") == ("detect", None)


def test_a_note_moves_with_the_keyboard_alone(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Keyboard move")
    note = sticky(ann, "Practise the kill switch")
    note.focus()
    ann.keyboard.press("m")
    menu = ann.get_by_role("menu")
    expect(menu).to_be_visible()
    target = "New cluster with #1"
    for _ in range(20):
        if ann.evaluate("() => document.activeElement.shadowRoot"
                        "? document.activeElement.shadowRoot.activeElement?.textContent"
                        ": document.activeElement.textContent") == target:
            break
        ann.keyboard.press("ArrowDown")
    ann.keyboard.press("Enter")
    frame = bob.locator(".pc-cluster", has=bob.locator(".pc-note", has_text="Practise the kill switch"))
    expect(frame).to_be_visible(timeout=LIVE)
    expect(frame.locator(".pc-note", has_text="Alert on CPU per rule")).to_be_visible()
    assert where(server, board_id, "Practise the kill switch")[0] == "detect"


# --- a view arriving under someone's hands ------------------------------------------------

# The element that has the keyboard, inside the component's shadow root if it has one.
ACTIVE_JS = """() => {
  let node = document.activeElement;
  while (node && node.shadowRoot && node.shadowRoot.activeElement) node = node.shadowRoot.activeElement;
  return node;
}"""


def revision(page) -> int:
    return int(page.locator(".pc-root").get_attribute("data-revision"))


def test_a_view_arriving_while_someone_types_leaves_the_text_and_the_caret(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Typing through a change")
    area = column(ann, "detect").locator("textarea")
    area.click()
    ann.keyboard.type("Alert on the error rate")
    area.evaluate("a => { a.setSelectionRange(6, 8); a.keptMark = 'yes'; }")
    before = revision(ann)
    put_notes(server, board_id, "Bob", ["Bob writes meanwhile"])
    expect(column(ann, "detect").locator(".pc-hidden")).to_have_text("1 note by others, hidden until Group",
                                                                      timeout=LIVE)
    assert revision(ann) > before
    # The very same element, still in focus, with its text and selection.
    active = ann.evaluate_handle(ACTIVE_JS)
    assert active.evaluate("a => [a.keptMark, a.value, a.selectionStart, a.selectionEnd]") == [
        "yes", "Alert on the error rate", 6, 8]
    ann.keyboard.type("XY")
    expect(area).to_have_value("Alert XY the error rate")


def test_a_view_arriving_while_the_move_menu_is_open_leaves_the_menu_and_its_item(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Menu through a change")
    sticky(ann, "Practise the kill switch").get_by_role("button", name="Move", exact=False).click()
    menu = ann.get_by_role("menu")
    expect(menu).to_be_visible()
    ann.keyboard.press("ArrowDown")
    chosen = ann.evaluate_handle(ACTIVE_JS)
    chosen.evaluate("item => { item.keptMark = 'yes'; }")
    label = chosen.evaluate("item => item.textContent")
    before = revision(ann)
    put_notes(server, board_id, "Bob", ["Bob adds a note while Ann chooses"])
    expect(sticky(ann, "Bob adds a note while Ann chooses")).to_be_visible(timeout=LIVE)
    assert revision(ann) > before
    expect(menu).to_be_visible()
    assert ann.evaluate_handle(ACTIVE_JS).evaluate("item => [item.keptMark, item.textContent]") == [
        "yes", label]
    # The new note is offered in the open menu too.
    expect(menu.get_by_role("menuitem", name="New cluster with #6")).to_be_visible()


# --- Vote and Discuss ----------------------------------------------------------------------


def test_votes_by_click_show_the_budget_stay_blind_then_the_reveal_shows_totals(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Votes")
    drag(ann, sticky(ann, "Alert on CPU per rule"), sticky(ann, "Synthetic check every minute"))
    expect(fran.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)
    go_to(fran, "Vote", ann, bob)

    budget = ann.locator(".pc-budget")
    expect(budget).to_have_text("Votes left: 5 of 5")
    frame = ann.locator(".pc-cluster")
    frame.get_by_role("button", name="Vote for", exact=False).click()
    expect(budget).to_have_text("Votes left: 4 of 5")
    frame.get_by_role("button", name="Vote for", exact=False).click()
    expect(budget).to_have_text("Votes left: 3 of 5")
    # Take one back by clicking one of your own dots.
    frame.get_by_role("button", name="Take back a vote", exact=False).first.click()
    expect(budget).to_have_text("Votes left: 4 of 5")
    bob.locator(".pc-cluster").get_by_role("button", name="Vote for", exact=False).click()
    expect(bob.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")

    # Blind: each sees only their own dot, no totals.
    expect(bob.locator(".pc-cluster .pc-dot-mine")).to_have_count(1)
    assert bob.locator(".pc-cluster .pc-dot-other").count() == 0
    assert fran.locator(".pc-cluster .pc-total").count() == 0

    fran.locator(".pc-facilitation").get_by_role("button", name="Reveal votes").click()
    for page in (ann, bob, fran):
        expect(page.locator(".pc-cluster .pc-total")).to_have_text("2 votes", timeout=LIVE)
    expect(ann.locator(".pc-cluster .pc-dot")).to_have_count(2)


def test_make_it_an_action_inline_and_update_its_status_after_closing(server, new_person):
    board_id, fran, ann, bob = grouping_board(server, new_person, "Make it an action")
    go_to(fran, "Vote", ann, bob)
    sticky(ann, "Practise the kill switch").get_by_role("button", name="Vote for", exact=False).click()
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")
    go_to(fran, "Discuss", ann, bob)

    first = fran.locator(".pc-ranked").first
    expect(first).to_contain_text("Practise the kill switch")
    first.get_by_role("button", name="Focus").click()
    expect(sticky(ann, "Practise the kill switch")).to_have_class("pc-note pc-focused", timeout=LIVE)
    first.get_by_role("button", name="Make it an action").click()
    editor = fran.get_by_role("form", name="New action")
    editor.get_by_label("Action").fill("Run a kill-switch drill every quarter")
    editor.get_by_role("button", name="Ann").click()
    editor.get_by_label("Due").fill("2027-01-15")
    editor.get_by_label("Success signal").fill("Drill done in under 5 minutes")
    editor.get_by_role("button", name="Save action").click()

    row = ann.locator(".pc-action", has_text="Run a kill-switch drill every quarter")
    expect(row).to_be_visible(timeout=LIVE)
    expect(row).to_contain_text("Ann · due 2027-01-15")
    expect(fran.locator(".pc-ranked").first).to_contain_text("has an action")
    saved = actions.list_actions(connect(server.db), board_id)
    assert [(a.title, a.owner, str(a.due_date), a.success_signal) for a in saved] == [
        ("Run a kill-switch drill every quarter", "Ann", "2027-01-15", "Drill done in under 5 minutes")]

    go_to(fran, "Closed", ann, bob)
    row = ann.locator(".pc-action", has_text="Run a kill-switch drill every quarter")
    row.get_by_role("combobox").select_option("done")
    expect(fran.locator(".pc-action", has_text="kill-switch drill").get_by_role("combobox")
           ).to_have_value("done", timeout=LIVE)
    assert actions.list_actions(connect(server.db), board_id)[0].status.value == "done"


# --- how it looks ----------------------------------------------------------------------------

# Every piece of text on the canvas against the first opaque background behind
# it; returns those below WCAG AA (4.5:1).
LOW_CONTRAST_JS = """
root => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = node => {
    for (; node; node = node.parentElement || (node.getRootNode() && node.getRootNode().host)) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || colour[3] === 1) return colour;
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const node of root.querySelectorAll("*")) {
    const own = [...node.childNodes].some(c => c.nodeType === 3 && c.textContent.trim());
    const box = node.getBoundingClientRect();
    if (!own || !box.width || node.closest("[hidden]")) continue;
    const [a, b] = [lum(rgb(getComputedStyle(node).color)), lum(background(node))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) low.push(node.className + ": " + node.textContent.trim().slice(0, 30) + " " + ratio.toFixed(2));
  }
  return low;
}
"""

SIZES = {"1024x768": (1024, 768), "1440x900": (1440, 900)}


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_every_phase_with_the_top_bar_and_first_notes_above_the_fold(
        server, new_person, size):
    width, height = SIZES[size]
    board_id, fran, ann, bob = session(server, new_person, "Checkout errors after the WAF rule",
                                       size=(width, height))
    write(ann, "Alert on the checkout error rate, not only on traffic drops")
    write(fran, "Synthetic checkout probe every minute", step="react")
    put_notes(server, board_id, "Bob", ["Page the payments on-call directly"])
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    expect(column(ann, "detect").locator(".pc-hidden")).to_be_visible(timeout=LIVE)
    ann.screenshot(path=str(DOCS_SCREENSHOTS / f"live-write-{size}.png"))

    put_notes(server, board_id, "Bob", ["Status page updated by hand", "Status page from the error rate"],
              colour=NoteColour.blue)
    put_notes(server, board_id, "Ann", ["Runbook for the WAF kill switch"], step="quick-fix",
              colour=NoteColour.orange)
    put_notes(server, board_id, "Bob", ["Roll out rules in stages", "Canary PoP first"],
              step="prevent", colour=NoteColour.pink)
    put_notes(server, board_id, "Ann", ["Which other config paths skip the rollout?"],
              step="other-risks", colour=NoteColour.purple)
    put_notes(server, board_id, "Bob", ["Rule changes went global at once by default"],
              step="contributing-factors", colour=NoteColour.purple)
    go_to(fran, "Group", ann, bob)
    expect(sticky(ann, "Canary PoP first")).to_be_visible(timeout=LIVE)
    drag(ann, sticky(ann, "Status page updated by hand"), sticky(ann, "Status page from the error rate"))
    expect(bob.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)
    drag(bob, sticky(bob, "Page the payments on-call directly"),
         sticky(bob, "Alert on the checkout error rate"))
    expect(ann.locator(".pc-cluster")).to_have_count(2, timeout=LIVE)
    ann.screenshot(path=str(DOCS_SCREENSHOTS / f"live-group-{size}.png"))
    assert ann.locator(".pc-root").evaluate(LOW_CONTRAST_JS) == []
    # Above the fold: the whole top bar and the first notes of the first columns.
    bar = box(ann.locator(".pc-bar"))
    assert bar["y"] >= 0 and bar["y"] + bar["height"] <= height
    for step in ("contributing-factors", "detect"):
        note = box(column(ann, step).locator(".pc-note").first)
        assert note["x"] + 60 <= width and note["y"] + 40 <= height, step

    go_to(fran, "Vote", ann, bob)
    ann.locator(".pc-cluster").first.get_by_role("button", name="Vote for", exact=False).click()
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")
    sticky(ann, "Synthetic checkout probe").get_by_role("button", name="Vote for", exact=False).click()
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 3 of 5")
    bob.locator(".pc-cluster").first.get_by_role("button", name="Vote for", exact=False).click()
    expect(bob.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")
    ann.screenshot(path=str(DOCS_SCREENSHOTS / f"live-vote-{size}.png"))
    assert ann.locator(".pc-root").evaluate(LOW_CONTRAST_JS) == []

    go_to(fran, "Discuss", ann, bob)
    fran.locator(".pc-ranked").first.get_by_role("button", name="Focus").click()
    expect(ann.locator(".pc-board [data-item].pc-focused")).to_have_count(1, timeout=LIVE)
    fran.locator(".pc-ranked").first.get_by_role("button", name="Make it an action").click()
    fran.get_by_role("form", name="New action").get_by_role("button", name="Bob").click()
    fran.screenshot(path=str(DOCS_SCREENSHOTS / f"live-discuss-{size}.png"))
    assert fran.locator(".pc-root").evaluate(LOW_CONTRAST_JS) == []



# --- connection ------------------------------------------------------------------------------


def test_the_canvas_shows_reconnecting_and_catches_up_after_the_server_comes_back(
        tmp_path, new_person):
    from tests.e2e.conftest import free_port, start_server, wait_healthy

    db_file, port = tmp_path / "restart.db", free_port()
    process = start_server(db_file, port)
    try:
        wait_healthy(port, process)
        fran = new_person()
        share = create_board(fran, f"http://127.0.0.1:{port}", "Server restart", "Fran")
        board_id = share.split("board=")[1]
        write(fran, "Written before the restart")
        expect(fran.locator(".pc-connection-live")).to_be_visible(timeout=LIVE)

        process.terminate()
        process.wait(timeout=10)
        expect(fran.locator(".pc-connection")).to_have_text("Reconnecting…", timeout=LIVE)
        # Meanwhile the board changes (another server process on the same file).
        db = connect(db_file)
        fran_id = participants.list_participants(db, board_id)[0].id
        notes.add_note(db, board_id, "react", NoteDraft(text="Written while the tab was cut off"),
                       Credentials(participant_id=fran_id))

        process = start_server(db_file, port)
        wait_healthy(port, process)
        expect(fran.locator(".pc-connection")).to_have_text("● Live", timeout=30_000)
        expect(sticky(fran, "Written while the tab was cut off")).to_be_visible(timeout=LIVE)
        expect(sticky(fran, "Written before the restart")).to_be_visible()
    finally:
        process.terminate()
        process.wait(timeout=10)
