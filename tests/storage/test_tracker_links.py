"""Issue links in the database."""

from datetime import date

from canvas.actions import ActionDraft
from canvas.models import BoardDraft
from storage import actions, facilitation, tracker_links
from storage.db import connect
from storage.copying import table_names
from storage.migrations import migrate


def test_a_file_from_before_links_keeps_its_actions_and_gains_links_and_feeds(tmp_path):
    path = tmp_path / "old.db"
    migrate(path, stop_before="0008_tracker_links_feed_tokens")
    db = connect(path)
    board_id = facilitation.start_board(db, BoardDraft(title="Old", facilitator_name="Fran")).board.id
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
