"""The retrospective pack's first example, run on one screen in real Chromium:
"a 45-minute outage in our payments API yesterday". Fran facilitates, Ann and
Bob take part, each in their own tab, and nobody leaves the board page: the
timeline from a pasted chat log, notes, a cluster, votes, the discussion, the
contributing factors and a 5 Whys, three learnings with evidence and their
decisions, owned and dated actions with success signals, two kill criteria,
and closing the board. Every step shows in the other tabs without a reload."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.session.phases import Phase
from storage import actions, boards, events, learnings
from storage.db import connect
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_live_board import column, session, sticky
from tests.e2e.test_meeting_lead import wait_in_view

pytestmark = pytest.mark.e2e

DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# A change travels server -> stream -> every tab; a busy 2-core machine runs three.
LIVE = 15_000

YESTERDAY = "2026-12-06"
CHAT = """14:05 payments API returning 500s for card payments
14:12 alice: paged for the payments API 5xx rate
not a line with a time
14:31 bob: rolled back the connection pool change"""
ENDED = "customer impact ended: card payments succeed again"

NO_ALERT = "No alert fired on the payments 5xx rate"
DASHBOARDS = "The dashboards showed traffic, not errors"
SLOW_ROLLBACK = "Finding the change to roll back took 19 minutes"
SKIPPED_CANARY = "The connection pool change skipped the canary stage"
UNREVIEWED = "Nobody reviewed the pool size default"
CLUSTER = "Nobody saw the errors"

ALERT_ACTION = "Alert on payments API 5xx above 2% for 3 minutes"
CANARY_ACTION = "Send every connection pool change through the canary"
RUNBOOK_ACTION = "Write the payments rollback runbook"

# Set on each tab's board at the start: still there at the end means the
# board was never drawn afresh (no reload, no Streamlit page switch).
KEEP_MARK = "root => { root.__wholeMeeting = 'the same board'; }"
READ_MARK = "root => root.__wholeMeeting || null"


# --- where things are on the board ------------------------------------------------------


def part(page, key: str):
    return page.locator(f'.pc-part[data-part="{key}"]')


def event_card(page, text: str):
    return part(page, "timeline").locator(".pc-tl-event", has_text=text)


def metric(page, name: str):
    return part(page, "timeline").locator(f'.pc-tl-metric[data-metric="{name}"]')


def factor(page, text: str):
    # Not the copy that follows the pointer during a drag.
    return part(page, "factors").locator(".pc-factor:not(.pc-ghost)", has_text=text)


def learning(page, text: str):
    return part(page, "learnings").locator(".pc-learning", has_text=text)


def action_card(page, title: str):
    return part(page, "actions").locator(f'.pc-ap-card[aria-label="Action: {title}"]')


def step_now(page):
    return page.locator('.pc-step[aria-current="step"]')


def board_root(page):
    return page.locator(".pc-root[data-mode=board]")


# --- what a person does ------------------------------------------------------------------


def summary_field(page, key: str):
    return part(page, "summary").locator(f'[data-key="summary:{key}"]')


def edit_summary(page, key: str, value: str) -> None:
    summary_field(page, key).locator("button.pc-summary-value").click()
    editor = summary_field(page, key).locator(".pc-summary-input")
    expect(editor).to_be_focused()
    editor.fill(value)
    editor.press("Enter")
    expect(summary_field(page, key).locator("button.pc-summary-value")).to_contain_text(value, timeout=LIVE)


def write(page, step: str, text: str) -> None:
    area = column(page, step).locator("textarea")
    area.fill(text)
    area.press("Enter")
    expect(sticky(page, text)).to_be_visible(timeout=LIVE)
    expect(area).to_have_value("")


def choose(select, containing: str) -> None:
    """Pick the option whose text holds `containing`, as a person reads the
    list (reaching the select first: an evidence list is filled then)."""
    select.focus()
    option = select.locator("option", has_text=containing)
    expect(option).to_have_count(1, timeout=LIVE)
    select.select_option(option.get_attribute("value"))


def move_on(fran, label: str, *others) -> None:
    """Fran moves the meeting on with the top bar's ▶; everyone's bar follows."""
    fran.locator(".pc-facilitation").get_by_role("button", name=f"{label} ▶").click()
    for page in (fran, *others):
        expect(step_now(page)).to_have_text(label, timeout=LIVE)


def bring_everyone(fran, place: str, key: str, *others, title: str | None = None) -> None:
    """Fran goes to a place of the board (`key` marks it) and, once she is
    there, brings everyone who follows her; their boards scroll there too.

    She can only press "Bring everyone here" while the top bar is in sight
    where she is: on a board whose bar scrolls away with the page, going back
    up to it would bring everyone to the top instead. There, everyone goes to
    the place themselves with the bar's places row."""
    go_to_place(fran, place, key)
    lead = fran.get_by_role("button", name="Bring everyone here")
    if not lead.evaluate(IN_WINDOW):
        for page in others:
            go_to_place(page, place, key)
        return
    lead.click()
    title = title or place
    expect(fran.locator(".pc-following")).to_have_text(f"Everyone is with you at {title}", timeout=LIVE)
    for page in others:
        expect(page.locator(".pc-following")).to_have_text(f"Following the facilitator: {title}", timeout=LIVE)
        wait_in_view(page, key)


