"""Which boards changed, pushed to whoever waits: one watcher per server process.

`ChangeFeed` is the small interface the live routes use. The SQLite
implementation has one thread poll `PRAGMA data_version` on its own
connection every 50 ms: the number moves whenever any other connection (of
this process or another) commits to the file, and reading it costs
microseconds. Only then are the revisions of the boards someone is waiting on
read, and their waiters woken on their event loops. A PostgreSQL version would
implement the same interface with LISTEN/NOTIFY.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import anyio

from storage.db import BUSY_TIMEOUT_MS

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


_UNKNOWN = object()


class SqliteChangeFeed:
    """ChangeFeed over one SQLite file (see the module's docstring)."""

    def __init__(self, path: str | Path, interval: float = POLL_SECONDS):
        self._path = str(path)
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
        self._thread = threading.Thread(target=self._run, name="board-change-watcher", daemon=True)
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

    # --- the watcher thread ---------------------------------------------------

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

    def _run(self) -> None:
        conn = self._connect()
        last_version = None
        try:
            while not self._stopping.is_set():
                self._wake.wait(self._interval)
                self._wake.clear()
                if self._stopping.is_set():
                    break
                try:
                    version = conn.execute("PRAGMA data_version").fetchone()[0]
                    self.polls += 1
                    if version == last_version:
                        continue
                    last_version = version
                    self._refresh(conn)
                except sqlite3.Error:
                    # A locked or briefly unavailable file: try again next tick.
                    last_version = None
        finally:
            conn.close()

    def _refresh(self, conn: sqlite3.Connection) -> None:
        cutoff = time.monotonic() - FORGET_AFTER_SECONDS
        with self._lock:
            for board_id in [b for b, at in self._wanted_at.items()
                             if at < cutoff and not self._waiters.get(b)]:
                self._wanted_at.pop(board_id, None)
                self._revisions.pop(board_id, None)
                self._waiters.pop(board_id, None)
            watched = list(self._revisions)
        if not watched:
            return
        fresh = _revisions(conn, watched)
        with self._lock:
            for board_id in watched:
                revision = fresh.get(board_id)
                if board_id not in self._revisions or self._revisions[board_id] == revision:
                    continue
                self._revisions[board_id] = revision
                for loop, future in self._waiters.pop(board_id, set()):
                    loop.call_soon_threadsafe(_resolve, future, revision)


def _resolve(future: asyncio.Future, revision: int | None) -> None:
    if not future.done():
        future.set_result(revision)


def _revisions(conn: sqlite3.Connection, board_ids: Iterable[str]) -> dict[str, int | None]:
    """Revisions of live boards among `board_ids` (deleted and unknown ones are left out)."""
    ids = list(board_ids)
    found: dict[str, int | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = conn.execute(
            f"SELECT id, revision FROM boards WHERE deleted_at IS NULL AND id IN ({','.join('?' * len(chunk))})",
            chunk,
        ).fetchall()
        found.update(rows)
    return found
