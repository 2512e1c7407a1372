"""Short-lived tickets that open a board's live stream and carry its actions.

A ticket says "participant P of board B (a facilitator or not) may do S until
time T", signed with HMAC-SHA256 under a key every server process on the
database shares. The browser holds tickets for minutes, never the
participant's token, and checking one costs no database read.

The scope S keeps the two jobs apart. A stream ticket travels in the stream's
URL, which proxies and access logs keep, so it only opens the stream; an
action ticket travels only in request bodies and only carries actions. A
ticket found in a log is worth a read-only view for a few minutes at most.

With sign-in on, a ticket also carries who it was issued to (a hash of the
signed-in email, canvas.sign_in.identity_key), and the routes refuse it for
anyone else. Without sign-in it carries no identity and reads as before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from enum import StrEnum

from pydantic import BaseModel

from canvas.errors import BadTicket

TICKET_TTL_SECONDS = 10 * 60
SIGNING_KEY_BYTES = 32
_IDENTITY = re.compile(r"[0-9a-f]{32}")


class TicketScope(StrEnum):
    """What a ticket is good for."""

    stream = "stream"  # opening the event stream (the ticket is in a URL)
    act = "act"  # posting actions (the ticket is in a request body)


class TicketClaims(BaseModel):
    board_id: str
    participant_id: str
    is_facilitator: bool
    expires_at: int  # Unix seconds
    scope: TicketScope
    identity: str = ""  # whom sign-in says holds it ("" with sign-in off)


def new_signing_key() -> str:
    """A fresh signing key (kept in the database, never sent anywhere)."""
    return secrets.token_urlsafe(SIGNING_KEY_BYTES)


def issue_ticket(key: str, board_id: str, participant_id: str, *, is_facilitator: bool,
                 scope: TicketScope, now: float, ttl: int = TICKET_TTL_SECONDS, identity: str = "") -> str:
    """A signed ticket for this participant on this board, good for `scope`
    during `ttl` seconds (and, given an identity key, only for that identity)."""
    if identity and not _IDENTITY.fullmatch(identity):
        raise ValueError("a ticket's identity is an identity_key")
    expires_at = int(now) + ttl
    payload = f"{board_id}|{participant_id}|{int(is_facilitator)}|{expires_at}|{TicketScope(scope).value}"
    if identity:
        payload += f"|{identity}"
    return f"{_b64(payload.encode())}.{_b64(_sign(key, payload))}"


def check_ticket(key: str, ticket: str | None, board_id: str, *, scope: TicketScope,
                 now: float) -> TicketClaims:
    """The claims of a genuine, unexpired ticket for `board_id` and `scope`;
    raises BadTicket (tickets from before scopes existed included)."""
    try:
        encoded_payload, encoded_signature = (ticket or "").split(".")
        payload = _unb64(encoded_payload).decode()
        signature = _unb64(encoded_signature)
    except ValueError:
        raise BadTicket() from None
    if not hmac.compare_digest(signature, _sign(key, payload)):
        raise BadTicket()
    parts = payload.split("|")
    identity = parts.pop() if len(parts) == 6 and _IDENTITY.fullmatch(parts[5]) else ""
    if (len(parts) != 5 or parts[0] != board_id or parts[2] not in ("0", "1")
            or not (parts[3].isascii() and parts[3].isdigit()) or parts[4] != TicketScope(scope).value):
        raise BadTicket()
    expires_at = int(parts[3])
    if now >= expires_at:
        raise BadTicket()
    return TicketClaims(board_id=parts[0], participant_id=parts[1], is_facilitator=parts[2] == "1",
                        expires_at=expires_at, scope=scope, identity=identity)


def _sign(key: str, payload: str) -> bytes:
    return hmac.new(key.encode(), payload.encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    # binascii.Error and UnicodeDecodeError are both ValueErrors.
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