def go_to_place(page, place: str, key: str) -> None:
    """Press the place in the bar's places row; wait until the board has
    scrolled there and stopped."""
    page.locator(".pc-places").get_by_role("button", name=place, exact=True).click()
    wait_in_view(page, key)
    target = page.locator(f'.pc-meeting [data-key="{key}"]').element_handle()
    target.evaluate(FORGET_STILL)
    page.wait_for_function(STILL, arg=target, polling="raf", timeout=LIVE)


# Checked once a frame: whether the element has stayed where it is for four
# frames running (a smooth scroll has ended). It counts on the node itself.
STILL = """node => {
  const top = node.getBoundingClientRect().top;
  node.__stillFrames = node.__stillTop === top ? node.__stillFrames + 1 : 0;
  node.__stillTop = top;
  return node.__stillFrames >= 4;
}"""
FORGET_STILL = "node => { node.__stillTop = null; node.__stillFrames = 0; }"


# Whether an element is in the window as it stands, without scrolling to it.
IN_WINDOW = "node => { const box = node.getBoundingClientRect(); return box.top >= 0 && box.bottom <= innerHeight; }"


def add_learning(page, text: str, evidence: str) -> None:
    composer = part(page, "learnings").locator(".pc-learning-composer")
    composer.get_by_label("New learning: we learned that…").fill(text)
    choose(composer.get_by_label("Evidence for the new learning"), evidence)
    composer.get_by_role("button", name="Add learning").click()
    expect(learning(page, text)).to_be_visible(timeout=LIVE)


def decide(page, number: int, text: str, kind: str, decision: str, trade_off: str) -> None:
    card = learning(page, text)
    card.get_by_role("button", name=f"Decide on learning {number}").click()
    card.get_by_label("Kind of decision").select_option(label=kind)
    card.get_by_label("What we decide").fill(decision)
    card.get_by_label("Trade-off").fill(trade_off)
    card.get_by_role("button", name="Save the decision").click()


def fill_action(page, title: str, *, owner: str | None = None, due: str | None = None,
                signal: str | None = None) -> None:
    """Fill an action's card inline and save it."""
    card = action_card(page, title)
    if owner is not None:
        card.get_by_label(f"Owner of action {title}").fill(owner)
    if due is not None:
        card.get_by_label(f"Due of action {title}").fill(due)
    if signal is not None:
        card.get_by_role("textbox", name=f"Success signal of action {title}").fill(signal)
    card.get_by_role("button", name=f"Save action {title}").click()


