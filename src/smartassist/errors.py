"""ApiError and the one set of handlers that turn every failure into {"errors":[{msg, code}]}."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from smartassist.read_pool import ReadUnavailable

log = logging.getLogger("smartassist.errors")


class ApiError(Exception):
    """A failure a client should see: HTTP status and a human sentence.

    `auth_reason` is set by auth.errors.AuthFailure only: the stable label under which the refusal is
    counted in /metrics and the access log, when its body is rendered (once, here).
    """

    auth_reason: str | None = None

    def __init__(self, status: int, msg: str, headers: dict[str, str] | None = None):
        super().__init__(msg)
        self.status = status
        self.msg = msg
        self.headers = headers


def bad_request(msg: str) -> ApiError:
    return ApiError(400, msg)


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what} not found")


def error_body(status: int, msg: str) -> dict[str, Any]:
    """The contract's error shape: `code` is the HTTP status as a JSON number, as the vendor's samples."""
    return {"errors": [{"msg": msg, "code": status}]}


def error_response(status: int, msg: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, msg), status_code=status, headers=headers)


def describe_validation_error(exc: RequestValidationError) -> str:
    """One sentence naming where the first problem is, without echoing the submitted value."""
    errors = exc.errors()
    if not errors:
        return "invalid request"
    first = errors[0]
    loc = ".".join(str(part) for part in first.get("loc", ()) if part != "body") or "request"
    return f"{loc}: {first.get('msg', 'invalid value')}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        if exc.auth_reason is not None:
            request.app.state.metrics.count_auth_failure(exc.auth_reason)
            request.state.auth_failure = exc.auth_reason
        return error_response(exc.status, exc.msg, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, describe_validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        msg = "route not found" if exc.status_code == 404 else str(exc.detail)
        return error_response(exc.status_code, msg, headers=getattr(exc, "headers", None))

    @app.exception_handler(DBAPIError)
    async def _database(_: Request, exc: DBAPIError) -> JSONResponse:
        if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
            log.warning("database unavailable: %s", type(exc.orig).__name__)
            return error_response(503, "database unavailable, retry shortly", headers={"Retry-After": "1"})
        log.error("database error: %s", type(exc.orig).__name__)
        return error_response(500, "internal error")

    @app.exception_handler(ReadUnavailable)
    async def _async_database(_: Request, exc: ReadUnavailable) -> JSONResponse:
        """The same outage seen through the hot path's reads (read_pool.py, asyncpg without SQLAlchemy)."""
        log.warning("database unavailable: %s", exc)
        return error_response(503, "database unavailable, retry shortly", headers={"Retry-After": "1"})

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error: %s", type(exc).__name__)
        return error_response(500, "internal error")
