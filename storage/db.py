"""Connections and transactions: the rules every write in storage/ follows.

Streamlit runs each rerun in its own thread, and a sqlite3 connection must not
be shared across threads, so every script run opens its own connection (it
costs well under a millisecond). Writers take the write lock up front with
BEGIN IMMEDIATE: a deferred transaction that reads and then writes fails with
"database is locked" when another writer got there first, while an immediate
one simply waits its turn (busy timeout) and then sees fresh data.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from storage.errors import sqlite_errors_named

# What pages and the command line hold between calls into storage/: they pass
# it along and never run SQL themselves.
Database = sqlite_utils.Database

DB_ENV = "POSTMORTEM_CANVAS_DB"
DEFAULT_DB_PATH = Path("data") / "postmortem-canvas.db"
BUSY_TIMEOUT_MS = 10_000


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """Where the database lives: an explicit path, $POSTMORTEM_CANVAS_DB, or ./data/."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB_PATH)


def connect(path: str | os.PathLike | None = None) -> sqlite_utils.Database:
    """A fresh connection for this thread, with the settings every connection needs.

    Raises DatabaseUnreadable (not SQLite, a folder, damaged) or DatabaseReadOnly
    (a new file in a folder that cannot be written)."""
    target = db_path(path)
    with sqlite_errors_named(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit BEGINs from the driver, so the only
        # transactions are the explicit BEGIN IMMEDIATE ones below (sqlite-utils
        # nests its own work inside them as savepoints).
        conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
    return sqlite_utils.Database(conn)


def hold_open(path: str | os.PathLike | None = None) -> sqlite3.Connection:
    """A connection to keep for the life of the process.

    SQLite deletes a WAL database's -wal and -shm files when its last
    connection closes, and must create them again to read it; on a full disk
    that fails, and not even a page that only reads could open. One idle
    connection held open keeps them, so reading goes on while the disk is full.
    """
    conn = sqlite3.connect(db_path(path), check_same_thread=False, isolation_level=None)
    with sqlite_errors_named(db_path(path)):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    return conn


@contextmanager
def write_transaction(
    db: sqlite_utils.Database, *, wait_ms: int | None = None
) -> Iterator[sqlite_utils.Database]:
    """One BEGIN IMMEDIATE transaction: all of it is written, or none of it.

    Inside an open transaction it joins that one (through a savepoint), so
    storage functions compose into a single larger write, such as an import.
    A write the database cannot take raises DiskFull, DatabaseBusy (another
    write held the lock longer than the busy timeout, or `wait_ms` when given)
    or DatabaseReadOnly, after rolling back.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    with sqlite_errors_named():
        _begin_immediate(db, wait_ms)
        try:
            yield db
            db.conn.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (disk full) may leave the transaction open.
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise


def _begin_immediate(db: sqlite_utils.Database, wait_ms: int | None) -> None:
    if wait_ms is None:
        db.conn.execute("BEGIN IMMEDIATE")
        return
    db.conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    finally:
        db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def now() -> datetime:
    """The current time in UTC (the only zone stored)."""
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """A timestamp as stored: ISO 8601 in UTC."""
    return None if moment is None else moment.astimezone(UTC).isoformat()
