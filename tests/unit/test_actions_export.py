"""Actions as CSV and as an iCalendar file, read back the way other tools read them."""

import csv
import io
from datetime import UTC, date, datetime

from canvas.actions import FollowUp, Priority, Status
from canvas.exports.actions_export import CSV_COLUMNS, actions_calendar, actions_csv
from canvas.exports.calendar import Revision, ics_text
from tests.calendars import raw_lines, read_back

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def action(action_id: str, title: str, **fields) -> FollowUp:
    return FollowUp(id=action_id, board_id="b", created_at=T0, updated_at=T0, title=title, **fields)


ROWS = [
    ("Checkout errors, 5xx; after deploy", action(
        "a1", 'Add an alert on "checkout" 5xx, rate > 2%; page on-call', owner="Ann Lee",
        due_date=date(2024, 3, 15), priority=Priority.high, customer_facing=True,
        success_signal="Alert fires within 3 min\nin the game day; no false pages \\ week")),
    ("Checkout errors, 5xx; after deploy", action("a2", "Write the runbook for the WAF kill switch")),
    ("Привет, 世界", action("a3", "Document the bypass — 日本語のタイトル, with commas", owner="Kim",
                            due_date=date(2024, 2, 1), status=Status.wont_do,
                            status_reason="Superseded; see a1")),
    ("Board", action("a4", "=HYPERLINK(\"http://evil\")", owner="@owner", due_date=date(2024, 4, 1))),
]


# --- CSV --------------------------------------------------------------------------------


def test_csv_reads_back_with_the_csv_module():
    text = actions_csv(ROWS)
    records = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(records[0]) == list(CSV_COLUMNS)
    assert len(records) == len(ROWS)
    first = records[0]
    assert first["board"] == "Checkout errors, 5xx; after deploy"
    assert first["title"] == 'Add an alert on "checkout" 5xx, rate > 2%; page on-call'
    assert first["success_signal"] == "Alert fires within 3 min\nin the game day; no false pages \\ week"
    assert (first["owner"], first["due_date"], first["priority"], first["draft"]) == (
        "Ann Lee", "2024-03-15", "high", "no")
    assert records[1]["due_date"] == "" and records[1]["draft"] == "yes"
    assert [record["customer_facing"] for record in records] == ["yes", "no", "no", "no"]
    assert records[2]["board"] == "Привет, 世界" and records[2]["status"] == "wont_do"
    assert records[2]["status_reason"] == "Superseded; see a1"


def test_csv_defuses_cells_a_spreadsheet_would_run_as_formulas():
    record = list(csv.DictReader(io.StringIO(actions_csv(ROWS), newline="")))[3]
    assert record["title"] == "'=HYPERLINK(\"http://evil\")"
    assert record["owner"] == "'@owner"


def test_csv_of_no_actions_is_just_the_header():
    assert actions_csv([]) == ",".join(CSV_COLUMNS) + "\r\n"


# --- iCalendar ----------------------------------------------------------------------------

NOW = datetime(2024, 3, 5, 14, 7, 31, tzinfo=UTC)


def ics(rows, revisions=None, now=NOW) -> str:
    return ics_text(actions_calendar(rows), revisions or {}, now)


def test_ics_has_one_all_day_event_per_dated_action():
    calendar = read_back(ics(ROWS))
    assert calendar.method == "PUBLISH"
    assert [event.uid for event in calendar.events] == [
        "a1@postmortem-canvas", "a3@postmortem-canvas", "a4@postmortem-canvas"]  # a2 has no due date
    first = calendar.events[0]
    assert (first.start, first.end) == (date(2024, 3, 15), date(2024, 3, 16))
    assert first.summary == 'Due: Add an alert on "checkout" 5xx, rate > 2%; page on-call'
    assert first.description.splitlines() == [
        "Owner: Ann Lee",
        "Success signal: Alert fires within 3 min",
        "in the game day; no false pages \\ week",
        "Status: Open",
        "Board: Checkout errors, 5xx; after deploy",
    ]
    assert calendar.events[1].status == "CANCELLED"
    assert "Board: Привет, 世界" in calendar.events[1].description
    assert "Reason: Superseded; see a1" in calendar.events[1].description


