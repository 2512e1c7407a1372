"""Connections and transactions: the rules every write in storage/ follows,
on SQLite (the embedded default) and on PostgreSQL.

`POSTMORTEM_CANVAS_DB` is a file path or a `postgresql://` URL. Either way
storage/ talks to it through a SQLAlchemy Core engine (pooling, both
drivers, one result API) and writes its statements in the SQL both databases
share; the few differences live here and in migrations.py.

Transactions are spelled out, not left to the drivers:
- SQLite: writers take the write lock up front with BEGIN IMMEDIATE. A
  deferred transaction that reads and then writes fails with "database is
  locked" when another writer got there first, while an immediate one waits
  its turn (busy timeout) and then sees fresh data. Every script run opens
  its own connection (no pool: it costs well under a millisecond, and a
  sqlite3 connection must not move between threads while in use).
- PostgreSQL: a write is a READ COMMITTED transaction; `changing_board`
  (storage/boards.py) locks the board's row first, so writes to one board
  take turns exactly as on SQLite, and each later statement sees what the
  previous writer committed. Writes to different boards run side by side.
  A lock held past the busy timeout fails as DatabaseBusy, as on SQLite.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from storage.errors import errors_named

DB_ENV = "POSTMORTEM_CANVAS_DB"
DEFAULT_DB_PATH = Path("data") / "postmortem-canvas.db"
BUSY_TIMEOUT_MS = 10_000
# Connections one app process keeps to PostgreSQL: enough for every thread
# that may read at once (script runs and the live routes' worker threads),
# few enough that several processes stay under the server's default limit
# of 100 connections.
POOL_SIZE = 10
POOL_OVERFLOW = 20
CONNECT_TIMEOUT_S = 5

_POSTGRES_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def database_target(explicit: str | os.PathLike | None = None) -> str:
    """Where the database lives: an explicit path or URL, $POSTMORTEM_CANVAS_DB,
    or ./data/postmortem-canvas.db."""
    if explicit:
        return str(explicit)
    return os.environ.get(DB_ENV) or str(DEFAULT_DB_PATH)


def is_postgres(target: str | os.PathLike) -> bool:
    return str(target).startswith(_POSTGRES_SCHEMES)


def db_path(explicit: str | os.PathLike | None = None) -> Path | None:
    """The SQLite file the target names, or None for a PostgreSQL URL."""
    target = database_target(explicit)
    return None if is_postgres(target) else Path(target)


def describe(target: str | os.PathLike | None = None) -> str:
    """The target as it may be shown or logged: a URL loses its password."""
    target = database_target(target)
    if not is_postgres(target):
        return target
    try:
        return sa.make_url(target).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "a postgresql:// URL that cannot be parsed"


# --- engines ---------------------------------------------------------------------

_engines: OrderedDict[str, sa.Engine] = OrderedDict()
_engines_lock = threading.Lock()
# Tests open thousands of temporary files; an engine is cheap to make again.
_ENGINES_KEPT = 32


def _engine(target: str) -> sa.Engine:
    with _engines_lock:
        engine = _engines.get(target)
        if engine is not None:
            _engines.move_to_end(target)
            return engine
        engine = _postgres_engine(target) if is_postgres(target) else _sqlite_engine(Path(target))
        _engines[target] = engine
        while len(_engines) > _ENGINES_KEPT:
            _, old = _engines.popitem(last=False)
            old.dispose(close=False)
        return engine


def forget(target: str | os.PathLike | None = None) -> None:
    """Close the pooled connections to this database (tests, copy-db)."""
    with _engines_lock:
        engine = _engines.pop(database_target(target), None)
    if engine is not None:
        engine.dispose()


def _sqlite_engine(path: Path) -> sa.Engine:
    def open_file() -> sqlite3.Connection:
        # isolation_level=None: no implicit BEGINs from the driver, so the only
        # transactions are the explicit ones below.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            conn.close()
            raise
        return conn

    return sa.create_engine("sqlite://", creator=open_file, poolclass=NullPool,
                            isolation_level="AUTOCOMMIT")


def _postgres_engine(target: str) -> sa.Engine:
    url = sa.make_url(target).set(drivername="postgresql+psycopg")
    return sa.create_engine(
        url, isolation_level="AUTOCOMMIT", pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW,
        pool_pre_ping=True, connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )


# --- one connection ----------------------------------------------------------------

# What a statement holds that is text, not SQL: a string literal ('it''s' is
# two adjacent ones), a quoted name, a comment; or else a placeholder.
_TEXT_OR_PLACEHOLDER = re.compile(r"""'[^']*'|"[^"]*"|--[^\n]*|/\*.*?\*/|\?""", re.DOTALL)


