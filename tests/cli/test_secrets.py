"""`push` and `sync` read tracker credentials from Streamlit's secrets files,
as the app does, so a cron job needs no exported token; the environment
still wins, and a file that is not TOML stops the command in one line.

Each test runs in a temp working directory with a temp home, so no real
secrets file on the machine is read."""

from datetime import date
from pathlib import Path

import pytest

from canvas.actions import ActionDraft
from canvas.models import BoardDraft
from integrations.trackers import ENV_VARIABLES
from postmortem_canvas import main
from storage import actions, facilitation
from storage.db import connect
from tests.tracker_emulator import Emulator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A project directory as the command's working directory, a home of its
    own, and no tracker variable in the environment."""
    project, home = tmp_path / "project", tmp_path / "home"
    (project / ".streamlit").mkdir(parents=True)
    (home / ".streamlit").mkdir(parents=True)
    monkeypatch.chdir(project)
    monkeypatch.setenv("HOME", str(home))
    for name in ENV_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return project, home


@pytest.fixture
def gitlab():
    with Emulator("gitlab") as emulator:
        yield emulator


@pytest.fixture
def board_id(db_file) -> str:
    with connect(db_file) as db:
        board = facilitation.start_board(db, BoardDraft(title="Checkout errors",
                                                        facilitator_name="Fran")).board
        actions.add_action(db, board.id, ActionDraft(title="Add an alert", owner="Ann",
                                                     due_date=date(2026, 12, 20)))
    return board.id


def secrets_file(folder: Path, **values: str) -> None:
    lines = [f'{name} = "{value}"' for name, value in values.items()]
    # Other sections of the app's secrets (sign-in) sit beside the tracker keys.
    lines += ["", "[auth]", 'cookie_secret = "not-a-tracker-setting"']
    (folder / ".streamlit" / "secrets.toml").write_text("\n".join(lines) + "\n", "utf-8")


def tokens_sent(emulator: Emulator, last: int = 0) -> set[str]:
    """The GitLab tokens the emulator was sent (in its last `last` requests)."""
    return {value for seen in emulator.headers_seen[-last:] for name, value in seen.items()
            if name.lower() == "private-token"}


def push(capsys, db_file, board_id: str) -> tuple[int, str, str]:
    status = main(["push", board_id, "--to", "gitlab", "--project", "ops/platform",
                   "--db", str(db_file)])
    out, err = capsys.readouterr()
    return status, out, err


def test_push_takes_the_token_from_the_projects_secrets_file(workdir, gitlab, db_file, board_id,
                                                             capsys):
    project, _ = workdir
    secrets_file(project, GITLAB_URL=gitlab.url, GITLAB_TOKEN=gitlab.token)
    status, out, err = push(capsys, db_file, board_id)
    assert status == 0, err
    assert [line.split("\t")[0] for line in out.splitlines()] == ["created"]
    assert tokens_sent(gitlab) == {gitlab.token}
    assert gitlab.token not in out + err


def test_the_environment_wins_over_the_secrets_file(workdir, gitlab, db_file, board_id, capsys,
                                                    monkeypatch):
    project, _ = workdir
    secrets_file(project, GITLAB_URL=gitlab.url, GITLAB_TOKEN="expired-token-in-the-file")
    monkeypatch.setenv("GITLAB_TOKEN", gitlab.token)
    assert push(capsys, db_file, board_id)[0] == 0
    assert tokens_sent(gitlab) == {gitlab.token}

    secrets_file(project, GITLAB_URL=gitlab.url, GITLAB_TOKEN=gitlab.token)
    monkeypatch.setenv("GITLAB_TOKEN", "expired-token-in-the-environment")
    status, _, err = push(capsys, db_file, board_id)
    assert status == 1 and "GITLAB_TOKEN" in err
    assert tokens_sent(gitlab, last=1) == {"expired-token-in-the-environment"}


def test_the_project_file_wins_over_the_users_key_by_key(workdir, gitlab, db_file, board_id, capsys):
    project, home = workdir
    secrets_file(home, GITLAB_URL=gitlab.url, GITLAB_TOKEN="the-users-old-token")
    secrets_file(project, GITLAB_TOKEN=gitlab.token)
    status, _, err = push(capsys, db_file, board_id)
    assert status == 0, err
    assert tokens_sent(gitlab) == {gitlab.token}


def test_sync_reads_the_secrets_file_too(workdir, gitlab, db_file, board_id, capsys):
    project, _ = workdir
    secrets_file(project, GITLAB_URL=gitlab.url, GITLAB_TOKEN=gitlab.token)
    assert push(capsys, db_file, board_id)[0] == 0
    gitlab.set_closed(gitlab.issues[0]["ref"], True)
    status = main(["sync", "--db", str(db_file)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.splitlines() == ["done\tAdd an alert"]


@pytest.mark.parametrize("command", ["push", "sync"])
def test_a_secrets_file_that_is_not_toml_stops_the_command_in_one_line(workdir, db_file, board_id,
                                                                      capsys, command):
    project, _ = workdir
    (project / ".streamlit" / "secrets.toml").write_text(
        'GITLAB_TOKEN = "glpat-do-not-print-me\n[auth\n', "utf-8")
    argv = (["push", board_id, "--to", "gitlab", "--project", "ops/platform"]
            if command == "push" else ["sync"])
    status = main([*argv, "--db", str(db_file)])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith("postmortem-canvas: ")
    assert ".streamlit/secrets.toml is not valid TOML (" in err and "line 1" in err
    assert "glpat-do-not-print-me" not in err


def test_a_secrets_file_that_is_not_utf8_stops_the_command_in_one_line(workdir, db_file, board_id,
                                                                      capsys):
    project, _ = workdir
    (project / ".streamlit" / "secrets.toml").write_bytes(b'GITLAB_TOKEN = "\xff\xfe"\n')
    status = main(["sync", "--db", str(db_file)])
    _, err = capsys.readouterr()
    assert status == 2 and len(err.splitlines()) == 1 and "secrets.toml" in err


def test_git_ignores_the_secrets_file():
    ignored = (ROOT / ".gitignore").read_text("utf-8").splitlines()
    assert ".streamlit/secrets.toml" in ignored
