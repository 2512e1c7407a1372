"""What one server process holds for the live routes: the change feed, the
closing flag, a connection per worker thread to a database this code knows,
the ticket signing key, and the shutdown signal that ends every open stream.

Nothing here answers a request; the handlers ask it for a connection, the
feed and whether the process is closing.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from storage.changes import ChangeFeed, open_change_feed
from storage.db import Database, connect, database_target, is_postgres
from storage.migrations import check_schema, is_current, migrate
from storage.secrets import ticket_signing_key

feed: ChangeFeed | None = None
closing = False
_local = threading.local()
_signing: dict[str, str] = {}


@contextmanager
def database() -> Iterator[Database]:
    """A connection for this worker thread's call, to a database this code
    knows (see `ready`).

    On SQLite each of anyio's worker threads (they are reused) keeps its own
    open file; on PostgreSQL the call borrows one from the process's pool and
    gives it back, so idle threads hold no server connections."""
    target = database_target()
    if is_postgres(target):
        with connect(target) as db:
            ready(db)
            yield db
        return
    cached = getattr(_local, "db", None)
    if cached is None or getattr(_local, "target", None) != target:
        _local.db, _local.target = connect(target), target
    ready(_local.db)
    yield _local.db


def ready(db: Database) -> None:
    """What a page checks when it starts, asked before each use: the database
    holds exactly the migrations this code knows. A newer version may have
    migrated it underneath this running server (a rolling upgrade), so the
    answer is never kept; asking costs one small read (about 20 µs on SQLite,
    0.1-0.2 ms on PostgreSQL). A database made by a newer version raises
    SchemaTooNew before anything reads or writes it; one that is behind (the
    migration at start-up failed on a full disk, or an unreachable server)
    is migrated, as the first page would."""
    if is_current(db):
        return
    check_schema(db)  # a read: refuse a newer database without taking the write lock
    migrate(db.target)


def check_database() -> None:
    """Raise now, with a status, what a use of the database would raise."""
    with database():
        pass


def signing_key() -> str:
    """The key that signs and checks this database's tickets."""
    # The key never changes once made; every process on the database reads the same one.
    target = database_target()
    if _signing.get(target) is None:
        with database() as db:
            _signing[target] = ticket_signing_key(db)
    return _signing[target]


def open_feed(target: str) -> None:
    """Start watching `target` for new revisions: a server's start, with no stream closing."""
    global feed, closing
    closing = False
    feed = open_change_feed(target)
    feed.start()


def stop_feed() -> None:
    if feed is not None:
        feed.stop()


def nudge_feed() -> None:
    """Tell the feed a write just happened here, so streams need not wait for the next poll."""
    if feed is not None:
        feed.nudge()


def release_streams_on_exit(loop: asyncio.AbstractEventLoop) -> None:
    """End every open stream when the stop signal arrives, then stop as before."""
    # The server waits for open responses before it shuts down, and an event
    # stream never ends by itself: end them when the stop signal arrives.
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(sig)

        def handler(signum, frame, previous=previous):
            loop.call_soon_threadsafe(close_streams)
            if callable(previous):
                previous(signum, frame)

        signal.signal(sig, handler)


def close_streams() -> None:
    global closing
    closing = True
    stop_feed()
