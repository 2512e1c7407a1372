"""The change watcher: a waiter learns of a board's new revision, whoever wrote it
(on SQLite by polling the file, on PostgreSQL by LISTEN/NOTIFY)."""

import asyncio
import shutil
import sys
import time

import pytest

from canvas.models import BoardDraft
from storage import boards, facilitation
from storage.changes import open_change_feed
from storage.db import connect

# Generous: these tests check that a change arrives, not how fast (benchmarks/ measure that).
PATIENCE = 20.0


@pytest.fixture
def board_id(db):
    return facilitation.start_board(db, BoardDraft(title="Watched", facilitator_name="Fran")).board.id


@pytest.fixture
def feed(db_file):
    watcher = open_change_feed(str(db_file))
    watcher.start()
    yield watcher
    watcher.stop()


def test_a_waiter_behind_the_board_gets_the_current_revision_at_once(db, feed, board_id):
    current = boards.board_revision(db, board_id)
    assert asyncio.run(feed.wait(board_id, current - 1, PATIENCE)) == current
    assert asyncio.run(feed.wait(board_id, None, PATIENCE)) == current


def test_a_waiter_with_nothing_new_gets_the_same_revision_after_its_timeout(db, feed, board_id):
    current = boards.board_revision(db, board_id)
    assert asyncio.run(feed.wait(board_id, current, 0.2)) == current


def test_a_write_in_this_process_wakes_the_waiter(db_file, db, feed, board_id):
    before = boards.board_revision(db, board_id)

    async def scenario():
        waiting = asyncio.create_task(feed.wait(board_id, before, PATIENCE))
        await asyncio.sleep(0.2)
        await asyncio.to_thread(_in_own_connection, db_file, boards.update_details, board_id,
                                boards.get_board(db, board_id).model_copy(update={"title": "Renamed"}),
                                boards.get_board(db, board_id).details_version)
        return await waiting

    assert asyncio.run(scenario()) == before + 1


def _in_own_connection(db_file, write, *args):
    # A sqlite3 connection belongs to the thread that opened it.
    own = connect(db_file)
    try:
        write(own, *args)
    finally:
        own.close()


@pytest.mark.sqlite_only
def test_a_plain_sqlite_write_from_another_process_wakes_the_waiter(db_file, db, feed, board_id):
    before = boards.board_revision(db, board_id)
    writer = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
              "c.execute('UPDATE boards SET revision = revision + 5 WHERE id = ?', (sys.argv[2],)); c.commit()")

    async def scenario():
        waiting = asyncio.create_task(feed.wait(board_id, before, PATIENCE))
        await asyncio.sleep(0.2)
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", writer, str(db_file), board_id)
        assert await process.wait() == 0
        return await waiting

    assert asyncio.run(scenario()) == before + 5


def _waiting_while(feed, board_id, before, db_file, write, *args):
    """What the waiter gets when `write` runs on its own connection while it waits."""
    async def scenario():
        waiting = asyncio.create_task(feed.wait(board_id, before, PATIENCE))
        await asyncio.sleep(0.2)
        await asyncio.to_thread(_in_own_connection, db_file, write, *args)
        return await waiting

    return asyncio.run(scenario())


def test_a_deleted_board_reads_as_gone(db_file, db, feed, board_id):
    before = boards.board_revision(db, board_id)
    assert _waiting_while(feed, board_id, before, db_file, boards.delete_board, board_id) is None


def test_stopping_the_feed_releases_every_waiter(db, db_file, board_id):
    watcher = open_change_feed(str(db_file))
    watcher.start()
    current = boards.board_revision(db, board_id)

    async def scenario():
        waiting = asyncio.create_task(watcher.wait(board_id, current, PATIENCE))
        await asyncio.sleep(0.2)
        watcher.stop()
        return await asyncio.wait_for(waiting, PATIENCE)

    assert asyncio.run(scenario()) == current


def test_a_change_through_another_process_wakes_the_waiter(db_file, db, feed, board_id):
    """What another app server on the same database does: a change through storage/."""
    before = boards.board_revision(db, board_id)
    writer = ("import sys; from storage.db import connect; from storage.boards import changing_board\n"
              "with connect(sys.argv[1]) as db:\n"
              "    for _ in range(3):\n"
              "        with changing_board(db, sys.argv[2]): pass")

    async def scenario():
        waiting = asyncio.create_task(feed.wait(board_id, before, PATIENCE))
        await asyncio.sleep(0.2)
        process = await asyncio.create_subprocess_exec(sys.executable, "-c", writer, str(db_file), board_id)
        assert await process.wait() == 0
        first = await waiting
        # However the three changes were grouped, the waiter ends at the last.
        latest = first
        while latest != before + 3:
            latest = await feed.wait(board_id, latest, PATIENCE)
        return first, latest

    first, latest = asyncio.run(scenario())
    assert before < first <= latest == before + 3


@pytest.mark.postgresql_only
def test_a_listener_whose_connection_dies_catches_up_by_revision(db_file, db, feed, board_id):
    before = boards.board_revision(db, board_id)
    assert asyncio.run(feed.wait(board_id, before - 1, PATIENCE)) == before  # watched now

    async def scenario():
        waiting = asyncio.create_task(feed.wait(board_id, before, PATIENCE))
        await asyncio.sleep(0.2)
        await asyncio.to_thread(_cut_listener_and_write, db_file, board_id)
        return await waiting

    assert asyncio.run(scenario()) == before + 1
    assert feed.reconnects >= 1


def _cut_listener_and_write(db_file, board_id):
    with connect(db_file) as own:
        cut = own.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'postmortem-canvas change feed' "
                          "AND query LIKE 'LISTEN%'").fetchall()
        assert cut, "the feed's listening connection was found"
        # Written while the feed has no connection: nothing will announce it again.
        with boards.changing_board(own, board_id):
            pass


@pytest.mark.sqlite_only
def test_a_file_that_appears_after_the_start_is_watched_once_it_can_be_opened(db_file, tmp_path):
    missing = tmp_path / "not-yet" / "board.db"
    watcher = open_change_feed(str(missing))
    watcher.start()
    try:
        time.sleep(0.3)  # several ticks on a file that cannot be opened
        missing.parent.mkdir()
        shutil.copy(db_file, missing)
        with connect(missing) as db:
            board_id = facilitation.start_board(db, BoardDraft(title="Late", facilitator_name="Fran")).board.id
            before = boards.board_revision(db, board_id)
        # Only the watching thread can tell: it must have opened the file by now.
        assert _waiting_while(watcher, board_id, before, missing, boards.delete_board, board_id) is None
        assert watcher.polls > 0
    finally:
        watcher.stop()
