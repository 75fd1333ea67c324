"""Request body size limit for every route (413 in the error shape), enforced before the app reads a byte.

Why a middleware: FastAPI reads a JSON body before any dependency runs, so without it an unauthenticated
client could make any route buffer an arbitrarily large body. A declared Content-Length over the limit is
refused at once (the HTTP server holds the body to that length). A chunked body is counted as the app reads
it, and the read that takes it past the limit raises the 413: nothing is buffered here, so an ingest batch is
not read at all before its route has checked the token (the route reads it after), and a path that matches
no route reads none of it. (Buffering chunked bodies here made 20 unauthenticated connections cost +200 MB.)
Routes whose body FastAPI parses (the small-body ones) would turn that raise into a 400, so their (small)
chunked bodies are still read here first, up to the limit, and replayed.

Only ingest batches need megabytes. FastAPI parses a JSON body (admin routes) before the credentials are
checked, and 10 MB of `[{},{},…]` costs ~1 s and ~250 MB to parse, so every other route gets a small limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartassist.errors import ApiError, error_response

LARGE_BODY_PREFIX = "/ingest/"
SMALL_BODY_BYTES = 1024 * 1024  # a UserStatus body with 1000 agent emails of 320 characters fits


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, small_max_bytes: int = SMALL_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.small_max_bytes = min(max_bytes, small_max_bytes)

    def limit(self, path: str) -> int:
        return self.max_bytes if path.startswith(LARGE_BODY_PREFIX) else self.small_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None:
            if declared.isdigit() and int(declared) > max_bytes:
                await self._refuse(scope, receive, send, max_bytes)
                return
            await self.app(scope, receive, send)
            return
        if b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(LARGE_BODY_PREFIX):
            await self.app(scope, _counted(receive, max_bytes), send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, _replay(message, receive), send)
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > max_bytes:
                await self._refuse(scope, receive, send, max_bytes)
                return
        await self.app(scope, _replay({"type": "http.request", "body": bytes(body), "more_body": False}, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = error_response(413, f"request body is larger than {max_bytes} bytes")
        await response(scope, receive, send)


def _counted(receive: Receive, max_bytes: int) -> Receive:
    """A receive() that raises the 413 (an ApiError, rendered by the app's handler) once the body grows past
    max_bytes."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise ApiError(413, f"request body is larger than {max_bytes} bytes")
        return message

    return counted


def _replay(first: Message, receive: Receive) -> Receive:
    """A receive() that hands out `first` once, then defers to the real one (e.g. for http.disconnect)."""
    pending = [first]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
