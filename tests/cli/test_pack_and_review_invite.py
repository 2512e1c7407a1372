"""`export --format pack` prints the retrospective pack; `export --format
review-invite` the recurring Impact & Learnings review, or one line saying
how to propose it."""

import os
from datetime import date
from pathlib import Path

import pytest

from canvas.models import DisseminationPlan
from postmortem_canvas import main
from storage import dissemination
from storage.db import connect
from tests.calendars import read_back

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


def plan(db_path, board_id, **fields):
    with connect(db_path) as db:
        dissemination.save_dissemination_plan(db, board_id, DisseminationPlan.model_validate({
            "follow_up_date": "2030-02-01",
            "entries": [{"audience": "<b>Support</b>", "channel": "#support", "owner": "Sue"}],
            **fields}))


def test_the_pack_prints_every_section_with_the_plan(db_path, board_id, capsys):
    plan(db_path, board_id)
    status, out, err = run(capsys, "export", board_id, "--format", "pack", "--db", db_path)
    assert status == 0 and err == ""
    headings = [line for line in out.splitlines() if line.startswith("## ")]
    assert [heading.split(". ", 1)[0] for heading in headings] == [f"## {n}" for n in range(1, 10)]
    assert "| \\<b\\>Support\\</b\\> | \\#support | — | Sue |" in out
    assert "- **Follow-up review:** 2030-02-01" in out
    assert "Global WAF termination executed" in out.split("### Known facts")[1]


def test_the_recurring_review_invite_repeats_fortnightly(db_path, board_id, capsys):
    plan(db_path, board_id, impact_review="fortnightly", impact_review_start="2030-01-14")
    status, out, err = run(capsys, "export", board_id, "--format", "review-invite",
                           "--db", db_path)
    assert status == 0, err
    (event,) = read_back(out).events
    assert event.start == date(2030, 1, 14)
    rule = event.component.decoded("RRULE")
    assert (rule["FREQ"], rule["INTERVAL"]) == (["WEEKLY"], [2])


def test_a_board_proposing_no_review_gets_one_line_and_status_2(db_path, board_id, capsys):
    status, out, err = run(capsys, "export", board_id, "--format", "review-invite",
                           "--db", db_path)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and "weekly or fortnightly" in err
    assert "Traceback" not in err
