"""The summary card and the learnings part in real Chromium: a facilitator and
two participants on one board. A participant writes a learning with its
evidence, decides on it and makes its action, and the others see each step
without a reload; the summary edited in one tab shows in the others; two
people editing the summary at once, the later one hears so and keeps their text."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.session.phases import Phase
from storage import clusters, notes
from storage.db import connect
from tests.e2e.test_live_board import (
    LIVE, LOW_CONTRAST_JS, drag, go_to, put_notes, session, sticky, to_phase, write, writer,
)
from tests.e2e.test_part_timeline import card as moment, put_events

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
# The drag code routes a drop on a learning card to the card's part.
SIZES = {"1024": (1024, 768), "1440": (1440, 900)}
CHANGED = ("Someone changed the summary while you were editing: theirs is shown under your text, "
           "which is kept. Save again to put yours in its place.")


def part(page, key: str):
    return page.locator(f'.pc-part[data-part="{key}"]')


def field(page, key: str):
    return part(page, "summary").locator(f'[data-key="summary:{key}"]')


def show_more(page):
    """Unfold the card's roles and intake (folded so the notes stay in reach)."""
    toggle = part(page, "summary").locator(".pc-summary-more")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")


def open_field(page, key: str):
    if key.startswith(("roles.", "intake.")):
        show_more(page)
    field(page, key).locator("button.pc-summary-value").click()
    editor = field(page, key).locator(".pc-summary-input")
    expect(editor).to_be_focused()
    return editor


def learning_card(page, text: str):
    return part(page, "learnings").locator(".pc-learning", has_text=text)


def add_learning(page, text: str, evidence_label: str | None = None) -> None:
    composer = part(page, "learnings").locator(".pc-learning-composer")
    composer.get_by_label("New learning: we learned that…").fill(text)
    if evidence_label:
        choices = composer.get_by_label("Evidence for the new learning")
        choices.focus()  # a select is filled with its choices when someone reaches it
        choices.select_option(label=evidence_label)
    composer.get_by_role("button", name="Add learning").click()
    expect(learning_card(page, text)).to_be_visible(timeout=LIVE)


def test_a_learning_with_evidence_and_a_decision_makes_its_action_and_everyone_sees_it(server, new_person):
    _, fran, ann, bob = session(server, new_person, "Pager muted during the deploy")
    write(ann, "Pager was muted during the deploy")
    write(bob, "Nobody owned the pager rota")

    # While people write, Bob can pick only what he sees, and reads nothing of Ann's note.
    bob_choices = part(bob, "learnings").get_by_label("Evidence for the new learning")
    bob_choices.focus()
    expect(bob_choices.locator("option", has_text="Nobody owned the pager rota")).to_have_count(1, timeout=LIVE)
    expect(bob_choices.locator("option", has_text="Pager was muted")).to_have_count(0)

    add_learning(ann, "the pager can be muted without anyone noticing",
                 "Detect · #1 · Pager was muted during the deploy")
    statement = "We learned that the pager can be muted without anyone noticing"
    for page in (fran, bob):
        expect(learning_card(page, statement)).to_be_visible(timeout=LIVE)
    expect(learning_card(bob, statement).locator(".pc-evidence-select option:checked")).to_have_text(
        "a note not shown to you until grouping starts (or since deleted)")
    expect(part(bob, "learnings")).not_to_contain_text("Pager was muted")

    go_to(fran, "Group", ann, bob)
    expect(learning_card(bob, statement).locator(".pc-evidence-select option:checked")).to_have_text(
        "Detect · #1 · Pager was muted during the deploy", timeout=LIVE)

    card = learning_card(ann, statement)
    card.get_by_role("button", name="Decide on learning 1").click()
    expect(card.get_by_label("Kind of decision")).to_be_focused()
    card.get_by_label("Kind of decision").select_option(label="Guardrail")
    card.get_by_label("What we decide").fill("Page a second person while the pager is muted")
    card.get_by_label("Trade-off").fill("More pages at night")
    card.get_by_role("button", name="Save the decision").click()
    for page in (fran, bob):
        expect(learning_card(page, statement).locator(".pc-decision-text")).to_have_text(
            "Decision · Guardrail: Page a second person while the pager is muted", timeout=LIVE)
        expect(learning_card(page, statement)).to_contain_text("Trade-off: More pages at night")

    card.get_by_role("button", name="Make an action for learning 1").click()
    title = card.get_by_label("What will be done (start with a verb)")
    expect(title).to_be_focused()
    title.fill("Alert when the pager is muted")
    card.get_by_label("Owner").fill("Bob")
    card.get_by_label("Due date").fill("2026-12-24")
    card.get_by_role("button", name="Create the action").click()
    for page in (ann, fran, bob):
        expect(learning_card(page, statement).locator(".pc-decision-action")).to_contain_text(
            "→ Alert when the pager is muted · Bob · 2026-12-24 · Open", timeout=LIVE)
    expect(card.get_by_role("button", name="Make an action for learning 1")).to_be_focused()

    # Without dragging: Bob picks his own note as the evidence, and Fran sees it.
    choices = learning_card(bob, statement).get_by_label("Evidence for learning 1")
    choices.focus()
    choices.select_option(label="Detect · #2 · Nobody owned the pager rota")
    expect(learning_card(fran, statement).locator(".pc-evidence-select option:checked")).to_have_text(
        "Detect · #2 · Nobody owned the pager rota", timeout=LIVE)
    expect(learning_card(fran, statement).locator(".pc-learning-problems")).to_have_count(0)


