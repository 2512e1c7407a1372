"""The live calendar feed route in-process: the file a subscribed calendar
fetches reads back with two parsers, its events are the export's, and a
moved due date is a new version of the same event."""

from datetime import UTC, date, datetime

from canvas.actions import ActionDraft, Status
from canvas.models import BoardDetails, BoardDraft
from storage import actions, boards, calendar_feeds, facilitation
from storage.db import connect
from tests.calendars import raw_lines, read_back


def _board(db, title: str = "Checkout errors", zone: str = "UTC") -> str:
    board = facilitation.start_board(db, BoardDraft(title=title, facilitator_name="Fran")).board
    if zone != "UTC":
        details = BoardDetails.model_validate({**board.model_dump(), "timezone": zone})
        boards.update_details(db, board.id, details, board.details_version)
    return board.id


def _fetch(client, token: str):
    before = datetime.now(UTC).replace(microsecond=0)
    response = client.get(f"/api/calendar/{token}.ics")
    after = datetime.now(UTC)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = read_back(response.content)
    # DTSTAMP is when the feed was made, to the second, not a day's midnight.
    assert all(before <= event.stamp <= after for event in calendar.events)
    return calendar, response.text


def test_a_board_feed_reads_back_with_its_due_and_review_dates(client, web_db):
    db = connect(web_db)
    board_id = _board(db)
    alert = actions.add_action(db, board_id, ActionDraft(
        title="Add an alert, on 5xx; now", owner="Ann", due_date=date(2026, 12, 20),
        review_date=date(2027, 1, 10)))
    actions.add_action(db, board_id, ActionDraft(title="Dropped idea", owner="Ann",
                                                 due_date=date(2026, 12, 21),
                                                 status=Status.wont_do, status_reason="Superseded"))
    _, token = calendar_feeds.create_feed_token(db, "board", board_id)

    calendar, text = _fetch(client, token)

    assert (calendar.method, calendar.name) == ("PUBLISH", "Checkout errors")
    assert {event.uid: (event.summary, event.start, event.sequence) for event in calendar.events} == {
        f"{alert.id}@postmortem-canvas": ("Due: Add an alert, on 5xx; now", date(2026, 12, 20), 0),
        f"{alert.id}-review@postmortem-canvas": (
            "Follow-up review: Add an alert, on 5xx; now", date(2027, 1, 10), 0),
    }
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in raw_lines(text)


def test_a_moved_due_date_raises_the_sequence_in_the_feed_and_nothing_else_does(client, web_db):
    db = connect(web_db)
    board_id = _board(db)
    moving = actions.add_action(db, board_id, ActionDraft(title="Renew the certificate",
                                                          owner="Ann", due_date=date(2026, 12, 20)))
    staying = actions.add_action(db, board_id, ActionDraft(title="Move DNS", owner="Bo",
                                                           due_date=date(2026, 12, 23)))
    _, token = calendar_feeds.create_feed_token(db, "board", board_id)
    first, _ = _fetch(client, token)
    again, _ = _fetch(client, token)
    assert {e.uid: e.sequence for e in first.events} == {e.uid: e.sequence for e in again.events}

    draft = ActionDraft.model_validate({**moving.model_dump(), "due_date": date(2027, 1, 8)})
    actions.edit_action(db, board_id, moving.id, draft, moving.version)
    moved, _ = _fetch(client, token)

    by_uid = moved.by_uid()
    assert (by_uid[f"{moving.id}@postmortem-canvas"].start,
            by_uid[f"{moving.id}@postmortem-canvas"].sequence) == (date(2027, 1, 8), 1)
    assert by_uid[f"{moving.id}@postmortem-canvas"].last_modified is not None
    assert by_uid[f"{staying.id}@postmortem-canvas"].sequence == 0


def test_an_owner_feed_in_a_zone_far_from_utc_keeps_each_boards_days(client, web_db):
    db = connect(web_db)
    auckland = _board(db, "Auckland outage", "Pacific/Auckland")
    angeles = _board(db, "Los Angeles outage", "America/Los_Angeles")
    first = actions.add_action(db, auckland, ActionDraft(title="Renew", owner="Ann",
                                                         due_date=date(2026, 12, 20)))
    second = actions.add_action(db, angeles, ActionDraft(title="Rotate", owner="Ann",
                                                         due_date=date(2026, 12, 31)))
    _, token = calendar_feeds.create_feed_token(db, "owner", "Ann")

    calendar, text = _fetch(client, token)

    days = {event.uid: (event.start, event.end) for event in calendar.events}
    assert days == {f"{first.id}@postmortem-canvas": (date(2026, 12, 20), date(2026, 12, 21)),
                    f"{second.id}@postmortem-canvas": (date(2026, 12, 31), date(2027, 1, 1))}
    assert "DTSTART;VALUE=DATE:20261220" in raw_lines(text)
    assert not any(line.startswith("DTSTART:") for line in raw_lines(text))
