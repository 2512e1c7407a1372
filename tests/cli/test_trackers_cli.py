"""`push`, `sync` and `digest` from the shell, against emulated trackers."""

import base64
import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from canvas.actions import ActionDraft, Status
from canvas.dates import today_in
from canvas.models import BoardDraft
from postmortem_canvas import main
from storage import actions, calendar_feeds, copying, facilitation, tracker_links
from storage.db import connect
from tests.tracker_emulator import JIRA_USER, KINDS, Emulator


def run(capsys, *argv) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def board(db_file):
    db = connect(db_file)
    board_id = facilitation.start_board(db, BoardDraft(title="Checkout errors", facilitator_name="Fran")).board.id
    soon = today_in("UTC") + timedelta(days=3)
    done = actions.add_action(db, board_id, ActionDraft(title="Add an alert on the 5xx rate",
                                                        owner="Ann", due_date=soon))
    later = actions.add_action(db, board_id, ActionDraft(title="Write the rollback runbook",
                                                         owner="Bo Chen", due_date=soon))
    db.close()
    return board_id, done, later


@pytest.fixture(params=KINDS)
def tracker(request, monkeypatch):
    with Emulator.named(request.param) as emulator:
        for name, value in emulator.env().items():
            monkeypatch.setenv(name, value)
        yield emulator


def _where(tracker) -> list[str]:
    return ["--repo" if tracker.kind == "github" else "--project", tracker.project]


def test_push_twice_then_sync_a_closed_issue(db_file, capsys, board, tracker):
    board_id, done, later = board
    status, out, err = run(capsys, "push", board_id, "--to", tracker.kind, *_where(tracker),
                           "--base-url", "https://canvas.example/", "--db", str(db_file))
    assert status == 0, err
    assert [line.split("\t")[0] for line in out.splitlines()] == ["created", "created"]
    assert "https://canvas.example/?board=" + board_id in tracker.text(tracker.issues[0]["ref"])
    status, out, err = run(capsys, "push", board_id, "--to", tracker.kind, *_where(tracker),
                           "--db", str(db_file))
    assert [line.split("\t")[0] for line in out.splitlines()] == ["updated", "updated"]
    assert len(tracker.issues) == 2

    tracker.set_closed(tracker.issues[0]["ref"], True)
    status, out, err = run(capsys, "sync", "--db", str(db_file))
    assert status == 0, err
    assert out.splitlines() == [f"done\t{done.title}"]
    assert "2 issues read, 1 action changed, 0 conflicts" in err
    assert actions.get_action(connect(db_file), board_id, done.id).status == Status.done


def test_sync_closes_the_issue_of_an_action_done_on_the_board_and_says_so(db_file, capsys, board,
                                                                          tracker):
    board_id, done, later = board
    status, out, err = run(capsys, "push", board_id, "--to", tracker.kind, *_where(tracker),
                           "--db", str(db_file))
    assert status == 0, err
    actions.set_action_status(connect(db_file), board_id, done.id, Status.done)
    status, out, err = run(capsys, "sync", board_id, "--db", str(db_file))
    assert status == 0, err
    assert out.splitlines() == [f"closed\t{done.title}"]
    assert "2 issues read, 0 actions changed, 0 conflicts; 1 issue closed or reopened" in err
    assert tracker.issues[0]["closed"] and not tracker.issues[1]["closed"]
    status, out, err = run(capsys, "sync", board_id, "--db", str(db_file))
    assert out == "" and "0 actions changed, 0 conflicts\n" in err


def test_no_token_in_any_output_log_database_or_export(db_file, capsys, caplog, board, tracker,
                                                        monkeypatch):
    board_id, done, later = board
    monkeypatch.setattr("integrations.tracker_http.BACKOFF_SECONDS", 0.0)
    caplog.set_level(logging.DEBUG)
    token = tracker.token
    secrets = [token, base64.b64encode(f"{JIRA_USER}:{token}".encode()).decode()]
    run(capsys, "push", board_id, "--to", tracker.kind, *_where(tracker), "--db", str(db_file))
    outputs = []
    # A tracker that echoes the credentials back in its error body (to the
    # update of the second push: GitHub's adds the labels with a POST).
    for status in (400, 401, 422, 500):
        tracker.fail(status, times=3, method="PUT" if tracker.kind != "github" else "POST",
                     body={"message": f"bad request with {token}", "errorMessages": [token],
                           "errors": {"token": token}})
        outputs.append(run(capsys, "push", board_id, "--to", tracker.kind, *_where(tracker),
                           "--db", str(db_file)))
    tracker.fail(401, times=3)
    outputs.append(run(capsys, "sync", board_id, "--db", str(db_file)))
    outputs.append(run(capsys, "digest", "--format", "json", "--db", str(db_file)))
    for fmt in ("json", "md", "csv", "ics", "external"):
        outputs.append(run(capsys, "export", board_id, "--format", fmt, "--db", str(db_file)))
    assert any("refused it:" in err and "***" in err for _, _, err in outputs)
    assert any("check" in err and ("TOKEN" in err or "JIRA_PAT" in err) for _, _, err in outputs)
    dump = str(copying.dump(connect(db_file)))
    assert tracker_links.links_for_board(connect(db_file), board_id)
    everything = [dump, caplog.text, *(out + err for _, out, err in outputs)]
    for secret in secrets:
        assert not any(secret in text for text in everything)


