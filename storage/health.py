"""Whether the database answers: the check behind /healthz.

A load balancer asks every few seconds and must get its answer in a few
seconds even when the database does not give one (a lock held by another
writer waits out the busy timeout; a PostgreSQL server that stopped answering
leaves a connection attempt hanging). So the check runs in a thread of its own
and is given up after `CHECK_SECONDS`.

Monitors often ask at the same moment, and several of them ask each process.
Each question is answered from one shared check per database: at most one
runs at a time, everyone who asks while it runs waits for it (up to the
limit) and gets its answer, and that answer is given again for
`FRESH_SECONDS`. A check still hanging past the limit is not started again
beside itself; whoever asks is told how long it has been hanging.

The answer is one sentence for an operator. It never carries a traceback, and
a password in a database URL is masked before anything is said. The change to
unreachable, and the return, are each logged once.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from canvas.errors import (
    DatabaseBusy, DatabaseReadOnly, DatabaseUnreachable, DatabaseUnreadable, DiskFull, StorageProblem,
)
from storage.db import DB_ENV, connect, database_target
from storage.errors import named_error

CHECK_SECONDS = 3.0
# Long enough that probes arriving together share one answer, short enough
# that a monitor asking every few seconds always gets a new one.
FRESH_SECONDS = 1.0

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

log = logging.getLogger(__name__)

Answer = tuple[bool, str]


@dataclass
class _Check:
    """One run of `SELECT 1`; `answer` is set, then `done`, when it ends."""

    started: float
    done: threading.Event = field(default_factory=threading.Event)
    answer: Answer | None = None
    answered_at: float = float("-inf")


@dataclass
class _Health:
    """What is known about one database."""

    running: _Check | None = None
    answer: Answer | None = None
    answered_at: float = float("-inf")
    # Whether the database was last said to be reachable, and as of when.
    said: bool | None = None
    said_at: float = float("-inf")


_health: dict[str, _Health] = {}
_health_lock = threading.Lock()


def database_reachable(target: str | os.PathLike | None = None,
                       timeout: float = CHECK_SECONDS,
                       fresh: float = FRESH_SECONDS) -> Answer:
    """(True, a sentence) when `SELECT 1` works on the database, else (False,
    one sentence naming the problem). Answers within about `timeout` seconds
    and never raises.

    Callers share checks: an answer younger than `fresh` seconds is given
    again, and a caller that finds a check running waits for that one."""
    where = database_target(target)
    with _health_lock:
        health = _health.setdefault(where, _Health())
        asked = time.monotonic()
        if health.answer is not None and asked - health.answered_at < fresh:
            return health.answer
        check = health.running
        if check is None:
            check = health.running = _Check(started=asked)
            threading.Thread(target=_run, args=(target, where, check), daemon=True,
                             name="database-health-check").start()
    wait = check.started + timeout - asked
    if check.done.wait(max(wait, 0)):
        return check.answer
    if wait > 0:
        answer = (False, f"The database did not answer within {_seconds(timeout)}.")
    else:
        hanging = round(time.monotonic() - check.started)
        answer = (False, f"The database has not answered a check started {_seconds(hanging)} ago.")
    _say(where, answer, time.monotonic())
    return answer


def _run(target: str | os.PathLike | None, where: str, check: _Check) -> None:
    try:
        _select_one(target)
        answer = (True, REACHABLE)
    except BaseException as error:  # noqa: BLE001 - every failure becomes the answer
        answer = (False, describe_problem(error, target))
    with _health_lock:
        health = _health[where]
        health.running = None
        check.answer, check.answered_at = answer, time.monotonic()
        health.answer, health.answered_at = answer, check.answered_at
    _say(where, answer, check.answered_at)
    check.done.set()


def _say(where: str, answer: Answer, as_of: float) -> None:
    """Log the answer if it says something other than the last one logged.

    A check logs its own answer when it ends, whoever still waits for it; a
    caller that gave up on it logs that. They finish in any order: an answer
    older than the one last logged (a caller that gave up just before the
    check came back) changes nothing, so a recovery is never followed by a
    stale "unreachable"."""
    reachable, message = answer
    with _health_lock:
        health = _health[where]
        if as_of < health.said_at or reachable == health.said:
            return
        before, health.said, health.said_at = health.said, reachable, as_of
    if not reachable:
        log.warning("health check: the database is unreachable: %s", message)
    elif before is False:
        # A warning, like the outage itself: the server's log shows warnings
        # and above, and an operator who saw the outage must see its end.
        log.warning("health check: the database is reachable again")
    else:
        log.info("health check: the database is reachable")


def _seconds(amount: float) -> str:
    return f"{amount:g} second{'' if amount == 1 else 's'}"


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
