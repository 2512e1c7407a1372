"""Ending with names and dates: the close-anyway reason, Parked ideas, the
follow-through a closed board still accepts, and how exports show them."""

from datetime import date

import pytest

from canvas.actions import (
    ActionDraft, Status, changes_only_follow_through, close_reason_for,
)
from canvas.errors import ClosingWithDrafts, InvalidInput
from canvas.exports.markdown_pack import markdown_pack
from canvas.review.completeness import check_completeness
from canvas.session.phases import Phase
from tests.unit.golden.fixture_board import TODAY, cloudflare_snapshot

DRAFT = ActionDraft(title="Add a canary stage")
OWNED = ActionDraft(title="Alert on queue depth", owner="Dee", due_date=date(2031, 1, 5))
PARKED = ActionDraft(title="Rewrite the router in Rust", status=Status.parked)


def test_closing_with_an_open_draft_needs_a_reason_that_names_the_drafts():
    with pytest.raises(ClosingWithDrafts) as refused:
        close_reason_for([DRAFT, OWNED], "  \u200b ")
    assert refused.value.titles == ["Add a canary stage"]
    assert "give each one an owner and a date" in str(refused.value).lower()
    assert close_reason_for([DRAFT], " Owners at Monday's planning ") == "Owners at Monday's planning"


def test_a_board_without_open_drafts_closes_and_keeps_no_reason():
    assert close_reason_for([OWNED, PARKED, DRAFT.model_copy(update={"status": Status.done})],
                            "whatever") == ""


def test_an_overlong_reason_is_refused_by_name():
    with pytest.raises(InvalidInput):
        close_reason_for([DRAFT], "x" * 1001)


def test_a_parked_idea_is_neither_a_draft_nor_a_commitment_nor_overdue():
    parked = PARKED.model_copy(update={"owner": "Dee", "due_date": date(2020, 1, 1)})
    for idea in (PARKED, parked):
        assert not idea.is_open_draft and not idea.is_committed and idea.is_parked
    assert list(Status)[-1] == Status.parked and not Status.parked.is_active
    assert Status.parked.label == "Parked"


def test_only_status_owner_and_dates_count_as_follow_through():
    assert changes_only_follow_through(DRAFT, DRAFT.model_copy(update={
        "owner": "Dee", "due_date": date(2031, 1, 5), "review_date": date(2031, 2, 5),
        "status": Status.in_progress}))
    assert not changes_only_follow_through(DRAFT, DRAFT.model_copy(update={"title": "Add a canary"}))
    assert not changes_only_follow_through(DRAFT, DRAFT.model_copy(update={"success_signal": "x"}))


def _with_actions(snapshot, *changes):
    actions = [action.model_copy(update=change) for action, change in zip(snapshot.actions, changes)]
    return snapshot.model_copy(update={"actions": actions + snapshot.actions[len(changes):]})


def test_markdown_shows_review_dates_parked_ideas_apart_and_the_close_reason():
    snapshot = cloudflare_snapshot()
    snapshot = _with_actions(snapshot, {"review_date": date(2019, 8, 1)},
                             {}, {}, {"status": Status.parked})
    snapshot = snapshot.model_copy(update={"board": snapshot.board.model_copy(
        update={"close_reason": "Owners are picked at Monday's planning", "phase": Phase.closed})})
    text = markdown_pack(snapshot, TODAY)
    actions_part = text.split("## Actions", 1)[1].split("\n## ", 1)[0]
    assert "| 2019-07-12 | 2019-08-01 |" in actions_part
    assert "Build an emergency way" not in actions_part
    parked_part = text.split("## Parked ideas", 1)[1].split("\n## ", 1)[0]
    assert "- Build an emergency way to serve the dashboard and API off the edge" in parked_part
    # Parked ideas are not drafts, so they are not open questions either.
    closing = text.split("### Open questions", 1)[1].split("###", 1)[0]
    assert "Build an emergency way" not in closing
    assert "Owners are picked at Monday's planning" in text.split("## Summary", 1)[0]
    reopened = snapshot.model_copy(update={"board": snapshot.board.model_copy(update={"phase": Phase.discuss})})
    assert "Owners are picked" not in markdown_pack(reopened, TODAY)


def test_markdown_leaves_out_an_empty_actions_step_but_never_the_actions():
    text = markdown_pack(cloudflare_snapshot(), TODAY)
    assert "\n## Next steps\n" not in text and "\n## Actions\n" in text
    assert "## Parked ideas" not in text and "Closed with draft actions" not in text


def test_completeness_does_not_count_a_parked_idea_as_a_draft():
    snapshot = _with_actions(cloudflare_snapshot(), {}, {}, {}, {"status": Status.parked},
                             {"status": Status.parked})
    item = check_completeness(snapshot, TODAY).item("no-draft-actions")
    assert item.done, item.missing