@lru_cache(maxsize=4096)
def _for_driver(sql: str, postgres: bool) -> str:
    """The statement as the driver takes it: psycopg binds %s, not ?, and
    reads every % as the start of one (through SQLAlchemy, even with no
    values, and even inside a string literal). A ? that is text, in a
    literal, a quoted name or a comment, stays as written."""
    if not postgres:
        return sql
    return _TEXT_OR_PLACEHOLDER.sub(lambda found: "%s" if found[0] == "?" else found[0],
                                    sql.replace("%", "%%"))


def _bindable(value: Any) -> Any:
    # SQLite stores True as 1; PostgreSQL refuses a boolean in an integer column.
    return int(value) if isinstance(value, bool) else value


class Database:
    """One connection, used by one thread at a time: what pages and the
    command line hold between calls into storage/ and pass along, never
    running SQL themselves."""

    def __init__(self, target: str, connection: sa.Connection):
        self.target = target
        self.connection = connection
        self.is_postgres = connection.dialect.name == "postgresql"
        self._depth = 0
        # Boards whose change is open on this connection (storage/boards.py
        # changing_board): a change nested in it joins it instead of bumping again.
        self.changing_boards: set[str] = set()

    # statements
    def execute(self, sql: str, params: Sequence | Iterable = ()) -> sa.CursorResult:
        """Run one statement with `?` placeholders; returns its result."""
        values = tuple(_bindable(value) for value in params)
        statement = _for_driver(sql, self.is_postgres)
        try:
            return self.connection.exec_driver_sql(statement, values) if values \
                else self.connection.exec_driver_sql(statement)
        except sa.exc.DBAPIError as error:
            raise error.orig from None

    def execute_many(self, sql: str, rows: list[tuple]) -> None:
        if not rows:
            return
        statement = _for_driver(sql, self.is_postgres)
        try:
            self.connection.exec_driver_sql(
                statement, [tuple(_bindable(value) for value in row) for row in rows])
        except sa.exc.DBAPIError as error:
            raise error.orig from None

    def query(self, sql: str, params: Sequence | Iterable = ()) -> Iterator[dict]:
        """Rows as dicts."""
        for row in self.execute(sql, params).mappings():
            yield dict(row)

    def __getitem__(self, table: str) -> Table:
        return Table(self, table)

    # transactions (see write_transaction and read_transaction)
    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def close(self) -> None:
        if self._depth:
            self._depth = 0
            try:
                self.execute("ROLLBACK")
            except Exception:  # the connection is being thrown away anyway
                pass
        self.connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# Primary keys other than "id".
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "tracker_links": ("action_id",), "instance_secrets": ("name",),
    "decision_actions": ("decision_id", "action_id"),
}


def primary_key(table: str) -> tuple[str, ...]:
    return PRIMARY_KEYS.get(table, ("id",))


class Table:
    """Inserts and updates by primary key, written out for both databases.
    Table and column names come from code, never from people."""

    def __init__(self, db: Database, name: str):
        self.db = db
        self.name = name

    @property
    def _key(self) -> str:
        # Updates and upserts here go by a single-column key.
        (column,) = primary_key(self.name)
        return column

    def insert(self, row: dict) -> None:
        self.insert_all([row])

    def insert_all(self, rows: Iterable[dict]) -> None:
        by_columns: dict[tuple[str, ...], list[tuple]] = {}
        for row in rows:
            by_columns.setdefault(tuple(row), []).append(tuple(row.values()))
        for columns, values in by_columns.items():
            self.db.execute_many(
                f'INSERT INTO "{self.name}" ({", ".join(quoted(columns))}) '
                f'VALUES ({", ".join("?" * len(columns))})', values)

    def update(self, key: str, values: dict) -> int:
        """Change these columns of the row with this primary key; returns how many rows changed."""
        sets = ", ".join(f"{column} = ?" for column in quoted(values))
        return self.db.execute(
            f'UPDATE "{self.name}" SET {sets} WHERE "{self._key}" = ?',
            [*values.values(), key]).rowcount

    def next_position(self, **within: Any) -> int:
        """The position after the last of the rows `within` names (1 when there
        are none): where a new row goes at the end of its column or list. Asked
        inside the write that inserts the row."""
        where = " AND ".join(f"{column} = ?" for column in quoted(within))
        return self.db.execute(
            f'SELECT coalesce(max(position), 0) + 1 FROM "{self.name}" WHERE {where}',
            list(within.values())).fetchone()[0]

    def upsert(self, row: dict) -> None:
        """Insert the row, or change every given column of the one with its primary key."""
        key = self._key
        columns = quoted(row)
        changes = ", ".join(f"{column} = excluded.{column}" for column in columns if column != f'"{key}"')
        self.db.execute(
            f'INSERT INTO "{self.name}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(row))}) '
            f'ON CONFLICT ("{key}") DO UPDATE SET {changes}', list(row.values()))


