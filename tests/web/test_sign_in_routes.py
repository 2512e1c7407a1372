"""The live routes with sign-in on: every one needs the identity cookie
Streamlit signs, a ticket is good only for the person it was issued to, and a
refusal sends nothing of the board."""

import json
import time
from contextlib import contextmanager

import pytest
from streamlit import config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

from canvas.session.tickets import TicketScope, check_ticket
from canvas.sign_in import identity_key
from storage.secrets import ticket_signing_key
from tests.web.conftest import running

COOKIE_SECRET = "a-cookie-secret-every-process-shares"
SECRETS = f"""
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"

[auth.keycloak]
client_id = "postmortem-canvas"
client_secret = "x"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"

[postmortem_canvas.sign_in]
allowed_domains = ["example.org"]
"""


@contextmanager
def sign_in_on(tmp_path):
    """Streamlit's secrets hold an [auth] section while this lasts."""
    path = tmp_path / "secrets.toml"
    path.write_text(SECRETS)
    before = config.get_option("secrets.files")
    # Streamlit reads the secrets once per process and keeps them: point it at
    # this file and have it read again, and again afterwards.
    config.set_option("secrets.files", [str(path)])
    secrets_singleton._reset()
    try:
        yield
    finally:
        config.set_option("secrets.files", before)
        secrets_singleton._reset()


@pytest.fixture
def signed_in_client(web_db, monkeypatch, tmp_path):
    """The live routes with an [auth] section in Streamlit's secrets."""
    with sign_in_on(tmp_path), running(web_db, monkeypatch) as client:
        yield client


def carrying(client, cookies: dict):
    """The client, sending exactly these cookies from now on."""
    client.cookies.clear()
    for name, value in cookies.items():
        client.cookies.set(name, value)
    return client


def identity_cookie(email: str, *, secret: str = COOKIE_SECRET, logged_in: bool = True) -> dict:
    """The cookie Streamlit's /oauth2callback sets for this person."""
    claims = {"email": email, "name": email.split("@")[0].title(), "email_verified": True,
              "is_logged_in": logged_in, "provider": "keycloak", "origin": "http://127.0.0.1:8501"}
    return {"_streamlit_user": create_signed_value(secret, "_streamlit_user", json.dumps(claims)).decode()}


ANA = "ana@example.org"


def tickets(client, board, name, cookies):
    return carrying(client, cookies).post(f"/api/boards/{board.id}/tickets", json={"token": board.tokens[name]})


def stream(client, board, ticket, cookies):
    return carrying(client, cookies).get(f"/api/boards/{board.id}/stream", params={"ticket": ticket})


def act(client, board, ticket, cookies):
    return carrying(client, cookies).post(f"/api/boards/{board.id}/actions",
                                          json={"ticket": ticket, "type": "add_note", "step_key": "detect", "text": "Alert sooner"})


def refused_without_board(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["ok"] is False and body["message"].endswith(".")
    assert set(body) == {"ok", "message"}  # nothing of the board rides along
    assert "Routes" not in response.text  # the board's title


def test_tickets_carry_the_signed_in_identity(signed_in_client, board):
    reply = tickets(signed_in_client, board, "Ana", identity_cookie(ANA))
    assert reply.status_code == 200
    said = check_ticket(ticket_signing_key(board.db), reply.json()["stream_ticket"], board.id,
                        scope=TicketScope.stream, now=time.time())
    assert said.identity == identity_key(ANA)
    assert ANA not in reply.json()["stream_ticket"]


def test_every_live_route_without_a_session_is_refused(signed_in_client, board):
    good = tickets(signed_in_client, board, "Ana", identity_cookie(ANA)).json()
    refused_without_board(tickets(signed_in_client, board, "Ana", {}), 401)
    refused_without_board(stream(signed_in_client, board, good["stream_ticket"], {}), 401)
    refused_without_board(act(signed_in_client, board, good["action_ticket"], {}), 401)


@pytest.mark.parametrize("cookie", [
    identity_cookie(ANA, secret="another-secret"),  # not signed with this install's secret
    identity_cookie(ANA, logged_in=False),
    {"_streamlit_user": "not-a-signed-value"},
], ids=["forged", "not logged in", "garbage"])
def test_a_cookie_streamlit_would_not_accept_is_no_session(signed_in_client, board, cookie):
    refused_without_board(tickets(signed_in_client, board, "Ana", cookie), 401)


def test_a_ticket_of_another_identity_is_refused(signed_in_client, board):
    anas = tickets(signed_in_client, board, "Ana", identity_cookie(ANA)).json()
    ben = identity_cookie("ben@example.org")
    refused_without_board(stream(signed_in_client, board, anas["stream_ticket"], ben), 403)
    refused_without_board(act(signed_in_client, board, anas["action_ticket"], ben), 403)
    # Ana herself is let in with the same tickets.
    assert act(signed_in_client, board, anas["action_ticket"], identity_cookie(ANA)).status_code == 200


def test_a_ticket_without_identity_is_refused_once_sign_in_is_on(client, board, monkeypatch, tmp_path, web_db):
    from tests.web.conftest import canvas_tickets

    unbound = canvas_tickets(client, board, "Ana")  # issued with sign-in off
    with sign_in_on(tmp_path):
        refused_without_board(act(client, board, unbound["action_ticket"], identity_cookie(ANA)), 403)


def test_a_person_outside_the_allowed_domains_is_refused_with_a_sentence(signed_in_client, board):
    reply = tickets(signed_in_client, board, "Ana", identity_cookie("eve@elsewhere.net"))
    refused_without_board(reply, 403)
    assert "may not sign in here" in reply.json()["message"]


def test_the_calendar_feed_stays_token_based(signed_in_client):
    # A calendar app cannot sign in: an unknown token is a 404, not a sign-in refusal.
    response = signed_in_client.get("/api/calendar/unknown-token.ics")
    assert response.status_code == 404


def test_a_signed_in_stream_ends_with_its_ticket(signed_in_client, board, monkeypatch):
    from canvas.settings import TICKET_SECONDS_ENV

    monkeypatch.setenv(TICKET_SECONDS_ENV, "2")
    cookie = identity_cookie(ANA)
    ticket = tickets(signed_in_client, board, "Ana", cookie).json()["stream_ticket"]
    started = time.monotonic()
    with carrying(signed_in_client, cookie).stream("GET", f"/api/boards/{board.id}/stream",
                                                   params={"ticket": ticket}) as response:
        assert response.status_code == 200
        events = [line for line in response.iter_lines() if line.startswith("event: ")]
    assert events[0] == "event: view" and events[-1] == "event: expired"
    assert time.monotonic() - started < 10
