"""From a learning to its evidence, to a decision, to the action that carries
it out, in real Chromium."""

import pytest
from playwright.sync_api import expect

from canvas.learnings import EvidenceKind, LearningDraft
from canvas.models import NoteDraft
from canvas.session.phases import Credentials
from storage import actions, learnings, notes, participants
from storage.db import connect
from tests.e2e.conftest import create_board, settle, shoot
from tests.e2e.test_live_session import open_page
from tests.e2e.test_stream import act, session, ticket  # noqa: F401 (session is a fixture)

pytestmark = pytest.mark.e2e

EVIDENCE = "Customers reported checkout errors 12 minutes before any alert fired"


def test_a_learning_leads_to_its_evidence_then_a_decision_then_an_action(server, new_person):
    fran = new_person(1440, 900)
    share = create_board(fran, server.url, "Checkout errors", "Fran")
    board_id = share.split("board=")[1]
    db = connect(server.db)
    # What the team wrote before this part of the meeting, straight to the
    # database the server uses.
    ann, _ = participants.join_board(db, board_id, "Ann")
    writer = Credentials(participant_id=ann.id)
    note = notes.add_note(db, board_id, "detect", NoteDraft(text=EVIDENCE), writer)
    learning = learnings.add_learning(db, board_id, LearningDraft(
        text="customers tell us about checkout errors before our alerts do",
        evidence_kind=EvidenceKind.note, evidence_id=note.id), writer)
    # Learnings come out of talking the items through.
    db["boards"].update(board_id, {"phase": "discuss"})

    open_page(fran, "Learnings")
    card = fran.locator(f".st-key-learned_learning_{learning.id}")
    expect(card).to_contain_text("We learned that customers tell us about checkout errors")
    expect(card).to_contain_text(f"Evidence: Detect · #{note.number} · Customers reported")

    # The learning leads to its evidence ...
    card.get_by_role("link", name="Open the evidence").click()
    settle(fran)
    expect(fran.get_by_role("heading", name="Detect")).to_be_visible()
    expect(fran.locator('[class*="st-key-note-"]').filter(has_text=EVIDENCE)).to_be_visible()

    # ... and back on the Learnings page, to a decision ...
    open_page(fran, "Learnings")
    fran.locator(f".st-key-learned_decide_{learning.id} button").first.click()
    fran.locator(f".st-key-learned_decision_{learning.id}_text input").fill(
        "Alert on the checkout error rate")
    fran.locator(f".st-key-learned_decision_{learning.id}_trade_off textarea").fill(
        "More pages out of hours")
    fran.locator(f".st-key-learned_decision_{learning.id}_save button").click()
    settle(fran)
    fran.keyboard.press("Escape")
    expect(card).to_contain_text("Decision · Fix")
    expect(card).to_contain_text("More pages out of hours")

    # ... to the action that carries it out.
    fran.locator(f".st-key-learned_act_{learning.id} button").first.click()
    fran.locator(f".st-key-learned_action_{learning.id}_title input").fill(
        "Alert when checkout 5xx exceeds 2% for 3 minutes")
    fran.locator(f".st-key-learned_action_{learning.id}_owner input").fill("Ann")
    fran.locator(f".st-key-learned_action_{learning.id}_create button").click()
    settle(fran)
    fran.keyboard.press("Escape")
    expect(card).to_contain_text("→ Alert when checkout 5xx exceeds 2% for 3 minutes · Ann")
    [decision] = learnings.list_decisions(db, board_id)
    [action] = actions.list_actions(db, board_id)
    assert decision.action_ids == [action.id] and action.owner == "Ann"
    # Escape closes the popover; the picture is of the page without it.
    expect(fran.locator(f".st-key-learned_action_{learning.id}_title")).to_be_hidden()
    shoot(fran, "learnings")

    card.get_by_role("link", name="See the actions").click()
    settle(fran)
    expect(fran.get_by_text("Alert when checkout 5xx exceeds 2% for 3 minutes").first).to_be_visible()


def test_a_factor_gets_its_category_through_the_live_board_route(server, session):
    board_id = session["board_id"]
    value = ticket(server, board_id, session["ben_token"])
    status, answer = act(server, board_id, value, type="add_note", step_key="contributing-factors",
                         text="ben-factor-one-stage")
    [factor] = next(c for c in answer["view"]["columns"]
                    if c["key"] == "contributing-factors")["notes"]
    assert (status, factor["category"]) == (200, None)

    status, answer = act(server, board_id, value, type="set_category", item_id=factor["id"],
                         category="process")
    [factor] = next(c for c in answer["view"]["columns"]
                    if c["key"] == "contributing-factors")["notes"]
    assert (status, factor["category"]) == (200, "process")

    status, answer = act(server, board_id, value, type="set_category", item_id=factor["id"],
                         category="luck")
    assert status == 422 and answer["ok"] is False
    elsewhere = notes.list_notes(session["db"], board_id, "detect")[0]
    status, answer = act(server, board_id, value, type="set_category", item_id=elsewhere.id,
                         category="tech")
    assert status == 409 and "contributing-factors step" in answer["message"]

