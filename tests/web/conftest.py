"""The live board's HTTP routes in-process: no server, no browser.

`client` is Starlette's TestClient on the same routes and lifespan that
`st.App` serves, against a fresh migrated SQLite file (and, where a test asks
for `pg_client`, a fresh PostgreSQL schema)."""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import anyio
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from canvas.models import BoardDraft
from canvas.session.live_view import apply_patch
from canvas.session.phases import Credentials
from web import routes
from storage import boards, participants
from tests.databases import fresh_database


def live_app() -> Starlette:
    """The routes `app.py` hands to st.App, with the same lifespan."""
    return Starlette(routes=routes.ROUTES, lifespan=routes.lifespan)


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


# --- what a canvas sends -------------------------------------------------------------


def canvas_tickets(client: TestClient, board: Board, name: str, facilitator_key: str | None = None) -> dict:
    """The tickets `name`'s canvas gets from the tickets route (with the key, a facilitator's)."""
    body = {"token": board.tokens[name], **({"facilitator_key": facilitator_key} if facilitator_key else {})}
    response = client.post(f"/api/boards/{board.id}/tickets", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def act(client: TestClient, board: Board, person: str, kind: str, /, *, facilitator_key: str | None = None,
        **fields):
    """Post one intent as `person`'s canvas does: ticket and facilitator key beside its fields."""
    ticket = canvas_tickets(client, board, person, facilitator_key)["action_ticket"]
    return client.post(f"/api/boards/{board.id}/actions",
                       json={"ticket": ticket, "facilitator_key": facilitator_key or "", "type": kind, **fields})


# --- a request as a server hands it over -----------------------------------------------

HANG_UP = None


def send_raw(client: TestClient, method: str, path: str, chunks: Iterable[bytes | None],
             headers: dict[str, str] | None = None) -> tuple[int | None, int]:
    """Hand the app one request as ASGI messages, the body chunk by chunk (a
    `HANG_UP` chunk is the client going away), the way a server does and
    TestClient does not (it reads the whole body first). Returns the status
    answered (None for none) and how many chunks the app asked for."""
    pending = iter(chunks)
    taken = 0
    answered: list[int] = []

    async def receive() -> dict:
        nonlocal taken
        chunk = next(pending, b"")
        taken += 1
        if chunk is HANG_UP:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": chunk, "more_body": chunk != b""}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            answered.append(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "client": ("testclient", 50000), "server": ("testserver", 80), "state": {},
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}

    async def call() -> None:
        with anyio.fail_after(30):
            await client.app(scope, receive, send)

    client.portal.call(call)
    return (answered[0] if answered else None), taken


def stream_views(client: TestClient, board: Board, ticket: str, headers: dict | None = None) -> Iterator[dict]:
    """The views a stream opened with `ticket` sends, as they arrive (the
    stream stays open while this is iterated)."""
    with client.stream("GET", f"/api/boards/{board.id}/stream", params={"ticket": ticket},
                       headers=headers or {}) as response:
        assert response.status_code == 200
        event, view = None, None
        for line in response.iter_lines():
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "view":
                view = json.loads(line[6:])
                yield view
            elif line.startswith("data: ") and event == "patch":
                view = apply_patch(view, json.loads(line[6:]))
                yield view
