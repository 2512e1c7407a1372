"""`review-issue` and `publish` from the shell, against emulated GitLab,
GitHub and Jira: what they print, that a second run writes nothing, that the
invite links the issue and the board, and one sentence (exit 2) for each
documented failure."""

from datetime import date

import pytest

from canvas.actions import ActionDraft
from canvas.models import BoardDetails, BoardDraft
from postmortem_canvas import main
from storage import actions, boards, facilitation, iac
from storage.db import connect
from tests.repo_emulator import RepoEmulator


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def board_id(db_file):
    db = connect(db_file)
    start = facilitation.start_board(db, BoardDraft(
        title="Checkout 5xx errors", facilitator_name="Fran", incident_date=date(2026, 3, 2)))
    board = boards.get_board(db, start.board.id)
    boards.update_details(db, board.id, BoardDetails.model_validate({
        **board.model_dump(include=set(BoardDetails.model_fields)),
        "review_date": date(2026, 3, 9), "labels": "sev2"}), board.details_version)
    db.close()
    return start.board.id


def _use(emulator: RepoEmulator, monkeypatch) -> RepoEmulator:
    for name, value in emulator.env().items():
        monkeypatch.setenv(name, value)
    return emulator


@pytest.fixture(params=["gitlab", "github", "jira"])
def tracker(request, monkeypatch):
    with RepoEmulator(request.param) as emulator:
        yield _use(emulator, monkeypatch)


@pytest.fixture(params=["gitlab", "github"])
def host(request, monkeypatch):
    with RepoEmulator(request.param) as emulator:
        yield _use(emulator, monkeypatch)


def _where(emulator: RepoEmulator, project: str | None = None) -> list[str]:
    return ["--to", emulator.kind, "--repo" if emulator.kind == "github" else "--project",
            project or emulator.project]


def test_review_issue_twice_then_the_invite_links_the_issue_and_the_board(
        db_file, capsys, board_id, tracker):
    status, out, err = run(capsys, "review-issue", board_id, *_where(tracker),
                           "--base-url", "https://canvas.example", "--db", str(db_file))
    assert status == 0, err
    state, url = out.strip().split("\t")
    assert state == "created" and len(tracker.issues[tracker.project]) == 1
    writes = len(tracker.writes)

    status, out, err = run(capsys, "review-issue", board_id, *_where(tracker),
                           "--base-url", "https://canvas.example", "--db", str(db_file))

    assert (status, out) == (0, f"unchanged\t{url}\n")
    assert len(tracker.writes) == writes
    status, invite, err = run(capsys, "export", board_id, "--format", "invite",
                              "--base-url", "https://canvas.example", "--db", str(db_file))
    unfolded = invite.replace("\r\n ", "")
    assert status == 0 and url in unfolded
    assert f"https://canvas.example/?board={board_id}" in unfolded


def test_a_custom_review_label(db_file, capsys, board_id, monkeypatch):
    with RepoEmulator("gitlab") as gitlab:
        _use(gitlab, monkeypatch)
        status, _, err = run(capsys, "review-issue", board_id, *_where(gitlab), "--label",
                             "incident-review", "--db", str(db_file))
        assert status == 0, err
        assert gitlab.issues[gitlab.project][0]["labels"][:2] == ["incident-review", "sev2"]


def test_publish_twice_writes_once(db_file, capsys, board_id, host):
    run(capsys, "review-issue", board_id, *_where(host), "--db", str(db_file))
    status, out, err = run(capsys, "publish", board_id, *_where(host), "--db", str(db_file))
    assert status == 0, err
    what, state, url = out.strip().split("\t")
    assert (what, state) == ("write-up", "created")
    [request] = host.open_requests(host.project)
    assert url.endswith(str(request["number"]))
    assert host.file(host.project, "postmortem/2026-03-02-checkout-5xx-errors",
                     "postmortems/2026-03-02-checkout-5xx-errors.md").startswith("# ")
    writes = len(host.writes)

    status, out, err = run(capsys, "publish", board_id, *_where(host), "--db", str(db_file))

    assert (status, out, err) == (0, f"write-up\tunchanged\t{url}\n", "")
    assert len(host.writes) == writes


