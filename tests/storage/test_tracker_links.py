"""Issue links and calendar feed tokens in the database."""

from datetime import date

from canvas.actions import ActionDraft
from canvas.models import BoardDraft
from storage import actions, facilitation, tracker_links
from storage.db import connect
from storage.copying import dump, table_names
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


def test_a_feed_token_is_stored_only_as_its_hash_and_stops_working_when_revoked(db):
    record, token = tracker_links.create_feed_token(db, "owner", "Ann")
    assert tracker_links.feed_for_token(db, token).value == "Ann"
    everything = str(dump(db))
    assert token not in everything and len(token) >= 40
    assert tracker_links.feed_for_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    tracker_links.revoke_feed_token(db, record.id)
    assert tracker_links.feed_for_token(db, token) is None
    assert tracker_links.feed_tokens(db, "owner", "Ann") == []
