"""The reminder digest: golden files of boards in three time zones."""

import json
from datetime import UTC, date, datetime


from tests.unit.golden import assert_matches_golden

from canvas.actions import FollowUp, Status
from canvas.exports.digest import digest, digest_json, digest_markdown

# 11:30 UTC on 10 March 2026 is already 11 March in Auckland (UTC+13) and
# still early on 10 March in Los Angeles (UTC-7 since the 8th).
NOW = datetime(2026, 3, 10, 11, 30, tzinfo=UTC)
BOARDS = {"AKL": ("Payments outage", "Pacific/Auckland"),
          "LAX": ("Checkout errors", "America/Los_Angeles"),
          "LON": ("DNS expiry", "Europe/London")}


def action(n: int, board: str, title: str, owner: str = "", due: date | None = None,
           review: date | None = None, status: Status = Status.open) -> tuple:
    title_, zone = BOARDS[board]
    return (board, title_, zone, FollowUp(
        id=f"a{n}", board_id=board, title=title, owner=owner, due_date=due, review_date=review,
        status=status, status_reason="Superseded" if status == Status.wont_do else "",
        created_at=NOW, updated_at=NOW))


ROWS = [
    # Due on 10 March: overdue where it is already the 11th, due today elsewhere.
    action(1, "AKL", "Rotate the payment gateway keys", "Ann", date(2026, 3, 10)),
    action(2, "LAX", "Add an alert on the checkout 5xx rate", "ann", date(2026, 3, 10)),
    action(3, "LON", "Renew domains automatically", "Bo Chen", date(2026, 3, 17),
           review=date(2026, 3, 30)),
    # The 17th is the window's last day in Los Angeles (today the 10th)...
    action(4, "LAX", "Load-test the new pool", "Bo Chen", date(2026, 3, 17)),
    # ...and the 18th only in Auckland's (today the 11th).
    action(5, "AKL", "Document the failover", "Bo Chen", date(2026, 3, 18)),
    action(6, "LAX", "Split the checkout database", "Bo Chen", date(2026, 3, 18)),
    action(7, "LON", "Move DNS to two providers", "Cy", date(2026, 2, 1), status=Status.done,
           review=date(2026, 3, 12)),
    action(8, "LON", "Audit every certificate", "Cy", date(2026, 2, 1), status=Status.in_progress),
    action(9, "AKL", "Retire the old gateway", "Cy", date(2026, 2, 1), status=Status.wont_do,
           review=date(2026, 3, 12)),
    action(10, "LAX", "Decide <!channel> & who pages whom", "", date(2026, 3, 9)),
    action(11, "LON", "Someday: a chaos day", "Dee"),
]


def test_the_digest_across_time_zones_matches_the_golden_markdown():
    assert_matches_golden("digest.md", digest_markdown(digest(ROWS, NOW, 7), NOW, 7))


def test_the_digest_across_time_zones_matches_the_golden_json():
    assert_matches_golden("digest.json", digest_json(digest(ROWS, NOW, 7), NOW, 7))


def test_each_board_counts_days_on_its_own_calendar():
    groups = digest(ROWS, NOW, 7)
    kinds = {item.action_id: (item.kind, item.days) for items in groups.values() for item in items}
    assert kinds["a1"] == ("overdue", -1) and kinds["a2"] == ("due", 0)
    assert "a5" in kinds and "a6" not in kinds and kinds["a4"] == ("due", 7)
    assert kinds["a7"] == ("review", 2) and "a9" not in kinds and "a11" not in kinds
    assert list(groups) == ["Ann", "Bo Chen", "Cy", "(no owner)"]


def test_one_owner_whatever_the_case_and_nothing_due_is_said():
    assert [i.action_id for i in digest(ROWS, NOW, 7, owner=" ANN ")["Ann"]] == ["a1", "a2"]
    assert digest(ROWS, NOW, 7, owner="Nobody") == {}
    assert "Nothing is due." in digest_markdown({}, NOW, 7)
    assert json.loads(digest_json({}, NOW, 7))["owners"] == []


def test_the_slack_text_escapes_what_slack_would_read_as_a_mention():
    text = digest_markdown(digest(ROWS, NOW, 7), NOW, 7, slack=True)
    assert "Decide &lt;!channel&gt; &amp; who pages whom" in text and "<!channel>" not in text
    assert "*Ann*" in text
