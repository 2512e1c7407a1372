"""The review's own issue and the write-up as a merge or pull request, against
GitLab, GitHub and Jira emulated on 127.0.0.1 and a real database of each
kind. A second run must change nothing: the emulators count every request
that writes."""

from datetime import date

import pytest

from canvas.actions import ActionDraft
from canvas.errors import (
    BranchRefused, InvalidInput, NotesStillPrivate, NotFacilitator, TrackerProjectNotFound,
    TrackerRefused,
)
from canvas.exports.markdown_pack import markdown_pack
from canvas.exports.review_issue import iac_marker, review_marker
from canvas.learnings import LearningDraft
from canvas.models import BoardDetails, BoardDraft, NoteDraft
from canvas.session.phases import Credentials, Phase
from integrations.publish import MERGED, publish_board
from integrations.review_issue import open_review_issue
from integrations.trackers import client_for
from storage import actions, boards, facilitation, iac, learnings, notes, participants, review_issues
from storage.db import write_transaction
from storage.snapshot import load_snapshot
from tests.repo_emulator import RepoEmulator

TODAY = date(2026, 3, 10)
BOARD_URL = "https://canvas.example/?board="


def client(emulator: RepoEmulator, project: str | None = None):
    return client_for(emulator.kind, project or emulator.project, emulator.env(),
                      sleep=lambda seconds: None)


@pytest.fixture(params=["gitlab", "github", "jira"])
def tracker(request):
    with RepoEmulator(request.param) as emulator:
        yield emulator


@pytest.fixture(params=["gitlab", "github"])
def host(request):
    with RepoEmulator(request.param) as emulator:
        yield emulator


@pytest.fixture
def started(db):
    start = facilitation.start_board(db, BoardDraft(
        title="Checkout 5xx errors", facilitator_name="Fran", incident_date=date(2026, 3, 2)))
    board = boards.get_board(db, start.board.id)
    details = BoardDetails.model_validate({
        **board.model_dump(include=set(BoardDetails.model_fields)),
        "labels": "sev2, checkout", "review_date": date(2026, 3, 9),
        "invitees": "Kim <kim@example.com>"})
    boards.update_details(db, board.id, details, board.details_version)
    return start


def _rename(db, board_id: str, title: str) -> None:
    board = boards.get_board(db, board_id)
    details = BoardDetails.model_validate({
        **board.model_dump(include=set(BoardDetails.model_fields)), "title": title})
    boards.update_details(db, board_id, details, board.details_version)


def test_the_review_issue_is_opened_once_and_a_second_run_changes_nothing(db, started, tracker):
    board_id = started.board.id
    first = open_review_issue(db, board_id, client(tracker), board_url=BOARD_URL + board_id)
    assert first.state == "created"
    [issue] = tracker.issues[tracker.project]
    expected = "Post-Mortem" if tracker.kind == "jira" else "Post Mortem"
    assert issue["labels"] == [expected, "sev2", "checkout", review_marker(board_id)]
    assert issue["title"] == "Postmortem review: Checkout 5xx errors"
    assert BOARD_URL + board_id in issue["description"] and "Kim (participant)" in issue["description"]
    assert boards.get_board(db, board_id).tracker_url == first.url
    revision = boards.board_revision(db, board_id)
    writes = len(tracker.writes)

    again = open_review_issue(db, board_id, client(tracker), board_url=BOARD_URL + board_id)

    assert (again.issue_id, again.url, again.state) == (first.issue_id, first.url, "unchanged")
    assert len(tracker.writes) == writes and len(tracker.issues[tracker.project]) == 1
    assert boards.board_revision(db, board_id) == revision


def test_a_change_on_the_board_updates_the_same_issue_and_keeps_labels_people_added(
        db, started, tracker):
    board_id = started.board.id
    open_review_issue(db, board_id, client(tracker), board_url=BOARD_URL + board_id)
    [issue] = tracker.issues[tracker.project]
    issue["labels"].append("needs-legal")  # added by someone in the tracker
    _rename(db, board_id, "Checkout 5xx errors after the WAF deploy")
    writes = len(tracker.writes)

    outcome = open_review_issue(db, board_id, client(tracker), board_url=BOARD_URL + board_id)

    assert outcome.state == "updated"
    assert len(tracker.writes) == writes + 1 and len(tracker.issues[tracker.project]) == 1
    assert issue["title"] == "Postmortem review: Checkout 5xx errors after the WAF deploy"
    assert "needs-legal" in issue["labels"]


def test_an_issue_made_by_a_run_that_died_before_recording_it_is_found_by_its_marker(
        db, started, tracker):
    board_id = started.board.id
    open_review_issue(db, board_id, client(tracker), board_url=BOARD_URL + board_id)
    with write_transaction(db):  # as if the run had died right after creating the issue
        db.execute("UPDATE boards SET review_issue_id = NULL WHERE id = ?", [board_id])
    writes = len(tracker.writes)
    outcome = open_review_issue(db, board_id, client(tracker), board_url=BOARD_URL + board_id)
    assert outcome.state == "unchanged" and len(tracker.writes) == writes
    assert review_issues.review_issue_of(db, board_id).issue_id == outcome.issue_id