def quoted(columns: Iterable[str]) -> list[str]:
    """Table or column names as SQL identifiers (names from code, never from people)."""
    return [f'"{column}"' for column in columns]


def connect(target: str | os.PathLike | None = None) -> Database:
    """A connection for this thread, with the settings every connection needs.

    Raises DatabaseUnreadable (not SQLite, a folder, damaged), DatabaseReadOnly
    (a new file in a folder that cannot be written) or DatabaseUnreachable (a
    PostgreSQL server that does not answer or refuses the login)."""
    target = database_target(target)
    with errors_named(target):
        if not is_postgres(target):
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = _engine(target).connect()
        except sa.exc.DBAPIError as error:
            raise error.orig from None
    return Database(target, connection)


def hold_open(target: str | os.PathLike | None = None) -> sqlite3.Connection | None:
    """A connection to keep for the life of the process (SQLite only).

    SQLite deletes a WAL database's -wal and -shm files when its last
    connection closes, and must create them again to read it; on a full disk
    that fails, and not even a page that only reads could open. One idle
    connection held open keeps them, so reading goes on while the disk is full.
    """
    path = db_path(target)
    if path is None:
        return None
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    with errors_named(str(path)):
        conn.execute("SELECT count(*) FROM sqlite_master").fetchall()
    return conn


@contextmanager
def write_transaction(db: Database, *, wait_ms: int | None = None) -> Iterator[Database]:
    """One write transaction: all of it is written, or none of it.

    Inside an open transaction it joins that one (through a savepoint), so
    storage functions compose into a single larger write, such as an import.
    A write the database cannot take raises DiskFull, DatabaseBusy (another
    write held the lock longer than the busy timeout, or `wait_ms` when given)
    or DatabaseReadOnly, after rolling back.
    """
    if db.in_transaction:
        with _savepoint(db):
            yield db
        return
    with errors_named(db.target):
        _begin_write(db, wait_ms)
        db._depth = 1
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (disk full) may leave the transaction open.
            _roll_back(db)
            raise
        finally:
            db._depth = 0


@contextmanager
def read_transaction(db: Database) -> Iterator[Database]:
    """Several reads that see one state of the database (inside a write, that one's)."""
    if db.in_transaction:
        yield db
        return
    with errors_named(db.target):
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if db.is_postgres else "BEGIN")
        db._depth = 1
        try:
            yield db
        finally:
            db._depth = 0
            _roll_back(db)


def lock_board_row(db: Database) -> str:
    """What a SELECT of a board's row inside a write adds to hold that board
    until the commit: nothing on SQLite, which holds the whole file already."""
    return " FOR UPDATE" if db.is_postgres else ""


def _begin_write(db: Database, wait_ms: int | None) -> None:
    if db.is_postgres:
        db.execute("BEGIN")
        db.execute(f"SET LOCAL lock_timeout = {int(BUSY_TIMEOUT_MS if wait_ms is None else wait_ms)}")
        return
    if wait_ms is None:
        db.execute("BEGIN IMMEDIATE")
        return
    db.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        db.execute("BEGIN IMMEDIATE")
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _roll_back(db: Database) -> None:
    try:
        db.execute("ROLLBACK")
    except Exception:  # noqa: BLE001 - nothing was open, or the connection is gone
        # SQLite ends a transaction itself on some errors; a broken
        # connection is thrown away by the pool.
        pass


_savepoints = 0
_savepoints_lock = threading.Lock()


@contextmanager
def _savepoint(db: Database) -> Iterator[None]:
    global _savepoints
    with _savepoints_lock:
        _savepoints += 1
        name = f"sp_{_savepoints}"
    db.execute(f"SAVEPOINT {name}")
    db._depth += 1
    try:
        yield
        db.execute(f"RELEASE SAVEPOINT {name}")
    except BaseException:
        db.execute(f"ROLLBACK TO SAVEPOINT {name}")
        db.execute(f"RELEASE SAVEPOINT {name}")
        raise
    finally:
        db._depth -= 1


def now() -> datetime:
    """The current time in UTC (the only zone stored)."""
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """A timestamp as stored: ISO 8601 in UTC."""
    return None if moment is None else moment.astimezone(UTC).isoformat()
