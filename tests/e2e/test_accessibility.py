"""axe-core (vendored in tests/e2e/vendor/axe-core, nothing from a CDN) on
every screen of the app in real Chromium: the board in each phase of a
realistic session (notes, a cluster, votes, a timeline event, a learning, an
action, a kill criterion) and every page of the sidebar, as the facilitator
and as a participant. No violation of impact "serious" or "critical" may sit
in the app's own markup: the board (`.pc-root`, inside its open shadow root
when it has one: axe looks into open shadow DOM), what st.markdown, st.html
and the forms draw, and the sidebar's own content such as the share link.

Streamlit's chrome is not the app's markup and is excluded by selector
(`STREAMLIT_CHROME`): its page navigation in the sidebar, the header with its
toolbar, main menu and status widget, and the sidebar's header and collapse
button. Whatever else is on the page is checked. Two named lists let a
violation through, and the test prints each one it let through (see it with
`pytest -rP` or `-s`): ALLOWED_IN_SHARED_BOARD_FILES, violations in the board's
shared files with the fix each needs (empty once those fixes land), and
STREAMLIT_WIDGET_FAULTS, faults of Streamlit's own widgets that the app cannot
change. axe judges what is drawn: a card's content scrolled out of its box may
escape rules that need visible text.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from canvas.actions import ActionDraft, TriggerDraft, TriggerKind
from canvas.incident.timeline import TimelineEvent
from canvas.learnings import EvidenceKind, LearningDraft, WhyStep
from canvas.models import NoteColour, NoteDraft
from canvas.session.phases import Credentials, Phase
from storage import actions, clusters, events, facilitation, learnings, notes, votes
from storage.db import connect
from tests.e2e.conftest import create_board, join, settle
from tests.e2e.test_live_board import LIVE, writer
from tests.e2e.test_live_session import open_page

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")

STREAMLIT_CHROME = (
    "[data-testid=stSidebarNav]",
    "[data-testid=stSidebarHeader]",
    "[data-testid=stSidebarCollapseButton]",
    "[data-testid=stHeader]",
    "[data-testid=stToolbar]",
    "[data-testid=stMainMenu]",
    "[data-testid=stStatusWidget]",
    "[data-testid=stDecoration]",
)

BLOCKING = ("serious", "critical")

# Violations in the board files every part shares (pages/live/draw.js,
# board.css, ...), tolerated here only until the fix named beside each lands:
# (rule id, a piece of the target selector) -> the fix. Empty once they have.
ALLOWED_IN_SHARED_BOARD_FILES: dict[tuple[str, str], str] = {}

# Faults of Streamlit's own widgets that no argument of theirs can change; the
# app's text inside them is still checked.
STREAMLIT_WIDGET_FAULTS: dict[tuple[str, str], str] = {
    ("aria-dialog-name", ".stToast"): "st.toast draws role=dialog without a name and takes no label",
}

# The sidebar pages of a board, by their link text (blameless template).
BOARD_PAGES = (
    "Home", "All actions", "Learnings review", "Summary", "Rough timeline",
    "Contributing factors", "Detect", "React", "Quick fix", "Prevent", "Other areas of risk",
    "Next steps", "Learnings", "Is it done?", "Export", "Facilitate",
)

_RUN_AXE = """
async (exclude) => {
  const results = await axe.run({ exclude: exclude.map((selector) => [selector]) },
                                { resultTypes: ["violations"] });
  return results.violations.flatMap((rule) => rule.nodes.map((node) => ({
    id: rule.id, impact: node.impact || rule.impact, help: rule.help,
    target: JSON.stringify(node.target), html: node.html.slice(0, 160),
  })));
}
"""

def axe_violations(page, where: str, allowed: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The blocking violations axe finds on `page` now, as (where, what); those
    a list lets through go into `allowed` instead (what -> where)."""
    settle(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE)
    known = {**ALLOWED_IN_SHARED_BOARD_FILES, **STREAMLIT_WIDGET_FAULTS}
    found = []
    for v in page.evaluate(_RUN_AXE, list(STREAMLIT_CHROME)):
        if v["impact"] not in BLOCKING:
            continue
        line = f"{v['id']} ({v['impact']}) at {v['target']}: {v['help']} | {v['html']}"
        reason = next((reason for (rule, piece), reason in known.items()
                       if rule == v["id"] and piece in v["target"]), None)
        if reason is None:
            found.append((where, line))
        else:
            allowed.setdefault(f"{line}\n    allowed: {reason}", []).append(where)
    return found


