"""A tracker that refuses or fails: each status comes out as its own message,
and nothing already pushed and recorded is lost."""

from datetime import date

import pytest

from canvas.actions import ActionDraft
from canvas.errors import TrackerNotConfigured
from canvas.models import BoardDraft
from integrations.tracker_sync import push_actions, sync_board
from integrations.trackers import client_for, tracker_env
from storage import actions, facilitation, tracker_links
from tests.tracker_emulator import Emulator

# Each tracker's own validation answer (status, body), as its API documents it.
VALIDATION = {
    "gitlab": (400, {"message": {"title": ["is too long (maximum is 255 characters)"]}},
               "title is too long (maximum is 255 characters)"),
    "github": (422, {"message": "Validation Failed", "errors": [
        {"resource": "Issue", "field": "assignees", "code": "invalid",
         "message": "Could not resolve to a User with the login of 'ann'."}]},
        "Could not resolve to a User with the login of 'ann'."),
    "jira": (400, {"errorMessages": [], "errors": {"duedate": "Error parsing date string: x"}},
             "duedate: Error parsing date string: x"),
}
CHECK = {"gitlab": "GITLAB_TOKEN", "github": "GITHUB_TOKEN", "jira": "JIRA_USER and JIRA_TOKEN"}


@pytest.fixture(params=["gitlab", "github", "jira"])
def tracker(request):
    with Emulator(request.param) as emulator:
        yield emulator


@pytest.fixture
def pushed_once(db, tracker):
    """A board whose first action is already pushed and recorded, and a
    second action not pushed yet."""
    board_id = facilitation.start_board(db, BoardDraft(title="Outage", facilitator_name="Fran")).board.id
    first = actions.add_action(db, board_id, ActionDraft(
        title="Add a canary stage", owner="Bo Chen", due_date=date(2026, 12, 20)))
    push_actions(db, board_id, client_for(tracker.kind, tracker.project, tracker.env()))
    second = actions.add_action(db, board_id, ActionDraft(
        title="Alert on queue depth", owner="Bo Chen", due_date=date(2026, 12, 22)))
    third = actions.add_action(db, board_id, ActionDraft(
        title="Write the failover runbook", owner="Bo Chen", due_date=date(2026, 12, 23)))
    return board_id, first, second, third, tracker_links.links_for_board(db, board_id)


def _push(db, board_id, tracker, env=None, project=None, waits=None, **options):
    client = client_for(tracker.kind, project or tracker.project, env or tracker.env(),
                        sleep=(waits if waits is not None else []).append, **options)
    return push_actions(db, board_id, client)


def _nothing_lost(db, board_id, before):
    after = tracker_links.links_for_board(db, board_id)
    for action_id, link in before.items():
        assert after[action_id].issue_id == link.issue_id and after[action_id].url == link.url


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_name_the_variable_to_check(db, pushed_once, tracker, status):
    board_id, first, second, third, before = pushed_once
    tracker.fail(status, times=10)
    report = _push(db, board_id, tracker)
    assert [a.id for a, _ in report.failed] == [first.id, second.id, third.id]
    assert all(f"check {CHECK[tracker.kind]}" in why for _, why in report.failed)
    _nothing_lost(db, board_id, before)


def test_a_wrong_token_is_refused_with_the_variable_to_check(db, pushed_once, tracker):
    board_id, first, *_, before = pushed_once
    env = {name: ("wrong" if name.endswith("TOKEN") else value) for name, value in tracker.env().items()}
    report = _push(db, board_id, tracker, env=env)
    assert CHECK[tracker.kind] in report.failed[0][1] and len(report.failed) == 3
    _nothing_lost(db, board_id, before)


def test_a_missing_project_says_so(db, pushed_once, tracker):
    board_id, *_, before = pushed_once
    # Jira answers an unknown project in a search with 400 and its own words.
    report = _push(db, board_id, tracker, project={"gitlab": "ops/nothing", "github": "acme/nothing",
                                                   "jira": "NOPE"}[tracker.kind])
    message = report.failed[0][1]
    if tracker.kind == "jira":
        assert "The value 'NOPE' does not exist for the field 'project'." in message
    else:
        assert "not found" in message and "nothing" in message
    assert len(report.failed) == 3
    _nothing_lost(db, board_id, before)


def test_a_validation_error_gives_the_trackers_message_and_the_rest_go_on(db, pushed_once, tracker):
    board_id, first, second, third, before = pushed_once
    status, body, expected = VALIDATION[tracker.kind]
    tracker.fail(status, body=body, method="POST")
    report = _push(db, board_id, tracker)
    [(failed, why)] = report.failed
    assert failed.id == second.id and expected in why
    assert [a.id for a, _ in report.created] == [third.id]
    assert [a.id for a, _ in report.updated] == [first.id]
    _nothing_lost(db, board_id, before)


