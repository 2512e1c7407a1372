"""The database health check: an answer in a sentence, in a few seconds, whatever the database does."""

import os
import socket
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from storage.health import REACHABLE, database_reachable, describe_problem
from storage.migrations import migrate


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_migrated_sqlite_file_is_reachable(tmp_path):
    path = tmp_path / "board.db"
    migrate(path)
    assert database_reachable(path) == (True, REACHABLE)


def test_the_database_named_in_the_environment_is_the_one_checked(tmp_path, monkeypatch):
    monkeypatch.setenv("POSTMORTEM_CANVAS_DB", str(tmp_path))
    assert database_reachable()[0] is False


def test_a_folder_in_place_of_the_database_file_is_unreachable(tmp_path):
    reachable, message = database_reachable(tmp_path)
    assert reachable is False
    assert message == ("The database file cannot be opened (it is a folder, damaged, "
                       "not a database, or not permitted).")


def test_a_file_that_is_not_a_database_is_unreachable(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("meeting notes, not a database\n" * 100)
    assert database_reachable(notes)[0] is False


def test_a_database_whose_folder_cannot_be_created_is_unreachable_in_a_sentence(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    reachable, message = database_reachable(blocker / "data" / "board.db")
    assert reachable is False
    assert message == "The database file cannot be opened: not a directory."


def test_a_locked_database_is_given_up_on_in_time_and_not_checked_twice_at_once(tmp_path):
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")  # every reader now waits out the busy timeout (10 s)
    try:
        started = time.monotonic()
        reachable, message = database_reachable(path, timeout=1)
        assert time.monotonic() - started < 2
        assert (reachable, message) == (False, "The database did not answer within 1 second.")

        started = time.monotonic()
        reachable, message = database_reachable(path, timeout=1)
        assert time.monotonic() - started < 0.5
        assert reachable is False
        assert message.startswith("The database has not answered a check started ")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Once the lock is gone, the hanging check ends and the next one starts afresh.
    deadline = time.monotonic() + 15
    while database_reachable(path, timeout=1)[0] is not True:
        assert time.monotonic() < deadline, "the database never became reachable again"
        time.sleep(0.2)


def test_a_password_in_a_database_url_is_never_said():
    url = "postgresql://pmc:hunter2@db.internal:5432/pmc"
    error = RuntimeError(f"could not connect to {url}\nTraceback (most recent call last): ...")
    message = describe_problem(error, url)
    assert message == ("The database could not be reached: "
                       "could not connect to postgresql://***@db.internal:5432/pmc.")
    assert describe_problem(RuntimeError("password hunter2 was refused"), url) == (
        "The database could not be reached: password *** was refused.")


def test_an_error_without_words_is_named_by_its_kind():
    assert describe_problem(TimeoutError()) == "The database could not be reached (TimeoutError)."


def test_a_postgresql_server_that_is_not_listening_is_unreachable_and_its_password_unsaid():
    url = f"postgresql://pmc:hunter2@127.0.0.1:{closed_port()}/pmc"
    started = time.monotonic()
    reachable, message = database_reachable(url)
    assert time.monotonic() - started < 4
    assert reachable is False
    assert message.startswith("The PostgreSQL server did not answer")
    assert "hunter2" not in message
    assert "Traceback" not in message


@pytest.mark.skipif(not os.environ.get("POSTMORTEM_CANVAS_TEST_PG"),
                    reason="set POSTMORTEM_CANVAS_TEST_PG to a postgresql:// URL to check PostgreSQL")
def test_a_running_postgresql_server_is_reachable():
    assert database_reachable(os.environ["POSTMORTEM_CANVAS_TEST_PG"]) == (True, REACHABLE)


def folder_blocked(tmp_path):
    """A database path whose folder is taken by a file: unreachable until the file goes."""
    blocker = tmp_path / "data"
    blocker.write_text("")
    return blocker, blocker / "board.db"


def test_an_answer_is_given_again_while_it_is_fresh(tmp_path):
    blocker, path = folder_blocked(tmp_path)
    assert database_reachable(path)[0] is False
    blocker.unlink()
    assert database_reachable(path, fresh=60)[0] is False
    assert database_reachable(path, fresh=0) == (True, REACHABLE)


def test_an_outage_and_its_end_are_each_logged_once(tmp_path, caplog):
    blocker, path = folder_blocked(tmp_path)
    for _ in range(3):
        assert database_reachable(path, fresh=0)[0] is False
    blocker.unlink()
    for _ in range(3):
        assert database_reachable(path, fresh=0)[0] is True
    # Warnings both: the server's log shows warnings and above, and whoever
    # saw the outage there must also see it end.
    said = [(record.levelname, record.getMessage()) for record in caplog.records]
    assert [level for level, _ in said] == ["WARNING", "WARNING"]
    assert said[0][1].startswith("health check: the database is unreachable: "
                                 "The database file cannot be opened")
    assert said[1][1] == "health check: the database is reachable again"


def test_a_database_reachable_from_the_start_raises_no_warning(tmp_path, caplog):
    path = tmp_path / "board.db"
    migrate(path)
    for _ in range(3):
        assert database_reachable(path, fresh=0)[0] is True
    assert [record for record in caplog.records if record.levelname == "WARNING"] == []


def test_callers_at_the_same_moment_all_get_the_one_answer(tmp_path):
    path = tmp_path / "board.db"
    migrate(path)
    gate = threading.Barrier(20)

    def ask(_):
        gate.wait()
        return database_reachable(path)

    with ThreadPoolExecutor(20) as pool:
        assert list(pool.map(ask, range(20))) == [(True, REACHABLE)] * 20
