"""A tracker that refuses or fails: each status comes out as its own message,
and nothing already pushed and recorded is lost."""

import re
from datetime import date

import pytest

from canvas.actions import ActionDraft
from canvas.errors import TrackerNotConfigured
from canvas.models import BoardDraft
from integrations.tracker_sync import push_actions, sync_board
from integrations.trackers import client_for, tracker_env
from storage import actions, facilitation, tracker_links
from tests.tracker_emulator import GITLAB_EXPIRED, KINDS, Emulator

# Each tracker's own validation answer to a create (status, body), as its API documents it.
VALIDATION = {
    "gitlab": (400, {"message": {"title": ["is too long (maximum is 255 characters)"]}},
               "title is too long (maximum is 255 characters)", "/issues"),
    "github": (422, {"message": "Validation Failed", "errors": [
        {"resource": "Issue", "field": "assignees", "code": "invalid",
         "message": "Could not resolve to a User with the login of 'ann'."}]},
        "Could not resolve to a User with the login of 'ann'.", "/issues"),
    "jira": (400, {"errorMessages": [], "errors": {"duedate": "Error parsing date string: x"}},
             "duedate: Error parsing date string: x", "/issue"),
}
CHECK = {"gitlab": "GITLAB_TOKEN", "github": "GITHUB_TOKEN", "jira": "JIRA_USER and JIRA_TOKEN",
         "jira-datacenter": "JIRA_PAT"}


def _check(tracker: Emulator) -> str:
    """The settings a credential refusal names for this tracker."""
    return CHECK["jira-datacenter" if tracker.kind == "jira" and not tracker.jira_cloud
                 else tracker.kind]


def _wrong(env: dict[str, str]) -> dict[str, str]:
    return {name: ("wrong" if name.endswith(("TOKEN", "PAT")) else value)
            for name, value in env.items()}


@pytest.fixture(params=KINDS)
def tracker(request):
    with Emulator.named(request.param) as emulator:
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
    assert all(f"check {_check(tracker)}" in why for _, why in report.failed)
    _nothing_lost(db, board_id, before)


def test_a_wrong_token_is_refused_with_the_variable_to_check(db, pushed_once, tracker):
    board_id, first, *_, before = pushed_once
    env = _wrong(tracker.env())
    report = _push(db, board_id, tracker, env=env)
    assert _check(tracker) in report.failed[0][1] and len(report.failed) == 3
    _nothing_lost(db, board_id, before)


def test_a_missing_project_says_so(db, pushed_once, tracker):
    board_id, *_, before = pushed_once
    # Jira's assignable-user search, asked first, answers 404 for an unknown project.
    missing = {"gitlab": "ops/nothing", "github": "acme/nothing", "jira": "NOPE"}[tracker.kind]
    report = _push(db, board_id, tracker, project=missing)
    message = report.failed[0][1]
    assert "not found" in message and repr(missing) in message
    assert len(report.failed) == 3
    _nothing_lost(db, board_id, before)


def test_a_validation_error_gives_the_trackers_message_and_the_rest_go_on(db, pushed_once, tracker):
    board_id, first, second, third, before = pushed_once
    status, body, expected, create = VALIDATION[tracker.kind]
    tracker.fail(status, body=body, method="POST", path=create)
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
    assert waits == [] and "rate limited for 3,600 seconds" in report.failed[0][1]
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
    env = _wrong(tracker.env())
    sent = len(tracker.requests)
    report = sync_board(db, board_id, lambda kind, project: client_for(kind, project, env))
    assert len(report.failed) == 3 and all(_check(tracker) in why for _, why in report.failed)
    assert len(tracker.requests) - sent == 1


def test_settings_come_from_secrets_and_the_environment_wins():
    env = tracker_env({"GITLAB_TOKEN": "from-env", "HOME": "/root"},
                      {"GITLAB_TOKEN": "from-secrets", "GITLAB_URL": "https://git.example",
                       "database": {"password": "x"}})
    assert env == {"GITLAB_TOKEN": "from-env", "GITLAB_URL": "https://git.example"}