LEARNING_CONFLICT = ("Someone else changed this while you were editing. Their version is shown below; "
                     "your text is still in the box.")


def test_two_people_editing_one_learning_the_later_hears_it_and_keeps_their_text(server, new_person):
    _, fran, ann, bob = session(server, new_person, "Rollout without stages")
    add_learning(ann, "rules reach every PoP at once")
    statement = "We learned that rules reach every PoP at once"
    expect(learning_card(bob, statement)).to_be_visible(timeout=LIVE)
    ann_text = learning_card(ann, statement)
    ann_text.get_by_role("button", name="Edit learning 1").click()
    ann_box = part(ann, "learnings").get_by_label("Text of learning 1")
    expect(ann_box).to_be_focused()
    ann_box.fill("We learned that a rule reaches every PoP within a minute")
    learning_card(bob, statement).get_by_role("button", name="Edit learning 1").click()
    bob_box = part(bob, "learnings").get_by_label("Text of learning 1")
    bob_box.fill("We learned that nothing stages a rule change")
    bob_box.press("Enter")
    expect(learning_card(fran, "nothing stages a rule change")).to_be_visible(timeout=LIVE)

    expect(part(ann, "learnings").locator(".pc-learning-theirs")).to_have_text(
        "Theirs now: We learned that nothing stages a rule change", timeout=LIVE)
    ann_box.press("Enter")
    expect(part(ann, "learnings").locator(".pc-error")).to_have_text(LEARNING_CONFLICT)
    expect(ann_box).to_have_value("We learned that a rule reaches every PoP within a minute")
    ann_box.press("Enter")
    for page in (fran, bob):
        expect(learning_card(page, "within a minute")).to_be_visible(timeout=LIVE)
    expect(part(ann, "learnings").get_by_role("button", name="Edit learning 1")).to_be_focused()


def test_a_note_dropped_on_a_learning_becomes_its_evidence_for_everyone(server, new_person):
    _, fran, ann, bob = session(server, new_person, "Pager muted", size=(1400, 1400))
    write(ann, "Pager was muted during the deploy")
    add_learning(ann, "the pager can be muted without anyone noticing")
    statement = "We learned that the pager can be muted without anyone noticing"
    go_to(fran, "Group", ann, bob)
    drag(ann, sticky(ann, "Pager was muted"), learning_card(ann, statement))
    for page in (fran, bob):
        expect(learning_card(page, statement).locator(".pc-evidence-select option:checked")).to_have_text(
            "Detect · #1 · Pager was muted during the deploy", timeout=LIVE)
    # The note stays where it was: a drop on a learning links it, and moves nothing.
    expect(sticky(bob, "Pager was muted")).to_have_count(1)
    expect(bob.locator(".pc-cluster")).to_have_count(0)


