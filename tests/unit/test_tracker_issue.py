"""What an issue carries, which actions go to a tracker, and how a sync reads an issue."""

from datetime import UTC, date, datetime

import pytest

from canvas.actions import FollowUp, Status
from canvas.exports.tracker_issue import (
    Tracker, is_pushable, issue_payload, marked_action, marker_label, sync_decision,
)
from canvas.models import Board
from canvas.snapshot import BoardSnapshot

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def follow_up(**fields) -> FollowUp:
    return FollowUp(**{"id": "Act_1", "board_id": "B", "title": "Add an alert", "created_at": NOW,
                       "updated_at": NOW, **fields})


@pytest.mark.parametrize("fields, plain, asked", [
    ({"owner": "Ann", "due_date": date(2026, 12, 9)}, True, True),
    ({"owner": "Ann"}, False, True),  # a draft: no due date
    ({"owner": "Ann", "due_date": date(2026, 12, 9), "status": Status.parked}, False, True),
    ({"owner": "Ann", "due_date": date(2026, 12, 9), "status": Status.wont_do,
      "status_reason": "Replaced"}, False, False),
])
def test_only_committed_actions_are_pushed_unless_drafts_are_asked_for(fields, plain, asked):
    action = follow_up(**fields)
    assert (is_pushable(action), is_pushable(action, include_drafts=True)) == (plain, asked)


@pytest.mark.parametrize("status, at_sync, was_closed, closed, new, conflict", [
    (Status.open, "open", False, True, Status.done, False),          # closed in the tracker
    (Status.in_progress, "in_progress", False, True, Status.done, False),
    (Status.done, "done", True, False, Status.open, False),           # reopened
    (Status.open, "open", False, False, None, False),                 # nothing moved
    (Status.done, "open", False, False, None, False),                 # only the board moved
    (Status.in_progress, "open", False, True, None, True),            # both moved: conflict
    (Status.wont_do, "done", True, False, None, True),
    (Status.done, "open", False, True, None, False),                  # both say done
])
def test_only_a_change_in_the_tracker_moves_the_board_and_both_changing_is_a_conflict(
        status, at_sync, was_closed, closed, new, conflict):
    decision = sync_decision(status, at_sync, was_closed, closed)
    assert decision.new_status == new and bool(decision.conflict) == conflict


def test_the_marker_is_found_in_labels_and_in_the_hidden_line():
    snapshot = BoardSnapshot(board=Board(id="B", title="Outage *bold*", template="blameless",
                                         created_at=NOW, updated_at=NOW, revision=1,
                                         details_version=1))
    payload = issue_payload(snapshot, follow_up(owner="Ann", due_date=date(2026, 12, 9)),
                            Tracker.gitlab, "")
    assert marker_label("Act_1") in payload.labels and payload.labels[0] == "postmortem"
    assert marked_action([], payload.description) == "Act_1"
    assert marked_action(["postmortem", marker_label("Act_1")]) == "Act_1"
    assert "Outage \\*bold\\*" in payload.description
    jira = issue_payload(snapshot, follow_up(), Tracker.jira, "").description
    assert "*Outage *bold**" in jira and "<!--" not in jira and marked_action([], jira) == "Act_1"
