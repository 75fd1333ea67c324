"""A synchronous httpx transport into the server's own ASGI app: the in-process target of `simulate` and `demo`.

The records still go through the routes (parsing, validation, one transaction per batch), only without a
socket: `smartassist demo` works with no server running, and writes exactly what a remote run would.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import anyio.from_thread
import httpx
from anyio.from_thread import BlockingPortal
from fastapi import FastAPI


class InProcessTransport(httpx.BaseTransport):
    """Each request runs on an event loop in a helper thread (the app's sync routes use its thread pool)."""

    def __init__(self, app: FastAPI) -> None:
        self._app = app
        self._asgi = httpx.ASGITransport(app=app)
        self._portal_cm: AbstractContextManager[BlockingPortal] = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._portal.call(self._send, request)

    async def _send(self, request: httpx.Request) -> httpx.Response:
        forwarded = httpx.Request(request.method, request.url, headers=request.headers, content=request.read())
        response = await self._asgi.handle_async_request(forwarded)
        content = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=content, request=request)

    def close(self) -> None:
        self._portal_cm.__exit__(None, None, None)
        self._app.state.runtime.dispose()
