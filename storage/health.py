"""Whether the database answers: the check behind /healthz.

A load balancer asks every few seconds and must get its answer in a few
seconds even when the database does not give one (a lock held by another
writer waits out the busy timeout; a PostgreSQL server that stopped answering
leaves a connection attempt hanging). So the check runs in a thread of its own
and is given up after `CHECK_SECONDS`; while a check of the same database is
still hanging, the next one does not start another thread but reports that.

The answer is one sentence for an operator. It never carries a traceback, and
a password in a database URL is masked before anything is said.
"""

from __future__ import annotations

import os
import re
import threading
import time
from urllib.parse import urlsplit

from canvas.errors import (
    DatabaseBusy, DatabaseReadOnly, DatabaseUnreachable, DatabaseUnreadable, DiskFull, StorageProblem,
)
from storage.db import DB_ENV, connect, database_target
from storage.errors import named_error

CHECK_SECONDS = 3.0

REACHABLE = "The database answered."

_SENTENCES: dict[type[StorageProblem], str] = {
    DiskFull: "The disk holding the database is full.",
    DatabaseBusy: "The database is locked by another write.",
    DatabaseReadOnly: "The database file or its folder cannot be written.",
    DatabaseUnreadable: ("The database file cannot be opened (it is a folder, damaged, "
                         "not a database, or not permitted)."),
    DatabaseUnreachable: ("The PostgreSQL server did not answer, or refused the login "
                          "(check the server, the address and the credentials)."),
}
_CREDENTIALS = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@")
_LONGEST_REASON = 200

# Checks still running, by database: when they started.
_running: dict[str, float] = {}
_running_lock = threading.Lock()


def database_reachable(target: str | os.PathLike | None = None,
                       timeout: float = CHECK_SECONDS) -> tuple[bool, str]:
    """(True, a sentence) when `SELECT 1` works on the database, else (False,
    one sentence naming the problem). Answers within about `timeout` seconds
    and never raises."""
    where = database_target(target)
    with _running_lock:
        started = _running.get(where)
        if started is not None:
            return False, (f"The database has not answered a check started "
                           f"{time.monotonic() - started:.0f} seconds ago.")
        _running[where] = time.monotonic()
    outcome: list[tuple[bool, str]] = []

    def check() -> None:
        try:
            _select_one(target)
            outcome.append((True, REACHABLE))
        except BaseException as error:  # noqa: BLE001 - every failure becomes the answer
            outcome.append((False, describe_problem(error, target)))
        finally:
            with _running_lock:
                _running.pop(where, None)

    worker = threading.Thread(target=check, name="database-health-check", daemon=True)
    worker.start()
    worker.join(timeout)
    if outcome:
        return outcome[0]
    return False, f"The database did not answer within {timeout:g} second{'' if timeout == 1 else 's'}."


def _select_one(target: str | os.PathLike | None) -> None:
    with connect(target) as db:
        db.execute("SELECT 1").fetchall()
        if not db.is_postgres:
            # SQLite opens its file lazily and SELECT 1 never touches it, so a
            # folder, a damaged file or a held lock would all pass. Reading the
            # schema version reads the file's header under a shared lock.
            db.execute("PRAGMA schema_version").fetchall()


def describe_problem(error: BaseException, target: str | os.PathLike | None = None) -> str:
    """One sentence for an operator saying why the database did not answer,
    with any password in a database URL masked."""
    where = database_target(target)
    named = named_error(error, where)
    if named is not None:
        return _SENTENCES.get(type(named), "The database could not be used.")
    if isinstance(error, OSError) and error.strerror:
        return f"The database file cannot be opened: {error.strerror.lower()}."
    reason = (str(error).strip().splitlines() or [""])[0].strip()
    spellings = {str(target or ""), where, os.environ.get(DB_ENV, "")}
    reason = _masked(reason, spellings)[:_LONGEST_REASON].rstrip(" .")
    if not reason:
        return f"The database could not be reached ({type(error).__name__})."
    return f"The database could not be reached: {reason}."


def _masked(text: str, spellings: set[str]) -> str:
    text = _CREDENTIALS.sub(r"\1***@", text)
    for spelling in spellings:
        try:
            password = urlsplit(spelling).password
        except ValueError:
            password = None
        if password:
            text = text.replace(password, "***")
    return text
