"""The review issue a board keeps, and lessons marked as infrastructure as
code: one transaction each, the revision moved only by a real change, and
the marks kept through edits, backups and restores."""

import json
from datetime import date

import pytest

from canvas.actions import ActionDraft, Status
from canvas.errors import EditConflict, NotAnIacItem, ParticipantNotFound
from canvas.exports.backup import parse_backup
from canvas.exports.export import export_document
from canvas.learnings import LearningDraft
from canvas.models import BoardDetails, BoardDraft
from canvas.session.phases import Credentials, Phase
from storage import actions, boards, facilitation, iac, learnings, restore, review_issues
from storage.db import connect
from storage.snapshot import load_snapshot

URL = "https://gitlab.example/ops/handbook/-/issues/12"


@pytest.fixture
def started(db_file):
    db = connect(db_file)
    yield db, facilitation.start_board(db, BoardDraft(title="Checkout errors",
                                                       facilitator_name="Fran"))
    db.close()


def test_the_review_issue_becomes_the_boards_tracker_link(started):
    db, start = started
    board_id = start.board.id
    assert review_issues.review_issue_of(db, board_id) is None
    replaced = review_issues.record_review_issue(db, board_id, "gitlab", "ops/handbook", "12", URL)
    assert replaced == ""
    assert review_issues.review_issue_of(db, board_id) == review_issues.ReviewIssueLink(
        "gitlab", "ops/handbook", "12", URL)
    board = boards.get_board(db, board_id)
    assert board.tracker_url == URL
    assert board.revision == start.board.revision + 1
    assert board.details_version == start.board.details_version + 1


def test_recording_the_same_issue_again_changes_nothing(started):
    db, start = started
    review_issues.record_review_issue(db, start.board.id, "gitlab", "ops/handbook", "12", URL)
    before = boards.get_board(db, start.board.id)
    assert review_issues.record_review_issue(db, start.board.id, "gitlab", "ops/handbook",
                                             "12", URL) == ""
    assert boards.get_board(db, start.board.id) == before


def test_a_typed_tracker_link_is_replaced_and_named(started):
    db, start = started
    board = boards.get_board(db, start.board.id)
    details = BoardDetails.model_validate({**board.model_dump(include=set(BoardDetails.model_fields)),
                                           "tracker_url": "https://tracker.example/1"})
    boards.update_details(db, board.id, details, board.details_version)
    replaced = review_issues.record_review_issue(db, board.id, "jira", "OPS", "OPS-3",
                                                 "https://jira.example/browse/OPS-3")
    assert replaced == "https://tracker.example/1"
    assert boards.get_board(db, board.id).tracker_url == "https://jira.example/browse/OPS-3"


def test_a_summary_form_opened_before_the_issue_cannot_write_the_old_link_back(started):
    db, start = started
    board = boards.get_board(db, start.board.id)
    review_issues.record_review_issue(db, board.id, "gitlab", "ops/handbook", "12", URL)
    stale = BoardDetails.model_validate(board.model_dump(include=set(BoardDetails.model_fields)))
    with pytest.raises(EditConflict):
        boards.update_details(db, board.id, stale, board.details_version)
    assert boards.get_board(db, board.id).tracker_url == URL


def _learning(db, start):
    return learnings.add_learning(db, start.board.id, LearningDraft(text="errors go unseen"),
                                  Credentials(participant_id=start.facilitator.id))


def test_a_learning_and_an_action_are_marked_and_unmarked(started):
    db, start = started
    board_id = start.board.id
    action = actions.add_action(db, board_id, ActionDraft(title="Add a WAF rule test"))
    learning = _learning(db, start)
    assert iac.mark_iac(db, board_id, action.id, True) == "action"
    assert iac.mark_iac(db, board_id, learning.id, True,
                        Credentials(participant_id=start.facilitator.id)) == "learning"
    snapshot = load_snapshot(db, board_id)
    assert [a.iac for a in snapshot.actions] == [True] and [l.iac for l in snapshot.learnings] == [True]
    iac.mark_iac(db, board_id, action.id, False)
    assert actions.get_action(db, board_id, action.id).iac is False
    assert learnings.get_learning(db, board_id, learning.id).iac is True


def test_marking_what_is_already_marked_leaves_the_revision_alone(started):
    db, start = started
    action = actions.add_action(db, start.board.id, ActionDraft(title="Add a WAF rule test"))
    iac.mark_iac(db, start.board.id, action.id, True)
    revision = boards.board_revision(db, start.board.id)
    iac.mark_iac(db, start.board.id, action.id, True)
    assert boards.board_revision(db, start.board.id) == revision


def test_an_edit_of_the_action_keeps_its_mark(started):
    db, start = started
    action = actions.add_action(db, start.board.id, ActionDraft(title="Add a WAF rule test"))
    iac.mark_iac(db, start.board.id, action.id, True)
    edited = actions.edit_action(db, start.board.id, action.id, ActionDraft(
        title="Add a WAF rule CPU test", owner="Ann", due_date=date(2026, 12, 1)), action.version)
    assert edited.iac is True
    assert actions.set_action_status(db, start.board.id, action.id, Status.done).iac is True


def test_a_closed_board_still_takes_marks(started):
    db, start = started
    action = actions.add_action(db, start.board.id, ActionDraft(
        title="Add a WAF rule test", owner="Ann", due_date=date(2026, 12, 1)))
    facilitation.set_phase(db, start.board.id, start.facilitator_key, Phase.closed)
    iac.mark_iac(db, start.board.id, action.id, True)
    assert actions.get_action(db, start.board.id, action.id).iac is True


def test_an_unknown_deleted_or_foreign_item_is_refused_and_nothing_moves(started):
    db, start = started
    other = facilitation.start_board(db, BoardDraft(title="Other", facilitator_name="Bo"))
    foreign = actions.add_action(db, other.board.id, ActionDraft(title="Elsewhere"))
    gone = actions.add_action(db, start.board.id, ActionDraft(title="Deleted"))
    actions.delete_action(db, start.board.id, gone.id)
    revision = boards.board_revision(db, start.board.id)
    for item_id in ("nope", foreign.id, gone.id):
        with pytest.raises(NotAnIacItem):
            iac.mark_iac(db, start.board.id, item_id, True)
    with pytest.raises(ParticipantNotFound):
        iac.mark_iac(db, start.board.id, foreign.id, True,
                     Credentials(participant_id=other.facilitator.id))
    assert boards.board_revision(db, start.board.id) == revision
    assert actions.get_action(db, other.board.id, foreign.id).iac is False


def test_a_backup_keeps_the_marks_and_a_restored_board_has_them(started):
    db, start = started
    marked = actions.add_action(db, start.board.id, ActionDraft(title="Add a WAF rule test"))
    actions.add_action(db, start.board.id, ActionDraft(title="Write the runbook"))
    learning = _learning(db, start)
    iac.mark_iac(db, start.board.id, marked.id, True)
    iac.mark_iac(db, start.board.id, learning.id, True)
    snapshot, votes = restore.load_snapshot_and_votes(db, start.board.id)
    document = export_document(snapshot, votes)
    assert [action.get("iac", False) for action in document["actions"]] == [True, False]
    board, _ = restore.create_board_from(db, parse_backup(json.dumps(document)))
    copy = load_snapshot(db, board.id)
    assert [(a.title, a.iac) for a in copy.actions] == [("Add a WAF rule test", True),
                                                        ("Write the runbook", False)]
    assert [l.iac for l in copy.learnings] == [True]
