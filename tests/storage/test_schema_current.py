"""The one small read a running server asks before each use of the database:
is it exactly at the schema this code knows? Behind, ahead or empty, the
answer is no, and migrate then brings it up or refuses it by name."""

import pytest

from canvas.errors import SchemaTooNew
from storage.db import connect
from storage.migrations import MIGRATION_SET, MIGRATIONS, check_schema, is_current, known_version, migrate
from tests.databases import fresh_database


@pytest.fixture
def unmigrated(db_file, database_kind, tmp_path):
    """A database nothing has migrated, of the kind `db_file` is (which makes
    the test run on both): a new file, or an empty PostgreSQL schema."""
    with fresh_database(database_kind, tmp_path / "unmigrated", migrated=False) as target:
        yield target


def test_a_migrated_database_is_current(db):
    assert is_current(db)


def test_a_database_nothing_migrated_is_not_current_until_migrated(unmigrated):
    with connect(unmigrated) as db:
        assert not is_current(db)
        migrate(unmigrated)
        assert is_current(db)


def test_a_database_one_migration_behind_is_not_current_until_migrated(unmigrated):
    migrate(unmigrated, stop_before=MIGRATIONS[-1].name)
    with connect(unmigrated) as db:
        assert not is_current(db)
        migrate(unmigrated)
        assert is_current(db)


def test_a_database_a_newer_version_migrated_is_not_current_and_is_refused(db):
    db["_sqlite_migrations"].insert({"migration_set": MIGRATION_SET,
                                     "name": f"{known_version() + 1:04d}_from_a_newer_version",
                                     "applied_at": "2030-01-01"})
    assert not is_current(db)
    with pytest.raises(SchemaTooNew):
        check_schema(db)
