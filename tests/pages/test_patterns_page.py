"""The Patterns page on boards made from shared/incidents/, as an AppTest
against a real temporary database, with figures worked out by hand from
shared/incidents/README.md."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from canvas.settings import LIST_ALL_ENV
from canvas.models import NoteDraft
from canvas.session.phases import Credentials
from storage import facilitation, notes
from storage.db import connect
from tests.pages.conftest import ROOT, create_board, page
from tests.patterns_boards import import_all


@pytest.fixture
def trusted(monkeypatch, db_file):
    """An install that lists every board, holding the five published incidents."""
    monkeypatch.setenv(LIST_ALL_ENV, "1")
    with connect(db_file) as db:
        return import_all(db)


def patterns_page(app, since=date(2017, 1, 1), until=date(2025, 12, 31)):
    app.run()
    app.switch_page(page("patterns.py")).run()
    assert not app.exception, app.exception
    app.date_input(key="patterns_since").set_value(since)
    app.date_input(key="patterns_until").set_value(until).run()
    assert not app.exception, app.exception
    return app


def headline(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_the_headline_gives_the_published_incidents_response_times(app, trusted):
    patterns_page(app)
    assert headline(app) == {
        "Boards": "5",
        # 0, 2, 3 and 7 minutes (S3 published no detection time): median 2 min 30 s.
        "Time to detect": "2 min",
        # 27 min, 1 h 07, 2 h 49, 17 h 32 and 17 h 33.
        "Time to mitigate": "2 h 49 min",
        # 1 h 10, 1 h 16, 4 h 17, 18 h 47 and 24 h 11.
        "Time to resolve": "4 h 17 min",
        # Published actions are drafts without a due date.
        "Done by due date": "—", "Overdue actions": "0",
    }
    captions = [caption.value for caption in app.caption]
    assert "5 incidents" in captions
    assert "median · p90 5 min · 4 boards" in captions  # 3 min + 0.7 × (7 min − 3 min)
    assert "median · p90 22 h 01 min · 5 boards" in captions  # 18 h 47 + 0.6 × 5 h 24
    assert "31 actions without a due date left out of the actions chart." in captions
    # No actions chart (none is dated), no decisions chart (nothing learned yet).
    assert {chart.key for chart in app.get("plotly_chart")} == {
        "patterns_reviews_chart", "patterns_durations_chart", "patterns_categories_chart",
        "patterns_labels_chart"}
    assert "No learnings in this period." in captions


def test_a_factor_written_alike_on_two_boards_is_found_as_recurring(app, trusted, db_file):
    aws = "Amazon S3 service disruption in US-EAST-1"
    patterns_page(app)

    def recurring() -> list[dict]:
        tables = [table for table in app.dataframe]
        return tables[0].value.to_dict("records") if tables else []

    # Whatever the published factors share, every group found spans two boards.
    assert all(row["Boards"] >= 2 for row in recurring())
    assert not any(aws in row["On"] for row in recurring())
    with connect(db_file) as db:
        board_id = trusted["aws-s3-2017-02-28"]
        key = facilitation.create_facilitator_key(db, board_id, "test")
        notes.add_note(db, board_id, "contributing-factors",
                       NoteDraft(text="Backup and restore procedures were never tested"),
                       Credentials(facilitator_key=key))
    app.run()
    [row] = [row for row in recurring() if aws in row["On"]]
    # GitLab's "No team owned testing of backup and restore procedures."
    assert "GitLab.com outage and database data loss during replica rebuild" in row["On"]
    assert "Backup and restore procedures were never tested" in row["As written"]
    assert "No team owned testing of backup and restore procedures." in row["As written"]


def test_the_filters_narrow_the_figures(app, trusted):
    patterns_page(app)
    app.multiselect(key="patterns_label").set_value(["cdn"]).run()
    assert headline(app)["Boards"] == "2"
    # Cloudflare 2019 and 2025: 3 and 7 minutes.
    assert headline(app)["Time to detect"] == "5 min"
    app.multiselect(key="patterns_label").set_value([]).run()
    app.multiselect(key="patterns_severity").set_value(["SEV1"]).run()
    assert headline(app)["Boards"] == "1"
    assert headline(app)["Time to resolve"] == "1 h 10 min"
    patterns_page(app, since=date(2020, 1, 1))
    assert headline(app)["Boards"] == "0"
    assert any("No boards in this period" in info.value for info in app.info)
    assert not app.get("plotly_chart")


def test_a_period_that_ends_before_it_starts_is_one_sentence(app, trusted):
    patterns_page(app, since=date(2020, 1, 1), until=date(2019, 1, 1))
    assert [error.value for error in app.error] == [
        "The period ends (2019-01-01) before it starts (2020-01-01)."]


def test_a_link_carries_its_filter_and_a_bad_one_is_said_and_left_out(app, trusted):
    app.query_params.update({"since": "2019-01-01", "until": "2019-12-31", "type": "incident"})
    app.run()
    app.switch_page(page("patterns.py")).run()
    assert not app.exception, app.exception
    assert headline(app)["Boards"] == "1"
    assert app.multiselect(key="patterns_type").value == ["incident"]

    other = AppTest.from_string((ROOT / "app.py").read_text(), default_timeout=30)
    other.query_params["since"] = "March"
    other.run()
    other.switch_page(page("patterns.py")).run()
    assert not other.exception, other.exception
    assert any("The link's filter was left out" in w.value for w in other.warning)


def test_a_private_install_shows_only_the_boards_this_browser_knows(app, db_file):
    with connect(db_file) as db:
        import_all(db)
    create_board(app, title="Checkout errors")
    app.switch_page(page("patterns.py")).run()
    assert not app.exception, app.exception
    # Only the board just made, today: none of the five imported incidents.
    assert headline(app)["Boards"] == "1"
    assert any("the boards this browser joined or created" in c.value for c in app.caption)


def test_the_learnings_review_links_to_the_patterns_of_its_period(app, trusted):
    app.run()
    app.switch_page(page("learnings_review.py")).run()
    app.date_input(key="review_start_2 weeks").set_value(date(2019, 7, 1))
    app.date_input(key="review_end").set_value(date(2019, 7, 31)).run()
    assert not app.exception, app.exception
    [link] = [button for button in app.get("link_button")
              if button.proto.label == "Patterns of this period"]
    assert link.proto.url.endswith("/patterns-across-boards?since=2019-07-01&until=2019-07-31")


def test_a_damaged_row_is_left_out_and_said_while_the_page_still_draws(app, trusted, db_file):
    with connect(db_file) as db:
        db.execute("UPDATE events SET at = 'not a time' WHERE board_id = ? AND kind = 'detected'",
                   [trusted["cloudflare-2019-07-02"]])
    patterns_page(app)
    assert any("1 row could not be read and is left out" in c.value for c in app.caption)
    # Cloudflare 2019's 3 minutes are gone: 0, 2 and 7 minutes remain.
    assert headline(app)["Time to detect"] == "2 min"
    assert "median · p90 6 min · 3 boards" in [caption.value for caption in app.caption]