def test_too_many_requests_waits_for_retry_after_then_goes_on(db, pushed_once, tracker):
    board_id, first, second, third, before = pushed_once
    tracker.fail(429, headers={"Retry-After": "7"}, times=2)
    waits: list[float] = []
    report = _push(db, board_id, tracker, waits=waits)
    assert waits == [7.0, 7.0] and not report.failed
    assert len([i for i in tracker.issues]) == 3


def test_a_retry_after_beyond_the_bound_is_reported_not_waited_for(db, pushed_once, tracker):
    board_id, first, second, third, before = pushed_once
    tracker.fail(429, headers={"Retry-After": "3600"})
    waits: list[float] = []
    report = _push(db, board_id, tracker, waits=waits)
    assert waits == [] and "rate limited for 3600 seconds" in report.failed[0][1]
    _nothing_lost(db, board_id, before)


def test_a_server_that_stays_down_is_retried_a_bounded_number_of_times(db, pushed_once, tracker):
    board_id, first, second, third, before = pushed_once
    tracker.fail(503, times=50)
    waits: list[float] = []
    sent = len(tracker.requests)
    report = _push(db, board_id, tracker, waits=waits)
    assert len(waits) == 2 and "HTTP 503 after 3 attempts" in report.failed[0][1]
    assert [a.id for a, _ in report.failed] == [first.id, second.id, third.id]
    # Three tries, then the push stops instead of hammering a tracker that is down.
    assert len(tracker.requests) - sent == 3
    _nothing_lost(db, board_id, before)


def test_a_failed_create_is_searched_for_before_trying_again(db, pushed_once, tracker):
    board_id, first, second, third, before = pushed_once
    tracker.fail(502, method="POST")
    report = _push(db, board_id, tracker)
    assert not report.failed and len(tracker.issues) == 3


def test_timeouts_are_retried_then_reported(db, pushed_once, tracker):
    board_id, first, *_ , before = pushed_once
    # Late answers that change nothing on the server (503 after the wait).
    # The timeout leaves a busy machine time to answer the prompt requests;
    # the delay is far beyond it.
    tracker.fail(503, delay=2.0, times=3)
    report = _push(db, board_id, tracker, timeout=0.5)
    assert "timed out after 3 attempts" in report.failed[0][1]
    _nothing_lost(db, board_id, before)
    tracker.fail(503, delay=2.0)
    waits: list[float] = []
    changed = sync_board(db, board_id, lambda kind, project: client_for(
        kind, project, tracker.env(), timeout=0.5, sleep=waits.append))
    assert changed.checked == 1 and not changed.failed and len(waits) == 1


def test_a_tracker_without_settings_names_the_missing_variable(tracker):
    with pytest.raises(TrackerNotConfigured, match="GITLAB_TOKEN|GITHUB_TOKEN|JIRA_URL"):
        client_for(tracker.kind, tracker.project, {})


def test_a_deleted_issue_is_reported_and_the_others_still_sync(db, pushed_once, tracker):
    board_id, first, second, third, before = pushed_once
    push_actions(db, board_id, client_for(tracker.kind, tracker.project, tracker.env()))
    gone = tracker_links.links_for_board(db, board_id)[first.id].issue_id
    tracker.issues = [issue for issue in tracker.issues if issue["ref"] != gone]
    report = sync_board(db, board_id, lambda kind, project: client_for(kind, project, tracker.env()))
    [(action, why)] = report.failed
    assert action.id == first.id and f"issue {gone} of {tracker.project} was not found" in why
    assert report.checked == 2
    _nothing_lost(db, board_id, before)


def test_refused_credentials_stop_a_sync_after_the_first_issue(db, pushed_once, tracker):
    board_id, *_ = pushed_once
    push_actions(db, board_id, client_for(tracker.kind, tracker.project, tracker.env()))
    env = {name: ("wrong" if name.endswith("TOKEN") else value) for name, value in tracker.env().items()}
    sent = len(tracker.requests)
    report = sync_board(db, board_id, lambda kind, project: client_for(kind, project, env))
    assert len(report.failed) == 3 and all(CHECK[tracker.kind] in why for _, why in report.failed)
    assert len(tracker.requests) - sent == 1


def test_settings_come_from_secrets_and_the_environment_wins():
    env = tracker_env({"GITLAB_TOKEN": "from-env", "HOME": "/root"},
                      {"GITLAB_TOKEN": "from-secrets", "GITLAB_URL": "https://git.example",
                       "database": {"password": "x"}})
    assert env == {"GITLAB_TOKEN": "from-env", "GITLAB_URL": "https://git.example"}
