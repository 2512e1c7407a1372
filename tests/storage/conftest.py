"""Every storage test runs on both databases: a SQLite file, and a fresh
schema of the PostgreSQL server named by $POSTMORTEM_CANVAS_TEST_PG (CI
starts one). Without that variable the PostgreSQL runs are skipped, except
under CI, where they fail. A test about SQLite's file itself is marked
`sqlite_only`, one about PostgreSQL's connection `postgresql_only`."""

import pytest

from tests.databases import fresh_database

BOTH = ("sqlite", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a test about the SQLite file itself")
    config.addinivalue_line("markers", "postgresql_only: a test about PostgreSQL's connections")


def pytest_generate_tests(metafunc):
    if "db_file" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker
        kinds = ("sqlite",) if marked("sqlite_only") else ("postgresql",) if marked("postgresql_only") else BOTH
        metafunc.parametrize("database_kind", kinds, indirect=True)


@pytest.fixture
def database_kind(request):
    return request.param


@pytest.fixture
def db_file(database_kind, tmp_path, monkeypatch):
    """A migrated database, also made the app's default: a file path or a URL."""
    with fresh_database(database_kind, tmp_path) as target:
        monkeypatch.setenv("POSTMORTEM_CANVAS_DB", str(target))
        yield target
