"""The one-page brief: a golden file of a real incident board, and what it keeps short."""

from datetime import timedelta


from canvas.actions import FollowUp
from canvas.exports.brief import TOP_ACTIONS, brief
from tests.unit.golden import assert_matches_golden
from tests.unit.golden.fixture_board import T0, TODAY, cloudflare_snapshot



def test_the_cloudflare_board_matches_the_golden_brief():
    assert_matches_golden("cloudflare-2019-07-02-brief.md", brief(cloudflare_snapshot(), TODAY))


def test_the_brief_has_every_section_and_no_notes():
    snapshot = cloudflare_snapshot()
    text = brief(snapshot, TODAY)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings[1:] == ["## TL;DR", "## Impact", "## What we learned", "## Decisions",
                            "## Top actions", "## Follow-up review"]
    # The follow-up review, not the meeting's own date (the invite's).
    assert snapshot.board.follow_up_date.isoformat() in text
    assert snapshot.board.review_date.isoformat() not in text
    for note in snapshot.notes:
        assert note.text not in text
    assert "Kim" in text  # owners are named: the brief is internal


def test_the_brief_keeps_to_the_top_actions_and_says_how_many_more():
    snapshot = cloudflare_snapshot()
    extra = [FollowUp(id=f"z{index}", board_id=snapshot.board.id, title=f"Extra action {index}",
                      created_at=T0 + timedelta(days=1, minutes=index),
                      updated_at=T0 + timedelta(days=1))
             for index in range(6)]
    snapshot = snapshot.model_copy(update={"actions": snapshot.actions + extra})
    text = brief(snapshot, TODAY)
    active = sum(1 for action in snapshot.actions if action.status.is_active)
    assert text.count("\n| ") - 2 == TOP_ACTIONS  # rows after the header and its rule
    assert f"…and {active - TOP_ACTIONS} more open actions on the board." in text


def test_an_empty_board_says_what_is_unknown_rather_than_leaving_blanks():
    snapshot = cloudflare_snapshot()
    board = snapshot.board.model_copy(update={"summary": "", "impact": "", "follow_up_date": None})
    empty = snapshot.model_copy(update={"board": board, "learnings": [], "decisions": [],
                                        "actions": [], "events": []})
    text = brief(empty, TODAY)
    assert "## TL;DR\n\n*unknown*" in text and "## Impact\n\n*unknown*" in text
    assert "*No learnings recorded yet.*" in text and "*No date set yet.*" in text


def test_an_okr_period_or_a_pre_mortem_brief_asks_nothing_about_customer_impact():
    from tests.unit.golden import okr_board, premortem_board

    for text in (brief(okr_board.okr_snapshot(), okr_board.TODAY),
                 brief(premortem_board.premortem_snapshot(), premortem_board.TODAY)):
        assert "## Impact" not in text and "## What we learned" in text
    # An incident with nothing known says so rather than leaving the section out.
    assert "## Impact\n\n" in brief(cloudflare_snapshot(), TODAY)
