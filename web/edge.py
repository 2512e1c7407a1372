"""Where a request meets the rules: its body read within limits, its ticket
checked, and every named error turned into a status and one sentence.

With sign-in on (web/identity.py), every live route first needs the
identity cookie (401 without it, 403 for a person the allow-lists refuse),
and a ticket is good only for the identity it was issued to (403).

Refusals are JSON `{"ok": false, "message"}` with a status (403 ticket, 404
board, 409 refused by a rule, 413 a body over 64 KiB, 422 invalid input, 503
a database this server cannot use now: unreachable, full, or made by a newer
version); never a traceback. A bug is a 500 with one sentence, logged once.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import anyio
from pydantic import ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from canvas.errors import (
    BoardNotFound, CanvasError, InvalidInput, MalformedAction, NotSignedIn, ParticipantNotFound,
    PersonRefused, RequestTooLarge,
    SchemaTooNew, StorageProblem, TextRefused, UnreadableRequest, describe_validation_error,
)
from canvas.json_text import load_json
from canvas.session.tickets import BadTicket, TicketClaims, TicketScope, check_ticket
from canvas.sign_in import identity_key
from storage.db import database_target
from storage.errors import named_error
from web import process
from web.identity import signed_in_person

log = logging.getLogger(__name__)

# An intent or a ticket request is a few hundred bytes (a note of 1,000
# characters, escaped, stays under 7 KiB): far below the 5 MB of an upload.
BODY_LIMIT_BYTES = 64 * 1024
BODY_MAX_DEPTH = 32

UNEXPECTED = ("Something went wrong on the server, so this may not have been saved; "
              "reload the page to check.")


def refusal(status: int, message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "message": message}, status_code=status)


def status_of(error: CanvasError) -> int:
    if isinstance(error, NotSignedIn):
        return 401
    if isinstance(error, (BadTicket, ParticipantNotFound, PersonRefused)):
        return 403
    if isinstance(error, BoardNotFound):
        return 404
    if isinstance(error, RequestTooLarge):
        return 413
    if isinstance(error, (MalformedAction, TextRefused, InvalidInput)):
        return 422
    if isinstance(error, (StorageProblem, SchemaTooNew)):
        return 503
    return 409


def _first_message(error: ValidationError) -> str:
    return describe_validation_error(error, limit=1, places=False)


async def claims(request: Request, board_id: str, ticket: Any, scope: TicketScope) -> TicketClaims:
    """What a ticket for this board and job says, when the request comes from
    the identity it was issued to (sign-in on); BadTicket otherwise, and
    NotSignedIn or PersonRefused before the ticket is even looked at."""
    identity = await request_identity(request)
    key = await anyio.to_thread.run_sync(process.signing_key)
    said = check_ticket(key, ticket if isinstance(ticket, str) else None, board_id, scope=scope,
                        now=time.time())
    if identity is not None and said.identity != identity:
        raise BadTicket()
    return said


async def request_identity(request: Request) -> str | None:
    """The identity key of the request's signed-in person; None with sign-in off."""
    person = await anyio.to_thread.run_sync(signed_in_person, request)
    return None if person is None else identity_key(person.email)


def guarded(handler):
    """The handler, with every refusal it raises answered by its status and sentence."""

    async def route(request: Request):
        try:
            return await handler(request)
        except ClientDisconnect:
            # Nobody is left to answer, and a hang-up is nothing to investigate.
            log.debug("%s %s: the client hung up before its request arrived",
                      request.method, request.url.path)
            return Response(status_code=400)
        except CanvasError as error:
            return refusal(status_of(error), str(error))
        except ValidationError as error:
            return refusal(422, _first_message(error))
        except Exception as error:
            named = named_error(error, database_target())
            if named is not None:
                return refusal(503, str(named))
            log.exception("live board route failed")
            return refusal(500, UNEXPECTED)

    return route


async def json_body(request: Request) -> dict:
    """The request's JSON object, read only up to BODY_LIMIT_BYTES and nested
    at most BODY_MAX_DEPTH deep; RequestTooLarge or a MalformedAction otherwise."""
    raw = await _limited_body(request, BODY_LIMIT_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableRequest("it is not UTF-8 text") from None
    body = load_json(text, UnreadableRequest, max_depth=BODY_MAX_DEPTH)
    if not isinstance(body, dict):
        raise MalformedAction("Send a JSON object.")
    return body


async def _limited_body(request: Request, limit: int) -> bytes:
    # Refused before reading when the request says it is too large, and
    # otherwise read in chunks only up to the limit: a body sent without a
    # length (chunked) cannot grow the server either.
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and (len(declared) > 12 or int(declared) > limit):
        raise RequestTooLarge(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)
