"""Calendar feed links in the database."""

from storage import calendar_feeds
from storage.copying import dump


def test_a_feed_token_is_stored_only_as_its_hash_and_stops_working_when_revoked(db):
    record, token = calendar_feeds.create_feed_token(db, "owner", "Ann")
    assert calendar_feeds.feed_for_token(db, token).value == "Ann"
    everything = str(dump(db))
    assert token not in everything and len(token) >= 40
    assert calendar_feeds.feed_for_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    calendar_feeds.revoke_feed_token(db, record.id)
    assert calendar_feeds.feed_for_token(db, token) is None
    assert calendar_feeds.feed_tokens(db, "owner", "Ann") == []
