"""Which boards changed, pushed to whoever waits: one watcher per server process.

`ChangeFeed` is the small interface the live routes use; `open_change_feed`
picks the implementation for the database.

- SQLite: one thread polls `PRAGMA data_version` on its own connection every
  50 ms. The number moves whenever any other connection (of this process or
  another) commits to the file, and reading it costs microseconds. Only then
  are the revisions of the boards someone is waiting on read.
- PostgreSQL: every change to a board sends `board_id:revision` on the
  `board_changes` channel with NOTIFY, in the transaction that makes it
  (`announce_change`, called by `changing_board`), so it is delivered at the
  commit, to every app server, and never for a change rolled back. One
  thread per process LISTENs on its own connection. After a lost connection
  it connects again and catches up by reading the revisions of the boards it
  watches, so a change made while it was away is not missed.

Either way, waiters are woken on their own event loops.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import anyio
import psycopg
import sqlalchemy as sa

from storage.db import BUSY_TIMEOUT_MS, CONNECT_TIMEOUT_S, Database, connect, is_postgres

CHANNEL = "board_changes"

POLL_SECONDS = 0.05
# A board nobody waited on for this long is no longer read after changes.
FORGET_AFTER_SECONDS = 60.0


class ChangeFeed(Protocol):
    """Tells waiting coroutines when a board's revision moves."""

    def start(self) -> None: ...

    def stop(self) -> None: ...

    async def wait(self, board_id: str, after_revision: int | None, timeout: float) -> int | None:
        """The board's revision as soon as it differs from `after_revision`, or
        the current one once `timeout` seconds pass; None when the board is gone."""
        ...

    def nudge(self) -> None:
        """Something was just written here: look now rather than at the next tick."""
        ...


def announce_change(db: Database, board_id: str, revision: int) -> None:
    """Tell every app server on the database that the board is at `revision`
    (inside the change's transaction). SQLite needs nothing: its watchers
    see the file change."""
    if db.is_postgres:
        db.execute("SELECT pg_notify(?, ?)", [CHANNEL, f"{board_id}:{revision}"])


def open_change_feed(target: str) -> ChangeFeed:
    """The change feed for this database: a file path or a postgresql:// URL."""
    return PostgresChangeFeed(target) if is_postgres(target) else SqliteChangeFeed(target)


_UNKNOWN = object()