def test_an_issue_deleted_in_the_tracker_is_opened_anew(db, started, tracker):
    board_id = started.board.id
    first = open_review_issue(db, board_id, client(tracker), board_url="")
    tracker.issues[tracker.project].clear()
    second = open_review_issue(db, board_id, client(tracker), board_url="")
    assert second.state == "created" and second.url != first.url
    assert boards.get_board(db, board_id).tracker_url == second.url


def test_only_the_facilitator_opens_the_review_issue_from_the_app(db, started, tracker):
    ann, _ = participants.join_board(db, started.board.id, "Ann")
    with pytest.raises(NotFacilitator):
        open_review_issue(db, started.board.id, client(tracker), board_url="",
                          credentials=Credentials(participant_id=ann.id))
    assert tracker.writes == []


def test_an_unknown_project_is_named(db, started, tracker):
    # GitLab and GitHub answer 404; Jira refuses the search naming the project.
    expected = TrackerRefused if tracker.kind == "jira" else TrackerProjectNotFound
    with pytest.raises(expected, match="NOWHERE|ops/nowhere"):
        open_review_issue(db, started.board.id,
                          client(tracker, "NOWHERE" if tracker.kind == "jira" else "ops/nowhere"),
                          board_url="")
    assert tracker.writes == []


def test_the_write_up_goes_on_its_branch_with_a_request_linking_the_review_issue(
        db, started, host):
    board_id = started.board.id
    issue = open_review_issue(db, board_id, client(host), board_url=BOARD_URL + board_id)

    report = publish_board(db, board_id, client(host), board_url=BOARD_URL + board_id, today=TODAY)

    outcome = report.write_up
    assert outcome.branch == "postmortem/2026-03-02-checkout-5xx-errors"
    assert outcome.path == "postmortems/2026-03-02-checkout-5xx-errors.md"
    assert (outcome.branch_created, outcome.committed, outcome.request_state) == (True, True, "created")
    written = host.file(host.project, outcome.branch, outcome.path)
    assert written == markdown_pack(load_snapshot(db, board_id), TODAY)
    assert issue.url in written  # the board's tracker link is the review issue
    assert host.file(host.project, "main", outcome.path) is None
    [request] = host.open_requests(host.project)
    assert (request["source"], request["target"]) == (outcome.branch, "main")
    assert f"Review issue: <{issue.url}>" in request["description"]
    assert f"Board: <{BOARD_URL + board_id}>" in request["description"]
    assert f"postmortem-canvas lint {outcome.path}" in request["description"]
    assert outcome.request_url.endswith(str(request["number"]))


def test_publishing_again_makes_no_second_branch_commit_or_request(db, started, host):
    board_id = started.board.id
    publish_board(db, board_id, client(host), today=TODAY)
    commits = host.commits_on(host.project, "postmortem/2026-03-02-checkout-5xx-errors")
    writes = len(host.writes)

    report = publish_board(db, board_id, client(host), today=TODAY)

    assert (report.write_up.branch_created, report.write_up.committed,
            report.write_up.request_state) == (False, False, "unchanged")
    assert len(host.writes) == writes
    assert host.commits_on(host.project, report.write_up.branch) == commits
    assert len(host.open_requests(host.project)) == 1


def test_a_changed_board_adds_one_commit_to_the_same_branch_and_request(db, started, host):
    board_id = started.board.id
    first = publish_board(db, board_id, client(host), today=TODAY).write_up
    actions.add_action(db, board_id, ActionDraft(title="Add a CPU budget test for WAF rules",
                                                 owner="Ann", due_date=date(2026, 4, 1)))
    commits = host.commits_on(host.project, first.branch)
    writes = len(host.writes)

    second = publish_board(db, board_id, client(host), today=TODAY).write_up

    assert (second.committed, second.request_state, second.request_url) == (
        True, "unchanged", first.request_url)
    assert len(host.writes) == writes + 1  # the file, nothing else
    assert host.commits_on(host.project, first.branch) == commits + 1
    assert "Add a CPU budget test" in host.file(host.project, first.branch, first.path)


def test_once_merged_publishing_again_proposes_nothing(db, started, host):
    board_id = started.board.id
    publish_board(db, board_id, client(host), today=TODAY)
    [request] = host.open_requests(host.project)
    host.merge(host.project, request["number"])
    writes = len(host.writes)
    report = publish_board(db, board_id, client(host), today=TODAY)
    assert report.write_up.request_state == MERGED
    assert len(host.writes) == writes and host.open_requests(host.project) == []


