"""`postmortem-canvas export --format md|png|json|csv|ics`, and importing a backup."""

import csv
import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image

from postmortem_canvas import main
from storage import boards
from storage.db import connect

INCIDENTS = Path(os.environ.get("POSTMORTEM_INCIDENTS_DIR",
                                Path(__file__).resolve().parents[3] / "shared" / "incidents"))
CLOUDFLARE = INCIDENTS / "cloudflare-2019-07-02.json"


def run(capture, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capture.readouterr()
    return status, out, err


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "cli.db"


@pytest.fixture
def board_id(db_path, capsys):
    status, out, err = run(capsys, "import", CLOUDFLARE, "--db", db_path)
    assert status == 0, err
    return out.strip()


def test_a_json_export_imports_back_as_an_equal_board(tmp_path, db_path, board_id, capsys):
    status, exported, err = run(capsys, "export", board_id, "--db", db_path)
    assert status == 0, err
    backup = tmp_path / "board.json"
    backup.write_text(exported, "utf-8")

    status, out, err = run(capsys, "import", backup, "--db", db_path)
    assert status == 0, err
    copy_id = out.strip()
    assert copy_id != board_id and "facilitator link" in err

    status, again, err = run(capsys, "export", copy_id, "--format", "json", "--db", db_path)
    first, second = json.loads(exported), json.loads(again)
    for document in (first, second):
        del document["board"]["id"], document["board"]["created_at"]
    assert second == first
    assert first["format"] == "postmortem-canvas/backup-2"
    assert first["metrics"]["time_to_mitigate"] == 27 * 60


def test_markdown_export_is_the_summary_pack(db_path, board_id, capsys):
    status, out, err = run(capsys, "export", board_id, "--format", "md", "--db", db_path)
    assert status == 0, err
    assert out.startswith("# Global Cloudflare outage from a CPU-exhausting WAF rule\n")
    for heading in ("## Timeline", "### Durations", "## Contributing factors",
                    "## Other areas of risk", "## Actions", "## Learnings and decisions",
                    "## Risks, open questions and next steps"):
        assert f"\n{heading}\n" in out
    assert "| Time to mitigate | 27 min |" in out
    assert "**draft** (no owner or due date)" in out  # published actions arrive without owners


def test_brief_export_is_one_page_with_learnings_decisions_and_top_actions(db_path, board_id,
                                                                           capsys):
    status, out, err = run(capsys, "export", board_id, "--format", "brief", "--db", db_path)
    assert status == 0, err
    assert out.startswith("# Brief: Global Cloudflare outage from a CPU-exhausting WAF rule\n")
    for heading in ("## TL;DR", "## Impact", "## What we learned", "## Decisions",
                    "## Top actions", "## Follow-up review"):
        assert f"\n{heading}\n" in out
    assert "| Re-introduce the removed excessive-CPU protection for regexes. | no owner yet |" in out
    assert len(out.splitlines()) < 60


def test_png_export_goes_to_a_file(tmp_path, db_path, board_id, capsys):
    target = tmp_path / "board.png"
    status, out, err = run(capsys, "export", board_id, "--format", "png", "--output", target,
                           "--db", db_path)
    assert status == 0, err
    assert out == ""
    assert Image.open(target).size[0] == 1600


def test_png_export_goes_to_stdout_as_bytes(db_path, capsysbinary):
    status, out, err = run(capsysbinary, "import", CLOUDFLARE, "--db", db_path)
    assert status == 0, err
    status, data, err = run(capsysbinary, "export", out.decode().strip(), "--format", "png",
                            "--width", "1000", "--db", db_path)
    assert status == 0, err
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(data)).size[0] == 1000


def test_a_png_of_characters_no_font_draws_says_so(tmp_path, db_path, capsys):
    incident = json.loads(CLOUDFLARE.read_text("utf-8"))
    incident["title"] = "Outage \u0378 unassigned"
    source = tmp_path / "odd.json"
    source.write_text(json.dumps(incident), "utf-8")
    status, out, _ = run(capsys, "import", source, "--db", db_path)
    status, _, err = run(capsys, "export", out.strip(), "--format", "png", "-o", tmp_path / "x.png",
                         "--db", db_path)
    assert status == 0
    assert "no installed font draws U+0378;" in err


def test_csv_export_lists_the_boards_actions(db_path, board_id, capsys):
    status, out, err = run(capsys, "export", board_id, "--format", "csv", "--db", db_path)
    assert status == 0, err
    records = list(csv.DictReader(io.StringIO(out, newline="")))
    published = json.loads(CLOUDFLARE.read_text("utf-8"))["actions_published"]
    assert [record["title"] for record in records] == published
    assert {record["board"] for record in records} == {"Global Cloudflare outage from a CPU-exhausting WAF rule"}
    assert {record["draft"] for record in records} == {"yes"}


def test_ics_export_is_a_calendar_even_without_due_dates(db_path, board_id, capsys):
    status, out, err = run(capsys, "export", board_id, "--format", "ics", "--db", db_path)
    assert status == 0, err
    assert out.startswith("BEGIN:VCALENDAR\r\n") and out.endswith("END:VCALENDAR\r\n")
    assert "BEGIN:VEVENT" not in out  # drafts have no due date yet


def test_importing_an_old_or_unknown_format_names_the_format(tmp_path, db_path, capsys):
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"format": "postmortem-canvas/1", "board": {"title": "x"}}))
    status, out, err = run(capsys, "import", old, "--db", db_path)
    assert status == 2 and out == ""
    assert ("format: expected 'postmortem-canvas/backup-2' or 'postmortem-canvas/backup-1', "
            "found 'postmortem-canvas/1'") in err


def test_a_broken_backup_writes_nothing(tmp_path, db_path, board_id, capsys):
    _, exported, _ = run(capsys, "export", board_id, "--db", db_path)
    document = json.loads(exported)
    document["notes"][0]["cluster"] = "cluster-42"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document))
    status, out, err = run(capsys, "import", broken, "--db", db_path)
    assert status == 2 and out == ""
    assert "notes[0].cluster: no cluster 'cluster-42'" in err
    assert [board.id for board in boards.list_boards(connect(db_path))] == [board_id]
