"""The live board's HTTP routes in-process: no server, no browser.

`client` is Starlette's TestClient on the same routes and lifespan that
`st.App` serves, against a fresh migrated SQLite file (and, where a test asks
for `pg_client`, a fresh PostgreSQL schema)."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from canvas.models import BoardDraft
from canvas.session.phases import Credentials
from pages.live import calendar_feed, health, routes
from storage import boards, participants
from tests.databases import fresh_database


def live_app() -> Starlette:
    """The routes `app.py` hands to st.App, with the same lifespan."""
    return Starlette(routes=routes.ROUTES + calendar_feed.ROUTES + health.ROUTES,
                     lifespan=routes.lifespan)


@contextmanager
def running(target, monkeypatch) -> Iterator[TestClient]:
    monkeypatch.setenv("POSTMORTEM_CANVAS_DB", str(target))
    with TestClient(live_app(), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def web_db(tmp_path):
    with fresh_database("sqlite", tmp_path) as target:
        yield target


@pytest.fixture
def client(web_db, monkeypatch) -> Iterator[TestClient]:
    """A TestClient on the live routes, the app's database being `web_db`."""
    with running(web_db, monkeypatch) as test_client:
        yield test_client


class Board:
    """A board in Write: Fran facilitates (key `fran_key`), Ana and Ben joined."""

    def __init__(self, db, board_id: str, fran_key: str, tokens: dict[str, str], ids: dict[str, str]):
        self.db, self.id, self.fran_key, self.tokens, self.ids = db, board_id, fran_key, tokens, ids

    def credentials(self, name: str) -> Credentials:
        return Credentials(participant_id=self.ids[name])


@pytest.fixture
def board(web_db) -> Iterator[Board]:
    from storage import facilitation
    from storage.db import connect

    db = connect(web_db)
    started = facilitation.start_board(db, BoardDraft(title="Routes", facilitator_name="Fran"))
    board_id = started.board.id
    tokens, ids = {}, {}
    for name in ("Ana", "Ben"):
        person, token = participants.join_board(db, board_id, name)
        tokens[name], ids[name] = token, person.id
    fran_key = facilitation.create_facilitator_key(db, board_id, "test")
    yield Board(db, board_id, fran_key, tokens, ids)
    db.close()
