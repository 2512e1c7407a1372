"""Actions as CSV and as an iCalendar file, read back the way other tools read them."""

import csv
import io
import re
from datetime import UTC, date, datetime

from canvas.actions import FollowUp, Priority, Status
from canvas.exports.actions_export import CSV_COLUMNS, actions_csv, actions_ics

T0 = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
TODAY = date(2024, 3, 5)


def action(action_id: str, title: str, **fields) -> FollowUp:
    return FollowUp(id=action_id, board_id="b", created_at=T0, updated_at=T0, title=title, **fields)


ROWS = [
    ("Checkout errors, 5xx; after deploy", action(
        "a1", 'Add an alert on "checkout" 5xx, rate > 2%; page on-call', owner="Ann Lee",
        due_date=date(2024, 3, 15), priority=Priority.high,
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
    assert records[2]["board"] == "Привет, 世界" and records[2]["status"] == "wont_do"
    assert records[2]["status_reason"] == "Superseded; see a1"


def test_csv_defuses_cells_a_spreadsheet_would_run_as_formulas():
    record = list(csv.DictReader(io.StringIO(actions_csv(ROWS), newline="")))[3]
    assert record["title"] == "'=HYPERLINK(\"http://evil\")"
    assert record["owner"] == "'@owner"


def test_csv_of_no_actions_is_just_the_header():
    assert actions_csv([]) == ",".join(CSV_COLUMNS) + "\r\n"


# --- iCalendar ----------------------------------------------------------------------------


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: a CRLF followed by one space or tab continues the line."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def events(text: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return found


def test_ics_has_one_all_day_event_per_dated_action():
    text = actions_ics(ROWS, TODAY)
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    found = events(text)
    assert [event["UID"] for event in found] == ["a1@postmortem-canvas", "a3@postmortem-canvas",
                                                 "a4@postmortem-canvas"]  # a2 has no due date
    first = found[0]
    assert first["DTSTART;VALUE=DATE"] == "20240315" and first["DTEND;VALUE=DATE"] == "20240316"
    assert first["DTSTAMP"] == "20240305T000000Z"
    assert unescape(first["SUMMARY"]) == 'Add an alert on "checkout" 5xx, rate > 2%; page on-call'
    description = unescape(first["DESCRIPTION"])
    assert description.splitlines() == [
        "Owner: Ann Lee",
        "Success signal: Alert fires within 3 min",
        "in the game day; no false pages \\ week",
        "Status: Open",
        "Board: Checkout errors, 5xx; after deploy",
    ]
    assert found[1]["STATUS"] == "CANCELLED"
    assert "Board: Привет, 世界" in unescape(found[1]["DESCRIPTION"])


def test_ics_escapes_commas_semicolons_backslashes_and_newlines():
    summary = events(actions_ics(ROWS, TODAY))[0]["SUMMARY"]
    assert summary == 'Add an alert on "checkout" 5xx\\, rate > 2%\\; page on-call'
    description = events(actions_ics(ROWS, TODAY))[0]["DESCRIPTION"]
    assert "\\n" in description and "\\\\ week" in description and "\n" not in description


def test_ics_lines_are_folded_at_75_octets():
    long_title = "Document every step of the failover — 障害対応の手順をすべて文書化する, " * 3
    text = actions_ics([("Board", action("a9", long_title.strip(), due_date=date(2024, 5, 1)))], TODAY)
    physical = text.split("\r\n")[:-1]
    assert max(len(line.encode("utf-8")) for line in physical) <= 75
    assert any(line.startswith(" ") for line in physical)  # something was folded
    assert unescape(events(text)[0]["SUMMARY"]) == long_title.strip()


def test_ics_uids_stay_the_same_across_exports():
    assert [e["UID"] for e in events(actions_ics(ROWS, TODAY))] == \
        [e["UID"] for e in events(actions_ics(list(reversed(ROWS)), date(2025, 1, 1)))][::-1]


def test_a_follow_up_review_date_is_its_own_event_in_the_ics():
    reviewed = action("a5", "Add a canary stage", owner="Dee", due_date=date(2024, 3, 20),
                      review_date=date(2024, 4, 3), success_signal="A bad rule stops at the canary")
    review_only = action("a6", "Rewrite the router", review_date=date(2024, 5, 1))
    found = events(actions_ics([("Board", reviewed), ("Board", review_only)], TODAY))
    by_uid = {event["UID"]: event for event in found}
    assert set(by_uid) == {"a5-review@postmortem-canvas", "a5@postmortem-canvas",
                           "a6-review@postmortem-canvas"}
    review = by_uid["a5-review@postmortem-canvas"]
    assert (review["DTSTART;VALUE=DATE"], review["DTEND;VALUE=DATE"]) == ("20240403", "20240404")
    assert unescape(review["SUMMARY"]) == "Follow-up review: Add a canary stage"
    assert "Success signal: A bad rule stops at the canary" in unescape(review["DESCRIPTION"])
    assert by_uid["a5@postmortem-canvas"]["DTSTART;VALUE=DATE"] == "20240320"


def test_a_dropped_action_gets_no_review_event():
    dropped = action("a7", "Move to re2", review_date=date(2024, 4, 3), status=Status.wont_do,
                     status_reason="Superseded")
    assert events(actions_ics([("Board", dropped)], TODAY)) == []
