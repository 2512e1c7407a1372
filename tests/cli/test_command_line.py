import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from postmortem_canvas import main
from tests.unit.test_timeline import README_SECONDS
from storage import actions, boards, events, notes
from storage.db import connect

INCIDENTS = Path(os.environ.get("POSTMORTEM_INCIDENTS_DIR",
                                Path(__file__).resolve().parents[3] / "shared" / "incidents"))
INCIDENT_FILES = sorted(INCIDENTS.glob("*.json"))


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_the_incident_folder_is_there():
    assert len(INCIDENT_FILES) >= 5, INCIDENTS


@pytest.mark.parametrize("incident", INCIDENT_FILES, ids=lambda p: p.stem)
def test_import_fills_summary_timeline_and_notes_then_export_holds_them(tmp_path, capsys, incident):
    db_path = tmp_path / "cli.db"
    source = json.loads(incident.read_text())
    status, out, err = run(capsys, "import", str(incident), "--db", str(db_path))
    assert status == 0, err
    board_id = out.strip()

    db = connect(db_path)
    board = boards.get_board(db, board_id)
    assert board.title == source["title"]
    assert board.summary == source["summary"]
    assert len(events.list_events(db, board_id)) == len(source["events"])
    texts_by_step = {}
    for note in notes.list_notes(db, board_id):
        texts_by_step.setdefault(note.step_key, []).append(note.text)
    assert sorted(texts_by_step.get("contributing-factors", [])) == sorted(source["contributing_factors"])
    assert "other-risks" not in texts_by_step
    assert "next-steps" not in texts_by_step
    imported_actions = actions.list_actions(db, board_id)
    assert [a.title for a in imported_actions] == [" ".join(t.split())[:200] for t in source["actions_published"]]
    assert all(a.is_draft for a in imported_actions), "nobody owns a published action yet"

    status, out, err = run(capsys, "export", board_id, "--format", "json", "--db", str(db_path))
    assert status == 0, err
    document = json.loads(out)
    assert document["board"]["id"] == board_id
    assert [e["text"] for e in document["events"]] == [e["text"] for e in source["events"]]
    # Import then export gives exactly the durations of shared/incidents/README.md.
    names = ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve",
             "impact_duration")
    assert tuple(document["metrics"][name] for name in names) == README_SECONDS[incident.stem]


def test_a_malformed_file_names_the_problem_and_writes_nothing(tmp_path, capsys):
    db_path = tmp_path / "cli.db"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"title": "x", "events": [
        {"at": "2020-01-01T00:00:00Z", "kind": "detected", "text": "ok"},
        {"at": "2020-01-01T00:05:00Z", "kind": "exploded", "text": "bad kind"},
    ]}))
    status, out, err = run(capsys, "import", str(bad), "--db", str(db_path))
    assert status == 2
    assert "events[1].kind" in err
    assert out == ""
    if db_path.exists():
        assert boards.list_boards(connect(db_path)) == []


def test_not_json_and_missing_file_are_clear_errors(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    status, _, err = run(capsys, "import", str(bad), "--db", str(tmp_path / "x.db"))
    assert status == 2 and "not valid JSON" in err
    status, _, err = run(capsys, "import", str(tmp_path / "missing.json"), "--db", str(tmp_path / "x.db"))
    assert status == 2 and "No such file" in err


def test_export_of_an_unknown_board_is_a_clear_error(tmp_path, capsys):
    status, out, err = run(capsys, "export", "A" * 24, "--db", str(tmp_path / "x.db"))
    assert status == 2 and "does not exist" in err and out == ""


def test_the_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "postmortem_canvas", "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert "import" in result.stdout and "export" in result.stdout


def _section(markdown: str, heading: str) -> str:
    """The text under `heading` up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    start = markdown.index(f"\n{heading}\n") + len(heading) + 2
    ends = [markdown.find(f"\n{'#' * size} ", start) for size in range(1, len(level) + 1)]
    ends = [end for end in ends if end != -1]
    return markdown[start:min(ends) if ends else len(markdown)]


@pytest.mark.parametrize("incident", INCIDENT_FILES, ids=lambda p: p.stem)
def test_every_incident_file_puts_its_factors_under_contributing_factors_never_risks(
        tmp_path, capsys, incident):
    db_path = tmp_path / "cli.db"
    source = json.loads(incident.read_text())
    status, out, err = run(capsys, "import", str(incident), "--db", str(db_path))
    assert status == 0, err
    status, markdown, err = run(capsys, "export", out.strip(), "--format", "md", "--db", str(db_path))
    assert status == 0, err

    factors = _section(markdown, "## Contributing factors")
    risks = _section(markdown, "### Risks")
    assert source["contributing_factors"]
    for factor in source["contributing_factors"]:
        words = " ".join(factor.split())[:40]
        assert words in factors.replace("\\", ""), factor
        assert words not in risks.replace("\\", ""), factor
    assert "No risks recorded." in risks
