"""GitHub's documented headers, and its primary and secondary rate limits told
apart from a credential refusal (docs.github.com, "Troubleshooting the REST
API": a rate limit is a 403 or 429 with x-ratelimit-remaining 0 and
x-ratelimit-reset, or with retry-after, or with a message naming a secondary
rate limit; otherwise wait at least a minute)."""

from datetime import date

import pytest

from canvas.actions import ActionDraft
from canvas.models import BoardDraft
from integrations.tracker_sync import push_actions
from integrations.trackers import client_for
from storage import actions, facilitation
from tests.tracker_emulator import Emulator

NOW = 1_800_000_000.0  # the client's clock, fixed so waits are exact
SECONDARY = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                        "before you try again.",
             "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}
PRIMARY = {"message": "API rate limit exceeded for user ID 1.",
           "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}


@pytest.fixture
def github():
    with Emulator("github") as emulator:
        yield emulator


@pytest.fixture
def board(db):
    board_id = facilitation.start_board(db, BoardDraft(title="Outage", facilitator_name="Fran")).board.id
    made = [actions.add_action(db, board_id, ActionDraft(
        title=title, owner="bo", due_date=date(2026, 12, 20)))
        for title in ("Add a canary stage", "Alert on queue depth", "Write the failover runbook")]
    return board_id, made


def _push(db, board_id, github, waits):
    client = client_for("github", github.project, github.env(), sleep=waits.append,
                        clock=lambda: NOW)
    return push_actions(db, board_id, client)


def test_every_request_carries_the_documented_headers(db, board, github):
    board_id, made = board
    _push(db, board_id, github, [])
    _push(db, board_id, github, [])
    assert len(github.headers_seen) > 6
    for seen in github.headers_seen:
        headers = {name.lower(): value for name, value in seen.items()}  # names ignore case
        assert headers["accept"] == "application/vnd.github+json"
        assert headers["x-github-api-version"] == "2022-11-28"
        assert headers["authorization"] == f"Bearer {github.token}"


@pytest.mark.parametrize("status", [403, 429])
def test_a_primary_rate_limit_waits_until_its_reset_then_goes_on(db, board, github, status):
    board_id, made = board
    github.fail(status, body=PRIMARY, headers={"x-ratelimit-limit": "5000",
                                               "x-ratelimit-remaining": "0",
                                               "x-ratelimit-reset": str(int(NOW) + 30)})
    waits: list[float] = []
    report = _push(db, board_id, github, waits)
    assert waits == [31.0] and not report.failed and len(github.issues) == 3


def test_a_secondary_rate_limit_waits_for_retry_after(db, board, github):
    board_id, made = board
    github.fail(403, body=SECONDARY, headers={"retry-after": "20"}, method="POST")
    waits: list[float] = []
    report = _push(db, board_id, github, waits)
    assert waits == [20.0] and not report.failed and len(github.issues) == 3


def test_a_secondary_rate_limit_without_headers_waits_a_minute(db, board, github):
    board_id, made = board
    github.fail(403, body=SECONDARY, method="POST")
    waits: list[float] = []
    report = _push(db, board_id, github, waits)
    assert waits == [60.0] and not report.failed and len(github.issues) == 3


def test_a_limit_that_stays_stops_the_push_and_lists_what_was_not_pushed(db, board, github):
    board_id, made = board
    github.fail(403, body=SECONDARY, times=5, method="POST")
    waits: list[float] = []
    report = _push(db, board_id, github, waits)
    # One documented minute, then twice that is longer than a push waits.
    assert waits == [60.0] and not github.issues
    assert [a.id for a, _ in report.failed] == [a.id for a in made]
    assert all("GitHub is rate limited for 120 seconds" in why and "try again after" in why
               for _, why in report.failed)


def test_a_primary_limit_resetting_in_an_hour_is_reported_not_waited_for(db, board, github):
    board_id, made = board
    github.fail(403, body=PRIMARY, headers={"x-ratelimit-remaining": "0",
                                            "x-ratelimit-reset": str(int(NOW) + 3600)})
    waits: list[float] = []
    report = _push(db, board_id, github, waits)
    assert waits == [] and not github.issues and len(report.failed) == 3
    [why] = {why for _, why in report.failed}
    assert why == ("GitHub is rate limited for 3,601 seconds (until 09:00 UTC), longer than a "
                   "push waits: try again after that.")
    assert "GITHUB_TOKEN" not in why


def test_a_forbidden_answer_without_a_rate_limit_is_a_credential_refusal(db, board, github):
    board_id, made = board
    github.fail(403, body={"message": "Resource not accessible by personal access token"},
                headers={"x-ratelimit-remaining": "4999"}, times=3)
    waits: list[float] = []
    report = _push(db, board_id, github, waits)
    assert waits == [] and len(report.failed) == 3
    assert {why for _, why in report.failed} == {
        "GitHub refused the credentials: check GITHUB_TOKEN (and GITHUB_API_URL)."}
