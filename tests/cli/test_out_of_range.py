"""Dates at the calendar's edges on the command line: a board already holding
them exports in every format; a file carrying them is refused with the place
of the problem and writes nothing."""

import json
from pathlib import Path

import pytest

from canvas.models import BoardDraft
from postmortem_canvas import FORMATS, main
from storage import boards, facilitation
from storage.db import connect
from storage.migrations import migrate
from tests.out_of_range import seed_out_of_range

CLOUDFLARE = Path(__file__).resolve().parents[3] / "shared" / "incidents" / "cloudflare-2019-07-02.json"
EDGES = ["0001-01-01", "9999-12-31"]


def run(capsys, *argv) -> tuple[int, bytes | str, str]:
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def seeded(tmp_path):
    path = tmp_path / "old.db"
    migrate(path)
    db = connect(path)
    board = facilitation.start_board(db, BoardDraft(title="Old board", facilitator_name="Fran")).board
    seed_out_of_range(db, board.id)
    db.close()
    return path, board.id


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_board_holding_out_of_range_dates_exports_in_every_format(tmp_path, capsys, seeded, fmt):
    path, board_id = seeded
    target = tmp_path / f"board.{fmt}"
    status, _, err = run(capsys, "export", board_id, "--format", fmt, "--output", target, "--db", path)
    if fmt == "invite":
        # A meeting needs a day a calendar can hold; the sentence says which date to fix.
        assert status == 2 and "review date, 9999-12-31," in err and err.count("\n") == 1
        return
    if fmt == "review-invite":
        # The board proposes no recurring review: one line says where to propose it.
        assert status == 2 and "weekly or fortnightly" in err and err.count("\n") == 1
        return
    assert status == 0, err
    data = target.read_bytes()
    assert data
    if fmt == "md":
        text = data.decode()
        assert "0001-01-01 00:00 UTC" in text and "⚠" in text and "outside the supported dates" in text
    if fmt == "ics":
        assert b"9999" not in data and b"Add an alert" not in data, "no calendar can hold year 9999"
    if fmt == "json":
        document = json.loads(data)
        assert {event["at"][:4] for event in document["events"]} >= {"0001", "9999"}
        assert document["metrics"]["time_to_resolve"] is None, "nothing is measured from year 9999"


def test_the_backup_of_such_a_board_is_refused_on_import_with_the_place(tmp_path, capsys, seeded):
    path, board_id = seeded
    backup = tmp_path / "old.json"
    assert run(capsys, "export", board_id, "--output", backup, "--db", path)[0] == 0
    status, out, err = run(capsys, "import", backup, "--db", tmp_path / "new.db")
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "outside the supported dates (1970-01-01 to 2200-12-31)" in err
    assert "board.incident_date" in err
    migrate(tmp_path / "new.db")
    assert boards.list_boards(connect(tmp_path / "new.db")) == []


def _incident(tmp_path, **change) -> Path:
    data = json.loads(CLOUDFLARE.read_text("utf-8"))
    for key, value in change.items():
        data[key] = value
    file = tmp_path / "incident.json"
    file.write_text(json.dumps(data), "utf-8")
    return file


@pytest.mark.parametrize("day", EDGES)
def test_an_incident_file_with_an_edge_date_is_refused_and_writes_nothing(tmp_path, capsys, day):
    events = json.loads(CLOUDFLARE.read_text("utf-8"))["events"]
    events[3]["at"] = f"{day}T00:00:00Z"
    db_path = tmp_path / "cli.db"
    status, out, err = run(capsys, "import", _incident(tmp_path, events=events), "--db", db_path)
    assert status == 2 and out == ""
    assert err.strip() == (f"postmortem-canvas: events[3].at: {day} 00:00 UTC is outside the "
                           "supported dates (1970-01-01 to 2200-12-31)")
    migrate(db_path)
    assert boards.list_boards(connect(db_path)) == []


def _backup(tmp_path, capsys, change) -> Path:
    db_path = tmp_path / "source.db"
    status, out, err = run(capsys, "import", CLOUDFLARE, "--db", db_path)
    assert status == 0, err
    exported = tmp_path / "backup.json"
    run(capsys, "export", out.strip(), "--output", exported, "--db", db_path)
    document = json.loads(exported.read_text("utf-8"))
    change(document)
    exported.write_text(json.dumps(document), "utf-8")
    return exported


def _set_action_dates(day):
    def change(document):
        document["actions"][0].update(due_date=day, review_date=None, owner="Sam")
    return change


BACKUP_CHANGES = {
    "events[0].at": lambda day: lambda d: d["events"][0].update(at=f"{day}T12:00:00Z"),
    "board.incident_date": lambda day: lambda d: d["board"].update(incident_date=day),
    "board.review_date": lambda day: lambda d: d["board"].update(review_date=day),
    "actions[0].due_date": _set_action_dates,
    "notes[0].created_at": lambda day: lambda d: d["notes"][0].update(created_at=f"{day}T00:00:00+00:00"),
}


@pytest.mark.parametrize("day", EDGES)
@pytest.mark.parametrize("place", sorted(BACKUP_CHANGES))
def test_a_backup_with_an_edge_date_is_refused_with_its_place(tmp_path, capsys, place, day):
    backup = _backup(tmp_path, capsys, BACKUP_CHANGES[place](day))
    target = tmp_path / "target.db"
    status, out, err = run(capsys, "import", backup, "--db", target)
    assert status == 2 and out == "", err
    assert err.startswith(f"postmortem-canvas: {place}: {day}") and err.count("\n") == 1, err
    assert "outside the supported dates" in err
    migrate(target)
    assert boards.list_boards(connect(target)) == []


@pytest.mark.parametrize("fmt", ["md", "external", "csv", "ics"])
def test_an_export_to_the_terminal_never_carries_a_control_character(capsys, seeded, fmt):
    path, board_id = seeded
    db = connect(path)
    # Older data, from before the text rules refused control characters.
    db.execute("UPDATE events SET text = ? WHERE id = 'ev-good'", ["Paged \x1b[2J\x1b]0;owned\x07"])
    db.execute("UPDATE actions SET title = ?, due_date = '2030-01-01' WHERE id = 'act-late'",
                    ["Add \x1b[31malert\x00"])
    db.execute("UPDATE boards SET title = ? WHERE id = ?", ["Old \x1b[1mboard", board_id])
    db.close()
    status, out, err = run(capsys, "export", board_id, "--format", fmt, "--db", path)
    assert status == 0, err
    assert not any(ord(char) < 32 and char not in "\r\n\t" for char in out), repr(out)
    assert "␛" in out
