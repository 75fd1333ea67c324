"""The request observer: request id, one JSON access-log line and the request metrics, per HTTP request.

A pure ASGI middleware (no BaseHTTPMiddleware): it only wraps `send` to see the status and add the
`X-Request-ID` header, so the body streams through untouched and no extra task is spawned per request.
It logs the route template (`/api/public/bot/{botId}/…`), never the raw path or query string, so no
token, secret or caller-chosen id can reach the log, and metric labels stay few.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartassist.ops.metrics import UNMATCHED_ROUTE, Metrics
from smartassist.timefmt import iso_ms

access_log = logging.getLogger("smartassist.access")

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_NAME = REQUEST_ID_HEADER.lower().encode()
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# HTTP servers accept any token as a method: a label per caller-chosen method would let anyone grow the
# metrics (and /metrics) without bound, so other methods share one label.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "other"


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's X-Request-ID when it is a short plain token (safe to log and echo), else a new one."""
    for name, value in headers:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _SANE_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return os.urandom(16).hex()  # the shape of uuid4().hex, without building a UUID per request


def route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE


class RequestObserver:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_from(scope["headers"])
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        status = 500  # what the client gets when the app raises before responding

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                if isinstance(headers, list) and all(name != REQUEST_ID_NAME for name, _ in headers):
                    headers.append((REQUEST_ID_NAME, request_id.encode()))
                else:  # a header to replace, or headers that are no list
                    MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self._record(scope, state, request_id, status, time.perf_counter() - started)

    def _record(self, scope: Scope, state: dict[str, Any], request_id: str, status: int, seconds: float) -> None:
        route = route_template(scope)
        method = scope["method"] if scope["method"] in KNOWN_METHODS else OTHER_METHOD
        self.metrics.observe_request(method, route, status, seconds)
        auth_failure = state.get("auth_failure")
        if status in (401, 403) and auth_failure is None:
            auth_failure = "other"  # refused outside the app-token check (e.g. the admin token)
            self.metrics.count_auth_failure(auth_failure)
        if access_log.isEnabledFor(logging.INFO):
            line: dict[str, Any] = {
                "ts": iso_ms(time.time_ns() // 1_000_000),
                "requestId": request_id,
                "method": method,
                "route": route,
                "status": status,
                "ms": round(seconds * 1000, 2),
                "clientId": state.get("client_id"),
            }
            if auth_failure is not None:
                line["authFailure"] = auth_failure
            access_log.info(json.dumps(line, separators=(",", ":")))