class Findings:
    """What axe found on every screen so far: one failure lists them all."""

    def __init__(self):
        self.problems: dict[str, list[str]] = {}  # a violation -> the screens it was on
        self.allowed: dict[str, list[str]] = {}

    def check(self, pages: dict, where: str) -> None:
        for name, page in pages.items():
            for seen_on, line in axe_violations(page, f"{where}, {name}", self.allowed):
                self.problems.setdefault(line, []).append(seen_on)

    @staticmethod
    def listed(found: dict[str, list[str]]) -> str:
        return "\n".join(f"{line}\n    on: {'; '.join(screens)}" for line, screens in found.items())


def facilitator_key(fran, board_id: str) -> str:
    return fran.evaluate(f"localStorage.getItem('postmortem-canvas:facilitator:{board_id}')")


def phase(server, board_id, fran, target: Phase) -> None:
    facilitation.set_phase(connect(server.db), board_id, facilitator_key(fran, board_id), target)


def on_board(page, label: str) -> None:
    expect(page.locator('.pc-step[aria-current="step"]')).to_have_text(label, timeout=LIVE)


def test_the_board_in_every_phase_and_every_page_have_no_serious_violations(server, new_person):
    """Fran facilitates and Ann takes part, each in their own browser, on one
    board seeded through the storage functions as the session goes on."""
    fran, ann = new_person(1280, 900), new_person(1280, 900)
    share = create_board(fran, server.url, "Checkout errors after the WAF rule", "Fran")
    join(ann, share, "Ann")
    for page in (fran, ann):
        expect(page.locator(".pc-connection-live")).to_be_visible(timeout=LIVE)
    board_id = share.split("board=")[1]
    db = connect(server.db)
    people = {"facilitator": fran, "participant": ann}
    as_ann, as_fran = writer(server, board_id, "Ann"), writer(server, board_id, "Fran")
    findings = Findings()

    # Someone new opens the share link: the join form.
    newcomer = new_person(1280, 900)
    newcomer.goto(share)
    settle(newcomer)
    expect(newcomer.locator(".st-key-join_name input")).to_be_visible()
    findings.check({"newcomer": newcomer}, "join form")
    newcomer.context.close()

    # Write: notes in three steps, a timeline event, an action and a kill criterion.
    alert = notes.add_note(db, board_id, "detect", NoteDraft(text="Alert on the 5xx rate"), as_ann)
    probe = notes.add_note(db, board_id, "detect", NoteDraft(text="Synthetic checkout probe",
                                                             colour=NoteColour.blue), as_ann)
    factor = notes.add_note(db, board_id, "contributing-factors",
                            NoteDraft(text="The WAF rule reached every PoP at once",
                                      colour=NoteColour.purple), as_fran)
    notes.add_note(db, board_id, "react", NoteDraft(text="Roll back took 20 minutes",
                                                    colour=NoteColour.green), as_fran)
    events.add_event(db, board_id, TimelineEvent(at="2026-11-30T13:42:00Z",
                                                 text="WAF rule set deployed to every PoP"))
    actions.add_action(db, board_id, ActionDraft(
        title="Stage WAF rule changes on one PoP first", owner="Fran", due_date="2027-01-15",
        success_signal="The next rule change reaches one PoP before the rest"))
    actions.add_trigger(db, board_id, TriggerDraft(
        signal="checkout errors above 2% for 10 minutes", kind=TriggerKind.roll_back,
        response="Roll back the WAF rule set"))
    for page in people.values():
        on_board(page, "Write")
        expect(page.locator(".pc-kc-card")).to_have_count(1, timeout=LIVE)
        expect(page.locator(".pc-tl-event", has_text="WAF rule set deployed")).to_be_visible(timeout=LIVE)
    expect(ann.locator(".pc-note", has_text="Synthetic checkout probe")).to_be_visible(timeout=LIVE)
    findings.check(people, "board in Write")

    phase(server, board_id, fran, Phase.group)
    cluster = clusters.create_cluster(db, board_id, "detect", "Alert sooner", as_ann)
    clusters.move_notes(db, board_id, "detect", {alert.id: cluster.id, probe.id: cluster.id}, as_ann)
    for page in people.values():
        on_board(page, "Group")
        expect(page.locator(".pc-cluster-name", has_text="Alert sooner")).to_be_visible(timeout=LIVE)
    findings.check(people, "board in Group")

    phase(server, board_id, fran, Phase.vote)
    for seen in range(2):
        votes.cast_vote(db, board_id, as_ann, cluster.id, seen)
    votes.cast_vote(db, board_id, as_fran, factor.id, 0)
    for page in people.values():
        on_board(page, "Vote")
    expect(ann.locator(".pc-budget")).to_have_text("Votes left: 3 of 5", timeout=LIVE)
    expect(fran.locator(".pc-budget")).to_have_text("Votes left: 4 of 5", timeout=LIVE)
    findings.check(people, "board in Vote")

    phase(server, board_id, fran, Phase.discuss)
    learnings.save_whys(db, board_id, factor.id, [WhyStep(
        why="Why did the rule reach every PoP at once?",
        because="The deploy pipeline has no stage for WAF rules")], 
        Credentials(facilitator_key=facilitator_key(fran, board_id)))
    learnings.add_learning(db, board_id, LearningDraft(
        text="a rule change reaches every PoP at once, with no stage to stop it",
        evidence_kind=EvidenceKind.note, evidence_id=factor.id), as_ann)
    for page in people.values():
        on_board(page, "Discuss")
        expect(page.locator(".pc-ranked").first).to_be_visible(timeout=LIVE)
        expect(page.locator(".pc-part-learnings", has_text="no stage to stop it")).to_be_visible(
            timeout=LIVE)
    # With the board's forms open: an action from the top item, a new action
    # and a new kill criterion.
    fran.locator(".pc-ranked").first.get_by_role("button", name="Make it an action").click()
    expect(fran.get_by_role("form", name="New action")).to_be_visible()
    ann.locator(".pc-part-actions").get_by_role("button", name="Add an action").click()
    expect(ann.get_by_role("form", name="Add an action")).to_be_visible()
    ann.locator(".pc-part-kill_criteria").get_by_role("button", name="+ Kill criterion").click()
    expect(ann.get_by_role("form", name="New kill criterion")).to_be_visible()
    expect(fran.locator(".pc-factor-whys", has_text="5 Whys (1)")).to_be_visible(timeout=LIVE)
    findings.check(people, "board in Discuss")

    # Every page of the sidebar once per person, while the meeting discusses.
    for name in BOARD_PAGES:
        for page in people.values():
            open_page(page, name)
        findings.check(people, f"page {name!r}")
    for page in people.values():
        open_page(page, "Board")

    phase(server, board_id, fran, Phase.closed)
    for page in people.values():
        on_board(page, "Closed")
    findings.check(people, "board in Closed")
    if findings.allowed:
        print("axe violations let through (ALLOWED_IN_SHARED_BOARD_FILES, STREAMLIT_WIDGET_FAULTS):\n"
              + findings.listed(findings.allowed))
    assert not findings.problems, (
        "axe found serious or critical violations:\n" + findings.listed(findings.problems))
