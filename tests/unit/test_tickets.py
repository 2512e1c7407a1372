import pytest

from canvas.session.tickets import BadTicket, check_ticket, issue_ticket, new_signing_key

KEY = new_signing_key()
BOARD = "B" * 24
OTHER_BOARD = "C" * 24
NOW = 1_800_000_000.0


def test_a_fresh_ticket_names_its_participant_and_role():
    ticket = issue_ticket(KEY, BOARD, "p1", is_facilitator=True, now=NOW)
    claims = check_ticket(KEY, ticket, BOARD, now=NOW + 60)
    assert (claims.participant_id, claims.is_facilitator) == ("p1", True)
    assert not check_ticket(KEY, issue_ticket(KEY, BOARD, "p2", is_facilitator=False, now=NOW),
                            BOARD, now=NOW).is_facilitator


def test_a_tampered_ticket_is_refused():
    ticket = issue_ticket(KEY, BOARD, "p1", is_facilitator=False, now=NOW)
    payload, signature = ticket.split(".")
    # Claim to be a facilitator, keeping the original signature.
    forged_payload = issue_ticket(KEY, BOARD, "p1", is_facilitator=True, now=NOW).split(".")[0]
    for forged in (f"{forged_payload}.{signature}", f"{payload}.{signature[:-2]}AA", "junk", "", None,
                   f"{payload}.", "a.b.c"):
        with pytest.raises(BadTicket):
            check_ticket(KEY, forged, BOARD, now=NOW)


def test_a_ticket_signed_with_another_key_is_refused():
    ticket = issue_ticket(new_signing_key(), BOARD, "p1", is_facilitator=False, now=NOW)
    with pytest.raises(BadTicket):
        check_ticket(KEY, ticket, BOARD, now=NOW)


def test_a_ticket_for_another_board_is_refused():
    ticket = issue_ticket(KEY, OTHER_BOARD, "p1", is_facilitator=False, now=NOW)
    with pytest.raises(BadTicket):
        check_ticket(KEY, ticket, BOARD, now=NOW)


def test_an_expired_ticket_is_refused():
    ticket = issue_ticket(KEY, BOARD, "p1", is_facilitator=False, now=NOW, ttl=600)
    assert check_ticket(KEY, ticket, BOARD, now=NOW + 599).participant_id == "p1"
    with pytest.raises(BadTicket):
        check_ticket(KEY, ticket, BOARD, now=NOW + 600)
