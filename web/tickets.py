"""POST /api/boards/<id>/tickets: a participant's token (and facilitator key)
-> two short-lived tickets, one that opens the stream and one that carries
actions. The board page asks here too (`tickets_for`) for its first draw."""

from __future__ import annotations

import logging
import os
import time

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse

from canvas.session.tickets import TicketScope, issue_ticket
from canvas.settings import Settings
from storage import boards, facilitation, participants
from storage.db import Database
from storage.secrets import ticket_signing_key
from web import process
from web.edge import json_body, request_identity

log = logging.getLogger(__name__)


async def tickets(request: Request):
    board_id = request.path_params["board_id"]
    # With sign-in on, tickets go only to a signed-in person, and carry who
    # that is: a renewal after sign-out is refused, so the tab's stream ends.
    identity = await request_identity(request)
    body = await json_body(request)

    def issue() -> dict:
        # A renewal proves the role again from the browser's own secrets,
        # checked against the board as it is now: a revoked facilitator key
        # gets a participant's tickets, an unknown token none.
        with process.database() as db:
            boards.get_board(db, board_id)
            token = body.get("token")
            me = participants.participant_by_token(db, board_id, token if isinstance(token, str) else None)
            key = body.get("facilitator_key")
            is_facilitator = facilitation.is_facilitator(db, board_id, key if isinstance(key, str) else None)
            return tickets_for(db, board_id, me.id, is_facilitator, identity=identity or "")

    return JSONResponse({"ok": True, **await anyio.to_thread.run_sync(issue)})


def tickets_for(db: Database, board_id: str, participant_id: str, is_facilitator: bool,
                *, identity: str = "") -> dict:
    """Fresh tickets for the canvas, from the board page or a renewal: one for
    the stream's URL, one for the actions' bodies, and how long they last;
    bound to `identity` (canvas.sign_in.identity_key) when sign-in is on."""
    key, now, seconds = ticket_signing_key(db), time.time(), _ticket_seconds()
    issued = {scope: issue_ticket(key, board_id, participant_id, is_facilitator=is_facilitator,
                                  scope=scope, now=now, ttl=seconds, identity=identity)
              for scope in TicketScope}
    return {"stream_ticket": issued[TicketScope.stream], "action_ticket": issued[TicketScope.act],
            "ticket_seconds": seconds, "is_facilitator": is_facilitator}


_refused_settings: set[str] = set()


def _ticket_seconds() -> int:
    settings = Settings.from_env(os.environ)
    for sentence in settings.refused:
        if sentence not in _refused_settings:  # said once per process, not per ticket
            _refused_settings.add(sentence)
            log.warning("%s", sentence)
    return settings.ticket_seconds
