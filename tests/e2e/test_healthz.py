"""GET /healthz on the real server, as a load balancer asks it: no browser needed."""

import json
import sqlite3
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

from tests.e2e.conftest import app_server, eventually

# A load balancer gives up on a probe after a few seconds.
PROBE_SECONDS = 5


def probe(port: int) -> tuple[int, dict, float]:
    """Status, JSON body and how long the answer took."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=PROBE_SECONDS) as r:
            status, body = r.status, r.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


@contextmanager
def app_on(db):
    """The app serving `db` on a free port; yields the port and, once stopped, its log."""
    log = []
    with app_server(db) as (port, process):
        yield port, log
    log.append(process.stdout.read().decode(errors="replace"))


def test_a_reachable_database_answers_200(tmp_path):
    with app_on(tmp_path / "board.db") as (port, _):
        status, body, _ = probe(port)
    assert (status, body) == (200, {"ok": True, "database": "reachable"})


def test_a_folder_in_place_of_the_database_answers_503_in_a_sentence(tmp_path):
    sentence = ("The database file cannot be opened (it is a folder, damaged, not a database, "
                "or not permitted).")
    with app_on(tmp_path) as (port, log):
        status, body, took = probe(port)
        probe(port)
    assert (status, body) == (503, {"ok": False, "database": "unreachable", "message": sentence})
    assert took < 3
    # The operator's log says it once, in the same sentence; no traceback
    # passes through the check (the change watcher logs its own failure).
    assert log[0].count(f"the database is unreachable: {sentence}") == 1
    assert "health.py" not in log[0]


def test_a_locked_database_answers_503_within_seconds_then_200_once_released(tmp_path):
    path = tmp_path / "board.db"
    with app_on(path) as (port, log):
        holder = sqlite3.connect(path, isolation_level=None)
        try:
            # Exclusive locking keeps every other connection out, readers included,
            # for as long as the transaction is open (each would wait 10 s).
            holder.execute("PRAGMA locking_mode = EXCLUSIVE")
            holder.execute("BEGIN EXCLUSIVE")
            holder.execute("SELECT count(*) FROM sqlite_master").fetchall()
            status, body, took = probe(port)
            assert status == 503
            assert body["message"] == "The database did not answer within 3 seconds."
            assert took < PROBE_SECONDS
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        eventually(lambda: probe(port)[0] == 200, 15, "still no 200 after the lock was released")
    # The operator's log says when it went and when it came back, once each.
    assert log[0].count("health check: the database is unreachable") == 1
    assert log[0].count("health check: the database is reachable again") == 1