def test_ics_escapes_commas_semicolons_backslashes_and_newlines():
    [summary] = [line for line in raw_lines(ics(ROWS)) if line.startswith("SUMMARY:Due: Add")]
    assert summary == 'SUMMARY:Due: Add an alert on "checkout" 5xx\\, rate > 2%\\; page on-call'
    [description] = [line for line in raw_lines(ics(ROWS)) if "Ann Lee" in line]
    assert "\\n" in description and "\\\\ week" in description


def test_ics_lines_are_folded_at_75_octets_without_splitting_a_character():
    long_title = "Document every step of the failover — 障害対応の手順をすべて文書化する, " * 3
    text = ics([("Board", action("a9", long_title.strip(), due_date=date(2024, 5, 1)))])
    physical = text.split("\r\n")[:-1]
    assert max(len(line.encode("utf-8")) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)  # something was folded
    assert read_back(text).events[0].summary == "Due: " + long_title.strip()


def test_ics_uids_stay_the_same_across_exports():
    assert [e.uid for e in read_back(ics(ROWS)).events] == \
        [e.uid for e in read_back(ics(list(reversed(ROWS)), now=datetime(2025, 1, 1, tzinfo=UTC))).events][::-1]


def test_the_stamp_is_the_moment_of_export_in_utc_not_a_midnight():
    morning, evening = (datetime(2024, 3, 5, 8, 15, 2, tzinfo=UTC),
                        datetime(2024, 3, 5, 19, 40, 59, 123456, tzinfo=UTC))
    stamps = {read_back(ics(ROWS, now=moment)).events[0].stamp for moment in (morning, evening)}
    assert stamps == {morning, evening.replace(microsecond=0)}
    assert "DTSTAMP:20240305T194059Z" in raw_lines(ics(ROWS, now=evening))


def test_the_sequence_and_last_change_come_from_the_revisions_given():
    changed = datetime(2024, 3, 4, 16, 0, tzinfo=UTC)
    calendar = read_back(ics(ROWS, {"a1@postmortem-canvas": Revision(3, changed)}))
    first, second = calendar.events[:2]
    assert (first.sequence, first.last_modified) == (3, changed)
    assert (second.sequence, second.last_modified) == (0, None)  # not seen by any store


def test_a_due_date_far_from_utc_stays_its_own_day():
    # Auckland is 13 hours ahead: at this moment it is already the 15th there,
    # and the 14th in UTC. The due day is the board's day, written as a DATE.
    auckland_morning = datetime(2024, 3, 14, 20, 30, tzinfo=UTC)
    rows = [("Board", action("a1", "Renew the certificate", due_date=date(2024, 3, 15)))]
    text = ics(rows, now=auckland_morning)
    [event] = read_back(text).events
    assert (event.start, event.end) == (date(2024, 3, 15), date(2024, 3, 16))
    assert "DTSTART;VALUE=DATE:20240315" in raw_lines(text)
    assert "DTSTAMP:20240314T203000Z" in raw_lines(text)


def test_changed_content_changes_the_fingerprint_and_the_same_content_keeps_it():
    [due] = actions_calendar(ROWS[:1]).events
    [same] = actions_calendar(ROWS[:1]).events
    moved = ROWS[0][1].model_copy(update={"due_date": date(2024, 3, 22)})
    [later] = actions_calendar([(ROWS[0][0], moved)]).events
    assert due.fingerprint == same.fingerprint != later.fingerprint


def test_a_follow_up_review_date_is_its_own_event_in_the_ics():
    reviewed = action("a5", "Add a canary stage", owner="Dee", due_date=date(2024, 3, 20),
                      review_date=date(2024, 4, 3), success_signal="A bad rule stops at the canary")
    review_only = action("a6", "Rewrite the router", review_date=date(2024, 5, 1))
    by_uid = read_back(ics([("Board", reviewed), ("Board", review_only)])).by_uid()
    assert set(by_uid) == {"a5-review@postmortem-canvas", "a5@postmortem-canvas",
                           "a6-review@postmortem-canvas"}
    review = by_uid["a5-review@postmortem-canvas"]
    assert (review.start, review.end) == (date(2024, 4, 3), date(2024, 4, 4))
    assert review.summary == "Follow-up review: Add a canary stage"
    assert "Success signal: A bad rule stops at the canary" in review.description
    assert by_uid["a5@postmortem-canvas"].start == date(2024, 3, 20)


def test_a_dropped_action_gets_no_review_event():
    dropped = action("a7", "Move to re2", review_date=date(2024, 4, 3), status=Status.wont_do,
                     status_reason="Superseded")
    assert read_back(ics([("Board", dropped)])).events == []
