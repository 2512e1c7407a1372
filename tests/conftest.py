import pytest

from storage.db import connect
from storage.migrations import migrate


@pytest.fixture(autouse=True)
def team_templates_dir(tmp_path, monkeypatch):
    """Each test gets an empty team templates folder of its own, whatever a
    developer keeps in ./data/templates."""
    folder = tmp_path / "team-templates"
    monkeypatch.setenv("POSTMORTEM_CANVAS_TEMPLATES_DIR", str(folder))
    return folder


@pytest.fixture
def db_file(tmp_path, monkeypatch):
    """A migrated database in a temp file, also made the app's default."""
    path = tmp_path / "board.db"
    migrate(path)
    monkeypatch.setenv("POSTMORTEM_CANVAS_DB", str(path))
    return path


@pytest.fixture
def db(db_file):
    database = connect(db_file)
    yield database
    database.close()
