"""Fresh databases for tests: a SQLite file in a temp folder, or a schema of
its own on the PostgreSQL server named by $POSTMORTEM_CANVAS_TEST_PG."""

import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from storage.db import forget
from storage.migrations import migrate

PG_ENV = "POSTMORTEM_CANVAS_TEST_PG"


def postgres_server() -> str:
    """The test server's URL; skips the test without one (fails under CI)."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"${PG_ENV} is not set: .ci/run starts PostgreSQL and sets it")
        pytest.skip(f"no PostgreSQL: set ${PG_ENV} to a postgresql:// URL to run this")
    return url


@contextmanager
def postgres_schema(migrated: bool = True) -> Iterator[str]:
    """A URL whose connections see only a new, empty schema; dropped afterwards."""
    server = postgres_server()
    schema = "test_" + secrets.token_hex(6)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server else "?"
    url = f"{server}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        if migrated:
            migrate(url)
        yield url
    finally:
        forget(url)
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def write_lock_held(target: str | Path) -> Iterator[None]:
    """Another connection holds what every write needs, until the block ends:
    SQLite's write lock, or PostgreSQL's locks on the boards and participants."""
    if str(target).startswith("postgresql"):
        with psycopg.connect(str(target)) as holder:
            holder.execute("LOCK TABLE boards, participants IN EXCLUSIVE MODE")
            try:
                yield
            finally:
                holder.rollback()
        return
    holder = sqlite3.connect(target, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def fresh_database(kind: str, folder: Path, migrated: bool = True) -> Iterator[str | Path]:
    if kind == "postgresql":
        with postgres_schema(migrated) as url:
            yield url
        return
    path = folder / "board.db"
    if migrated:
        migrate(path)
    yield path
