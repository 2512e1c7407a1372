"""GET /healthz in-process: monitors that probe at the same moment share one
check of the database and all get its answer; a database that hangs still
gets an answer within the limit."""

import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from starlette.testclient import TestClient

from storage.health import CHECK_SECONDS
from tests.databases import fresh_database
from tests.web.conftest import live_app, running

PROBES = 20
# The limit, plus room for a busy machine to hand the answer back.
ANSWER_SECONDS = CHECK_SECONDS + 1.5


def probe_at_once(client, probes: int = PROBES) -> list[tuple[int, dict]]:
    """Status and body of `probes` GETs sent together, from threads of their own."""
    gate = threading.Barrier(probes)

    def one(_):
        gate.wait()
        answer = client.get("/healthz")
        return answer.status_code, answer.json()

    with ThreadPoolExecutor(probes) as pool:
        return list(pool.map(one, range(probes)))


def timed_probe(client) -> tuple[int, dict, float]:
    started = time.monotonic()
    answer = client.get("/healthz")
    return answer.status_code, answer.json(), time.monotonic() - started


@contextmanager
def exclusively_locked(path):
    """Another connection keeps every reader of the SQLite file out, until the block ends."""
    holder = sqlite3.connect(path, isolation_level=None, timeout=30)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("SELECT count(*) FROM sqlite_master").fetchall()
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def silent_server():
    """A TCP port that accepts connections and never says a word."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(50)
        yield listener.getsockname()[1]


def test_twenty_probes_at_once_of_a_healthy_sqlite_database_all_answer_200(client):
    for _ in range(3):
        assert probe_at_once(client) == [(200, {"ok": True, "database": "reachable"})] * PROBES


def test_twenty_probes_at_once_of_a_healthy_postgresql_database_all_answer_200(tmp_path, monkeypatch):
    with fresh_database("postgresql", tmp_path) as url, running(url, monkeypatch) as client:
        for _ in range(3):
            assert probe_at_once(client) == [(200, {"ok": True, "database": "reachable"})] * PROBES


def test_probes_of_a_locked_database_all_answer_503_within_the_limit(client, web_db):
    with exclusively_locked(web_db):
        started = time.monotonic()
        answers = probe_at_once(client)
        took = time.monotonic() - started
        later, body, later_took = timed_probe(client)
    assert took < ANSWER_SECONDS
    assert answers == [(503, {"ok": False, "database": "unreachable",
                              "message": "The database did not answer within 3 seconds."})] * PROBES
    # The check is still hanging: a probe now is told so at once, without a second check.
    assert later == 503 and later_took < 1
    assert body["message"].startswith("The database has not answered a check started ")


def test_a_postgresql_server_that_never_answers_gives_503_within_the_limit(monkeypatch):
    with silent_server() as port:
        monkeypatch.setenv("POSTMORTEM_CANVAS_DB", f"postgresql://pmc:hunter2@127.0.0.1:{port}/pmc")
        # Without the lifespan, which would wait out its own connection attempt first.
        status, body, took = timed_probe(TestClient(live_app()))
    assert took < ANSWER_SECONDS
    assert status == 503
    assert body["message"] == "The database did not answer within 3 seconds."
