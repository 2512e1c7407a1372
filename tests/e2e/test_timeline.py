"""The timeline in a real browser: one person adds an event, another sees it
and the chart; a note tied to a moment; screenshots of a day-long and a
one-hour incident."""

import subprocess
import sys
from pathlib import Path

import pytest

from canvas.session.phases import Credentials
from storage import events, notes, participants
from storage.db import connect
from tests.e2e.conftest import ROOT, create_board, join, settle, shoot

pytestmark = pytest.mark.e2e

INCIDENTS = ROOT.parent / "shared" / "incidents"
CHART = ".js-plotly-plot"


def open_timeline(page) -> None:
    page.get_by_role("link", name="Rough timeline").click()
    settle(page)
    page.get_by_role("heading", name="Rough timeline").wait_for()


def shoot_whole_page(page, name: str) -> Path:
    """A screenshot of the whole page: Streamlit scrolls inside its main block,
    not the document, so the viewport is grown to the content's height first."""
    page.locator("[data-testid=stToast]").first.wait_for(state="detached", timeout=15_000)
    height = page.evaluate(
        "Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
        "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight))")
    width = page.viewport_size["width"]
    page.set_viewport_size({"width": width, "height": int(height) + 80})
    page.wait_for_function(CHART_FITS, polling="raf")
    return shoot(page, name)


# Plotly redraws a chart when its box changes size (the scroll bar goes when the
# viewport grows): drawn, the chart is as wide as its box.
CHART_FITS = """
() => [...document.querySelectorAll('.js-plotly-plot')].every((plot) => {
  const drawn = plot.querySelector('.main-svg');
  return drawn && Math.abs(drawn.getBoundingClientRect().width - plot.getBoundingClientRect().width) < 1;
})
"""


def rows_text(page) -> list[str]:
    return page.locator('[class*="st-key-timeline_row_"] [data-testid=stText]').all_inner_texts()


def test_an_event_added_by_one_person_is_seen_with_the_chart_by_another(server, new_person):
    ann = new_person()
    share = create_board(ann, server.url, "Checkout errors after deploy", "Ann")
    open_timeline(ann)
    ann.locator(".st-key-timeline_new_time input").fill("13:42")
    ann.locator(".st-key-timeline_new_text textarea").fill("Paged for <b>checkout</b> 5xx & timeouts")
    ann.get_by_role("button", name="Add event").click()
    settle(ann)
    assert "Paged for <b>checkout</b> 5xx & timeouts" in rows_text(ann)
    ann.locator(CHART).wait_for()

    ben = new_person()
    join(ben, share, "Ben")
    open_timeline(ben)
    ben.locator(CHART).wait_for()
    texts = rows_text(ben)
    assert "Paged for <b>checkout</b> 5xx & timeouts" in texts
    assert any(text.endswith(" UTC") and " 13:42 " in f" {text} " for text in texts), texts
    # One lane ("Action"), and the hover label shows the markup as typed.
    ben.locator(f"{CHART} .scatterlayer .trace .points path").first.hover(force=True)
    hover = ben.locator(f"{CHART} .hoverlayer")
    hover.locator("text").first.wait_for()
    assert "Paged for <b>checkout</b> 5xx & timeouts" in hover.text_content()
    assert hover.locator("b", has_text="checkout").count() == 0


def test_screenshots_of_a_long_and_a_short_incident(server, new_person):
    # Long: the day-long GitHub outage, imported with the command line.
    board_id = subprocess.run(
        [sys.executable, str(ROOT / "postmortem_canvas.py"), "import",
         str(INCIDENTS / "github-2018-10-21.json"), "--db", str(server.db)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.strip()
    # Tie the imported contributing factor to the moment it is about.
    db = connect(server.db)
    [factor, *_] = notes.list_notes(db, board_id)
    moment = events.list_events(db, board_id)[2]
    linker, _ = participants.join_board(db, board_id, "Lee")
    notes.link_note_to_event(db, board_id, factor.id, moment.id,
                             Credentials(participant_id=linker.id))
    db.close()
    sam = new_person(width=1400, height=1000)
    join(sam, f"{server.url}/?board={board_id}", "Sam")
    open_timeline(sam)
    sam.locator(CHART).wait_for()
    assert len(rows_text(sam)) >= 20 * 2  # time and text of each of the 20 events
    linked = sam.locator(f".st-key-timeline_row_{moment.id} [data-testid=stExpander]")
    assert "1 linked note" in linked.inner_text()
    shoot_whole_page(sam, "timeline-long")

    # Short: the 27-minute Cloudflare outage, through the page's own upload.
    kim = new_person(width=1400, height=1000)
    create_board(kim, server.url, "Cloudflare WAF outage", "Kim")
    open_timeline(kim)
    kim.get_by_role("tab", name="Incident file").click()
    kim.locator(".st-key-timeline_import_file input[type=file]").set_input_files(
        str(INCIDENTS / "cloudflare-2019-07-02.json"))
    settle(kim)
    kim.locator(".st-key-timeline_preview_file button").click()
    settle(kim)
    kim.locator(".st-key-timeline_import_confirm button").click()
    settle(kim)
    kim.locator(CHART).wait_for()
    assert kim.locator(".st-key-timeline_metric_time_to_mitigate").inner_text().count("27 min") == 1
    shoot_whole_page(kim, "timeline-short")
