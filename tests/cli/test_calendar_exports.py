"""`export --format ics` and `--format invite` from the shell: each file reads
back with two parsers, a moved date raises its event's SEQUENCE, and the
export and the live feed agree on every event they share."""

from datetime import UTC, date, datetime

import pytest

from canvas.actions import ActionDraft
from canvas.models import BoardDetails, BoardDraft
from postmortem_canvas import main
from storage import actions, boards, calendar_feeds, facilitation
from storage.db import connect
from tests.calendars import raw_lines, read_back
from web.calendar_feed import feed_text


def export(capsys, db_file, board_id: str, fmt: str):
    before = datetime.now(UTC).replace(microsecond=0)
    status = main(["export", board_id, "--format", fmt, "--db", str(db_file)])
    out, err = capsys.readouterr()
    assert status == 0, err
    calendar = read_back(out)
    assert all(before <= event.stamp <= datetime.now(UTC) for event in calendar.events)
    return calendar, out


@pytest.fixture
def board(db_file):
    with connect(db_file) as db:
        board = facilitation.start_board(db, BoardDraft(title="Checkout errors",
                                                        facilitator_name="Fran")).board
        alert = actions.add_action(db, board.id, ActionDraft(
            title="Add an alert", owner="Ann", due_date=date(2026, 12, 20),
            review_date=date(2027, 1, 10)))
        runbook = actions.add_action(db, board.id, ActionDraft(
            title="Write the runbook", owner="Bo", due_date=date(2026, 12, 22)))
    return board.id, alert, runbook


def _move(db_file, board_id: str, action, day: date) -> None:
    with connect(db_file) as db:
        current = actions.get_action(db, board_id, action.id)
        draft = ActionDraft.model_validate({**current.model_dump(), "due_date": day})
        actions.edit_action(db, board_id, action.id, draft, current.version)


def _set_details(db_file, board_id: str, **changes) -> None:
    with connect(db_file) as db:
        current = boards.get_board(db, board_id)
        details = BoardDetails.model_validate({**current.model_dump(), **changes})
        boards.update_details(db, board_id, details, current.details_version)


def test_a_moved_due_date_raises_the_sequence_in_the_export_and_the_feed(db_file, capsys, board):
    board_id, alert, runbook = board
    with connect(db_file) as db:
        _, token = calendar_feeds.create_feed_token(db, "board", board_id)
    first, _ = export(capsys, db_file, board_id, "ics")
    assert {event.sequence for event in first.events} == {0}

    _move(db_file, board_id, alert, date(2027, 1, 5))
    moved, _ = export(capsys, db_file, board_id, "ics")
    again, _ = export(capsys, db_file, board_id, "ics")
    feed = read_back(feed_text(token))

    due = f"{alert.id}@postmortem-canvas"
    assert (moved.by_uid()[due].start, moved.by_uid()[due].sequence) == (date(2027, 1, 5), 1)
    assert again.by_uid()[due].sequence == 1  # exporting again is no change
    assert moved.by_uid()[f"{runbook.id}@postmortem-canvas"].sequence == 0
    # The feed holds the same event under the same UID, at the same version.
    assert (feed.by_uid()[due].sequence, feed.by_uid()[due].summary) == (1, moved.by_uid()[due].summary)
    assert set(feed.by_uid()) == set(moved.by_uid())


def test_a_board_far_from_utc_exports_its_own_days(db_file, capsys, board):
    board_id, alert, runbook = board
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        _set_details(db_file, board_id, timezone=zone)
        calendar, text = export(capsys, db_file, board_id, "ics")
        assert calendar.by_uid()[f"{alert.id}@postmortem-canvas"].start == date(2026, 12, 20)
        assert "DTSTART;VALUE=DATE:20261220" in raw_lines(text)
        assert not any(line.startswith(("DTSTART:", "DTSTART;TZID")) for line in raw_lines(text))


def test_a_moved_review_date_is_a_new_version_of_the_same_invite(db_file, capsys, board):
    board_id, *_ = board
    _set_details(db_file, board_id, review_date="2026-12-28", timezone="Pacific/Auckland",
                 invitees="Fran <fran@example.com>")
    [first] = export(capsys, db_file, board_id, "invite")[0].events
    _set_details(db_file, board_id, review_date="2027-01-04")
    [moved] = export(capsys, db_file, board_id, "invite")[0].events
    assert (first.uid, first.start, first.sequence) == (
        f"review-{board_id}@postmortem-canvas", date(2026, 12, 28), 0)
    assert (moved.uid, moved.start, moved.sequence) == (first.uid, date(2027, 1, 4), 1)