@pytest.mark.parametrize("argv, expected", [
    (["push", "B", "--to", "gitlab"], "push --to gitlab needs --project"),
    (["push", "B", "--to", "github", "--project", "a/b"], "push --to github needs --repo"),
    (["push", "B", "--to", "jira", "--project", "OPS", "--repo", "a/b"], "takes --project, not --repo"),
    (["push", "B", "--to", "trello", "--project", "x"], "invalid choice"),
    (["digest", "--days", "-1"], "days is a whole number from 0 to 365"),
    (["digest", "--webhook", "file:///etc/passwd"], "--webhook needs an http:// or https:// address"),
])
def test_bad_input_exits_2_with_one_line(db_file, capsys, argv, expected):
    status, out, err = run(capsys, *argv, "--db", str(db_file))
    assert status == 2 and expected in err and len(err.strip().splitlines()) == 1


def test_push_without_the_token_names_the_variable(db_file, capsys, board, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    status, out, err = run(capsys, "push", board[0], "--to", "github", "--repo", "a/b",
                           "--db", str(db_file))
    assert status == 2 and "Set GITHUB_TOKEN" in err


class _Hook:
    """A Slack-compatible incoming webhook that keeps what it was sent."""

    def __init__(self, status: int = 200):
        self.bodies: list[dict] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                hook.bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/services/T0/B0/SECRETPART"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_digest_posts_to_a_webhook_and_exits_0(db_file, capsys, board):
    hook = _Hook()
    try:
        status, out, err = run(capsys, "digest", "--days", "7", "--owner", "ann",
                               "--webhook", hook.url, "--db", str(db_file))
    finally:
        hook.close()
    assert status == 0, err
    assert "## Ann" in out and "Add an alert on the 5xx rate" in out and "Bo Chen" not in out
    [body] = hook.bodies
    assert list(body) == ["text"] and "*Ann*" in body["text"] and "Add an alert" in body["text"]


def test_digest_with_nothing_due_exits_0(db_file, capsys, board):
    status, out, err = run(capsys, "digest", "--days", "1", "--format", "json", "--db", str(db_file))
    assert status == 0 and json.loads(out)["owners"] == []


def test_a_webhook_that_refuses_is_reported_without_its_address(db_file, capsys, board):
    hook = _Hook(status=404)
    try:
        status, out, err = run(capsys, "digest", "--webhook", hook.url, "--db", str(db_file))
    finally:
        hook.close()
    assert status == 2 and "The webhook refused it: HTTP 404" in err and "SECRETPART" not in err


def test_feed_links_are_made_for_a_board_or_an_owner_and_revoked(db_file, capsys, board):
    board_id = board[0]
    status, out, err = run(capsys, "feed", "--owner", "Ann", "--base-url", "https://canvas.example/",
                           "--db", str(db_file))
    assert status == 0 and out.startswith("https://canvas.example/api/calendar/")
    token = out.strip().rsplit("/", 1)[1].removesuffix(".ics")
    feed = calendar_feeds.feed_for_token(connect(db_file), token)
    assert (feed.scope, feed.value) == ("owner", "Ann") and f"--revoke={feed.id}" in err
    assert run(capsys, "feed", f"--revoke={feed.id}", "--db", str(db_file))[0] == 0
    assert calendar_feeds.feed_for_token(connect(db_file), token) is None
    assert run(capsys, "feed", "--board", board_id, "--db", str(db_file))[0] == 0
    status, out, err = run(capsys, "feed", "--board", "nope", "--db", str(db_file))
    assert status == 2 and len(err.strip().splitlines()) == 1
