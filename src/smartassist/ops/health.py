"""/healthz (process up) and /readyz (database reachable and migrated to head)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from smartassist.migrate import at_head
from smartassist.state import Runtime, get_runtime

log = logging.getLogger("smartassist.health")
router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """On the event loop: a liveness probe must not queue behind long routes for one of the worker's threads."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(runtime: Runtime = Depends(get_runtime)) -> JSONResponse:
    try:
        with runtime.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        migrated = at_head(runtime.engine, runtime.database_url)
    except SQLAlchemyError as exc:
        log.warning("readiness check failed: %s", type(exc).__name__)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    if not migrated:
        return JSONResponse({"status": "unavailable", "database": "migrations not at head"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
