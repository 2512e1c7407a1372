"""The live calendar feed on the app's own server, read back by two iCalendar parsers."""

import urllib.error
import urllib.request
from datetime import date

import pytest

from canvas.actions import ActionDraft, Status
from canvas.models import BoardDraft
from storage import actions, calendar_feeds, facilitation
from storage.db import connect
from tests.calendars import read_back
from tests.e2e.conftest import Server, app_server

pytestmark = pytest.mark.e2e


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of this module's own: an owner's feed spans every board of the
    database, so no other test's boards may be in it."""
    db_path = tmp_path_factory.mktemp("calendar") / "calendar.db"
    with app_server(db_path) as (port, _):
        yield Server(f"http://127.0.0.1:{port}", db_path)


@pytest.fixture(scope="module")
def boards_with_dates(server):
    db = connect(server.db)
    first = facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran")).board.id
    second = facilitation.start_board(db, BoardDraft(title="DNS expiry", facilitator_name="Fran")).board.id
    alert = actions.add_action(db, first, ActionDraft(
        title="Add an alert, on 5xx; now", owner="Ann", due_date=date(2026, 12, 20),
        review_date=date(2027, 1, 10)))
    actions.add_action(db, first, ActionDraft(title="Dropped idea", owner="Ann",
                                              due_date=date(2026, 12, 21), status=Status.wont_do,
                                              status_reason="Superseded"))
    renew = actions.add_action(db, second, ActionDraft(title="Renew domains automatically",
                                                       owner="ann", due_date=date(2026, 12, 22)))
    actions.add_action(db, second, ActionDraft(title="Move DNS", owner="Bo", due_date=date(2026, 12, 23)))
    db.close()
    return first, second, alert, renew


def _events(body: bytes) -> dict[str, tuple[str, date]]:
    return {event.uid: (event.summary, event.start) for event in read_back(body).events}


def test_a_board_feed_holds_its_due_and_review_dates(server, boards_with_dates):
    first, second, alert, renew = boards_with_dates
    _, token = calendar_feeds.create_feed_token(connect(server.db), "board", first)
    status, kind, body = _get(f"{server.url}/api/calendar/{token}.ics")
    assert status == 200 and kind.startswith("text/calendar")
    assert read_back(body).name == "Checkout errors"
    assert _events(body) == {
        f"{alert.id}@postmortem-canvas": ("Due: Add an alert, on 5xx; now", date(2026, 12, 20)),
        f"{alert.id}-review@postmortem-canvas": (
            "Follow-up review: Add an alert, on 5xx; now", date(2027, 1, 10)),
    }


def test_an_owner_feed_spans_boards(server, boards_with_dates):
    first, second, alert, renew = boards_with_dates
    _, token = calendar_feeds.create_feed_token(connect(server.db), "owner", "Ann")
    status, _, body = _get(f"{server.url}/api/calendar/{token}.ics")
    assert status == 200
    assert sorted(uid.split("@")[0] for uid in _events(body)) == sorted(
        [alert.id, f"{alert.id}-review", renew.id])


def test_a_forged_or_revoked_token_gets_404(server, boards_with_dates):
    first, *_ = boards_with_dates
    db = connect(server.db)
    record, token = calendar_feeds.create_feed_token(db, "board", first)
    assert _get(f"{server.url}/api/calendar/{token}.ics")[0] == 200
    forged = token[:-2] + ("xx" if not token.endswith("xx") else "yy")
    assert _get(f"{server.url}/api/calendar/{forged}.ics")[0] == 404
    calendar_feeds.revoke_feed_token(db, record.id)
    status, _, body = _get(f"{server.url}/api/calendar/{token}.ics")
    assert status == 404 and b"Checkout" not in body
