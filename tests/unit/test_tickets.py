import base64
import hashlib
import hmac

import pytest

from canvas.session.tickets import BadTicket, TicketScope, check_ticket, issue_ticket, new_signing_key
from canvas.settings import TICKET_SECONDS_ENV, Settings

KEY = new_signing_key()
BOARD = "B" * 24
OTHER_BOARD = "C" * 24
NOW = 1_800_000_000.0
STREAM, ACT = TicketScope.stream, TicketScope.act


def test_a_fresh_ticket_names_its_participant_and_role():
    ticket = issue_ticket(KEY, BOARD, "p1", is_facilitator=True, scope=ACT, now=NOW)
    claims = check_ticket(KEY, ticket, BOARD, scope=ACT, now=NOW + 60)
    assert (claims.participant_id, claims.is_facilitator, claims.scope) == ("p1", True, ACT)
    assert not check_ticket(KEY, issue_ticket(KEY, BOARD, "p2", is_facilitator=False, scope=ACT, now=NOW),
                            BOARD, scope=ACT, now=NOW).is_facilitator


def test_a_tampered_ticket_is_refused():
    ticket = issue_ticket(KEY, BOARD, "p1", is_facilitator=False, scope=ACT, now=NOW)
    payload, signature = ticket.split(".")
    # Claim to be a facilitator, keeping the original signature.
    forged_payload = issue_ticket(KEY, BOARD, "p1", is_facilitator=True, scope=ACT, now=NOW).split(".")[0]
    for forged in (f"{forged_payload}.{signature}", f"{payload}.{signature[:-2]}AA", "junk", "", None,
                   f"{payload}.", "a.b.c"):
        with pytest.raises(BadTicket):
            check_ticket(KEY, forged, BOARD, scope=ACT, now=NOW)


def test_a_ticket_signed_with_another_key_is_refused():
    ticket = issue_ticket(new_signing_key(), BOARD, "p1", is_facilitator=False, scope=ACT, now=NOW)
    with pytest.raises(BadTicket):
        check_ticket(KEY, ticket, BOARD, scope=ACT, now=NOW)


def test_a_ticket_for_another_board_is_refused():
    ticket = issue_ticket(KEY, OTHER_BOARD, "p1", is_facilitator=False, scope=ACT, now=NOW)
    with pytest.raises(BadTicket):
        check_ticket(KEY, ticket, BOARD, scope=ACT, now=NOW)


@pytest.mark.parametrize("scope", list(TicketScope))
def test_an_expired_ticket_is_refused(scope):
    ticket = issue_ticket(KEY, BOARD, "p1", is_facilitator=False, scope=scope, now=NOW, ttl=600)
    assert check_ticket(KEY, ticket, BOARD, scope=scope, now=NOW + 599).participant_id == "p1"
    with pytest.raises(BadTicket):
        check_ticket(KEY, ticket, BOARD, scope=scope, now=NOW + 600)


def test_a_short_lifetime_ends_after_that_many_seconds():
    ticket = issue_ticket(KEY, BOARD, "p1", is_facilitator=True, scope=STREAM, now=NOW, ttl=3)
    assert check_ticket(KEY, ticket, BOARD, scope=STREAM, now=NOW + 2).expires_at == NOW + 3
    with pytest.raises(BadTicket):
        check_ticket(KEY, ticket, BOARD, scope=STREAM, now=NOW + 3)


def test_a_stream_ticket_carries_no_actions_and_an_action_ticket_opens_no_stream():
    stream = issue_ticket(KEY, BOARD, "p1", is_facilitator=True, scope=STREAM, now=NOW)
    act = issue_ticket(KEY, BOARD, "p1", is_facilitator=True, scope=ACT, now=NOW)
    assert check_ticket(KEY, stream, BOARD, scope=STREAM, now=NOW).scope is STREAM
    assert check_ticket(KEY, act, BOARD, scope=ACT, now=NOW).scope is ACT
    with pytest.raises(BadTicket):
        check_ticket(KEY, stream, BOARD, scope=ACT, now=NOW)
    with pytest.raises(BadTicket):
        check_ticket(KEY, act, BOARD, scope=STREAM, now=NOW)


def signed(payload: str) -> str:
    """A genuinely signed ticket around any payload, as an older or odd issuer would make it."""
    signature = hmac.new(KEY.encode(), payload.encode(), hashlib.sha256).digest()
    return ".".join(base64.urlsafe_b64encode(part).rstrip(b"=").decode()
                    for part in (payload.encode(), signature))


def test_a_ticket_from_before_scopes_or_with_an_unknown_scope_is_refused():
    expires = int(NOW) + 600
    for payload in (f"{BOARD}|p1|1|{expires}",  # issued before tickets had a scope
                    f"{BOARD}|p1|1|{expires}|admin", f"{BOARD}|p1|1|{expires}|", f"{BOARD}|p1|1|²|act",
                    f"{BOARD}|p1|1|{expires}|act|stream"):
        for scope in TicketScope:
            with pytest.raises(BadTicket):
                check_ticket(KEY, signed(payload), BOARD, scope=scope, now=NOW)
    assert check_ticket(KEY, signed(f"{BOARD}|p1|1|{expires}|act"), BOARD, scope=ACT, now=NOW).is_facilitator


def test_the_ticket_lifetime_is_ten_minutes_unless_set():
    assert Settings.from_env({}).ticket_seconds == 600
    assert Settings.from_env({TICKET_SECONDS_ENV: " 5 "}) == Settings(ticket_seconds=5)


@pytest.mark.parametrize("value", ["soon", "0", "1", "-5", "2.5", "86401", "9" * 5000, "²"])
def test_a_bad_ticket_lifetime_falls_back_to_ten_minutes_with_one_sentence(value):
    settings = Settings.from_env({TICKET_SECONDS_ENV: value})
    assert settings.ticket_seconds == 600
    (sentence,) = settings.refused
    assert sentence.startswith(f"{TICKET_SECONDS_ENV} must be a whole number of seconds from 2 to 86400")
    assert "\n" not in sentence and len(sentence) < 200
