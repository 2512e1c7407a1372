"""A facilitator and two participants run a session on one board in real Chromium."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import add_note, create_board, join, settle, shoot
from tests.e2e.test_live_board import drag

pytestmark = pytest.mark.e2e

# Changes are pushed to every open page; allow a rerun on a busy 2-core machine.
LIVE = 10_000


def open_page(page, name: str) -> None:
    # A run the page has on its way (its top bar heard of a change) would
    # take the person back to this page after the click.
    settle(page)
    page.get_by_role("link", name=name, exact=True).click()
    settle(page)


def stickies(page):
    return page.locator('[class*="st-key-note-"] [data-testid=stText]')


def test_write_group_vote_discuss_close_with_three_people(server, new_person):
    fran = new_person()
    share = create_board(fran, server.url, "Checkout errors", "Fran")
    ann = join(new_person(), share, "Ann")
    bob = join(new_person(), share, "Bob")
    for person in (fran, ann, bob):
        open_page(person, "Detect")

    # Write: private notes; others see only a count.
    add_note(ann, "Alert on the checkout error rate")
    add_note(bob, "Synthetic checkout probe every minute")
    expect(ann.get_by_text("others have written 1 here", exact=False)).to_be_visible(timeout=LIVE)
    assert stickies(ann).all_inner_texts() == ["Alert on the checkout error rate"]
    # What Ann is typing survives the reruns that other people's changes cause.
    ann.locator(".st-key-step_text textarea").fill("half-written thought")
    add_note(bob, "Page the payments on-call directly")
    expect(ann.get_by_text("others have written 2 here", exact=False)).to_be_visible(timeout=LIVE)
    assert ann.locator(".st-key-step_text textarea").input_value() == "half-written thought"
    shoot(ann, "session-1-write")

    # Group, on the board screen: the facilitator advances from the top bar;
    # a note dropped onto another makes a cluster, which Ann names.
    fran.get_by_role("button", name="Group ▶").click()
    settle(fran)
    for person in (ann, bob):
        open_page(person, "Board")
    expect(ann.locator(".pc-note", has_text="Synthetic checkout probe every minute")).to_be_visible(
        timeout=LIVE)
    drag(ann, ann.locator(".pc-note", has_text="Alert on the checkout error rate"),
         ann.locator(".pc-note", has_text="Page the payments on-call directly"))
    expect(ann.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)
    ann.locator(".pc-cluster .pc-rename").click()
    ann.locator(".pc-cluster input").fill("Alerting")
    ann.locator(".pc-cluster input").press("Enter")
    # Bob sees Ann's drop and the name without reloading.
    bob_cluster = bob.locator(".pc-cluster", has=bob.locator(".pc-cluster-name", has_text="Alerting"))
    expect(bob_cluster.get_by_text("Alert on the checkout error rate", exact=False)).to_be_visible(
        timeout=LIVE)
    shoot(bob, "session-2-group")

    # Vote, on the board: blind until revealed.
    fran.get_by_role("button", name="Vote ▶").click()
    settle(fran)
    for person in (ann, bob):
        expect(person.locator('.pc-step[aria-current="step"]')).to_have_text("Vote", timeout=LIVE)
    ann_cluster = ann.locator(".pc-cluster", has=ann.locator(".pc-cluster-name", has_text="Alerting"))
    ann_cluster.get_by_role("button", name="Vote for", exact=False).click()
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")
    ann_cluster.get_by_role("button", name="Vote for", exact=False).click()
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 3 of 5")
    bob.locator(".pc-note", has_text="Synthetic checkout probe").get_by_role(
        "button", name="Vote for", exact=False).click()
    expect(bob.locator(".pc-budget")).to_have_text("Votes left: 4 of 5")
    # Bob sees his own dot and nobody's totals.
    expect(bob.locator(".pc-dot-mine")).to_have_count(1)
    expect(bob.locator(".pc-total")).to_have_text(["yours: 1"])
    assert bob.locator(".pc-dot-other").count() == 0
    shoot(bob, "session-3-vote-blind")

    # Discuss: votes revealed, items ranked, the facilitator focuses the top one.
    fran.get_by_role("button", name="Discuss ▶").click()
    settle(fran)
    open_page(fran, "Board")
    ranked = ann.locator(".pc-ranked-label")
    expect(ranked).to_have_count(2, timeout=LIVE)
    expect(ranked.first).to_have_text("Alerting")
    expect(ranked.nth(1)).to_contain_text("Synthetic checkout probe")
    fran.locator(".pc-ranked", has_text="Alerting").get_by_role("button", name="Focus").click()
    expect(ann.locator(".pc-ranked.pc-focused")).to_contain_text("Alerting", timeout=LIVE)
    shoot(ann, "session-4-discuss")

    # Closed: read-only for participants.
    fran.get_by_role("button", name="Closed ▶").click()
    settle(fran)
    open_page(bob, "Detect")
    expect(bob.get_by_text("The board is closed", exact=False)).to_be_visible()
    assert bob.locator(".st-key-step_text").count() == 0
    assert bob.get_by_role("button", name="Edit").count() == 0
    shoot(bob, "session-5-closed")


def test_two_server_processes_on_one_database_file_stay_in_sync(server, new_person):
    """SQLite is the source of truth: a second `streamlit run` on the same file
    serves the same live board."""
    from tests.e2e.conftest import free_port, start_server, wait_healthy

    port = free_port()
    second = start_server(server.db, port)
    try:
        wait_healthy(port, second)
        fran = new_person()
        share = create_board(fran, server.url, "Two servers", "Fran")
        open_page(fran, "Detect")
        other_url = share.replace(server.url, f"http://127.0.0.1:{port}")
        gil = join(new_person(), other_url, "Gil")
        open_page(gil, "Detect")
        add_note(gil, "written through the second server")
        fran.get_by_role("button", name="Group ▶").click()
        settle(fran)
        open_page(fran, "Board")
        open_page(gil, "Board")
        expect(fran.locator(".pc-note", has_text="written through the second server")).to_be_visible(
            timeout=LIVE)
        composer = fran.locator('.pc-column[data-step="detect"] textarea')
        composer.fill("written through the first server")
        composer.press("Enter")
        expect(gil.locator(".pc-note", has_text="written through the first server")).to_be_visible(
            timeout=LIVE)
    finally:
        second.terminate()
        second.wait(timeout=10)


def test_a_co_facilitator_link_gives_the_controls_and_leaves_the_address_bar(server, new_person):
    fran = new_person()
    share = create_board(fran, server.url, "Handing over", "Fran")
    open_page(fran, "Facilitate")
    fran.get_by_role("button", name="New co-facilitator link").click()
    settle(fran)
    link = fran.locator("[data-testid=stCode] code").last.inner_text().strip()
    assert "facilitator=" in link and link.startswith(share.split("/?")[0])

    gil = join(new_person(), link, "Gil")
    # The key moved into the browser's storage: the address bar no longer shows it.
    assert "facilitator=" not in gil.url
    open_page(gil, "Facilitate")
    expect(gil.get_by_role("button", name="Vote", exact=True)).to_be_visible()
    gil.reload()
    settle(gil)
    open_page(gil, "Facilitate")
    expect(gil.get_by_role("button", name="Vote", exact=True)).to_be_visible()

    # Someone who only has the share link gets no controls.
    ravi = join(new_person(), share, "Ravi")
    open_page(ravi, "Facilitate")
    expect(ravi.get_by_text("Only the facilitator sees these controls")).to_be_visible()
    assert ravi.get_by_role("button", name="Vote", exact=True).count() == 0
