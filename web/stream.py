"""GET /api/boards/<id>/stream?ticket=S (a stream ticket): server-sent events,
the board as this viewer may see it, pushed whenever its revision moves
(Last-Event-ID catches a reconnect up), with who is present beside it.

The first event of a connection is the whole view (`view`); after that each
event is a `patch` holding only the pieces that changed (a note, a column's
shape, a part of the meeting, the bar's flags), which the canvas lays over
the view it has from this stream. A change to one note of a 300-note board
so sends that note, not its column or the board."""

from __future__ import annotations

import json
import logging
import re
import time
import zlib

import anyio
from starlette.requests import Request
from starlette.responses import StreamingResponse

from canvas.errors import CanvasError
from canvas.session.live_view import assemble_view, remember_pieces, view_patch
from canvas.session.tickets import TicketScope
from canvas.session.visibility import Viewer
from storage.db import database_target
from storage.errors import named_error
from web import board_cache, process
from web.board_cache import PING_SECONDS
from web.edge import claims

log = logging.getLogger(__name__)

RECONNECT_MS = 2000
# Revisions are counted from 1; no board reaches 19 digits.
_EVENT_ID = re.compile(r"[0-9]{1,18}")


async def stream(request: Request):
    board_id = request.path_params["board_id"]
    said = await claims(request, board_id, request.query_params.get("ticket"), TicketScope.stream)
    viewer = Viewer(participant_id=said.participant_id, is_facilitator=said.is_facilitator)
    # A ticket tied to a signed-in person opens the stream only until it
    # expires: the canvas renews it with the identity cookie, so a tab whose
    # person signed out loses its stream within one ticket's lifetime.
    ends_at = said.expires_at if said.identity else None
    # Refused now, with a status, or never: once the response has started
    # only the stream's end can say that something went wrong.
    await anyio.to_thread.run_sync(process.check_database)
    events = _events(board_id, viewer, _last_event_id(request), ends_at)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Vary": "Accept-Encoding"}
    if _accepts_gzip(request.headers.get("accept-encoding", "")):
        events = _gzipped(events)
        headers["Content-Encoding"] = "gzip"
    return StreamingResponse(events, media_type="text/event-stream", headers=headers)


def _accepts_gzip(header: str) -> bool:
    """Whether Accept-Encoding names gzip with a weight above zero (RFC 9110 12.5.3)."""
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "x-gzip"):
            weight = params.strip().lower().removeprefix("q=").strip() if "q=" in params.lower() else "1"
            try:
                return float(weight) > 0
            except ValueError:
                return False
    return False


async def _gzipped(events):
    """The stream as one gzip member, flushed after each event so it leaves at
    once: the first view of a 300-note board is about 250 KB as JSON and 30 KB
    so, and a patch repeats the words of those before it. Level 5 and a
    smaller hash table (memory level 5: about 150 KB per stream, most of it
    the 32 KB window) keep a hundred open streams cheap."""
    packer = zlib.compressobj(5, zlib.DEFLATED, 31, 5)
    try:
        async for text in events:
            yield packer.compress(text.encode()) + packer.flush(zlib.Z_SYNC_FLUSH)
    finally:
        # The person leaves the board's presence at once, not when the
        # stream's generator is collected.
        await events.aclose()


def _last_event_id(request: Request) -> int | None:
    """The revision a reconnecting browser drew last; any other header
    (not digits, or longer than any revision) counts as none: a full view."""
    value = request.headers.get("last-event-id", "")
    return int(value) if _EVENT_ID.fullmatch(value) else None


async def _events(board_id: str, viewer: Viewer, sent: int | None, ends_at: int | None = None):
    presence = board_cache.presence
    # What this connection last sent, piece by piece (hashes only): none yet,
    # so the first view goes whole.
    pieces_sent: dict[str, int] | None = None
    try:
        await presence.arrive(board_id, viewer.participant_id)
        present = await presence.names(board_id)
        yield f"retry: {RECONNECT_MS}\n\n"
        while not process.closing:
            wait = PING_SECONDS if ends_at is None else max(0.0, min(PING_SECONDS, ends_at - time.time()))
            revision = await process.feed.wait(board_id, sent, wait)
            if process.closing or (ends_at is not None and time.time() >= ends_at):
                if not process.closing:
                    yield "event: expired\ndata: {}\n\n"
                return
            live = None if revision is None else await board_cache.boards.get(board_id, revision)
            if live is None:
                yield "event: gone\ndata: {}\n\n"
                return
            if live.revision != sent:
                present = await presence.names(board_id)
                pieces = live.view_pieces(viewer, present, whole=False)
                sent = live.revision
                if pieces_sent is None:
                    data = assemble_view(sent, live.view_pieces(viewer, present, whole=True))
                    pieces_sent = remember_pieces(pieces)
                    yield f"id: {sent}\nevent: view\ndata: {data}\n\n"
                else:
                    data = view_patch(sent, pieces, pieces_sent)
                    yield f"id: {sent}\nevent: patch\ndata: {data}\n\n"
                del pieces
                # An idle stream should not hold on to the last view it sent.
                del data
                continue
            yield ": ping\n\n"
            now_present = await presence.names(board_id)
            if now_present != present:
                present = now_present
                if pieces_sent is not None:
                    # The canvas lays this over its view: the next patch compares with it.
                    pieces_sent["present"] = hash(json.dumps(present, separators=(",", ":"), ensure_ascii=False))
                yield f"event: presence\ndata: {json.dumps({'present': present})}\n\n"
    except Exception as error:
        # The response has started: end the stream (the browser reconnects and
        # catches up by revision, or hears the refusal) and keep the details
        # in the server's log.
        problem = error if isinstance(error, CanvasError) else named_error(error, database_target())
        if problem is None:
            log.exception("live board stream failed")
        else:
            log.warning("live board stream ended: %s", problem)
    finally:
        presence.leave(board_id, viewer.participant_id)
