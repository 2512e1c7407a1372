"""Leaving the meeting with actions and a summary; nudges while writing (real Chromium)."""

import pytest
from playwright.sync_api import expect

from canvas.models import NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import boards, clusters, notes, participants, votes
from storage.db import connect
from tests.e2e.conftest import add_note, create_board, join, settle, shoot
from tests.e2e.test_live_session import open_page

pytestmark = pytest.mark.e2e


def test_a_top_voted_cluster_becomes_an_action_and_the_markdown_downloads(server, new_person):
    fran = new_person()
    share = create_board(fran, server.url, "Checkout errors", "Fran")
    board_id = share.split("board=")[1]
    db = connect(server.db)
    # The session so far, written straight to the database the server uses.
    ann, _ = participants.join_board(db, board_id, "Ann")
    writer = Credentials(participant_id=ann.id)
    first = notes.add_note(db, board_id, "detect", NoteDraft(text="Alert on the 5xx rate"), writer)
    second = notes.add_note(db, board_id, "detect", NoteDraft(text="Synthetic checkout probe"), writer)
    notes.add_note(db, board_id, "react", NoteDraft(text="Un-voted note stays"), writer)
    # Fran's browser holds the facilitator key, so she moves the phases on the
    # page; the setup before that goes straight to the server's database.
    db["boards"].update(board_id, {"phase": "group"})
    cluster = clusters.create_cluster(db, board_id, "detect", "Alert sooner", writer)
    clusters.move_notes(db, board_id, "detect", {first.id: cluster.id, second.id: cluster.id}, writer)
    db["boards"].update(board_id, {"phase": "vote"})
    for seen in range(3):
        votes.cast_vote(db, board_id, writer, cluster.id, seen)
    fran.get_by_role("button", name="Discuss ▶").click()
    settle(fran)
    assert boards.get_board(db, board_id).phase == Phase.discuss

    # On the board: the ranked column, and an action drafted from the top item.
    top = fran.locator(".pc-ranked").first
    expect(top.locator(".pc-ranked-label")).to_have_text("Alert sooner")
    top.get_by_role("button", name="Make it an action").click()
    form = fran.get_by_role("form", name="New action")
    # The title starts empty (a cluster's name is a topic, not a deed).
    expect(form.get_by_role("textbox", name="Action", exact=True)).to_have_value("")
    form.get_by_role("textbox", name="Action", exact=True).fill("Alert sooner on checkout errors")
    form.get_by_role("button", name="Save action").click()
    expect(top).to_contain_text("has an action")
    open_page(fran, "Next steps")
    expect(fran.get_by_text("Draft: needs an owner and a due date")).to_be_visible()
    shoot(fran, "follow-through-actions")

    open_page(fran, "Export")
    with fran.expect_download() as download_info:
        fran.get_by_role("button", name="Markdown summary (.md)").click()
    markdown = open(download_info.value.path(), encoding="utf-8").read()
    assert markdown.startswith("# Checkout errors")
    assert "Alert sooner" in markdown and "Un-voted note stays" in markdown
    assert "Alert sooner" in markdown.split("## Actions")[1], "the action is in the actions table"
    shoot(fran, "follow-through-export")


def test_a_blaming_note_shows_a_nudge_that_goes_away_when_rewritten(server, new_person):
    fran = new_person()
    share = create_board(fran, server.url, "Backup failure", "Fran")
    ann = join(new_person(), share, "Ann")
    open_page(ann, "Detect")
    add_note(ann, "Ops should have noticed the disk filling up")
    nudge = ann.locator('[class*="st-key-nudge_"]')
    expect(nudge).to_contain_text("should have")
    expect(nudge).to_contain_text("Try:")
    shoot(ann, "nudge-shown")

    ann.get_by_role("button", name="Edit").click()
    editor = ann.locator('[class*="st-key-edit_text_"] textarea')
    editor.fill("Disk usage on the backup host had no alert")
    ann.get_by_role("button", name="Save").click()
    settle(ann)
    expect(ann.locator('[class*="st-key-note-"] [data-testid=stText]')).to_have_text(
        ["Disk usage on the backup host had no alert"])
    expect(ann.locator('[class*="st-key-nudge_"]')).to_have_count(0)
    shoot(ann, "nudge-gone")