def _one_sentence(message: str) -> bool:
    # A sentence ends at ".", "!" or "?" followed by a space or the end.
    return message.endswith(".") and not re.search(r"[.!?]\s", message)


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
def test_an_issue_type_the_project_lacks_names_jira_issue_type_and_stops_the_push(db, cloud):
    board_id = facilitation.start_board(db, BoardDraft(title="Outage", facilitator_name="Fran")).board.id
    for title in ("Add a canary stage", "Alert on queue depth"):
        actions.add_action(db, board_id, ActionDraft(title=title, owner="Bo Chen",
                                                     due_date=date(2026, 12, 20)))
    with Emulator("jira", jira_cloud=cloud) as jira:
        client = client_for("jira", jira.project, {**jira.env(), "JIRA_ISSUE_TYPE": "Epic"})
        report = push_actions(db, board_id, client)
        assert not jira.issues and len(report.failed) == 2
        creates = [path for method, path in jira.requests if method == "POST"]
        assert len(creates) == 1  # the second action is not sent to be refused again
    [message] = {why for _, why in report.failed}
    assert message == ("Jira refused the issue type 'Epic' in project OPS (Specify a valid issue "
                       "type): set JIRA_ISSUE_TYPE to an issue type the project has.")
    assert _one_sentence(message)


@pytest.mark.parametrize("cloud", [True, False], ids=["cloud", "datacenter"])
def test_a_due_date_field_not_on_the_screen_names_jira_due_field(db, cloud):
    board_id = facilitation.start_board(db, BoardDraft(title="Outage", facilitator_name="Fran")).board.id
    actions.add_action(db, board_id, ActionDraft(title="Add a canary stage", owner="Bo Chen",
                                                 due_date=date(2026, 12, 20)))
    with Emulator("jira", jira_cloud=cloud) as jira:
        jira.screen_fields = set()  # the project's create screen has no due date
        report = push_actions(db, board_id, client_for("jira", jira.project, jira.env()))
        assert not jira.issues
    [(_, message)] = report.failed
    assert message.startswith("Jira cannot set the due date in the field 'duedate' of project OPS")
    assert "set JIRA_DUE_FIELD to the field the project uses for due dates, or to none" in message
    assert _one_sentence(message)


EXPIRED = {
    # GitLab says so: an OAuth 2 bearer error (RFC 6750) with its description.
    "gitlab": ((401, GITLAB_EXPIRED),
               "GitLab refused the credentials because the token has expired: make a new token "
               "and set it in GITLAB_TOKEN."),
    # GitHub, Jira Cloud and Jira Data Center answer an expired token as any bad one.
    "github": ((401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}),
               "GitHub refused the credentials: check GITHUB_TOKEN (and GITHUB_API_URL)."),
    "jira": ((401, None),
             "Jira refused the credentials: check JIRA_USER and JIRA_TOKEN (and JIRA_URL)."),
    "jira-datacenter": ((401, {"errorMessages": ["You are not authenticated. Authentication "
                                                 "required to perform this operation."],
                               "errors": {}}),
                        "Jira refused the credentials: check JIRA_PAT (and JIRA_URL)."),
}


@pytest.mark.parametrize("kind", KINDS)
def test_an_expired_token_names_the_setting_to_renew(db, kind):
    board_id = facilitation.start_board(db, BoardDraft(title="Outage", facilitator_name="Fran")).board.id
    actions.add_action(db, board_id, ActionDraft(title="Add a canary stage", owner="Bo Chen",
                                                 due_date=date(2026, 12, 20)))
    (status, body), expected = EXPIRED[kind]
    with Emulator.named(kind) as tracker:
        tracker.fail(status, body=body if body is not None else "", times=5)
        report = push_actions(db, board_id, client_for(tracker.kind, tracker.project, tracker.env()))
        assert not tracker.issues
    [(_, message)] = report.failed
    assert message == expected and _one_sentence(message)