def test_the_summary_edited_in_one_tab_appears_in_the_others_and_bad_dates_are_refused(server, new_person):
    _, fran, ann, bob = session(server, new_person, "Checkout errors")
    expect(field(bob, "impact")).to_contain_text("Unknown", timeout=LIVE)

    editor = open_field(ann, "summary")
    editor.fill("Checkout failed for 40 minutes after a WAF rule.")
    editor.press("Enter")
    for page in (fran, bob):
        expect(field(page, "summary")).to_contain_text("Checkout failed for 40 minutes after a WAF rule.",
                                                       timeout=LIVE)
    expect(field(ann, "summary").locator("button.pc-summary-value")).to_be_focused()

    open_field(bob, "severity").select_option("SEV1")
    for page in (fran, ann):
        expect(field(page, "severity")).to_contain_text("SEV1 · critical", timeout=LIVE)

    editor = open_field(fran, "roles.scribe")
    editor.fill("Kim")
    # Leaving the field saves it too; folded, the card still names the roles.
    part(fran, "summary").locator(".pc-part-title").click()
    expect(part(ann, "summary").locator(".pc-summary-more")).to_have_text(
        "▸ Roles and intake · Fran (facilitator), Kim (scribe)", timeout=LIVE)
    show_more(bob)
    expect(field(bob, "roles.scribe")).to_contain_text("Kim", timeout=LIVE)
    expect(field(bob, "intake.audience")).to_contain_text("Unknown")

    editor = open_field(ann, "review_date")
    editor.fill("9999-12-31")
    editor.press("Enter")
    expect(field(ann, "review_date").locator(".pc-error")).to_have_text(
        "Review meeting date: 9999-12-31 is outside the supported dates (1970-01-01 to 2200-12-31).")
    expect(editor).to_have_value("9999-12-31")
    editor.press("Escape")
    expect(field(ann, "review_date")).to_contain_text("Unknown")


def test_two_people_editing_the_summary_at_once_the_later_hears_it_and_keeps_their_text(server, new_person):
    _, fran, ann, bob = session(server, new_person, "DNS outage")
    ann_editor = open_field(ann, "summary")
    ann_editor.fill("Ann's account: the resolver fleet ran out of memory.")
    bob_editor = open_field(bob, "summary")
    bob_editor.fill("Bob's account: a config push broke DNS.")
    bob_editor.press("Enter")
    expect(field(fran, "summary")).to_contain_text("Bob's account", timeout=LIVE)

    # Ann, still typing, sees theirs under her own text before she saves.
    expect(field(ann, "summary").locator(".pc-summary-theirs-text")).to_have_text(
        "Bob's account: a config push broke DNS.", timeout=LIVE)
    expect(ann_editor).to_have_value("Ann's account: the resolver fleet ran out of memory.")
    ann_editor.press("Enter")
    expect(field(ann, "summary").locator(".pc-error")).to_have_text(CHANGED)
    expect(ann_editor).to_have_value("Ann's account: the resolver fleet ran out of memory.")
    expect(field(fran, "summary")).to_contain_text("Bob's account")

    # Told and shown, she saves again and hers replaces his everywhere.
    ann_editor.press("Enter")
    for page in (fran, bob):
        expect(field(page, "summary")).to_contain_text("Ann's account", timeout=LIVE)


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_the_summary_card_and_the_learnings(server, new_person, size):
    width, height = SIZES[size]
    _, fran, ann, bob = session(server, new_person, "Checkout errors after the WAF rule", size=(width, height))
    write(ann, "Alert on the checkout error rate, not only on traffic drops")
    show_more(fran)
    for key, value in (("summary", "A WAF rule pushed to every PoP at once blocked checkout for 40 minutes."),
                       ("impact", "EU and US customers could not pay; about 12,000 orders failed."),
                       ("roles.facilitator", "Fran"), ("roles.scribe", "Kim"),
                       ("intake.reviewed", "The checkout outage of 30 November")):
        editor = open_field(ann, key)
        editor.fill(value)
        editor.press("Enter")
        expect(field(fran, key)).to_contain_text(value.split(";")[0], timeout=LIVE)
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert part(fran, "summary").evaluate(LOW_CONTRAST_JS) == []
    # As the board opens: folded, with the first notes' column below it.
    part(ann, "summary").locator(".pc-summary-more").click()
    expect(part(ann, "summary").locator(".pc-summary-more")).to_have_attribute("aria-expanded", "false")
    part(ann, "summary").scroll_into_view_if_needed()
    ann.screenshot(path=str(DOCS_SCREENSHOTS / f"part-summary-{size}.png"))
    column_top = ann.locator('.pc-column[data-step="detect"]').bounding_box()["y"]
    assert column_top + 100 <= height
    part(fran, "summary").scroll_into_view_if_needed()
    fran.screenshot(path=str(DOCS_SCREENSHOTS / f"part-summary-open-{size}.png"))

    go_to(fran, "Group", ann, bob)
    add_learning(ann, "a rule change reaches every PoP at once, with no stage to stop it",
                 "Detect · #1 · Alert on the checkout error rate, not only on traffic drops")
    add_learning(ann, "nobody watches the checkout error rate")
    card = learning_card(ann, "reaches every PoP")
    card.get_by_role("button", name="Decide on learning 1").click()
    card.get_by_label("Kind of decision").select_option(label="Guardrail")
    card.get_by_label("What we decide").fill("Roll rule changes out in stages, canary PoP first")
    card.get_by_label("Trade-off").fill("A rule takes an hour to reach every PoP")
    card.get_by_role("button", name="Save the decision").click()
    card.get_by_role("button", name="Make an action for learning 1").click()
    card.get_by_label("What will be done (start with a verb)").fill("Stage WAF rule rollouts")
    card.get_by_label("Owner").fill("Bob")
    card.get_by_label("Due date").fill("2026-12-24")
    card.get_by_role("button", name="Create the action").click()
    expect(learning_card(bob, "reaches every PoP").locator(".pc-decision-action")).to_contain_text(
        "Stage WAF rule rollouts", timeout=LIVE)
    learning_card(bob, "nobody watches").get_by_role("button", name="Decide on learning 2").click()
    part(bob, "learnings").scroll_into_view_if_needed()
    bob.screenshot(path=str(DOCS_SCREENSHOTS / f"part-learnings-{size}.png"))
    assert part(bob, "learnings").evaluate(LOW_CONTRAST_JS) == []


