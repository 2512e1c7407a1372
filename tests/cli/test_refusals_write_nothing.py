"""Refusals of the command line that must also leave everything as it was:
a copy from a file that does not exist, a feed that does not exist, an
owner's name with control characters, and numbers in a backup that no board
could hold. Each exits 2 with one line (tests/cli/test_bad_input.py)."""

import json

import pytest

from postmortem_canvas import main
from storage import calendar_feeds
from storage.db import connect
from tests.cli.test_bad_input import assert_one_line_refusal, board, run  # noqa: F401 - fixture


def counts(db_path) -> dict[str, int]:
    with connect(db_path) as db:
        return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("boards", "notes", "clusters", "feed_tokens")}


def test_copying_from_a_file_that_does_not_exist_creates_nothing(tmp_path, capsys):
    missing, target = tmp_path / "missing.db", tmp_path / "copy.db"

    status, out, err = run(capsys, ["copy-db", missing, target])

    assert_one_line_refusal(status, err, "no such database file")
    assert str(missing) in err and out == ""
    assert not missing.exists() and not target.exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_revoking_a_feed_that_does_not_exist_says_so(capsys, board):
    db, _ = board
    before = counts(db)

    status, out, err = run(capsys, ["feed", "--revoke", "no-such-feed", "--db", db])

    assert_one_line_refusal(status, err, "no calendar feed with the id 'no-such-feed'")
    assert out == "" and counts(db) == before


def test_a_feed_id_that_begins_with_a_dash_is_read_as_an_id(capsys, board):
    # Row ids may begin with "-": the hint the command prints uses "=".
    db, _ = board
    status, out, err = run(capsys, ["feed", "--revoke=-no-such-feed", "--db", db])
    assert_one_line_refusal(status, err, "no calendar feed with the id '-no-such-feed'")


def test_revoking_a_real_feed_still_works(capsys, board):
    db, board_id = board
    assert main(["feed", "--board", board_id, "--db", str(db)]) == 0
    token = capsys.readouterr().out.strip().rsplit("/", 1)[1].removesuffix(".ics")
    feed = calendar_feeds.feed_for_token(connect(db), token)

    status, out, err = run(capsys, ["feed", f"--revoke={feed.id}", "--db", db])

    assert (status, out, err) == (0, "", "")
    assert calendar_feeds.feed_for_token(connect(db), token) is None


@pytest.mark.parametrize("name, words", [
    ("Ann\x1b[2J", "control character (U+001B)"),
    ("Ann\x00", "control character (U+0000)"),
    ("Ann\nLee", "one line"),
    ("   ", "empty"),
    ("A" * 81, "the limit is 80"),
], ids=["escape", "nul", "line_break", "blank", "too_long"])
def test_an_owners_feed_follows_the_owner_field_rules(capsys, board, name, words):
    db, _ = board
    before = counts(db)

    status, out, err = run(capsys, ["feed", "--owner", name, "--db", db])

    assert_one_line_refusal(status, err, words)
    assert "\x1b" not in err and "\x00" not in err
    assert out == "" and counts(db) == before


def backup_with(tmp_path, capsys, board, change) -> str:
    db, board_id = board
    assert main(["export", board_id, "--db", str(db)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["notes"], "the incident brings notes"
    change(document)
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document), "utf-8")
    return path


@pytest.mark.parametrize("change, place", [
    (lambda d: d["notes"][0].update(number=2**70), "notes[0].number"),
    (lambda d: d["notes"][0].update(number=2**63), "notes[0].number"),
    (lambda d: d["notes"][0].update(number=0), "notes[0].number"),
    (lambda d: d["notes"][0].update(position=2**63), "notes[0].position"),
    (lambda d: d["notes"][0].update(position=-2**63), "notes[0].position"),
    (lambda d: d["notes"][0].update(position=2**63 - 1), "notes[0].position"),
    (lambda d: d.update(clusters=[{"ref": "cluster-1", "step": d["notes"][0]["step"],
                                   "name": "Big", "position": -2**63,
                                   "created_at": "2024-01-01T00:00:00+00:00"}]),
     "clusters[0].position"),
], ids=["number_2**70", "number_2**63", "number_0", "position_2**63", "position_-2**63",
        "position_2**63-1", "cluster_position_-2**63"])
def test_a_backup_with_numbers_no_board_holds_is_refused_and_writes_nothing(
        tmp_path, capsys, board, change, place):
    db, _ = board
    path = backup_with(tmp_path, capsys, board, change)
    before = counts(db)

    status, out, err = run(capsys, ["import", path, "--db", db])

    assert_one_line_refusal(status, err, place)
    assert "Overflow" not in err and out == ""
    assert counts(db) == before


def test_a_backup_at_the_largest_number_and_place_still_imports(tmp_path, capsys, board):
    db, _ = board

    def largest(document):
        document["notes"][0].update(number=1_000_000_000, position=1_000_000_000)

    path = backup_with(tmp_path, capsys, board, largest)
    status, out, err = run(capsys, ["import", path, "--db", db])
    assert status == 0, err
