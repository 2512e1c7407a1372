from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from canvas.actions import ActionDraft, FollowUp, Status, vague_title_warnings


def test_an_action_without_owner_or_due_date_is_a_draft():
    assert ActionDraft(title="Add an alert on checkout 5xx").is_draft
    assert ActionDraft(title="Add an alert", owner="Ann").is_draft
    assert not ActionDraft(title="Add an alert", owner="Ann", due_date=date(2026, 12, 1)).is_draft


def test_wont_do_requires_a_reason():
    with pytest.raises(ValidationError, match="Say why"):
        ActionDraft(title="Add an alert", status=Status.wont_do)
    assert ActionDraft(title="Add an alert", status=Status.wont_do, status_reason="Superseded by X")


def test_review_before_due_date_is_refused():
    with pytest.raises(ValidationError, match="on or after the due date"):
        ActionDraft(title="Add an alert", due_date=date(2026, 12, 10), review_date=date(2026, 12, 1))


def test_empty_and_huge_titles_are_refused():
    with pytest.raises(ValidationError, match="cannot be empty"):
        ActionDraft(title="  ")
    with pytest.raises(ValidationError, match="limit is 200"):
        ActionDraft(title="Add " + "x" * 300)


def test_overdue_means_past_due_and_still_active():
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    base = dict(id="a", board_id="b", created_at=stamp, updated_at=stamp, title="Add alert",
                owner="Ann", due_date=date(2026, 11, 1))
    assert FollowUp(**base).is_overdue(date(2026, 11, 2))
    assert not FollowUp(**base).is_overdue(date(2026, 11, 1))
    assert not FollowUp(**base, status=Status.done).is_overdue(date(2026, 12, 1))
    assert not FollowUp(**{**base, "due_date": None}).is_overdue(date(2026, 12, 1))


@pytest.mark.parametrize("title", [
    "Look into the flaky deploys", "Investigate disk usage", "Improve monitoring",
    "Be more careful with config pushes", "Try to reduce alert noise", "Monitoring for checkout",
    "Better alerts", "The deploy pipeline",
])
def test_vague_titles_get_advice(title):
    assert vague_title_warnings(title)


@pytest.mark.parametrize("title", [
    "Add an alert when checkout 5xx exceeds 2% for 3 minutes",
    "Document the WAF rollback procedure in the runbook",
    "Automate the canary gate for config pushes",
    "Rotate the on-call schedule so payments has a secondary",
    "Re-introduce the removed excessive-CPU protection for regexes.",
    "Manually inspect all 3,868 WAF managed rules for risky backtracking.",
])
def test_clear_titles_get_no_advice(title):
    assert vague_title_warnings(title) == []


def test_a_discussed_cluster_becomes_a_draft_action_typed_by_its_step():
    from canvas.actions import ActionType, SourceKind, draft_for_item
    from canvas.session.grouping import VotableItem
    from canvas.templates import get_template

    item = VotableItem(id="c1", kind="cluster", step_key="detect", title="Alert on 5xx sooner",
                       note_texts=["a", "b"], votes=4)
    draft = draft_for_item(item, get_template("blameless"))
    assert (draft.title, draft.type, draft.source_kind, draft.source_id) == (
        "Alert on 5xx sooner", ActionType.detect, SourceKind.cluster, "c1")
    assert draft.is_draft
    note = VotableItem(id="n1", kind="note", step_key="other-risks", title="#4 · x",
                       note_texts=["Same regex engine in the API gateway"])
    assert draft_for_item(note, get_template("blameless")).title == "Same regex engine in the API gateway"


def test_open_draft_and_committed_are_each_decided_once():
    owned = dict(owner="Ann", due_date=date(2026, 12, 1))
    assert ActionDraft(title="Add an alert").is_open_draft
    assert not ActionDraft(title="Add an alert", status=Status.done).is_open_draft
    assert not ActionDraft(title="Add an alert", status=Status.wont_do,
                           status_reason="Superseded").is_open_draft
    assert ActionDraft(title="Add an alert", **owned).is_committed
    assert ActionDraft(title="Add an alert", status=Status.done, **owned).is_committed
    assert not ActionDraft(title="Add an alert", status=Status.wont_do, status_reason="Dropped",
                           **owned).is_committed
    assert not ActionDraft(title="Add an alert", owner="Ann").is_committed


def test_risk_steps_and_open_questions_are_recognised_in_one_place():
    from canvas.models import Note
    from canvas.templates import get_template

    blameless = get_template("blameless")
    assert [step.key for step in blameless.steps if step.is_risk_step] == ["other-risks"]
    stamp = datetime(2026, 12, 1, tzinfo=UTC)
    note = dict(id="n", board_id="b", step_key="detect", colour="yellow", author_id=None,
                created_at=stamp, updated_at=stamp)
    assert Note(text="Who owns the WAF rules? ", **note).is_open_question
    assert not Note(text="The WAF rule was deployed globally", **note).is_open_question