def test_a_path_and_a_branch_of_the_teams_choosing(db, started, host):
    report = publish_board(db, started.board.id, client(host), path="docs/pm/checkout.md",
                           branch="pm/checkout", today=TODAY)
    assert host.file(host.project, "pm/checkout", "docs/pm/checkout.md") is not None
    assert report.write_up.request_state == "created"
    with pytest.raises(InvalidInput):
        publish_board(db, started.board.id, client(host), path="../escape.md", today=TODAY)
    with pytest.raises(InvalidInput):
        publish_board(db, started.board.id, client(host), branch="main", today=TODAY)


def test_a_protected_branch_is_refused_in_one_sentence(db, started, host):
    host.protect(host.project, "postmortem/")
    with pytest.raises(BranchRefused) as refused:
        publish_board(db, started.board.id, client(host), today=TODAY)
    message = str(refused.value)
    assert message.startswith(f"{host.kind.replace('gitlab', 'GitLab').replace('github', 'GitHub')} "
                              "refused the branch 'postmortem/2026-03-02-checkout-5xx-errors'")
    assert message.endswith("name another branch, or let the token push to this one.")
    assert "\n" not in message and host.open_requests(host.project) == []


def test_an_unknown_repository_is_named(db, started, host):
    with pytest.raises(TrackerProjectNotFound):
        publish_board(db, started.board.id, client(host, "acme/nowhere"), today=TODAY)
    assert host.writes == []


def test_jira_holds_no_repository(db, started):
    with RepoEmulator("jira") as jira:
        with pytest.raises(InvalidInput, match="Jira holds no repository"):
            publish_board(db, started.board.id, client(jira), today=TODAY)


def _mark_lessons(db, start):
    board_id = start.board.id
    action = actions.add_action(db, board_id, ActionDraft(
        title="Stage WAF rule rollouts through a canary PoP", owner="Kim",
        due_date=date(2026, 4, 15)))
    learning = learnings.add_learning(db, board_id, LearningDraft(
        text="a WAF rule reaches every machine at once"),
        Credentials(participant_id=start.facilitator.id))
    iac.mark_iac(db, board_id, action.id, True)
    iac.mark_iac(db, board_id, learning.id, True)


def test_iac_lessons_open_their_own_request_in_their_project_once(db, started, host):
    _mark_lessons(db, started)
    infra = client(host, host.iac_project)
    report = publish_board(db, started.board.id, client(host), iac_client=infra, today=TODAY)
    assert report.iac_lessons == 2 and report.iac_left_out == 0
    assert report.iac.request_state == "created"
    [request] = host.open_requests(host.iac_project)
    assert request["source"] == "postmortem/2026-03-02-checkout-5xx-errors-iac"
    content = host.file(host.iac_project, request["source"],
                        "postmortems/2026-03-02-checkout-5xx-errors-iac.md")
    assert "Stage WAF rule rollouts through a canary PoP" in content
    assert "We learned that a WAF rule reaches every machine at once" in content
    writes = len(host.writes)
    again = publish_board(db, started.board.id, client(host), iac_client=infra, today=TODAY)
    assert again.iac.request_state == "unchanged" and len(host.writes) == writes


def test_iac_lessons_as_an_issue_when_the_team_prefers(db, started, host):
    _mark_lessons(db, started)
    infra = client(host, host.iac_project)
    report = publish_board(db, started.board.id, client(host), iac_client=infra, iac_as="issue",
                           today=TODAY)
    assert report.iac.state == "created"
    [issue] = host.issues[host.iac_project]
    assert iac_marker(started.board.id) in issue["labels"] and "Post Mortem" in issue["labels"]
    assert host.open_requests(host.iac_project) == []
    writes = len(host.writes)
    again = publish_board(db, started.board.id, client(host), iac_client=infra, iac_as="issue",
                          today=TODAY)
    assert again.iac.state == "unchanged" and len(host.writes) == writes


def test_iac_lessons_without_a_project_are_counted_not_lost(db, started, host):
    _mark_lessons(db, started)
    report = publish_board(db, started.board.id, client(host), today=TODAY)
    assert (report.iac, report.iac_left_out) == (None, 2)


def test_from_the_app_only_the_facilitator_publishes_and_not_while_notes_are_private(
        db, started, host):
    board_id = started.board.id
    ann, _ = participants.join_board(db, board_id, "Ann")
    with pytest.raises(NotFacilitator):
        publish_board(db, board_id, client(host), today=TODAY,
                      credentials=Credentials(participant_id=ann.id))
    notes.add_note(db, board_id, "detect", NoteDraft(text="Alerts fired late"),
                   Credentials(participant_id=ann.id))
    fran = Credentials(participant_id=started.facilitator.id,
                       facilitator_key=started.facilitator_key)
    with pytest.raises(NotesStillPrivate, match="1 note by others is still private"):
        publish_board(db, board_id, client(host), today=TODAY, credentials=fran)
    assert host.writes == []
    facilitation.set_phase(db, board_id, started.facilitator_key, Phase.group)
    report = publish_board(db, board_id, client(host), today=TODAY, credentials=fran)
    assert "Alerts fired late" in host.file(host.project, report.write_up.branch,
                                            report.write_up.path)
