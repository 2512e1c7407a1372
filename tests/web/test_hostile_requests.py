"""Hostile and broken requests to the live routes get their status and one
sentence, never a 500 or a traceback: bodies over the limit (declared or
not), JSON nested too deep or holding half a surrogate pair, bodies that are
not an intent, a Last-Event-ID no revision has, a client that hangs up
mid-body, and a database made by a newer version of the app."""

import logging

import pytest

from web import edge
from storage import boards, notes
from storage.migrations import MIGRATION_SET, known_version
from tests.web.conftest import HANG_UP, act, canvas_tickets, running, send_raw, stream_views

LIMIT = edge.BODY_LIMIT_BYTES


def tracebacks(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.exc_info or record.levelno >= logging.ERROR]


def refused(response, status: int) -> str:
    """The refusal's one sentence, after checking its status and shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and "Traceback" not in body["message"]
    return body["message"]


# --- bodies are limited before they are read ---------------------------------------------


@pytest.mark.parametrize("path", ["tickets", "actions"])
def test_a_body_declared_larger_than_the_limit_is_refused_unread(client, board, path):
    declared = str(100 * 1024 * 1024)
    status, taken = send_raw(client, "POST", f"/api/boards/{board.id}/{path}", [b"{}"],
                             {"content-type": "application/json", "content-length": declared})
    assert (status, taken) == (413, 0)


def test_a_body_without_a_length_is_read_only_up_to_the_limit(client, board):
    sent = []

    def hundred_megabytes():
        for _ in range(1600):
            sent.append(1)
            yield b" " * 65536

    status, taken = send_raw(client, "POST", f"/api/boards/{board.id}/tickets", hundred_megabytes(),
                             {"content-type": "application/json", "transfer-encoding": "chunked"})
    assert status == 413
    assert taken == len(sent) <= 2


def test_a_body_at_the_limit_is_read_and_one_byte_more_is_413(client, board):
    token = {"token": board.tokens["Ana"]}
    padded = b'{"token": "%s"' % token["token"].encode()
    at_limit = padded + b" " * (LIMIT - len(padded) - 1) + b"}"
    assert len(at_limit) == LIMIT
    url = f"/api/boards/{board.id}/tickets"
    assert client.post(url, content=at_limit).status_code == 200
    message = refused(client.post(url, content=at_limit + b" "), 413)
    assert message == "The request is too large: the board reads at most 64 KiB per request."


def test_a_megabyte_intent_is_refused_and_nothing_is_written(client, board):
    before = boards.board_revision(board.db, board.id)
    response = act(client, board, "Ana", "add_note", step_key="detect", text="x" * 1_000_000)
    refused(response, 413)
    assert boards.board_revision(board.db, board.id) == before


# --- JSON that cannot be read ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["tickets", "actions"])
def test_json_nested_a_thousand_levels_is_422_without_a_traceback(client, board, path, caplog):
    deep = "[" * 1000 + "]" * 1000
    message = refused(client.post(f"/api/boards/{board.id}/{path}", content=deep), 422)
    assert "nested more than 32 levels deep" in message
    assert tracebacks(caplog) == []


def test_json_nested_within_the_limit_is_read(client, board):
    body = {"token": board.tokens["Ana"], "extra": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    assert client.post(f"/api/boards/{board.id}/tickets", json=body).status_code == 200


@pytest.mark.parametrize("body", [
    b'{"token": "\\ud800"}',
    b'{"token": "\\udc00abc"}',
    b'{"\\ud800": "key"}',
], ids=["lone high", "lone low", "in a key"])
def test_half_a_surrogate_pair_is_422(client, board, body, caplog):
    message = refused(client.post(f"/api/boards/{board.id}/tickets", content=body), 422)
    assert "surrogate" in message
    assert tracebacks(caplog) == []


@pytest.mark.parametrize("body", [
    b"\xff\xfe{}",
    b'{"token": ',
    b"[]",
    b'"token"',
    b"",
    b'{"token": 1' + b"0" * 5000 + b"}",
], ids=["not UTF-8", "cut short", "a list", "a string", "empty", "5,000 digits"])
@pytest.mark.parametrize("path", ["tickets", "actions"])
def test_a_body_that_is_not_a_json_object_is_422(client, board, body, path, caplog):
    refused(client.post(f"/api/boards/{board.id}/{path}", content=body), 422)
    assert tracebacks(caplog) == []


def test_actions_without_a_ticket_are_403_and_with_a_ticket_but_no_intent_422(client, board, caplog):
    url = f"/api/boards/{board.id}/actions"
    assert refused(client.post(url, json={}), 403) == ("This page's access to the board has expired. "
                                                       "Reload the page.")
    ticket = canvas_tickets(client, board, "Ana")["action_ticket"]
    for body in ({"ticket": ticket}, {"ticket": ticket, "type": []}, {"ticket": ticket, "type": {}},
                 {"ticket": ticket, "type": "drop_table"}, {"ticket": ticket, "type": None}):
        assert refused(client.post(url, json=body), 422) == "That is not something the board can do."
    assert tracebacks(caplog) == []


# --- the stream's Last-Event-ID -----------------------------------------------------------


def first_view(client, board, name: str, last_event_id: bytes | None = None) -> dict:
    ticket = canvas_tickets(client, board, name)["stream_ticket"]
    headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
    return next(stream_views(client, board, ticket, headers))


# Header values are bytes, read as Latin-1: b"\xb2" arrives as "²", which
# str.isdigit() takes for a digit and int() does not.
@pytest.mark.parametrize("last_event_id", [b"9" * 5000, b"\xb2", b"-1", b"1e3", b"7 7"],
                         ids=["5,000 digits", "superscript two", "negative", "float", "spaced"])
def test_a_last_event_id_no_revision_has_counts_as_none(client, board, last_event_id, caplog):
    view = first_view(client, board, "Ana", last_event_id)
    assert view["revision"] == boards.board_revision(board.db, board.id)
    assert tracebacks(caplog) == []


# --- a client that hangs up -------------------------------------------------------------------


@pytest.mark.parametrize("path", ["tickets", "actions"])
def test_a_client_hanging_up_mid_body_leaves_no_traceback(client, board, path, caplog):
    caplog.set_level(logging.DEBUG, logger="web.edge")
    send_raw(client, "POST", f"/api/boards/{board.id}/{path}", [b'{"token": "abc', HANG_UP],
             {"content-type": "application/json", "content-length": "4000"})
    assert tracebacks(caplog) == []
    said = [record for record in caplog.records if record.name == "web.edge"]
    assert len(said) <= 1 and all(record.levelno <= logging.INFO for record in said)
    assert all(len(record.getMessage()) < 120 and "\n" not in record.getMessage() for record in said)


# --- a database made by a newer version -----------------------------------------------------


def make_newer(db) -> None:
    """What a newer version's migration leaves behind: a migration this code does not know."""
    db["_sqlite_migrations"].insert({"migration_set": MIGRATION_SET,
                                     "name": f"{known_version() + 1:04d}_from_a_newer_version",
                                     "applied_at": "2030-01-01"})


