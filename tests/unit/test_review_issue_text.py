"""The review's own issue as each tracker is sent it: the brief and agenda,
the labels, and typed text escaped for Markdown or Jira's wiki markup."""

import pytest

from canvas.errors import InvalidInput
from canvas.exports.review_issue import (
    REVIEW_LABEL, checked_label, review_issue_text, review_marker,
)
from canvas.exports.tracker_issue import Tracker
from canvas.models import GROUND_RULES
from tests.unit.golden.fixture_board import BOARD_ID, cloudflare_snapshot

BOARD_URL = f"https://canvas.example/?board={BOARD_ID}"


def _with_board(**changes):
    snapshot = cloudflare_snapshot()
    return snapshot.model_copy(update={"board": snapshot.board.model_copy(update=changes)})


def test_the_description_holds_purpose_roles_attendees_pre_reads_agenda_and_the_board_link():
    snapshot = _with_board(
        invitees="Kim <kim@example.com>\nPat",
        intake=cloudflare_snapshot().board.intake.model_copy(
            update={"evidence": "WAF CPU dashboard\nThe deploy log of 13:42"}))
    text = review_issue_text(snapshot, Tracker.gitlab, BOARD_URL)
    description = text.description
    assert text.title == "Postmortem review: " + snapshot.board.title
    assert "## Purpose" in description
    assert "**Desired outcome:** Rule deploys that cannot take down the edge" in description
    assert "**What happened:**" in description
    assert f"**Board:** <{BOARD_URL}>" in description
    assert "**Review meeting:** 2019-07-09" in description
    assert "- Facilitator: Dana" in description and "- Decision owner: Sam" in description
    assert "- Kim (participant)" in description and "- Pat (participant)" in description
    assert "kim@example.com" not in description  # addresses are for the invite only
    assert "- WAF CPU dashboard" in description and "- The deploy log of 13:42" in description
    assert f"**Published postmortem:** <{snapshot.board.source.url}>" in description
    steps = [step.title for step in snapshot.template.steps]
    assert [line.split(". ", 1)[1] for line in description.splitlines()
            if line[:1].isdigit() and ". " in line] == steps
    assert all(rule in description for rule in GROUND_RULES)
    assert description.rstrip().endswith(f"<!-- postmortem-canvas review:{BOARD_ID} -->")


def test_the_labels_are_the_review_label_the_boards_and_the_marker():
    text = review_issue_text(cloudflare_snapshot(), Tracker.github, BOARD_URL)
    assert text.labels == [REVIEW_LABEL, "postmortem", "waf", review_marker(BOARD_ID)]
    assert text.marker == review_marker(BOARD_ID)
    custom = review_issue_text(cloudflare_snapshot(), Tracker.gitlab, BOARD_URL, label="waf")
    assert custom.labels == ["waf", "postmortem", review_marker(BOARD_ID)]


def test_jira_gets_wiki_markup_and_labels_without_spaces():
    snapshot = _with_board(title="Edge *down* [again] {noformat} -x-")
    text = review_issue_text(snapshot, Tracker.jira, BOARD_URL)
    assert text.labels[0] == "Post-Mortem"
    assert all(" " not in label for label in text.labels)
    lines = text.description.splitlines()
    assert "h2. Purpose" in lines and "h2. Agenda" in lines and "# Summary" in lines
    assert r"*Edge \*down\* \[again\] \{noformat\} \-x\-*" in lines[0]
    assert f"* *Board:* [{BOARD_URL}]" in lines
    # The title stays as typed: a tracker's title is plain text.
    assert text.title == "Postmortem review: Edge *down* [again] {noformat} -x-"


def test_typed_markdown_cannot_break_the_description():
    snapshot = _with_board(title="# <script>alert(1)</script> | `x`",
                           invitees="[Kim](javascript:alert(1))")
    description = review_issue_text(snapshot, Tracker.gitlab, BOARD_URL).description
    assert "<script>" not in description
    assert r"\<script\>" in description
    assert "[Kim](javascript" not in description


def test_a_board_with_nobody_named_and_no_pre_reads_says_so():
    snapshot = _with_board(roles=cloudflare_snapshot().board.roles.model_copy(
        update={"facilitator": "", "scribe": "", "decision_owner": ""}), invitees="",
        source=cloudflare_snapshot().board.source.model_copy(update={"url": ""}))
    description = review_issue_text(snapshot, Tracker.gitlab, "").description
    assert description.count("- nobody named yet") == 2
    assert "- none listed yet" in description
    assert "**Board:**" not in description


@pytest.mark.parametrize("label, message", [
    ("", "The review label cannot be empty."),
    ("x" * 41, "The review label is 41 characters long; the limit is 40."),
    ("a,b", "The review label cannot hold a comma."),
    ("two\nlines", "The review label must fit on one line."),
])
def test_a_review_label_a_tracker_cannot_take_is_refused_in_one_sentence(label, message):
    with pytest.raises(InvalidInput) as refused:
        checked_label(label)
    assert str(refused.value) == message


def test_a_review_label_is_kept_as_typed_without_the_spaces_around_it():
    assert checked_label("  Post Mortem ") == "Post Mortem"
