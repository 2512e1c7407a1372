"""GET /healthz, for load balancers and monitoring, served beside Streamlit by st.App.

200 `{"ok": true, "database": "reachable"}` when the database answers, else
503 `{"ok": false, "database": "unreachable", "message": "<one sentence>"}`.
Streamlit's own /_stcore/health says only that the process is up; a replica
whose database is gone should be taken out of rotation too. Probes that
arrive together share one check (storage/health.py), which also logs when the
database becomes unreachable and when it is back.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse

from storage.health import database_reachable


async def healthz(request: Request) -> JSONResponse:
    reachable, message = await anyio.to_thread.run_sync(database_reachable)
    headers = {"Cache-Control": "no-store"}
    if reachable:
        return JSONResponse({"ok": True, "database": "reachable"}, headers=headers)
    return JSONResponse({"ok": False, "database": "unreachable", "message": message},
                        status_code=503, headers=headers)