def add_kill_criterion(page, signal: str, kind: str, response: str) -> None:
    part(page, "kill_criteria").get_by_role("button", name="+ Kill criterion").click()
    composer = page.get_by_role("form", name="New kill criterion")
    composer.get_by_role("textbox", name="If we see").fill(signal)
    composer.get_by_role("combobox").select_option(kind)
    composer.get_by_role("textbox", name="Committed response").fill(response)
    composer.get_by_role("button", name="Add").click()
    expect(composer.get_by_role("textbox", name="If we see")).to_have_value("", timeout=LIVE)


# --- the meeting -------------------------------------------------------------------------


def test_the_payments_outage_retrospective_runs_start_to_end_on_one_board_screen(server, new_person):
    board_id, fran, ann, bob = session(server, new_person, "Payments API outage", size=(1400, 1000))
    tabs = (fran, ann, bob)
    board_urls = {page: page.url for page in tabs}
    visited = {page: [] for page in tabs}
    for page in tabs:
        assert f"board={board_id}" in page.url
        page.on("framenavigated", lambda frame, page=page: frame == page.main_frame and visited[page].append(frame.url))
        expect(board_root(page)).to_have_count(1)
        board_root(page).evaluate(KEEP_MARK)

    # The summary card names the case; each edit reaches the other tabs.
    edit_summary(fran, "summary", "A 45-minute outage in our payments API yesterday.")
    edit_summary(ann, "impact", "Card payments failed for 45 minutes; customers saw an error at checkout.")
    edit_summary(bob, "incident_date", YESTERDAY)
    summary_field(fran, "severity").locator("button.pc-summary-value").click()
    summary_field(fran, "severity").locator(".pc-summary-input").select_option("SEV2")
    for page in tabs:
        expect(summary_field(page, "summary")).to_contain_text("A 45-minute outage in our payments API",
                                                               timeout=LIVE)
        expect(summary_field(page, "impact")).to_contain_text("Card payments failed for 45 minutes", timeout=LIVE)
        expect(summary_field(page, "incident_date")).to_contain_text(YESTERDAY, timeout=LIVE)
        expect(summary_field(page, "severity")).to_contain_text("SEV2", timeout=LIVE)

    # Fran, at the top of the board with everyone, asks them to follow her.
    fran.get_by_role("button", name="Bring everyone here").click()
    expect(fran.locator(".pc-following")).to_have_text("Everyone is with you at Summary", timeout=LIVE)
    for page in (ann, bob):
        expect(page.locator(".pc-following")).to_have_text("Following the facilitator: Summary", timeout=LIVE)

    # --- the timeline: a pasted chat log, then the missing moment -----------------------
    bring_everyone(fran, "Timeline", "part:timeline", ann, bob)
    lane = part(fran, "timeline")
    lane.get_by_role("button", name="Paste a chat log").click()
    lane.get_by_label("Date of lines without one").fill(YESTERDAY)
    lane.get_by_role("textbox", name="Chat lines, one event per line").fill(CHAT)
    lane.get_by_role("button", name="Preview").click()
    preview = lane.locator(".pc-tl-preview")
    expect(preview).to_contain_text("3 events found, 1 line not usable", timeout=LIVE)
    for text, kind in (("payments API returning 500s for card payments", "impact_start"),
                       ("alice: paged for the payments API 5xx rate", "detected"),
                       ("bob: rolled back the connection pool change", "mitigated")):
        preview.get_by_label(f"Kind of “{text}”").select_option(kind)
    preview.get_by_role("button", name="Confirm: add 3 events").click()
    for page in tabs:
        expect(event_card(page, "rolled back the connection pool change")).to_be_visible(timeout=LIVE)
        expect(metric(page, "time_to_detect").locator(".pc-tl-metric-value")).to_have_text("7 min")

    # Ann adds the moment nobody logged: when customers could pay again.
    form = ann.get_by_role("form", name="Add an event")
    form.get_by_label("Date (UTC)").fill(YESTERDAY)
    form.get_by_label("Time (UTC)").fill("14:50")
    form.get_by_label("Kind of the new event").select_option("impact_end")
    form.get_by_role("textbox", name="What happened").fill(ENDED)
    form.get_by_role("button", name="Add event").click()
    expect(form.get_by_role("textbox", name="What happened")).to_have_value("", timeout=LIVE)
    for page in tabs:
        expect(event_card(page, ENDED)).to_be_visible(timeout=LIVE)
        impact = metric(page, "impact_duration")
        expect(impact.locator(".pc-tl-metric-value")).to_have_text("45 min", timeout=LIVE)
        expect(impact.locator(".pc-tl-formula")).to_have_text("= impact end 14:50 − impact start 14:05")
        expect(metric(page, "time_to_mitigate").locator(".pc-tl-formula")).to_have_text(
            "= mitigated 14:31 − impact start 14:05")

    # --- notes, each in its column; while writing others see only counts ---------------
    # The columns are one stop in the places row: it brings everyone to the first.
    bring_everyone(fran, "Notes", "column:contributing-factors", ann, bob, title="Contributing factors")
    write(ann, "detect", NO_ALERT)
    write(ann, "contributing-factors", SKIPPED_CANARY)
    write(bob, "detect", DASHBOARDS)
    write(bob, "contributing-factors", UNREVIEWED)
    write(fran, "react", SLOW_ROLLBACK)
    expect(column(fran, "detect").locator(".pc-hidden")).to_contain_text("2 notes by others", timeout=LIVE)
    expect(column(ann, "react").locator(".pc-hidden")).to_contain_text("1 note by others", timeout=LIVE)
    expect(fran.locator(".pc-progress")).to_contain_text("Detect 2/3", timeout=LIVE)
    expect(sticky(bob, NO_ALERT)).to_have_count(0)

    # --- group: two notes become one cluster -------------------------------------------
    move_on(fran, "Group", ann, bob)
    for page in tabs:
        expect(sticky(page, NO_ALERT)).to_be_visible(timeout=LIVE)
        expect(sticky(page, SLOW_ROLLBACK)).to_be_visible(timeout=LIVE)
    drag_onto(ann, sticky(ann, NO_ALERT), sticky(ann, DASHBOARDS))
    expect(ann.locator(".pc-cluster")).to_have_count(1, timeout=LIVE)
    ann.locator(".pc-cluster .pc-rename").click()
    name = ann.locator(".pc-cluster input")
    name.fill(CLUSTER)
    name.press("Enter")
    for page in (fran, bob):
        frame = page.locator(".pc-cluster", has=page.locator(".pc-cluster-name", has_text=CLUSTER))
        expect(frame).to_be_visible(timeout=LIVE)
        expect(frame.locator(".pc-note")).to_have_count(2)

    # --- vote, blind until Fran reveals -------------------------------------------------
    move_on(fran, "Vote", ann, bob)
    ann.locator(".pc-cluster").get_by_role("button", name="Vote for", exact=False).click()
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 4 of 5", timeout=LIVE)
    sticky(ann, SKIPPED_CANARY).get_by_role("button", name="Vote for", exact=False).click()
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 3 of 5", timeout=LIVE)
    for left in (4, 3):
        sticky(bob, SKIPPED_CANARY).get_by_role("button", name="Vote for", exact=False).click()
        expect(bob.locator(".pc-budget")).to_have_text(f"Votes left: {left} of 5", timeout=LIVE)
    expect(fran.locator(".pc-progress")).to_contain_text("Ann 3", timeout=LIVE)
    assert fran.locator(".pc-total").count() == 0
    fran.locator(".pc-facilitation").get_by_role("button", name="Reveal votes").click()
    for page in tabs:
        expect(sticky(page, SKIPPED_CANARY).locator(".pc-total")).to_have_text("3 votes", timeout=LIVE)
        expect(page.locator(".pc-cluster .pc-total")).to_have_text("1 vote", timeout=LIVE)

    # --- discuss: Fran focuses the item with the most votes -----------------------------
    move_on(fran, "Discuss", ann, bob)
    first = fran.locator(".pc-ranked").first
    expect(first).to_contain_text(SKIPPED_CANARY, timeout=LIVE)
    first.get_by_role("button", name="Focus").click()
    for page in (ann, bob):
        expect(sticky(page, SKIPPED_CANARY)).to_have_class(re.compile(r"\bpc-focused\b"), timeout=LIVE)

    # --- contributing factors: categories, then a 5 Whys of two steps --------------------
    bring_everyone(fran, "Factors", "part:factors", ann, bob)
    factor(bob, UNREVIEWED).get_by_role("button", name="Process", exact=True).click()
    factor(fran, SKIPPED_CANARY).get_by_role("button", name="Tech (Technology)").click()
    for page in tabs:
        expect(factor(page, UNREVIEWED).get_by_role("button", name="Process", exact=True)).to_have_attribute(
            "aria-pressed", "true", timeout=LIVE)
        expect(factor(page, SKIPPED_CANARY).get_by_role("button", name="Tech (Technology)")).to_have_attribute(
            "aria-pressed", "true", timeout=LIVE)
        expect(factor(page, SKIPPED_CANARY).locator(".pc-factor-badge")).to_have_text("Top")
    factor(fran, SKIPPED_CANARY).get_by_role("button", name="5 Whys", exact=False).click()
    chain = part(fran, "factors").locator(".pc-whys-block")
    chain.get_by_label("Why?").fill("Why did the pool change skip the canary?")
    chain.get_by_label("Because").fill("Config changes deploy outside the service pipeline")
    chain.get_by_role("button", name="Add why").click()
    for page in (ann, bob):
        expect(part(page, "factors").locator(".pc-why")).to_have_count(1, timeout=LIVE)
    expect(chain.get_by_label("Why?")).to_have_value("", timeout=LIVE)
    chain.get_by_label("Why?").fill("Why do config changes bypass the pipeline?")
    chain.get_by_label("Because").fill("The config tool predates the pipeline and nobody moved it")
    chain.get_by_label("Because").press("Enter")
    for page in (ann, bob):
        their = part(page, "factors").locator(".pc-why")
        expect(their).to_have_count(2, timeout=LIVE)
        expect(their.nth(1)).to_contain_text("nobody moved it")
        expect(factor(page, SKIPPED_CANARY)).to_contain_text("2 whys")

    # --- three learnings, each with its evidence, and their decisions --------------------
    bring_everyone(fran, "Learnings", "part:learnings", ann, bob)
    lessons = [
        (ann, "a rise in payments 5xx pages nobody", "alice: paged for the payments API 5xx rate"),
        (bob, "our dashboards hide errors behind traffic", f"cluster “{CLUSTER}”"),
        (fran, "config changes skip the canary that code changes get", SKIPPED_CANARY),
    ]
    for page, text, evidence in lessons:
        add_learning(page, text, evidence)
    for page in tabs:
        for _, text, evidence in lessons:
            card = learning(page, text)
            expect(card).to_be_visible(timeout=LIVE)
            expect(card.locator(".pc-evidence-select option:checked")).to_contain_text(evidence, timeout=LIVE)

    decide(ann, 1, lessons[0][1], "Instrumentation", "Page on the payments 5xx rate", "Some pages at night")
    decide(fran, 3, lessons[2][1], "Guardrail", "Config changes go through the canary like code",
           "A config change takes 20 minutes longer")
    decide(bob, 2, lessons[1][1], "Runbook", "Write down how to find the change to roll back",
           "An hour of writing per service")
    for page in tabs:
        expect(learning(page, lessons[0][1]).locator(".pc-decision-text")).to_have_text(
            "Decision · Instrumentation: Page on the payments 5xx rate", timeout=LIVE)
        expect(learning(page, lessons[2][1]).locator(".pc-decision-text")).to_have_text(
            "Decision · Guardrail: Config changes go through the canary like code", timeout=LIVE)
        expect(learning(page, lessons[1][1]).locator(".pc-decision-text")).to_contain_text(
            "Decision · Runbook", timeout=LIVE)

    # --- actions: one from a decision, one with "+ Action", each owned, dated, with a signal
    card = learning(ann, lessons[0][1])
    card.get_by_role("button", name="Make an action for learning 1").click()
    card.get_by_label("What will be done (start with a verb)").fill(ALERT_ACTION)
    card.get_by_label("Owner").fill("Ann")
    card.get_by_label("Due date").fill("2026-12-20")
    card.get_by_role("button", name="Create the action").click()
    for page in tabs:
        expect(learning(page, lessons[0][1]).locator(".pc-decision-action")).to_contain_text(
            f"→ {ALERT_ACTION} · Ann · 2026-12-20 · Open", timeout=LIVE)
        expect(action_card(page, ALERT_ACTION)).to_be_visible(timeout=LIVE)

    bring_everyone(fran, "Actions", "part:actions", ann, bob)
    fill_action(ann, ALERT_ACTION, signal="The next 5xx spike pages within 3 minutes")
    for page in (fran, bob):
        expect(action_card(page, ALERT_ACTION).get_by_role(
            "textbox", name=f"Success signal of action {ALERT_ACTION}")).to_have_value(
            "The next 5xx spike pages within 3 minutes", timeout=LIVE)

    part(bob, "actions").get_by_role("button", name="Add an action").click()
    composer = bob.get_by_role("form", name="Add an action")
    composer.get_by_role("textbox").fill(CANARY_ACTION)
    composer.get_by_role("textbox").press("Enter")
    expect(composer.get_by_role("textbox")).to_have_value("", timeout=LIVE)
    expect(action_card(bob, CANARY_ACTION).locator(".pc-ap-badge")).to_have_text(
        "Draft: needs an owner and a due date", timeout=LIVE)
    fill_action(bob, CANARY_ACTION, owner="Bob", due="2027-01-10",
                signal="The next pool change stops at the canary when errors rise")
    for page in (fran, ann):
        card = action_card(page, CANARY_ACTION)
        expect(card.get_by_label(f"Owner of action {CANARY_ACTION}")).to_have_value(
            "Bob", timeout=LIVE)
        expect(card.get_by_label(f"Due of action {CANARY_ACTION}")).to_have_value("2027-01-10")
        expect(card.locator(".pc-ap-badge")).to_have_count(0)

    # A third, left as a draft for now: the board will not close with it.
    part(fran, "actions").get_by_role("button", name="Add an action").click()
    composer = fran.get_by_role("form", name="Add an action")
    composer.get_by_role("textbox").fill(RUNBOOK_ACTION)
    composer.get_by_role("textbox").press("Enter")
    for page in tabs:
        expect(action_card(page, RUNBOOK_ACTION).locator(".pc-ap-badge")).to_have_text(
            "Draft: needs an owner and a due date", timeout=LIVE)

    # --- kill criteria -------------------------------------------------------------------
    add_kill_criterion(ann, "payments 5xx above 2% for 5 minutes after a config change", "roll_back",
                       "Roll back the config change")
    add_kill_criterion(bob, "card payment success below 97% for 10 minutes", "escalate",
                       "Page the payments lead and freeze config changes")
    for page in tabs:
        cards = part(page, "kill_criteria").locator(".pc-kc-card")
        expect(cards).to_have_count(2, timeout=LIVE)
        second = part(page, "kill_criteria").get_by_role(
            "listitem", name="Kill criterion: card payment success below 97% for 10 minutes")
        expect(second.get_by_role("textbox", name="Committed response", exact=False)).to_have_value(
            "Page the payments lead and freeze config changes", timeout=LIVE)

    # --- closing: refused for the draft, which Fran fixes on its card, then closed -------
    fran.locator(".pc-facilitation").get_by_role("button", name="Closed ▶").click()
    expect(fran.locator(".pc-message")).to_contain_text("The board cannot close yet", timeout=LIVE)
    for page in tabs:
        expect(page.get_by_role("region", name="Before closing")).to_contain_text(
            "Before closing: 1 draft needs an owner and a due date", timeout=LIVE)
        expect(step_now(page)).to_have_text("Discuss")
    fran.get_by_role("region", name="Before closing").get_by_role(
        "button", name=f"Give {RUNBOOK_ACTION} an owner and a due date").click()
    expect(action_card(fran, RUNBOOK_ACTION).get_by_label(f"Owner of action {RUNBOOK_ACTION}")
           ).to_be_focused()
    fill_action(fran, RUNBOOK_ACTION, owner="Fran", due="2027-01-15",
                signal="A new on-call finds the change to roll back in under 5 minutes")
    for page in tabs:
        expect(page.get_by_role("region", name="Before closing")).to_have_count(0, timeout=LIVE)
    move_on(fran, "Closed", ann, bob)
    # The refusal said before the fix is old news once the board has closed.
    expect(fran.locator(".pc-message")).to_be_hidden(timeout=LIVE)
    for page in (ann, bob):
        expect(action_card(page, RUNBOOK_ACTION).get_by_role(
            "textbox", name=f"What will be done of action {RUNBOOK_ACTION}")).to_be_disabled(timeout=LIVE)
        expect(part(page, "kill_criteria").get_by_role("button")).to_have_count(0)

    # --- the whole meeting, as stored -------------------------------------------------------
    db = connect(server.db)
    assert boards.get_board(db, board_id).phase == Phase.closed
    stored_learnings = learnings.list_learnings(db, board_id)
    assert len(stored_learnings) == 3 and all(item.evidence_id for item in stored_learnings)
    assert len(learnings.list_decisions(db, board_id)) == 3
    assert sorted((a.title, a.owner, str(a.due_date), bool(a.success_signal))
                  for a in actions.list_actions(db, board_id)) == [
        (ALERT_ACTION, "Ann", "2026-12-20", True),
        (CANARY_ACTION, "Bob", "2027-01-10", True),
        (RUNBOOK_ACTION, "Fran", "2027-01-15", True),
    ]
    assert len(actions.list_triggers(db, board_id)) == 2
    assert [(e.kind.value, e.at.strftime("%Y-%m-%d %H:%M")) for e in events.list_events(db, board_id)] == [
        ("impact_start", f"{YESTERDAY} 14:05"), ("detected", f"{YESTERDAY} 14:12"),
        ("mitigated", f"{YESTERDAY} 14:31"), ("impact_end", f"{YESTERDAY} 14:50")]
    assert [len(chain.steps) for chain in learnings.list_whys(db, board_id)] == [2]

    # --- one screen from start to end ---------------------------------------------------------
    for page in tabs:
        assert page.url == board_urls[page]
        assert all(url == board_urls[page] for url in visited[page]), visited[page]
        expect(board_root(page)).to_have_count(1)
        assert board_root(page).evaluate(READ_MARK) == "the same board"

    # Fran's board as the meeting left it: the closed bar, the summary and the
    # timeline with its durations; then the actions and kill criteria.
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for toast in fran.get_by_test_id("stToast").all():
        toast.get_by_role("button").click()
    expect(fran.get_by_test_id("stToast")).to_have_count(0)
    for width, height in ((1024, 768), (1440, 900)):
        fran.set_viewport_size({"width": width, "height": height})
        go_to_place(fran, "Summary", "part:summary")
        fran.locator(".pc-bar").evaluate("bar => bar.scrollIntoView({ block: 'start' })")
        expect(fran.locator(".pc-bar")).to_be_in_viewport(ratio=1)
        fran.screenshot(path=str(DOCS_SCREENSHOTS / f"whole-meeting-{width}.png"), animations="disabled")
        go_to_place(fran, "Actions", "part:actions")
        fran.screenshot(path=str(SCREENSHOTS / f"whole-meeting-actions-{width}.png"), animations="disabled")


def drag_onto(page, source, target) -> None:
    """Press on a note and move it, in small steps, onto another; let go."""
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    x0, y0 = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + min(end["height"] / 2, 40)
    page.mouse.move(x0, y0)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(x0 + (x1 - x0) * step / 12, y0 + (y1 - y0) * step / 12)
    page.mouse.up()
