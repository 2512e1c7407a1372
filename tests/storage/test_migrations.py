import sqlite3

import pytest

from storage.db import connect
from storage.migrations import migrate, migrations

NAMES = [m.name for m in migrations._migrations]


def test_a_fresh_file_gets_every_migration_and_wal(tmp_path):
    path = tmp_path / "fresh.db"
    assert migrate(path) == NAMES
    assert migrate(path) == []
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


@pytest.mark.parametrize("stop_before", NAMES[1:] or [None])
def test_an_older_database_migrates_without_losing_rows(tmp_path, stop_before):
    path = tmp_path / "old.db"
    old = connect(path)
    if stop_before is None:
        # Only one migration exists: "older" is the first schema itself.
        migrations.apply(old)
    else:
        migrations.apply(old, stop_before=stop_before)
    old["boards"].insert({"id": "B" * 24, "title": "Old board", "template": "blameless",
                          "created_at": "2024-01-01T00:00:00+00:00", "revision": 7,
                          "details_version": 1})
    old["notes"].insert({"id": "n1", "board_id": "B" * 24, "step_key": "detect",
                         "text": "kept", "colour": "yellow", "version": 1})
    old.close()

    migrate(path)

    new = connect(path)
    assert new.execute("SELECT title, revision FROM boards").fetchall() == [("Old board", 7)]
    assert new.execute("SELECT text FROM notes").fetchall() == [("kept",)]
    applied = [m.name for m in migrations.applied(new)]
    assert applied == NAMES


def test_connections_enforce_foreign_keys(db):
    with pytest.raises(sqlite3.IntegrityError):
        db["notes"].insert({"id": "n", "board_id": "missing", "step_key": "x", "text": "t",
                            "colour": "yellow", "version": 1})
