"""Issue links in the database."""

from datetime import date

from canvas.actions import ActionDraft
from canvas.models import BoardDraft
from storage import actions, facilitation, tracker_links
from storage.db import connect
from storage.copying import table_names
from storage.migrations import migrate
from tests.storage.test_migrations import ROWS, kept_columns


def board_of_an_older_file(db) -> str:
    """A board as an older file holds it: only the columns it has (today's
    code writes columns such a file does not have yet)."""
    row = ROWS["boards"][1]
    db["boards"].insert(kept_columns(db, "boards", row))
    return row["id"]


def test_a_file_from_before_links_keeps_its_actions_and_gains_links_and_feeds(tmp_path):
    path = tmp_path / "old.db"
    migrate(path, stop_before="0008_tracker_links_feed_tokens")
    db = connect(path)
    board_id = board_of_an_older_file(db)
    action = actions.add_action(db, board_id, ActionDraft(title="Add an alert", owner="Ann",
                                                          due_date=date(2026, 12, 9)))
    db.close()
    assert migrate(path)[0] == "0008_tracker_links_feed_tokens"
    db = connect(path)
    assert actions.list_actions(db, board_id) == [action]
    link = tracker_links.record_push(db, board_id, action, "gitlab", "ops/platform", "7",
                                     "https://gitlab.example/ops/platform/-/issues/7", False)
    assert (link.issue_id, link.synced_status, link.issue_closed) == ("7", "open", False)
    assert {"tracker_links", "feed_tokens"} <= set(table_names(db))


def test_links_from_before_fingerprints_keep_their_issue_and_gain_one_at_the_next_push(tmp_path):
    path = tmp_path / "old.db"
    migrate(path, stop_before="0012_tracker_link_pushed_fingerprint")
    db = connect(path)
    board_id = board_of_an_older_file(db)
    action = actions.add_action(db, board_id, ActionDraft(title="Add an alert", owner="Ann",
                                                          due_date=date(2026, 12, 9)))
    db.execute("INSERT INTO tracker_links (action_id, board_id, tracker, project, issue_id, url, "
               "issue_closed, synced_status, pushed_at, synced_at) VALUES (?, ?, 'jira', 'OPS', "
               "'OPS-7', 'https://jira.example/browse/OPS-7', 1, 'done', NULL, NULL)",
               [action.id, board_id])
    db.close()
    assert migrate(path)[0] == "0012_tracker_link_pushed_fingerprint"
    db = connect(path)
    link = tracker_links.links_for_board(db, board_id)[action.id]
    assert (link.issue_id, link.issue_closed, link.synced_status, link.pushed) == (
        "OPS-7", True, "done", None)
    digest = {"title": "a1", "description": "b2", "due_date": "c3", "assignee": ""}
    link = tracker_links.record_push(db, board_id, action, "jira", "OPS", "OPS-7", link.url, False,
                                     pushed=digest)
    # What the last sync saw stays until a sync reads the issue again.
    assert (link.pushed, link.issue_closed, link.synced_status) == (digest, True, "done")


def test_a_push_that_closed_the_issue_records_that_both_sides_agree(db):
    board_id = facilitation.start_board(db, BoardDraft(title="Now", facilitator_name="Fran")).board.id
    action = actions.add_action(db, board_id, ActionDraft(title="Add an alert", owner="Ann",
                                                          due_date=date(2026, 12, 9)))
    first = tracker_links.record_push(db, board_id, action, "gitlab", "ops/platform", "7", "u",
                                      False, agreed_status="open")
    assert (first.issue_closed, first.synced_status, first.pushed) == (False, "open", None)
    closed = tracker_links.record_push(db, board_id, action, "gitlab", "ops/platform", "7", "u",
                                       True, agreed_status="done")
    assert (closed.issue_closed, closed.synced_status) == (True, "done")
