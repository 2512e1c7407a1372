"""Every bad input to the command line exits 2 with one line on stderr saying
what to fix: never a traceback, never the usage block."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem_canvas import main
from storage import db as storage_db
from storage.db import connect
from storage.migrations import migrate
from tests.cli.test_command_line import INCIDENT_FILES
from tests.disk import fill, read_only_folder, small_disk  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def board(tmp_path, capsys):
    """(database path, board id) of an imported incident."""
    db = tmp_path / "good.db"
    assert main(["import", str(INCIDENT_FILES[0]), "--db", str(db)]) == 0
    board_id = capsys.readouterr().out.strip()
    return db, board_id


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def incident(**fields) -> str:
    return json.dumps({"title": "Checkout errors", "events": [], **fields})


def foreign_file(tmp: Path) -> Path:
    return write(tmp / "notes.db", "this is a text file, not SQLite\n" * 200)


def newer_schema(tmp: Path) -> Path:
    path = tmp / "newer.db"
    migrate(path)
    with connect(path) as db:
        db.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                   "VALUES ('postmortem_canvas', '9999_from_a_later_version', '2100-01-01')")
    return path


# Each case: (name, argv built from the temp folder and the good board, words the line holds).
CASES = [
    ("lint_non_utf8_file", lambda t, b: ["lint", write(t / "p.md", b"Root cause: \xff\xfe")],
     "not a text file (UTF-8)"),
    ("import_non_utf8_file", lambda t, b: ["import", write(t / "i.json", b"{\"title\": \"\xe9\"}"),
                                           "--db", t / "x.db"], "not a text file (UTF-8)"),
    ("import_malformed_json", lambda t, b: ["import", write(t / "i.json", "{not json"),
                                            "--db", t / "x.db"], "line 1, column 2"),
    ("import_deep_nesting", lambda t, b: ["import", write(t / "i.json", "[" * 50_000 + "]" * 50_000),
                                          "--db", t / "x.db"], "nested"),
    ("import_huge_integer_in_backup", lambda t, b: [
        "import", write(t / "b.json", '{"format": "postmortem-canvas/backup-1", "board": '
                                      '{"vote_budget": ' + "9" * 5000 + "}}"),
        "--db", t / "x.db"], "digits"),
    ("import_lone_surrogate", lambda t, b: ["import", write(t / "i.json", '{"title": "\\ud800x", '
                                                                          '"events": []}'),
                                            "--db", t / "x.db"], "surrogate"),
    ("import_oversized_summary", lambda t, b: ["import", write(t / "i.json", incident(
        summary="s" * 100_000)), "--db", t / "x.db"], "summary"),
    ("import_oversized_note", lambda t, b: ["import", write(t / "i.json", incident(
        contributing_factors=["c" * 5000])), "--db", t / "x.db"], "contributing_factors[0]"),
    ("import_not_an_object", lambda t, b: ["import", write(t / "i.json", "[1, 2]"),
                                           "--db", t / "x.db"], "top level"),
    ("import_missing_file", lambda t, b: ["import", t / "absent.json", "--db", t / "x.db"],
     "No such file"),
    ("import_a_directory", lambda t, b: ["import", t, "--db", t / "x.db"], "Is a directory"),
    ("lint_missing_file", lambda t, b: ["lint", t / "absent.md"], "No such file"),
    ("lint_a_directory", lambda t, b: ["lint", t], "Is a directory"),
    ("import_into_a_non_sqlite_file", lambda t, b: ["import", INCIDENT_FILES[0],
                                                    "--db", foreign_file(t)], "not a database"),
    ("export_from_a_non_sqlite_file", lambda t, b: ["export", b[1], "--db", foreign_file(t)],
     "not a database"),
    ("export_with_db_a_directory", lambda t, b: ["export", b[1], "--db", t], "a folder"),
    ("export_unknown_board", lambda t, b: ["export", "no-such-board", "--db", b[0]],
     "does not exist"),
    ("export_bad_format", lambda t, b: ["export", b[1], "--format", "docx", "--db", b[0]],
     "--format"),
    ("export_bad_width", lambda t, b: ["export", b[1], "--format", "png", "--width", "12",
                                       "--db", b[0]], "600 to 6000"),
    ("export_width_not_a_number", lambda t, b: ["export", b[1], "--format", "png", "--width",
                                                "wide", "--db", b[0]], "600 to 6000"),
    ("export_output_a_directory", lambda t, b: ["export", b[1], "--output", t, "--db", b[0]],
     "Is a directory"),
    ("export_output_in_missing_folder", lambda t, b: ["export", b[1], "--output",
                                                      t / "no" / "such" / "x.json", "--db", b[0]],
     "No such file"),
    ("import_unknown_template", lambda t, b: ["import", INCIDENT_FILES[0], "--template", "nope",
                                              "--db", t / "x.db"], "--template"),
    ("import_into_template_without_timeline", lambda t, b: [
        "import", INCIDENT_FILES[0], "--template", "mad-sad-glad", "--db", t / "x.db"],
     "has no timeline"),
    ("unknown_command", lambda t, b: ["frobnicate"], "invalid choice"),
    ("no_command", lambda t, b: [], "required"),
    ("export_without_board", lambda t, b: ["export", "--db", b[0]], "board_id"),
    # A board of Jira cards comes from Jira (the home page), not from an incident file.
    ("import_into_a_jira_template", lambda t, b: ["import", INCIDENT_FILES[0], "--db", b[0],
                                                  "--template", "sprint-planning"], "invalid choice"),
]


def run(capsys, argv) -> tuple[int, str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_refusal(status: int, err: str, words: str) -> None:
    assert status == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("postmortem-canvas: "), err
    assert "Traceback" not in err
    assert words.lower() in err.lower(), err


@pytest.mark.parametrize("build, words", [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, board, build, words):
    status, out, err = run(capsys, build(tmp_path, board))
    assert_one_line_refusal(status, err, words)
    assert out == ""


def test_a_refused_import_writes_nothing(tmp_path, capsys, board):
    db, _ = board
    bad = write(tmp_path / "i.json", incident(contributing_factors=["ok", "c" * 5000]))
    status, _, err = run(capsys, ["import", bad, "--db", db])
    assert_one_line_refusal(status, err, "contributing_factors[1]")
    with connect(db) as database:
        assert database.execute("SELECT count(*) FROM boards").fetchone()[0] == 1


def test_a_database_locked_past_the_timeout_is_busy(tmp_path, capsys, board, monkeypatch):
    db, _ = board
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        status, _, err = run(capsys, ["import", INCIDENT_FILES[0], "--db", db])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_one_line_refusal(status, err, "busy")


def test_a_new_database_in_a_read_only_folder_is_refused(capsys, read_only_folder):
    folder = read_only_folder()
    status, _, err = run(capsys, ["import", INCIDENT_FILES[0], "--db", folder / "x.db"])
    assert_one_line_refusal(status, err, "read-only")


def test_an_output_in_a_read_only_folder_is_refused(capsys, board, read_only_folder):
    db, board_id = board
    folder = read_only_folder()
    status, _, err = run(capsys, ["export", board_id, "--output", folder / "b.json", "--db", db])
    assert_one_line_refusal(status, err, "b.json")


def test_a_database_from_a_newer_version_is_refused(tmp_path, capsys, board):
    status, _, err = run(capsys, ["export", board[1], "--db", newer_schema(tmp_path)])
    assert_one_line_refusal(status, err, "newer")


def test_standard_input_that_is_not_utf8_is_one_line_from_the_real_command(tmp_path):
    # The installed entry point, with stdin as bytes: no traceback from the
    # interpreter's own decoding either.
    result = subprocess.run([sys.executable, str(ROOT / "postmortem_canvas.py"), "lint", "-"],
                            input=b"blame \xff\xfe", capture_output=True, cwd=tmp_path,
                            env={**os.environ, "LC_ALL": "C"})
    assert_one_line_refusal(result.returncode, result.stderr.decode(), "standard input")


def test_an_import_onto_a_full_disk_is_refused_and_writes_nothing(capsys, small_disk):
    db = small_disk / "board.db"
    migrate(db)
    with connect(db) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    fill(small_disk)
    status, out, err = run(capsys, ["import", INCIDENT_FILES[0], "--db", db])
    assert_one_line_refusal(status, err, "disk is full")
    assert out == ""
    (small_disk / "filler").unlink()
    with connect(db) as database:
        assert database.execute("SELECT count(*) FROM boards").fetchone()[0] == 0
