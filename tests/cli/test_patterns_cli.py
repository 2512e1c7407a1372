"""`postmortem-canvas patterns`: the Patterns figures as JSON, over boards
made from shared/incidents/."""

import json

import pytest

from postmortem_canvas import main
from storage.db import connect
from storage.migrations import migrate
from tests.patterns_boards import import_all


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "cli.db"
    migrate(path)
    with connect(path) as db:
        import_all(db)
    return path


def figures(capsys, db_path, *options) -> dict:
    status = main(["patterns", "--db", str(db_path), *options])
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    return json.loads(out)


def test_the_json_gives_the_published_incidents_figures(capsys, db_path):
    data = figures(capsys, db_path)
    assert (data["boards"], data["incidents"]) == (5, 5)
    assert data["months"][0] == "2017-01" and data["months"][-1] == "2025-03"
    detect, acknowledge, mitigate, resolve = data["durations"]
    assert detect["name"] == "time_to_detect"
    assert (detect["overall"]["count"], detect["overall"]["p50"], detect["overall"]["p90"]) == (
        4, 150, 348)
    # Only GitHub's acknowledgement was published: 17 minutes.
    assert (acknowledge["overall"]["count"], acknowledge["overall"]["p50"]) == (1, 1020)
    assert (mitigate["overall"]["p50"], resolve["overall"]["p50"]) == (10140, 15420)
    july_2019 = next(m for m in resolve["by_month"] if m["month"] == "2019-07")
    assert (july_2019["count"], july_2019["p50"]) == (1, 4200)
    # GitLab's board (2017) is the first to spell it, and spells it "Database".
    assert data["labels"][:2] == [{"label": "cdn", "boards": 2, "recurs": True},
                                  {"label": "Database", "boards": 2, "recurs": True}]
    assert data["actions_undated"] == 31
    assert data["actions_total"]["share_done_by_due_date"] is None
    uncategorised = sum(m["by_category"]["uncategorised"] for m in data["factor_categories"])
    assert uncategorised == 6 + 6 + 6 + 6 + 5


def test_the_options_filter_as_the_page_does(capsys, db_path):
    assert figures(capsys, db_path, "--since", "2019-01-01")["boards"] == 2
    assert figures(capsys, db_path, "--until", "2017-12-31", "--label", "STORAGE")["boards"] == 1
    assert figures(capsys, db_path, "--severity", "SEV1", "--severity", "SEV2")["boards"] == 5
    nothing = figures(capsys, db_path, "--type", "okr")
    assert (nothing["boards"], nothing["reviews"], nothing["actions"]) == (0, [], [])
    assert nothing["filter"]["review_types"] == ["okr"]


@pytest.mark.parametrize("options, message", [
    (["--since", "2019-13-01"], "patterns: argument --since: '2019-13-01' is not a date written "
                                "YYYY-MM-DD (see --help)"),
    (["--until", "yesterday"], "patterns: argument --until: 'yesterday' is not a date written "
                               "YYYY-MM-DD (see --help)"),
    (["--since", "1900-01-01"], "patterns: argument --since: '1900-01-01' is not a day from "
                                "1970-01-01 to 2200-12-31 (see --help)"),
    (["--since", "2020-02-01", "--until", "2020-01-01"],
     "the period ends (2020-01-01) before it starts (2020-02-01)."),
])
def test_bad_dates_exit_2_with_one_line(capsys, db_path, options, message):
    status = main(["patterns", "--db", str(db_path), *options])
    out, err = capsys.readouterr()
    assert (status, out, err) == (2, "", f"postmortem-canvas: {message}\n")
