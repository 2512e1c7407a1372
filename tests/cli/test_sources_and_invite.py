"""Imports keep where an incident was published and what it published;
`export --format invite` makes a review meeting invite a calendar reads."""

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest

from canvas.exports.markdown_pack import ASSUMPTION
from canvas.models import BoardDetails, Roles
from postmortem_canvas import main
from storage import boards, events
from storage.db import connect
from tests.calendars import read_back

INCIDENTS = Path(os.environ.get("POSTMORTEM_INCIDENTS_DIR",
                                Path(__file__).resolve().parents[3] / "shared" / "incidents"))
INCIDENT_FILES = sorted(INCIDENTS.glob("*.json"))


def run(capture, *argv):
    status = main([str(arg) for arg in argv])
    out, err = capture.readouterr()
    return status, out, err


def imported(capsys, db_path, path) -> str:
    status, out, err = run(capsys, "import", path, "--db", db_path)
    assert status == 0, err
    return out.strip()


def test_there_are_incident_files_to_check():
    assert len(INCIDENT_FILES) >= 5


@pytest.mark.parametrize("path", INCIDENT_FILES, ids=lambda path: path.stem)
def test_every_incident_file_keeps_its_source_link_and_published_figures(tmp_path, capsys, path):
    incident = json.loads(path.read_text("utf-8"))
    db_path = tmp_path / "cli.db"
    board_id = imported(capsys, db_path, path)

    status, markdown, err = run(capsys, "export", board_id, "--format", "md", "--db", db_path)
    assert status == 0, err
    status, exported, err = run(capsys, "export", board_id, "--format", "json", "--db", db_path)
    assert status == 0, err

    source = json.loads(exported)["board"]["source"]
    assert source["url"] == incident["source_url"]
    assert source["organisation"] == incident["organisation"]
    figures = {figure["name"]: figure for figure in source["figures"]}
    assert list(figures) == list(incident["published_figures"])
    section = markdown.split("## Published source", 1)[1].split("\n## ", 1)[0]
    assert f"<{incident['source_url']}>" in section
    for name, published in incident["published_figures"].items():
        kept = figures[name]
        assert kept["measures"] == published["measures"]
        assert kept["qualifier"] == published.get("qualifier", "")
        assert kept["value"] == str(published["value"])
        row = next(line for line in section.splitlines()
                   if line.startswith(f"| {name.replace('_', ' ')} |"))
        # Markdown escapes punctuation; compare the row with the escapes removed.
        plain = row.replace("\\", "")
        assert str(published["value"]) in plain and published["measures"] in plain
        if published.get("qualifier"):
            assert f"| {published['qualifier']} {published['value']} |" in plain


def test_a_backup_of_an_imported_incident_keeps_its_source(tmp_path, capsys):
    db_path = tmp_path / "cli.db"
    board_id = imported(capsys, db_path, INCIDENT_FILES[0])
    status, exported, _ = run(capsys, "export", board_id, "--db", db_path)
    backup = tmp_path / "backup.json"
    backup.write_text(exported, "utf-8")

    copy_id = imported(capsys, db_path, backup)

    with connect(db_path) as db:
        original, copy = boards.get_board(db, board_id), boards.get_board(db, copy_id)
    assert copy.source == original.source and copy.source.figures


def _prepare_review(db_path, board_id, **changes) -> None:
    with connect(db_path) as db:
        board = boards.get_board(db, board_id)
        details = BoardDetails.model_validate({**board.model_dump(), **changes})
        boards.update_details(db, board_id, details, board.details_version)


def test_the_invite_export_is_read_back_by_a_calendar_library(tmp_path, capsys):
    db_path = tmp_path / "cli.db"
    board_id = imported(capsys, db_path, INCIDENTS / "github-2018-10-21.json")
    _prepare_review(db_path, board_id, review_date="2018-10-30",
                    roles=Roles(facilitator="Fran", customer_facing="Cy", support="Sue"),
                    invitees="Fran <fran@example.com>\nSue <sue@example.com>\nOps team",
                    labels=["postmortem"], tracker_url="https://tracker.example.com/7")
    target = tmp_path / "review.ics"

    status, out, err = run(capsys, "export", board_id, "--format", "invite", "--base-url",
                           "https://canvas.example.com/", "-o", target, "--db", db_path)

    assert (status, out, err) == (0, "", "")
    [read] = read_back(target.read_bytes()).events
    assert read.start == date(2018, 10, 30)
    event = read.component
    link = f"https://canvas.example.com/?board={board_id}"
    assert str(event["URL"]) == link
    description = str(event["DESCRIPTION"])
    assert f"Board: {link}" in description and "1. Summary" in description
    assert "- Cy (customer-facing)" in description and "- Sue (support)" in description
    assert "- Ops team (participant)" in description
    assert "Tracker issue: https://tracker.example.com/7" in description
    assert sorted(str(a) for a in event["ATTENDEE"]) == ["mailto:fran@example.com",
                                                         "mailto:sue@example.com"]