def test_a_cluster_and_a_moment_dragged_onto_learnings_become_their_evidence(server, new_person):
    # A tall window: the cards and what is dragged onto them are both in sight
    # (dragging to the window's edge to scroll has its own test).
    board_id, fran, ann, bob = session(server, new_person, "Evidence by dragging", size=(1400, 2400))
    put_events(server, board_id, [("2019-07-02T13:45:00Z", "detected", "First page from the WAF check")])
    put_notes(server, board_id, "Ann", ["Pager was muted overnight", "Nobody owned the rota"])
    to_phase(server, board_id, fran, Phase.group)
    db = connect(server.db)
    first, second = notes.list_notes(db, board_id)
    clusters.move_note(db, board_id, second.id, step_key=second.step_key, onto_note_id=first.id,
                       seen_revision=10**6, credentials=writer(server, board_id, "Ann"))
    db.close()
    add_learning(ann, "nobody hears a muted pager")
    add_learning(ann, "the WAF check pages late")
    muted = "We learned that nobody hears a muted pager"
    late = "We learned that the WAF check pages late"

    frame = bob.locator(".pc-cluster", has_text="Pager was muted overnight")
    drag(bob, frame.locator(".pc-cluster-grip"), learning_card(bob, muted))
    # Bob sees his drop land before he drags the next thing.
    expect(learning_card(bob, muted).locator(".pc-evidence-select option:checked")).to_contain_text(
        "cluster", timeout=LIVE)
    drag(bob, moment(bob, "First page from the WAF check").locator(".pc-tl-text"), learning_card(bob, late))
    for page in (fran, ann, bob):
        expect(learning_card(page, muted).locator(".pc-evidence-select option:checked")).to_contain_text(
            "cluster", timeout=LIVE)
        expect(learning_card(page, late).locator(".pc-evidence-select option:checked")).to_contain_text(
            "First page from the WAF check", timeout=LIVE)
    # Bob reaches the list (it fills) and leaves it; a change from Ann then
    # redraws the card, which still shows the cluster.
    learning_card(bob, muted).get_by_label("Evidence for learning 1").focus()
    bob.keyboard.press("Tab")
    add_learning(ann, "rotas need an owner")
    expect(learning_card(bob, "We learned that rotas need an owner")).to_be_visible(timeout=LIVE)
    expect(learning_card(bob, muted).locator(".pc-evidence-select option:checked")).to_contain_text("cluster")
    # A moment dropped anywhere else links nothing, and says so.
    drag(bob, moment(bob, "First page from the WAF check").locator(".pc-tl-text"), part(bob, "summary"))
    expect(bob.locator(".pc-message")).to_contain_text("Dropped outside a learning card", timeout=LIVE)