def assert_refused_as_too_new(client, board, tickets_before: dict) -> None:
    before = boards.board_revision(board.db, board.id)
    url = f"/api/boards/{board.id}"
    too_new = "This database was made by a newer version of Postmortem Canvas"
    assert refused(client.post(f"{url}/tickets", json={"token": board.tokens["Ana"]}), 503).startswith(too_new)
    action = {"ticket": tickets_before["action_ticket"], "type": "add_note", "step_key": "detect",
              "text": "written into the future"}
    assert refused(client.post(f"{url}/actions", json=action), 503).startswith(too_new)
    # Read as a stream: a stream that was not refused would never end.
    with client.stream("GET", f"{url}/stream", params={"ticket": tickets_before["stream_ticket"]}) as stream:
        assert stream.status_code == 503
        stream.read()
        assert refused(stream, 503).startswith(too_new)
    assert "written into the future" not in {note.text for note in notes.list_notes(board.db, board.id)}
    assert boards.board_revision(board.db, board.id) == before


def test_a_database_upgraded_underneath_the_running_server_is_refused_at_once(client, board, caplog):
    tickets_before = canvas_tickets(client, board, "Ana")
    assert act(client, board, "Ana", "add_note", step_key="detect", text="before").status_code == 200
    make_newer(board.db)
    assert_refused_as_too_new(client, board, tickets_before)
    assert tracebacks(caplog) == []


def test_a_database_that_was_newer_at_start_up_is_refused(web_db, board, monkeypatch, caplog):
    with running(web_db, monkeypatch) as client:
        tickets_before = canvas_tickets(client, board, "Ana")
    make_newer(board.db)
    with running(web_db, monkeypatch) as client:
        assert_refused_as_too_new(client, board, tickets_before)
    # The start-up said so once, in a line; no request left a traceback.
    assert [record.levelno for record in caplog.records if record.exc_info] == []
    assert any("newer version" in record.getMessage() for record in caplog.records)