def test_publish_with_iac_lessons_in_their_own_project(db_file, capsys, board_id, host):
    db = connect(db_file)
    action = actions.add_action(db, board_id, ActionDraft(
        title="Stage WAF rule rollouts through a canary PoP", owner="Kim", due_date=date(2026, 4, 1)))
    iac.mark_iac(db, board_id, action.id, True)
    db.close()
    status, out, err = run(capsys, "publish", board_id, *_where(host), "--db", str(db_file))
    assert status == 0
    assert "1 infrastructure-as-code lesson not published: name their project with --iac-project" in err
    status, out, err = run(capsys, "publish", board_id, *_where(host), "--iac-project",
                           host.iac_project, "--iac-as", "issue", "--db", str(db_file))
    assert status == 0, err
    assert out.splitlines()[1].split("\t")[:2] == ["iac", "created"]
    assert len(host.issues[host.iac_project]) == 1


@pytest.mark.parametrize("variable", ["GITLAB_TOKEN", "GITHUB_TOKEN"])
def test_a_missing_token_is_one_sentence_and_exit_2(db_file, capsys, board_id, monkeypatch,
                                                    variable):
    kind = variable.split("_")[0].lower()
    monkeypatch.delenv(variable, raising=False)
    status, out, err = run(capsys, "publish", board_id, "--to", kind,
                           "--repo" if kind == "github" else "--project", "a/b", "--db", str(db_file))
    assert (status, out) == (2, "")
    assert err == (f"postmortem-canvas: Set {variable} in the environment or in Streamlit secrets "
                   "to use this tracker.\n")


def test_an_unknown_project_is_one_sentence_and_exit_2(db_file, capsys, board_id, host):
    status, out, err = run(capsys, "publish", board_id, *_where(host, "acme/nowhere"),
                           "--db", str(db_file))
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and "'acme/nowhere' not found" in err
    assert host.writes == []


def test_a_refused_branch_is_one_sentence_and_exit_2(db_file, capsys, board_id, host):
    host.protect(host.project, "postmortem/")
    status, out, err = run(capsys, "publish", board_id, *_where(host), "--db", str(db_file))
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "refused the branch 'postmortem/2026-03-02-checkout-5xx-errors'" in err
    assert host.open_requests(host.project) == []


@pytest.mark.parametrize("argv, message", [
    (["--branch", "has space"], "'has space' is not a branch name git accepts"),
    (["--path", "../up.md"], "must stay inside the repository"),
    (["--label", "a,b"], "The review label cannot hold a comma."),
    (["--repo", "acme/handbook"], "publish --to gitlab takes --project, not --repo"),
])
def test_bad_arguments_are_refused_before_any_request(db_file, capsys, board_id, monkeypatch,
                                                     argv, message):
    with RepoEmulator("gitlab") as gitlab:
        _use(gitlab, monkeypatch)
        status, out, err = run(capsys, "publish", board_id, *_where(gitlab), *argv,
                               "--db", str(db_file))
        assert (status, out) == (2, "")
        assert message in err and err.count("\n") == 1
        assert gitlab.requests == []


def test_publish_needs_a_repository_host(db_file, capsys, board_id):
    status, out, err = run(capsys, "publish", board_id, "--to", "jira", "--project", "OPS",
                           "--db", str(db_file))
    assert status == 2 and "invalid choice: 'jira'" in err and err.count("\n") == 1


def test_review_issue_of_an_unknown_board(db_file, capsys, tracker):
    status, out, err = run(capsys, "review-issue", "A" * 24, *_where(tracker), "--db", str(db_file))
    assert (status, out) == (2, "") and err.count("\n") == 1
    assert tracker.writes == []