class _Watchers:
    """What both feeds share: the revisions of watched boards and who waits on them."""

    def __init__(self, interval: float):
        self._interval = interval
        self._lock = threading.Lock()
        self._revisions: dict[str, int | None] = {}
        self._wanted_at: dict[str, float] = {}
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = {}
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.polls = 0  # how many times data_version was read (for benchmarks)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._watch, name="board-change-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and release every waiter (they get the last known revision)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        with self._lock:
            waiters = [(b, w) for b, ws in self._waiters.items() for w in ws]
            self._waiters.clear()
            for board_id, (loop, future) in waiters:
                loop.call_soon_threadsafe(_resolve, future, self._revisions.get(board_id))

    def nudge(self) -> None:
        self._wake.set()

    async def wait(self, board_id: str, after_revision: int | None, timeout: float) -> int | None:
        with self._lock:
            known = self._revisions.get(board_id, _UNKNOWN)
            self._wanted_at[board_id] = time.monotonic()
        if known is _UNKNOWN:
            known = await anyio.to_thread.run_sync(self._read_one, board_id)
            with self._lock:
                known = self._revisions.setdefault(board_id, known)
        loop = asyncio.get_running_loop()
        with self._lock:
            current = self._revisions.get(board_id)
            if current != after_revision or current is None or self._stopping.is_set():
                return current
            future = loop.create_future()
            entry = (loop, future)
            self._waiters.setdefault(board_id, set()).add(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            with self._lock:
                return self._revisions.get(board_id)
        finally:
            with self._lock:
                self._waiters.get(board_id, set()).discard(entry)
                self._wanted_at[board_id] = time.monotonic()

    def _watch(self) -> None:
        raise NotImplementedError

    def _read_one(self, board_id: str) -> int | None:
        raise NotImplementedError

    def _refresh(self, read: Callable[[list[str]], dict[str, int | None]]) -> None:
        """Read the revisions of every watched board and wake whoever waits on a moved one."""
        cutoff = time.monotonic() - FORGET_AFTER_SECONDS
        with self._lock:
            for board_id in [b for b, at in self._wanted_at.items()
                             if at < cutoff and not self._waiters.get(b)]:
                self._wanted_at.pop(board_id, None)
                self._revisions.pop(board_id, None)
                self._waiters.pop(board_id, None)
            watched = list(self._revisions)
        if watched:
            self._moved(read(watched), watched)

    def _moved(self, fresh: dict[str, int | None], boards: Iterable[str]) -> None:
        with self._lock:
            for board_id in boards:
                revision = fresh.get(board_id)
                if board_id not in self._revisions or self._revisions[board_id] == revision:
                    continue
                self._revisions[board_id] = revision
                for loop, future in self._waiters.pop(board_id, set()):
                    loop.call_soon_threadsafe(_resolve, future, revision)


class SqliteChangeFeed(_Watchers):
    """ChangeFeed over one SQLite file (see the module's docstring)."""

    def __init__(self, path: str | Path, interval: float = POLL_SECONDS):
        super().__init__(interval)
        self._path = str(path)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return conn

    def _read_one(self, board_id: str) -> int | None:
        conn = self._connect()
        try:
            return _revisions(conn, [board_id]).get(board_id)
        finally:
            conn.close()

    def _watch(self) -> None:
        conn: sqlite3.Connection | None = None
        last_version = None
        try:
            while not self._stopping.is_set():
                self._wake.wait(self._interval)
                self._wake.clear()
                if self._stopping.is_set():
                    break
                try:
                    # Opened here, not before the loop: a file that cannot be
                    # opened at start-up (a full disk, a folder not mounted
                    # yet) is opened once it can be.
                    conn = conn or self._connect()
                    version = conn.execute("PRAGMA data_version").fetchone()[0]
                    self.polls += 1
                    if version == last_version:
                        continue
                    last_version = version
                    self._refresh(lambda boards: _revisions(conn, boards))
                except sqlite3.Error:
                    # A locked or briefly unavailable file: try again next tick.
                    last_version = None
        finally:
            if conn is not None:
                conn.close()


class PostgresChangeFeed(_Watchers):
    """ChangeFeed over a PostgreSQL database (see the module's docstring)."""

    def __init__(self, target: str, interval: float = 1.0):
        # `interval`: how often the listener looks up from waiting, to stop.
        super().__init__(interval)
        self._target = target
        self.reconnects = 0  # connections lost and made again (for tests and benchmarks)

    def _read_one(self, board_id: str) -> int | None:
        with connect(self._target) as db:
            return _revisions(db, [board_id]).get(board_id)

    def _read(self, boards: list[str]) -> dict[str, int | None]:
        with connect(self._target) as db:
            return _revisions(db, boards)

    def _listen(self) -> psycopg.Connection:
        url = sa.make_url(self._target).set(drivername="postgresql")
        conn = psycopg.connect(url.render_as_string(hide_password=False), autocommit=True,
                               connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="postmortem-canvas change feed")
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def _watch(self) -> None:
        conn: psycopg.Connection | None = None
        while not self._stopping.is_set():
            try:
                if conn is None:
                    conn = self._listen()
                    # Whatever moved while nobody listened (first start, or a
                    # lost connection): catch up by revision.
                    self._refresh(self._read)
                moved = self._moved_boards(conn)
                if moved:
                    # Read back rather than trust the payload: a deleted board reads as gone.
                    self._moved(self._read(moved), moved)
            except (psycopg.Error, sa.exc.SQLAlchemyError, OSError):
                if conn is not None:
                    conn.close()
                    conn = None
                    self.reconnects += 1
                self._stopping.wait(min(self._interval, 0.5))
        if conn is not None:
            conn.close()

    def _moved_boards(self, conn: psycopg.Connection) -> list[str]:
        """Watched boards announced at a revision newer than the one known,
        from the notifications that arrive within one interval."""
        moved: set[str] = set()
        for note in conn.notifies(timeout=self._interval, stop_after=None):
            board_id, _, revision = note.payload.rpartition(":")
            with self._lock:
                known = self._revisions.get(board_id, _UNKNOWN)
            if known is not _UNKNOWN and revision.isdigit() and int(revision) != known:
                moved.add(board_id)
                # Take what else has arrived, then read them all at once.
                break
        if moved:
            for note in conn.notifies(timeout=0.0):
                board_id, _, _ = note.payload.rpartition(":")
                with self._lock:
                    if board_id in self._revisions:
                        moved.add(board_id)
        return list(moved)


def _resolve(future: asyncio.Future, revision: int | None) -> None:
    if not future.done():
        future.set_result(revision)


def _revisions(conn: sqlite3.Connection | Database, board_ids: Iterable[str]) -> dict[str, int | None]:
    """Revisions of live boards among `board_ids` (deleted and unknown ones are left out)."""
    ids = list(board_ids)
    found: dict[str, int | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = conn.execute(
            f"SELECT id, revision FROM boards WHERE deleted_at IS NULL AND id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        found.update((board_id, revision) for board_id, revision in rows)
    return found
