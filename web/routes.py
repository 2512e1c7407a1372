"""Every URL the app serves beside Streamlit, in one place, and the lifespan
that goes with them; app.py hands both to st.App.

Under /api/boards/<id>/: tickets (web/tickets.py), the event stream
(web/stream.py) and actions (web/actions.py), each answering refusals as
web/edge.py says. Beside them the calendar feed and /healthz."""

from __future__ import annotations

from starlette.routing import Route

from canvas.exports.calendar_feed import FEED_PATH
from web import calendar_feed, health
from web.actions import post_action
from web.edge import guarded
from web.lifespan import lifespan
from web.stream import stream
from web.tickets import tickets

ROUTES = [
    Route("/api/boards/{board_id}/tickets", guarded(tickets), methods=["POST"]),
    Route("/api/boards/{board_id}/stream", guarded(stream), methods=["GET"]),
    Route("/api/boards/{board_id}/actions", guarded(post_action), methods=["POST"]),
    Route(FEED_PATH, calendar_feed.feed, methods=["GET"]),
    Route("/healthz", health.healthz, methods=["GET"]),
]

__all__ = ["ROUTES", "lifespan"]
