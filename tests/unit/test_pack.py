"""The retrospective pack: golden files of an incident board, an OKR period
board and a pre-mortem, the section order, and what an empty board still says."""

import re

from canvas.exports.pack import retrospective_pack
from canvas.models import GROUND_RULES
from tests.unit.golden import assert_matches_golden
from tests.unit.golden.fixture_board import TODAY, cloudflare_snapshot
from tests.unit.golden import okr_board, premortem_board

SECTIONS = [
    "## 1. Brief and agenda", "## 2. Facts and timeline",
    "## 3. Contributing factors and root-cause hypotheses", "## 4. Learnings and decisions",
    "## 5. Action tracker", "## 6. Kill criteria and triggers", "## 7. Dissemination plan",
    "## 8. Risks, open questions and next steps", "## 9. Rubric score",
]


def _sections(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("## ")]


def test_the_cloudflare_incident_board_matches_the_golden_pack():
    assert_matches_golden("cloudflare-2019-07-02-pack.md",
                          retrospective_pack(cloudflare_snapshot(), TODAY))


def test_the_okr_period_board_matches_the_golden_pack():
    assert_matches_golden("okr-2026-q3-pack.md",
                          retrospective_pack(okr_board.okr_snapshot(), okr_board.TODAY))


def test_the_pre_mortem_board_matches_the_golden_pack():
    assert_matches_golden("premortem-2027-q1-pack.md", retrospective_pack(
        premortem_board.premortem_snapshot(), premortem_board.TODAY))


def test_the_pack_has_the_nine_sections_in_the_practices_order():
    for text in (retrospective_pack(cloudflare_snapshot(), TODAY),
                 retrospective_pack(okr_board.okr_snapshot(), okr_board.TODAY),
                 retrospective_pack(premortem_board.premortem_snapshot(), premortem_board.TODAY)):
        assert _sections(text) == SECTIONS
        for rule in GROUND_RULES:
            assert f"- {rule}" in text


def test_facts_and_assumptions_are_listed_apart():
    text = retrospective_pack(cloudflare_snapshot(), TODAY)
    facts = text.split("### Known facts")[1].split("### Assumptions to verify")[0]
    assumed = text.split("### Assumptions to verify")[1].split("### Timeline")[0]
    assert "an attack is ruled out" in assumed and "an attack is ruled out" not in facts
    assert "Add CPU-cost profiling" in assumed
    assert "Global WAF termination executed" in facts


def test_the_brief_uses_the_meeting_date_and_the_follow_up_date_each_for_itself():
    text = retrospective_pack(cloudflare_snapshot(), TODAY)
    assert "- **Review meeting:** 2019-07-09" in text
    assert "- **Follow-up review:** 2019-08-06" in text
    assert "Every two weeks, from 2019-07-15" in text


def test_an_empty_board_keeps_every_section_and_says_none_yet():
    snapshot = cloudflare_snapshot()
    empty = snapshot.model_copy(update={
        "notes": [], "clusters": [], "tallies": {}, "events": [], "actions": [], "triggers": [],
        "learnings": [], "decisions": [], "whys": [], "dissemination": [],
        "board": snapshot.board.model_copy(update={"impact_review": None})})
    text = retrospective_pack(empty, TODAY)
    assert _sections(text) == SECTIONS
    closing = text.split(SECTIONS[7])[1].split(SECTIONS[8])[0]
    assert closing.count("*none yet*") == 3
    plan = text.split(SECTIONS[6])[1].split(SECTIONS[7])[0]
    assert plan.startswith("\n\n*none yet*")


def test_typed_text_is_escaped_and_no_author_is_named():
    text = retrospective_pack(okr_board.okr_snapshot(), okr_board.TODAY)
    # A note typed as a heading stays text; a pipe cannot split a table cell.
    assert "\\# Keep the objective" in text
    assert not re.search(r"^#+ Keep the objective", text, re.MULTILINE)
    assert "\\*reliability\\*" in retrospective_pack(cloudflare_snapshot(), TODAY)
    assert "Support \\| on call" in retrospective_pack(cloudflare_snapshot(), TODAY)
    assert "p2" not in text.split()
    # Attendees are named with their roles, never with their addresses.
    assert "- Ola (scribe)" in text and "ola@example.com" not in text


def test_the_rubric_section_says_the_score_and_the_verdict():
    text = retrospective_pack(premortem_board.premortem_snapshot(), premortem_board.TODAY)
    rubric = text.split("## 9. Rubric score")[1]
    assert rubric.startswith("\n\n**12 of 14 points: passes.**\n")
    incident = retrospective_pack(cloudflare_snapshot(), TODAY)
    assert "## 9. Rubric score\n\n**16 of 22 points: does not pass yet.**\n" in incident


def test_only_an_incident_pack_asks_for_the_customer_impact():
    incident = retrospective_pack(cloudflare_snapshot(), TODAY)
    assert "### Customer impact" in incident
    assert "The summary and the customer impact (section 2)" in incident
    for text in (retrospective_pack(okr_board.okr_snapshot(), okr_board.TODAY),
                 retrospective_pack(premortem_board.premortem_snapshot(), premortem_board.TODAY)):
        assert "customer impact" not in text.lower()
        assert "- The summary (section 2)" in text


def test_a_pre_mortem_pack_lists_its_failure_stories_as_risks_and_its_causes_as_hypotheses():
    text = retrospective_pack(premortem_board.premortem_snapshot(), premortem_board.TODAY)
    factors = text.split("## 3.")[1].split("## 4.")[0]
    risks = text.split("### Risks")[1].split("### Open questions")[0]
    assert "Migration ran past the deadline" in risks and "Migration ran past" not in factors
    assert "### Likely causes" in factors and "neither owns the cut-over" in factors
    assert "A pre-mortem is held before the work" in text.split("## 4.")[1].split("## 5.")[0]
    assert "Timeline" not in text and "Learnings tied to evidence" not in text


def test_customer_facing_actions_and_the_process_review_have_their_own_headings():
    snapshot = cloudflare_snapshot()
    marked = [action.model_copy(update={"customer_facing": action.id in ("a2", "a6")})
              for action in snapshot.actions]
    board = snapshot.board.model_copy(update={"process_review": "Send the *draft* timeline first"})
    text = retrospective_pack(snapshot.model_copy(update={"actions": marked, "board": board}), TODAY)
    tracker = text.split(SECTIONS[4])[1].split(SECTIONS[5])[0]
    listed = tracker.split("### Customer-facing actions")[1].strip().splitlines()
    # a6 was dropped (won't do): nothing to tell customers.
    assert listed == ["- Roll out WAF rules in stages, keeping an emergency global path — Kim, "
                      "due 2019-08-30, in progress"]
    closing = text.split(SECTIONS[7])[1].split(SECTIONS[8])[0]
    assert closing.rstrip().endswith("### Reviewing the process\n\n*What would make our next "
                                     "postmortem better?*\n\nSend the \\*draft\\* timeline first")
    plain = retrospective_pack(snapshot, TODAY)
    assert "### Customer-facing actions" not in plain and "### Reviewing the process" not in plain
