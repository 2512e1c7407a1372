"""`postmortem-canvas import-timeline`: chat and pager exports, chat logs and
CSV into a board's timeline; malformed files refused with one line and
nothing written."""

import json
import zipfile
from pathlib import Path

import pytest

from storage import boards, events
from storage.db import connect
from tests.cli.test_bad_input import assert_one_line_refusal, board, run  # noqa: F401 - fixture

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
SLACK = FIXTURES / "slack" / "export"
PAGERDUTY = FIXTURES / "pagerduty" / "log_entries.json"


def timeline(db, board_id) -> list:
    with connect(db) as database:
        return events.list_events(database, board_id)


def revision(db, board_id) -> int:
    with connect(db) as database:
        return boards.board_revision(database, board_id)


def test_a_slack_export_folder_adds_the_marked_messages_with_permalinks_once(capsys, board):
    db, board_id = board
    before = len(timeline(db, board_id))
    argv = ["import-timeline", board_id, SLACK, "--slack-channel", "incident-checkout",
            "--slack-workspace", "acme", "--db", db]

    status, out, err = run(capsys, argv)

    assert status == 0, err
    assert out == ("added 7 events from the Slack export of #incident-checkout; 1 left out "
                   "(already on the timeline or not marked; --all adds them)\n")
    added = [event for event in timeline(db, board_id) if event.evidence_url
             and "slack.com" in event.evidence_url]
    assert len(added) == 7 and len(timeline(db, board_id)) == before + 7
    assert all(event.evidence_url.startswith("https://acme.slack.com/archives/C0INC4812/p") for event in added)
    assert not any("Alice" in event.text for event in added), "the imported board hides authors"

    status, out, _ = run(capsys, argv + ["--all"])
    assert status == 0 and out.startswith("added 1 event from"), "only the unmarked one is new"
    assert len(timeline(db, board_id)) == before + 8


def test_a_dry_run_prints_the_preview_and_writes_nothing(capsys, board):
    db, board_id = board
    before = revision(db, board_id)
    status, out, err = run(capsys, ["import-timeline", board_id, PAGERDUTY, "--dry-run", "--db", db])
    assert status == 0, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["add"] for row in rows] == [True, False, True, True, True, True]
    assert rows[2]["text"] == "On-call 1 (PagerDuty): Acknowledged by On-call 1 (PagerDuty)."
    assert revision(db, board_id) == before


def test_a_zipped_export_and_several_pages_are_read(tmp_path, capsys, board):
    db, board_id = board
    archive = tmp_path / "slack.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in SLACK.rglob("*.json"):
            zipped.write(path, f"export/{path.relative_to(SLACK)}")
    status, out, err = run(capsys, ["import-timeline", board_id, archive, "--slack-channel", "incident-checkout",
                                    "--db", db])
    assert status == 0 and out.startswith("added 7 events"), err

    pages = json.loads((FIXTURES / "opsgenie" / "alert-logs.json").read_text())
    first, second = tmp_path / "page-1.json", tmp_path / "page-2.json"
    first.write_text(json.dumps(pages[0]))
    second.write_text(json.dumps(pages[1]))
    status, out, err = run(capsys, ["import-timeline", board_id, first, second, "--db", db])
    assert status == 0 and out.startswith("added 5 events from the Opsgenie alert log; 1 left out"), err


def test_a_chat_log_is_read_in_the_boards_zone_and_a_bad_line_refuses_the_file(tmp_path, capsys, board):
    db, board_id = board
    log = tmp_path / "chat.txt"
    log.write_text("13:42 paged for checkout 5xx\n13:50 rolled back\n")
    status, out, err = run(capsys, ["import-timeline", board_id, log, "--db", db])
    assert status == 0 and out == "added 2 events from the chat log chat.txt\n", err

    before = revision(db, board_id)
    log.write_text("13:42 paged\nno time here\n")
    status, out, err = run(capsys, ["import-timeline", board_id, log, "--db", db])
    assert_one_line_refusal(status, err, "chat.txt line 2: no time at the start")
    assert revision(db, board_id) == before


MALFORMED = sorted(path for fmt in ("teams", "pagerduty", "opsgenie")
                   for path in (FIXTURES / fmt / "malformed").iterdir())


@pytest.mark.parametrize("path", MALFORMED, ids=[f"{p.parent.parent.name}/{p.name}" for p in MALFORMED])
def test_every_malformed_export_exits_2_with_its_place_and_writes_nothing(capsys, board, path):
    db, board_id = board
    before = (revision(db, board_id), len(timeline(db, board_id)))
    status, out, err = run(capsys, ["import-timeline", board_id, path, "--db", db])
    expected = json.loads((path.parent.parent / "malformed-expected.json").read_text())[path.name]
    assert_one_line_refusal(status, err, expected)
    assert out == ""
    assert (revision(db, board_id), len(timeline(db, board_id))) == before


def test_a_malformed_slack_day_file_exits_2_naming_it(tmp_path, capsys, board):
    db, board_id = board
    export = tmp_path / "export"
    for path in SLACK.rglob("*.json"):
        (export / path.relative_to(SLACK)).parent.mkdir(parents=True, exist_ok=True)
        (export / path.relative_to(SLACK)).write_bytes(path.read_bytes())
    broken = FIXTURES / "slack" / "malformed" / "ts-without-fraction" / "incident-checkout" / "2019-07-02.json"
    (export / "incident-checkout" / "2019-07-02.json").write_bytes(broken.read_bytes())
    before = revision(db, board_id)
    status, _, err = run(capsys, ["import-timeline", board_id, export, "--slack-channel", "incident-checkout",
                                  "--db", db])
    assert_one_line_refusal(status, err, "incident-checkout/2019-07-02.json, message 4: field ts is not a "
                                         "Slack timestamp")
    assert revision(db, board_id) == before


def test_an_unknown_board_or_a_bad_link_exits_2_with_one_line(capsys, board):
    db, board_id = board
    status, _, err = run(capsys, ["import-timeline", "no-such-board", PAGERDUTY, "--db", db])
    assert_one_line_refusal(status, err, "does not exist")
    status, _, err = run(capsys, ["import-timeline", board_id, PAGERDUTY, "--link", "javascript:x", "--db", db])
    assert_one_line_refusal(status, err, "evidence link must be a web address")
