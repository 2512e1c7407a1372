"""The database's own failures are named errors, and a failed write leaves
nothing behind: a full disk, a lock held too long, a file that is not SQLite,
a read-only folder."""

import sqlite3

import psycopg
import pytest

from canvas.errors import DatabaseBusy, DatabaseReadOnly, DatabaseUnreadable, DiskFull
from canvas.models import BoardDraft, NoteDraft
from canvas.session.phases import Credentials
from storage import boards, facilitation, notes, participants
from storage import db as storage_db
from storage.db import connect, hold_open, write_transaction
from storage.errors import named_error
from storage.migrations import migrate
from tests.databases import write_lock_held
from tests.disk import fill, read_only_folder, small_disk  # noqa: F401 - fixtures

DRAFT = BoardDraft(title="Checkout errors", facilitator_name="Fran", template="blameless")


def test_a_write_on_a_full_disk_raises_disk_full_and_writes_nothing(small_disk):
    path = small_disk / "board.db"
    migrate(path)
    db = connect(path)
    started = facilitation.start_board(db, DRAFT)
    # An empty write-ahead log: the next write must grow a file on the full disk.
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    me = participants.participant_by_token(db, started.board.id, started.token)
    fill(small_disk)
    with pytest.raises(DiskFull, match="disk is full: nothing was saved"):
        notes.add_note(db, started.board.id, "detect", NoteDraft(text="Alert fired late"),
                       Credentials(participant_id=me.id, facilitator_key=started.facilitator_key))
    with pytest.raises(DiskFull):
        participants.mark_seen(db, me.id)
    assert not db.connection.connection.dbapi_connection.in_transaction
    (small_disk / "filler").unlink()
    assert notes.list_notes(db, started.board.id) == []
    assert boards.get_board(db, started.board.id).revision == started.board.revision
    db.close()


def test_a_write_behind_a_lock_held_past_the_timeout_is_busy(db_file, monkeypatch):
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 50)
    db = connect(db_file)
    with write_lock_held(db_file):
        with pytest.raises(DatabaseBusy, match="Try again"):
            facilitation.start_board(db, DRAFT)
        assert not db.in_transaction
        assert boards.list_boards(db) == []
    # The lock is gone: the same write goes through on the same connection.
    assert facilitation.start_board(db, DRAFT).board.title == "Checkout errors"
    db.close()


def test_presence_gives_up_behind_a_long_write_and_the_connection_keeps_its_patience(db, db_file):
    started = facilitation.start_board(db, DRAFT)
    me = participants.participant_by_token(db, started.board.id, started.token)
    with write_lock_held(db_file):
        with pytest.raises(DatabaseBusy):
            participants.mark_seen(db, me.id)
        # The connection's own patience is back for the next write.
        if db.is_postgres:
            assert db.execute("SHOW lock_timeout").fetchone()[0] == "0"  # SET LOCAL ended with it
        else:
            assert db.execute("PRAGMA busy_timeout").fetchone()[0] == storage_db.BUSY_TIMEOUT_MS
    participants.mark_seen(db, me.id)


@pytest.mark.parametrize("content", [b"not a database\n" * 300, b"SQLite format 3\x00" + b"\xff" * 4000],
                         ids=["text file", "damaged header"])
def test_a_file_that_is_not_a_database_is_unreadable(tmp_path, content):
    path = tmp_path / "foreign.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseUnreadable):
        migrate(path)


def test_a_folder_in_place_of_the_database_is_unreadable(tmp_path):
    with pytest.raises(DatabaseUnreadable):
        connect(tmp_path)


def test_a_new_database_in_a_read_only_folder_is_read_only(read_only_folder):
    folder = read_only_folder()
    with pytest.raises(DatabaseReadOnly):
        migrate(folder / "board.db")


def test_a_write_to_a_database_on_a_read_only_disk_is_read_only(read_only_folder):
    def setup(folder):
        migrate(folder / "board.db")
        with connect(folder / "board.db") as db:
            db.execute("PRAGMA journal_mode = DELETE")

    folder = read_only_folder(setup)
    db = connect(folder / "board.db")
    assert boards.list_boards(db) == []
    with pytest.raises(DatabaseReadOnly):
        facilitation.start_board(db, DRAFT)
    db.close()


def test_a_broken_rule_is_not_dressed_up_as_a_database_problem(db):
    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.IntegrityError)):
        with write_transaction(db):
            db.execute("INSERT INTO notes (id, board_id, step_key, text, colour, version) "
                       "VALUES ('n', 'no-such-board', 'detect', 'x', 'yellow', 1)")
    assert named_error(sqlite3.IntegrityError("FOREIGN KEY constraint failed")) is None
    assert named_error(psycopg.errors.ForeignKeyViolation("violates foreign key constraint")) is None


def test_on_a_full_disk_a_held_connection_keeps_the_database_readable(small_disk):
    path = small_disk / "board.db"
    migrate(path)
    with connect(path) as db:
        board_id = facilitation.start_board(db, DRAFT).board.id
    held = hold_open(path)
    fill(small_disk)
    with connect(path) as db:
        assert boards.get_board(db, board_id).title == "Checkout errors"
    held.close()
    # With no connection left SQLite drops its -wal and -shm files, and cannot
    # make them again on a full disk: even opening the file is refused, by name.
    fill(small_disk)
    with pytest.raises(DiskFull):
        connect(path)
