"""GET /healthz, for load balancers and monitoring, served beside Streamlit by st.App.

200 `{"ok": true, "database": "reachable"}` when the database answers, else
503 `{"ok": false, "database": "unreachable", "message": "<one sentence>"}`.
Streamlit's own /_stcore/health says only that the process is up; a replica
whose database is gone should be taken out of rotation too.
"""

from __future__ import annotations

import logging

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from storage.health import database_reachable

log = logging.getLogger(__name__)

# Probes come every few seconds: log when the answer changes, not every probe.
_last_reachable: bool | None = None


async def healthz(request: Request) -> JSONResponse:
    global _last_reachable
    reachable, message = await anyio.to_thread.run_sync(database_reachable)
    if reachable != _last_reachable:
        if reachable:
            log.info("health check: the database is reachable")
        else:
            log.warning("health check: the database is unreachable: %s", message)
        _last_reachable = reachable
    headers = {"Cache-Control": "no-store"}
    if reachable:
        return JSONResponse({"ok": True, "database": "reachable"}, headers=headers)
    return JSONResponse({"ok": False, "database": "unreachable", "message": message},
                        status_code=503, headers=headers)


ROUTES = [Route("/healthz", healthz, methods=["GET"])]
