"""The live board's HTTP routes, served beside Streamlit by st.App.

Everything under /api/boards/<id>/: tickets (who is asking), the event stream
(the board as this viewer may see it, pushed on every change) and actions
(every change a person makes on the canvas, through the same storage
functions as the pages).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


@asynccontextmanager
async def lifespan(app):
    yield


ROUTES = [
    Route("/api/health", health, methods=["GET"]),
]
