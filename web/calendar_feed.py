"""The live calendar feed, served beside Streamlit by st.App:
GET /api/calendar/<token>.ics gives the due and review dates of one board or
one owner. The token is the only key: a forged or revoked one gets 404, the
same answer as a feed that never existed, so nothing can be probed."""

from __future__ import annotations

import logging

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from canvas.errors import BoardNotFound
from canvas.exports.calendar import ics_text
from canvas.exports.calendar_feed import calendar_feed
from storage import actions, boards, calendar_events, calendar_feeds
from storage.db import connect, now

log = logging.getLogger(__name__)


def feed_text(token: str) -> str | None:
    """The feed a token opens, or None (unknown, revoked, or its board deleted)."""
    with connect() as db:
        feed = calendar_feeds.feed_for_token(db, token)
        if feed is None:
            return None
        if feed.scope == "board":
            try:
                name = boards.get_board(db, feed.value).title
            except BoardNotFound:
                return None
            rows = actions.dated_actions(db, board_id=feed.value)
        else:
            name = f"Postmortem actions: {feed.value}"
            rows = actions.dated_actions(db, owner=feed.value)
        calendar = calendar_feed([(title, action) for _, title, _, action in rows], name)
        moment = now()
        # A moved date raises its event's SEQUENCE here, as in the export.
        return ics_text(calendar, calendar_events.revisions(db, calendar.events, moment), moment)


async def feed(request: Request) -> Response:
    token = request.path_params["token"]
    try:
        text = await anyio.to_thread.run_sync(feed_text, token)
    except Exception:  # the edge: a calendar app gets a status, never a traceback
        log.exception("calendar feed failed")
        return PlainTextResponse("The calendar is not available right now.", status_code=503)
    if text is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(text, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=300"})
