"""Moving a whole database: from a SQLite file to PostgreSQL, or back.

`copy_database` migrates both ends to the current schema, then copies every
table in an order that satisfies the foreign keys, in one transaction on the
destination. A row whose primary key the destination already holds is left
as it is, so running the copy again adds nothing; afterwards every row of
the source must be found in the destination, or the copy fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from canvas.errors import CopyRefused
from storage.db import (
    Database, connect, describe, is_postgres, primary_key, quoted, write_transaction,
)
from storage.migrations import MIGRATIONS_TABLE, migrate

# Parents before children. tests/storage/test_copying.py checks that this
# names every table of the schema.
COPY_ORDER = (
    "boards", "participants", "facilitator_keys", "clusters", "events", "notes", "votes",
    "actions", "triggers", "instance_secrets", "tracker_links", "feed_tokens", "whys",
    "learnings", "decisions", "decision_actions", "calendar_events", "dissemination",
    "board_facilitators", "board_access_list", "seat_tokens", "grouping_suggestions",
    "jira_boards", "jira_cards", "jira_sprints", "jira_estimates", "jira_outbox",
)
# PostgreSQL's stand-in for SQLite's rowid (see migrations.py): made anew
# in the order rows are copied, never copied itself.
ROWID = "rowid"
BATCH = 500


@dataclass(frozen=True)
class TableCopy:
    table: str
    in_source: int
    copied: int
    already_there: int


def table_names(db: Database) -> list[str]:
    """The app's tables in this database (not the migrations record)."""
    if db.is_postgres:
        rows = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                          "ORDER BY tablename")
    else:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [name for (name,) in rows if name != MIGRATIONS_TABLE]


def columns(db: Database, table: str) -> list[str]:
    """The table's columns, without PostgreSQL's rowid."""
    return [name for name in _column_names(db, table) if name != ROWID]


def _column_names(db: Database, table: str) -> list[str]:
    if db.is_postgres:
        rows = db.execute("SELECT column_name FROM information_schema.columns WHERE "
                          "table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
                          [table])
    else:
        rows = db.execute("SELECT name FROM pragma_table_info(?)", [table])
    return [name for (name,) in rows]


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: what two databases holding the same
    boards have in common, whichever engine each is."""
    result = {}
    for table in table_names(db):
        names = columns(db, table)
        rows = db.execute(f'SELECT {", ".join(quoted(sorted(names)))} FROM "{table}"').fetchall()
        result[table] = sorted((tuple(row) for row in rows), key=repr)
    return result


def require_source(source: str) -> None:
    """Raises CopyRefused when `source` names a SQLite file that does not
    exist. Opening it would create an empty database, and copying nothing
    from it would look like a copy that worked."""
    if not is_postgres(source) and not Path(source).exists():
        raise CopyRefused(f"{describe(source)}: no such database file (FROM must exist); "
                          "nothing was copied")


def copy_database(source: str, destination: str) -> list[TableCopy]:
    """Copy every row from `source` to `destination` (file paths or
    postgresql:// URLs); returns the counts per table. Raises CopyRefused
    when the source file does not exist, when both name the same database,
    or when a source row is missing from the destination afterwards (then
    nothing is written)."""
    require_source(source)
    if _same(source, destination):
        raise CopyRefused("FROM and TO are the same database: nothing to copy")
    migrate(source)
    migrate(destination)
    with connect(source) as src, connect(destination) as dst:
        with write_transaction(dst):
            report = [_copy_table(src, dst, table) for table in COPY_ORDER]
            if dst.is_postgres:
                # Integer keys numbered by the database go on after the copied ones.
                dst.execute("SELECT setval(pg_get_serial_sequence('votes', 'id'), "
                            "coalesce((SELECT max(id) FROM votes), 0) + 1, false)")
    return report


def _copy_table(src: Database, dst: Database, table: str) -> TableCopy:
    in_destination = set(columns(dst, table))
    names = [name for name in columns(src, table) if name in in_destination]
    key = primary_key(table)
    # The order rows were written in, where the source keeps it.
    order = ROWID if _has_rowid(src, table) else ", ".join(quoted(key))
    rows = src.execute(f'SELECT {", ".join(quoted(names))} FROM "{table}" ORDER BY {order}').fetchall()
    before = _count(dst, table)
    insert = (f'INSERT INTO "{table}" ({", ".join(quoted(names))}) '
              f'VALUES ({", ".join("?" * len(names))}) ON CONFLICT DO NOTHING')
    for start in range(0, len(rows), BATCH):
        dst.execute_many(insert, [tuple(row) for row in rows[start:start + BATCH]])
    copied = _count(dst, table) - before
    positions = [names.index(column) for column in key]
    wanted = {tuple(row[i] for i in positions) for row in rows}
    found = {tuple(row) for row in dst.execute(f'SELECT {", ".join(quoted(key))} FROM "{table}"')}
    missing = len(wanted - found)
    if missing:
        raise CopyRefused(f"{table}: {missing} of {len(rows)} rows did not arrive "
                          "(the destination holds other rows under the same keys); nothing was copied")
    return TableCopy(table, len(rows), copied, len(rows) - copied)


def _same(source: str, destination: str) -> bool:
    if is_postgres(source) or is_postgres(destination):
        return describe(source) == describe(destination)
    return Path(source).resolve() == Path(destination).resolve()


def _has_rowid(db: Database, table: str) -> bool:
    # Every SQLite table here has one; on PostgreSQL, those that lists sort by it.
    return not db.is_postgres or ROWID in _column_names(db, table)


def _count(db: Database, table: str) -> int:
    return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
