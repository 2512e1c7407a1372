"""`postmortem-canvas copy-db FROM TO` from the shell: counts printed, a
second run copies nothing, and a database that cannot be used is named in
one line with any password masked."""

import shutil
import socket
from pathlib import Path

import pytest

from postmortem_canvas import main
from storage.copying import dump
from storage.db import connect
from tests.databases import postgres_schema

RELEASE = Path(__file__).resolve().parents[1] / "fixtures" / "release-0010.db"


def counts(out: str) -> dict[str, tuple[int, int, int]]:
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[1].isdigit():
            rows[parts[0]] = tuple(int(part) for part in parts[1:])
    return rows


@pytest.fixture
def release(tmp_path) -> Path:
    path = tmp_path / "release.db"
    shutil.copy(RELEASE, path)
    return path


def test_a_file_copied_to_postgresql_and_back_prints_its_counts_and_loses_nothing(release, tmp_path, capsys):
    with postgres_schema(migrated=False) as url:
        assert main(["copy-db", str(release), url]) == 0
        out = capsys.readouterr().out
        table = counts(out)
        assert table["notes"] == (20, 20, 0) and table["votes"] == (6, 6, 0)
        assert table["total"][0] == table["total"][1] > 100
        assert "checked: every row of FROM is in TO" in out
        assert ":***@" in out and "pmc:pmc@" not in out

        assert main(["copy-db", str(release), url]) == 0
        again = counts(capsys.readouterr().out)
        assert again["total"] == (table["total"][0], 0, table["total"][0])

        back = tmp_path / "back.db"
        assert main(["copy-db", url, str(back)]) == 0
        assert dump(connect(back)) == dump(connect(release))


def test_copying_between_two_files_needs_no_server(release, tmp_path, capsys):
    other = tmp_path / "other.db"
    assert main(["copy-db", str(release), str(other)]) == 0
    assert counts(capsys.readouterr().out)["boards"] == (2, 2, 0)
    assert dump(connect(other)) == dump(connect(release))


def test_a_server_that_does_not_answer_is_named_in_one_line_without_its_password(release, capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["copy-db", str(release), f"postgresql://pmc:hunter2@127.0.0.1:{port}/pmc"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "hunter2" not in err
    assert err.startswith(f"postmortem-canvas: postgresql://pmc:***@127.0.0.1:{port}/pmc: cannot be reached")


def test_a_file_that_is_not_a_database_is_named_as_the_source(tmp_path, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database\n" * 100)
    assert main(["copy-db", str(bad), str(tmp_path / "to.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"postmortem-canvas: {bad}: cannot be opened") and err.count("\n") == 1


def test_a_database_onto_itself_is_refused(release, capsys):
    assert main(["copy-db", str(release), str(release)]) == 2
    assert "same database" in capsys.readouterr().err
