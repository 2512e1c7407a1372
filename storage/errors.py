"""The databases' errors, named: what storage raises when the database itself fails.

A full disk, a lock held past the busy timeout, a read-only file, a file that
is not a database or a PostgreSQL server that does not answer reach pages and
the command line as the CanvasError subclasses of canvas/errors.py, never as
sqlite3 or psycopg exceptions. Anything else (a constraint broken by a bug)
stays what it is.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import errors as pg

from canvas.errors import (
    DatabaseBusy,
    DatabaseReadOnly,
    DatabaseUnreachable,
    DatabaseUnreadable,
    DiskFull,
    StorageProblem,
)

# Primary result codes (https://www.sqlite.org/rescode.html); extended codes
# carry the primary one in their low byte.
_BY_CODE: dict[int, type[StorageProblem]] = {
    sqlite3.SQLITE_FULL: DiskFull,
    sqlite3.SQLITE_BUSY: DatabaseBusy,
    sqlite3.SQLITE_LOCKED: DatabaseBusy,
    sqlite3.SQLITE_READONLY: DatabaseReadOnly,
    sqlite3.SQLITE_CANTOPEN: DatabaseUnreadable,
    sqlite3.SQLITE_NOTADB: DatabaseUnreadable,
    sqlite3.SQLITE_CORRUPT: DatabaseUnreadable,
    sqlite3.SQLITE_IOERR: DatabaseUnreadable,
    sqlite3.SQLITE_PERM: DatabaseUnreadable,
}
_BY_ERRNO: dict[int, type[StorageProblem]] = {
    errno.ENOSPC: DiskFull,
    errno.EDQUOT: DiskFull,
    errno.EROFS: DatabaseReadOnly,
    errno.EACCES: DatabaseReadOnly,
    errno.EPERM: DatabaseReadOnly,
}
# PostgreSQL's, by class (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_POSTGRES: tuple[tuple[type[psycopg.Error], type[StorageProblem]], ...] = (
    (pg.DiskFull, DiskFull),
    (pg.LockNotAvailable, DatabaseBusy),
    (pg.DeadlockDetected, DatabaseBusy),
    (pg.SerializationFailure, DatabaseBusy),
    (pg.QueryCanceled, DatabaseBusy),
    (pg.ReadOnlySqlTransaction, DatabaseReadOnly),
    (pg.InsufficientPrivilege, DatabaseReadOnly),
    (pg.UndefinedTable, DatabaseUnreadable),
    (pg.InvalidCatalogName, DatabaseUnreachable),
    (pg.InvalidAuthorizationSpecification, DatabaseUnreachable),
    (pg.InvalidPassword, DatabaseUnreachable),
    (pg.AdminShutdown, DatabaseUnreachable),
    (pg.CannotConnectNow, DatabaseUnreachable),
    (pg.TooManyConnections, DatabaseUnreachable),
    # A connection that failed or broke: no SQLSTATE, only the class.
    (psycopg.OperationalError, DatabaseUnreachable),
)


def named_error(error: BaseException, path: Path | str | None = None) -> StorageProblem | None:
    """The named problem behind an sqlite3, psycopg (or file system) error,
    or None when it is not one the database's surroundings cause (a bug, say).

    `path` is the database file: a file that cannot be created because its
    folder is read-only is told apart from one that cannot be read."""
    if isinstance(error, StorageProblem):
        return error
    if isinstance(error, psycopg.Error):
        kind = next((named for cls, named in _POSTGRES if isinstance(error, cls)), None)
        return kind() if kind else None
    path = Path(path) if path is not None and not str(path).startswith("postgres") else None
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        kind = _BY_CODE.get(code & 0xFF) if code is not None else None
        if kind is DatabaseUnreadable and path is not None:
            # Opening a database in WAL mode creates its -wal and -shm files:
            # on a full disk or in a read-only folder that fails as an I/O error.
            if _no_space_left(path):
                kind = DiskFull
            elif _cannot_create(path):
                kind = DatabaseReadOnly
        return kind() if kind else None
    if isinstance(error, OSError) and error.errno in _BY_ERRNO:
        return _BY_ERRNO[error.errno]()
    return None


@contextmanager
def errors_named(target: Path | str | None = None) -> Iterator[None]:
    """Raise the named StorageProblem in place of the database error it explains.
    `target` is the SQLite file or the PostgreSQL URL."""
    try:
        yield
    except (sqlite3.Error, psycopg.Error, OSError) as error:
        named = named_error(error, target)
        if named is None or named is error:
            raise
        raise named from error


def _no_space_left(path: Path) -> bool:
    folder = path.parent if str(path.parent) else Path(".")
    try:
        return os.statvfs(folder).f_bavail == 0
    except OSError:
        return False


def _cannot_create(path: Path) -> bool:
    # A new database (and its -wal and -shm files) needs a writable folder.
    folder = path.parent if str(path.parent) else Path(".")
    return folder.is_dir() and not os.access(folder, os.W_OK)
