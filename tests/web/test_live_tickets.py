"""The live board's tickets in-process: each scope does its one job, and a
renewal gives back the role the browser's secrets prove now."""

import base64
import hashlib
import hmac
import time

import pytest

from canvas.session.tickets import TicketScope, check_ticket, issue_ticket
from storage import boards, facilitation, notes
from storage.secrets import ticket_signing_key


def tickets(client, board, name, facilitator_key=None) -> dict:
    """What the canvas gets when it renews: `name`'s token, and the key if given."""
    body = {"token": board.tokens[name]}
    if facilitator_key is not None:
        body["facilitator_key"] = facilitator_key
    response = client.post(f"/api/boards/{board.id}/tickets", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def add_note(client, board, ticket, text):
    return client.post(f"/api/boards/{board.id}/actions",
                       json={"ticket": ticket, "type": "add_note", "step_key": "detect", "text": text})


def texts(board) -> set[str]:
    return {note.text for note in notes.list_notes(board.db, board.id)}


def test_a_renewal_replies_with_a_stream_ticket_an_action_ticket_and_their_lifetime(client, board):
    reply = tickets(client, board, "Ana")
    assert reply["ok"] is True and reply["is_facilitator"] is False
    assert reply["ticket_seconds"] == 600
    assert reply["stream_ticket"] != reply["action_ticket"]


def test_the_streams_ticket_is_refused_by_the_actions_route(client, board):
    reply = tickets(client, board, "Ana", board.fran_key)
    refused = add_note(client, board, reply["stream_ticket"], "from a logged stream address")
    assert (refused.status_code, refused.json()["ok"]) == (403, False)
    assert "from a logged stream address" not in texts(board)
    assert add_note(client, board, reply["action_ticket"], "from the canvas").status_code == 200
    assert "from the canvas" in texts(board)


def open_stream(client, board, ticket):
    """The whole stream of a board once it is deleted: a stream that opens
    says "gone" and ends, so a ticket wrongly let in cannot leave the test
    waiting forever (a live board's stream never ends by itself)."""
    if boards.board_revision(board.db, board.id) is not None:
        boards.delete_board(board.db, board.id)
    return client.get(f"/api/boards/{board.id}/stream", params={"ticket": ticket})


def test_an_action_ticket_is_refused_by_the_stream(client, board):
    reply = tickets(client, board, "Ana", board.fran_key)
    refused = open_stream(client, board, reply["action_ticket"])
    assert refused.status_code == 403
    assert refused.json() == {"ok": False, "message": "This page's access to the board has expired. "
                                                      "Reload the page."}
    opened = open_stream(client, board, reply["stream_ticket"])
    assert opened.status_code == 200 and "event: gone" in opened.text


def unscoped_ticket(board) -> str:
    """A genuine ticket as issued before tickets had a scope."""
    payload = f"{board.id}|{board.ids['Ana']}|1|{int(time.time()) + 600}".encode()
    signature = hmac.new(ticket_signing_key(board.db).encode(), payload, hashlib.sha256).digest()
    return ".".join(base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (payload, signature))


@pytest.mark.parametrize("scope", list(TicketScope))
def test_a_ticket_from_before_scopes_is_refused_with_403(client, board, scope):
    old = unscoped_ticket(board)
    if scope is TicketScope.stream:
        refused = open_stream(client, board, old)
    else:
        refused = add_note(client, board, old, "with an old ticket")
    assert (refused.status_code, refused.json()["ok"]) == (403, False)


def test_an_expired_action_ticket_is_refused(client, board):
    expired = issue_ticket(ticket_signing_key(board.db), board.id, board.ids["Ana"], is_facilitator=False,
                           scope=TicketScope.act, now=time.time() - 601)
    assert add_note(client, board, expired, "too late").status_code == 403
    assert "too late" not in texts(board)


def test_renewing_with_the_facilitator_key_gives_tickets_whose_view_is_a_facilitators(client, board):
    reply = tickets(client, board, "Ana", board.fran_key)
    assert reply["is_facilitator"] is True
    key = ticket_signing_key(board.db)
    stream = check_ticket(key, reply["stream_ticket"], board.id, scope=TicketScope.stream, now=time.time())
    assert (stream.participant_id, stream.is_facilitator) == (board.ids["Ana"], True)
    view = add_note(client, board, reply["action_ticket"], "written as facilitator").json()["view"]
    assert view["me"]["is_facilitator"] is True and view["can"]["facilitate"] is True


def test_renewing_without_the_key_or_with_a_revoked_key_gives_a_participants_tickets(client, board):
    view = add_note(client, board, tickets(client, board, "Ana")["action_ticket"], "no key").json()["view"]
    assert (view["me"]["is_facilitator"], view["can"]["facilitate"]) == (False, False)
    # Fran hands the session over: every earlier key is revoked.
    facilitation.issue_facilitator_key(board.db, board.id, board.fran_key, revoke_others=True)
    reply = tickets(client, board, "Ana", board.fran_key)
    assert reply["is_facilitator"] is False
    stream = check_ticket(ticket_signing_key(board.db), reply["stream_ticket"], board.id,
                          scope=TicketScope.stream, now=time.time())
    assert stream.is_facilitator is False
    view = add_note(client, board, reply["action_ticket"], "after the handover").json()["view"]
    assert (view["me"]["is_facilitator"], view["can"]["facilitate"]) == (False, False)


@pytest.mark.parametrize("token", ["guess", "", None, 7])
def test_an_unknown_token_gets_no_tickets(client, board, token):
    response = client.post(f"/api/boards/{board.id}/tickets",
                           json={"token": token, "facilitator_key": board.fran_key})
    assert (response.status_code, response.json()["ok"]) == (403, False)
    assert "stream_ticket" not in response.json()


def test_the_ticket_lifetime_follows_the_setting(client, board, monkeypatch):
    monkeypatch.setenv("POSTMORTEM_CANVAS_TICKET_SECONDS", "3")
    reply = tickets(client, board, "Ana")
    claims = check_ticket(ticket_signing_key(board.db), reply["action_ticket"], board.id,
                          scope=TicketScope.act, now=time.time())
    assert reply["ticket_seconds"] == 3
    assert claims.expires_at - time.time() <= 3


def test_a_bad_ticket_lifetime_is_logged_once_and_tickets_last_ten_minutes(client, board, monkeypatch,
                                                                           caplog):
    monkeypatch.setenv("POSTMORTEM_CANVAS_TICKET_SECONDS", "ten")
    with caplog.at_level("WARNING", logger="web.tickets"):
        assert tickets(client, board, "Ana")["ticket_seconds"] == 600
        assert tickets(client, board, "Ben")["ticket_seconds"] == 600
    said = [r.getMessage() for r in caplog.records if "POSTMORTEM_CANVAS_TICKET_SECONDS" in r.getMessage()]
    assert said == ["POSTMORTEM_CANVAS_TICKET_SECONDS must be a whole number of seconds from 2 to 86400, "
                    "not 'ten'; tickets last the default 600 seconds instead."]
