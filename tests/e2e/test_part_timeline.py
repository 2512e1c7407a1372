"""The timeline lane in real Chromium: moments added and corrected by one
person reach the others' boards with their durations, without a reload; two
corrections of the same text end in a conflict that keeps the later typing."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.incident.timeline import TimelineEvent, parse_incident_file
from canvas.models import NoteDraft
from canvas.session.phases import Phase
from storage import events, notes
from storage.db import connect
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_live_board import (
    DOCS_SCREENSHOTS, LIVE, LOW_CONTRAST_JS, drag, put_notes, session, sticky, to_phase, writer,
)

pytestmark = pytest.mark.e2e

INCIDENTS_DIR = Path(
    os.environ.get("POSTMORTEM_INCIDENTS_DIR")
    or Path(__file__).resolve().parents[3] / "shared" / "incidents"
)
# Set in each tab at the start; still there at the end means no reload happened.
NOT_RELOADED = "window.__timelineTabKept"


def lane(page):
    return page.locator(".pc-part-timeline")


def card(page, text: str):
    return lane(page).locator(".pc-tl-event", has_text=text)


def metric(page, name: str):
    return lane(page).locator(f'.pc-tl-metric[data-metric="{name}"]')


def put_events(server, board_id: str, rows) -> list[TimelineEvent]:
    """Events written from another process, as if entered on the timeline page."""
    db = connect(server.db)
    for at, kind, text in rows:
        events.add_event(db, board_id, TimelineEvent(at=at, kind=kind, text=text))
    return events.list_events(db, board_id)


def keep_watch(*pages) -> None:
    for page in pages:
        page.evaluate(f"{NOT_RELOADED} = true")


def test_a_moment_added_by_one_and_a_time_corrected_by_another_reach_everyone_with_the_durations(
        server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "WAF rule outage")
    put_events(server, board_id, [("2019-07-02T13:42:00Z", "impact_start", "502s worldwide"),
                                  ("2019-07-02T13:45:00Z", "detected", "First page from the WAF check")])
    for page in (fran, ann, bob):
        expect(card(page, "First page from the WAF check")).to_be_visible(timeout=LIVE)
    keep_watch(fran, ann, bob)
    expect(metric(bob, "time_to_detect").locator(".pc-tl-metric-value")).to_have_text("3 min")

    form = ann.get_by_role("form", name="Add an event")
    form.get_by_label("Date (UTC)").fill("2019-07-02")
    form.get_by_label("Time (UTC)").fill("14:02")
    form.get_by_label("Kind of the new event").select_option("mitigated")
    form.get_by_role("textbox", name="What happened").fill("WAF disabled globally")
    form.get_by_role("button", name="Add event").click()
    expect(form.get_by_role("textbox", name="What happened")).to_have_value("")
    for page in (fran, bob):
        expect(card(page, "WAF disabled globally")).to_be_visible(timeout=LIVE)
        expect(metric(page, "time_to_mitigate").locator(".pc-tl-metric-value")).to_have_text("20 min")
        expect(metric(page, "time_to_mitigate").locator(".pc-tl-formula")).to_have_text(
            "= mitigated 14:02 − impact start 13:42")

    # Bob corrects the time of the page: everyone's time to detect follows.
    card(bob, "First page").get_by_role("button", name="Edit event 2").click()
    editor = lane(bob).locator(".pc-tl-editing form")
    editor.get_by_label("Time (UTC)").fill("13:54")
    editor.get_by_role("button", name="Save").click()
    for page in (fran, ann, bob):
        expect(metric(page, "time_to_detect").locator(".pc-tl-metric-value")).to_have_text("12 min", timeout=LIVE)
        expect(metric(page, "time_to_detect").locator(".pc-tl-formula")).to_have_text(
            "= detected 13:54 − impact start 13:42")
        expect(card(page, "First page").locator(".pc-tl-time")).to_have_text("13:54")
    stored = {e.text: e for e in events.list_events(connect(server.db), board_id)}
    assert stored["First page from the WAF check"].at.strftime("%H:%M") == "13:54"
    assert (stored["WAF disabled globally"].kind.value, stored["WAF disabled globally"].at.strftime("%H:%M")) == (
        "mitigated", "14:02")
    assert all(page.evaluate(NOT_RELOADED) for page in (fran, ann, bob))


def test_the_later_of_two_corrections_of_one_text_hears_a_conflict_and_keeps_its_typing(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Two editors")
    put_events(server, board_id, [("2019-07-02T13:45:00Z", "detected", "Paged")])
    for page in (ann, bob):
        card(page, "Paged").get_by_role("button", name="Edit event 1").click()
    ann_text = ann.get_by_role("textbox", name="What happened, event 1")
    bob_text = bob.get_by_role("textbox", name="What happened, event 1")
    ann_text.fill("Paged by the synthetic WAF check")
    ann.get_by_label("Kind of event 1").select_option("acknowledged")
    bob_text.fill("Paged at 13:45 by PagerDuty")
    ann.get_by_role("button", name="Save").click()
    expect(card(fran, "Paged by the synthetic WAF check")).to_be_visible(timeout=LIVE)

    bob.get_by_role("button", name="Save").click()
    error = lane(bob).locator(".pc-error")
    expect(error).to_contain_text("Someone else changed this while you were editing.")
    expect(bob_text).to_have_value("Paged at 13:45 by PagerDuty")
    expect(lane(bob).locator(".pc-tl-theirs")).to_contain_text("Paged by the synthetic WAF check")
    assert events.list_events(connect(server.db), board_id)[0].text == "Paged by the synthetic WAF check"
    lane(bob).screenshot(path=str(SCREENSHOTS / "part-timeline-conflict.png"), animations="disabled")

    bob.get_by_role("button", name="Save mine over theirs").click()
    for page in (fran, ann):
        expect(card(page, "Paged at 13:45 by PagerDuty")).to_be_visible(timeout=LIVE)
    # Bob's text replaces Ann's; the kind she set, which he never touched, stays hers.
    [now] = events.list_events(connect(server.db), board_id)
    assert (now.text, now.kind.value) == ("Paged at 13:45 by PagerDuty", "acknowledged")

    # Bob edits again while Ann deletes the moment: his typing is not lost.
    card(bob, "Paged at 13:45 by PagerDuty").get_by_role("button", name="Edit event 1").click()
    bob_text.fill("Paged at 13:46 by PagerDuty")
    card(ann, "Paged at 13:45 by PagerDuty").get_by_role("button", name="Delete event 1").click()
    expect(lane(bob).locator(".pc-tl-orphan")).to_contain_text("Paged at 13:46 by PagerDuty", timeout=LIVE)
    lane(bob).get_by_role("button", name="Put it in the new event form").click()
    expect(bob.get_by_role("form", name="Add an event").get_by_role("textbox", name="What happened")).to_have_value(
        "Paged at 13:46 by PagerDuty")


SIZES = {"1024": (1024, 768), "1440": (1440, 900)}


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_a_real_incident_on_the_lane(server, new_person, size):
    path = INCIDENTS_DIR / "cloudflare-2019-07-02.json"
    if not path.exists():
        pytest.skip(f"no incident file at {path}")
    incident = parse_incident_file(path.read_text(encoding="utf-8"))
    board_id, fran, ann, bob = session(server, new_person, "Global outage from a WAF rule", size=SIZES[size])
    db = connect(server.db)
    events.add_events(db, board_id, incident.events)
    stored = events.list_events(db, board_id)
    note = notes.add_note(db, board_id, "detect", NoteDraft(text="The first page came from a synthetic check"),
                          writer(server, board_id, "Ann"))
    detected = next(e for e in stored if e.kind.value == "detected")
    notes.link_note_to_event(db, board_id, note.id, detected.id, writer(server, board_id, "Ann"))
    events.set_event_assumption(db, board_id, stored[1].id, True)

    expect(card(ann, "The first page came from a synthetic check")).to_be_visible(timeout=LIVE)
    expect(lane(ann).locator(".pc-tl-marker")).to_have_count(len(incident.events))
    expect(metric(ann, "impact_duration").locator(".pc-tl-metric-value")).to_have_text("27 min")
    # The viewer may read the times in another zone; nothing else changes.
    lane(ann).get_by_label("Times in").select_option("Europe/Berlin")
    expect(card(ann, "First PagerDuty page").locator(".pc-tl-time")).to_have_text("15:45")
    expect(card(bob, "First PagerDuty page").locator(".pc-tl-time")).to_have_text("13:45")
    # Readable: the lane fits the window, and its text meets the contrast rule.
    width = SIZES[size][0]
    body = lane(ann).bounding_box()
    assert body["x"] >= 0 and body["x"] + body["width"] <= width
    assert lane(ann).evaluate(LOW_CONTRAST_JS) == []
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lane(ann).screenshot(path=str(DOCS_SCREENSHOTS / f"part-timeline-{size}.png"), animations="disabled")
    ann.screenshot(path=str(SCREENSHOTS / f"part-timeline-page-{size}.png"), animations="disabled")
    assert re.match(r"\d", lane(ann).locator(".pc-tl-metric-value").first.inner_text())


CHAT = """13:42 deploy of the WAF rule started
13:45 alice: paged for checkout 5xx
not a line with a time
14:02 rolled back the WAF rule"""


def test_a_pasted_chat_log_is_previewed_corrected_and_added_for_everyone(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Pasted log")
    lane(ann).get_by_role("button", name="Paste a chat log").click()
    lane(ann).get_by_label("Date of lines without one").fill("2019-07-02")
    lane(ann).get_by_role("textbox", name="Chat lines, one event per line").fill(CHAT)
    lane(ann).get_by_role("button", name="Preview").click()
    preview = lane(ann).locator(".pc-tl-preview")
    expect(preview).to_contain_text("3 events found, 1 line not usable", timeout=LIVE)
    expect(preview.locator(".pc-tl-preview-errors")).to_contain_text("Line 3")
    assert events.list_events(connect(server.db), board_id) == []
    preview.get_by_label("Add “alice: paged for checkout 5xx”").uncheck()
    preview.get_by_label("Kind of “deploy of the WAF rule started”").select_option("impact_start")
    lane(ann).screenshot(path=str(SCREENSHOTS / "part-timeline-paste.png"), animations="disabled")
    preview.get_by_role("button", name="Confirm: add 2 events").click()
    for page in (fran, bob):
        expect(card(page, "rolled back the WAF rule")).to_be_visible(timeout=LIVE)
        expect(metric(page, "time_to_mitigate").locator(".pc-tl-metric-value")).to_have_text("20 min")
    assert [(e.kind.value, e.text) for e in events.list_events(connect(server.db), board_id)] == [
        ("impact_start", "deploy of the WAF rule started"), ("mitigated", "rolled back the WAF rule")]


def test_a_note_dropped_on_a_moment_is_linked_to_it_for_everyone(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Linked moment")
    [moment] = put_events(server, board_id, [("2019-07-02T13:45:00Z", "detected", "First page from the WAF check")])
    put_notes(server, board_id, "Ann", ["Pager was muted overnight"])
    to_phase(server, board_id, fran, Phase.group)
    for page in (fran, ann, bob):
        expect(sticky(page, "Pager was muted overnight")).to_be_visible(timeout=LIVE)
        expect(card(page, "First page from the WAF check")).to_be_visible(timeout=LIVE)
    drag(ann, sticky(ann, "Pager was muted overnight"), card(ann, "First page from the WAF check"))
    for page in (fran, ann, bob):
        expect(card(page, "First page from the WAF check").locator(".pc-tl-note")).to_contain_text(
            "Pager was muted overnight", timeout=LIVE)
    [note] = notes.list_notes(connect(server.db), board_id)
    assert note.event_id == moment.id


def test_a_note_is_linked_to_a_moment_from_the_keyboard_and_unlinked_again(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Linked by keyboard")
    put_events(server, board_id, [("2019-07-02T13:45:00Z", "detected", "First page from the WAF check")])
    put_notes(server, board_id, "Ann", ["Pager was muted overnight"])
    to_phase(server, board_id, fran, Phase.group)
    choices = card(bob, "First page from the WAF check").get_by_label("Link a note to event 1")
    choices.focus()
    expect(choices.locator("option", has_text="Pager was muted overnight")).to_have_count(1, timeout=LIVE)
    choices.select_option(label="#1 · Pager was muted overnight")
    for page in (fran, ann, bob):
        expect(card(page, "First page from the WAF check").locator(".pc-tl-note")).to_contain_text(
            "Pager was muted overnight", timeout=LIVE)
    # Focus stays on the list, which no longer offers the linked note.
    linked = card(bob, "First page from the WAF check").get_by_label("Link a note to event 1")
    expect(linked).to_be_focused()
    expect(linked.locator("option", has_text="Pager was muted overnight")).to_have_count(0)
    bob.keyboard.press("Shift+Tab")
    card(bob, "First page from the WAF check").get_by_role(
        "button", name="Unlink note #1 from event 1").press("Enter")
    for page in (fran, ann, bob):
        expect(card(page, "First page from the WAF check").locator(".pc-tl-note")).to_have_count(0, timeout=LIVE)