def test_the_invite_link_defaults_to_a_local_server(tmp_path, capsys):
    db_path = tmp_path / "cli.db"
    board_id = imported(capsys, db_path, INCIDENT_FILES[0])
    _prepare_review(db_path, board_id, review_date="2024-01-10")
    status, out, err = run(capsys, "export", board_id, "--format", "invite", "--db", db_path)
    assert status == 0, err
    [event] = (read.component for read in read_back(out).events)
    assert str(event["URL"]) == f"http://localhost:8501/?board={board_id}"


def test_an_invite_without_a_review_date_is_refused_in_one_line(tmp_path, capsys):
    db_path = tmp_path / "cli.db"
    board_id = imported(capsys, db_path, INCIDENT_FILES[0])
    status, out, err = run(capsys, "export", board_id, "--format", "invite", "--db", db_path)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "review date" in err


@pytest.mark.parametrize("url", ["javascript:alert(1)", "localhost:8501", "http://a b"])
def test_a_base_url_that_is_not_a_web_address_is_refused(tmp_path, capsys, url):
    status, _, err = run(capsys, "export", "x" * 24, "--format", "invite", "--base-url", url,
                         "--db", tmp_path / "cli.db")
    assert status == 2 and "base URL" in err and err.count("\n") == 1


def test_an_assumption_is_labelled_in_the_markdown_export(tmp_path, capsys):
    db_path = tmp_path / "cli.db"
    board_id = imported(capsys, db_path, INCIDENT_FILES[0])
    with connect(db_path) as db:
        first = events.list_events(db, board_id)[0]
        events.edit_event(db, board_id, first.id, first.model_copy(update={"is_assumption": True}),
                          first)
    status, markdown, _ = run(capsys, "export", board_id, "--format", "md", "--db", db_path)
    assert status == 0
    timeline = markdown.split("## Timeline", 1)[1].split("### Durations", 1)[0]
    assert sum(ASSUMPTION in line for line in timeline.splitlines() if line.startswith("| ")) == 1


GOLDEN = Path(__file__).resolve().parents[1] / "unit" / "golden" / "github-2018-10-21-invite.ics"
FIXED_ID = "GithubInviteFixture00001"


def test_the_cli_invite_matches_the_golden_file_apart_from_board_id_and_stamp(tmp_path, capsys):
    db_path = tmp_path / "cli.db"
    board_id = imported(capsys, db_path, INCIDENTS / "github-2018-10-21.json")
    _prepare_review(db_path, board_id, review_date="2018-10-30",
                    roles=Roles(facilitator="Fran", scribe="Sam", decision_owner="Dee",
                                customer_facing="Cy", support="Sue"),
                    invitees="Fran <fran@example.com>\nSue <sue@example.com>\nOps team",
                    labels=["postmortem", "database"],
                    tracker_url="https://tracker.example.com/issues/7")

    status, out, err = run(capsys, "export", board_id, "--format", "invite", "--base-url",
                           "https://canvas.example.com", "--db", db_path)

    assert status == 0, err
    [event] = read_back(out).events
    assert (event.sequence, event.last_modified is not None) == (0, True)
    # The board id is new on every import and the stamps are the time of
    # export: put fixed ones in, and write the calendar again.
    unfolded = out.replace("\r\n ", "").replace(board_id, FIXED_ID)
    calendar = icalendar.Calendar.from_ical(unfolded)
    [fixed] = calendar.walk("VEVENT")
    for name in ("DTSTAMP", "LAST-MODIFIED"):
        fixed.pop(name)
        fixed.add(name, datetime(2018, 10, 29, 12, 0, tzinfo=UTC))
    produced = calendar.to_ical().decode("utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_bytes(produced.encode("utf-8"))
    assert produced == GOLDEN.read_bytes().decode("utf-8")
