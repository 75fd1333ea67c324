"""Request body size limit for every route (413 in the error shape), enforced before the app reads a byte.

Why a middleware: FastAPI reads a JSON body before any dependency runs, so without it an unauthenticated
client could make any route buffer an arbitrarily large body. A declared Content-Length over the limit is
refused at once (the HTTP server holds the body to that length); a chunked body is read up to the limit
and refused as soon as it grows past it, else replayed to the app.

Only ingest batches need megabytes. FastAPI parses a JSON body (admin routes) before the credentials are
checked, and 10 MB of `[{},{},…]` costs ~1 s and ~250 MB to parse, so every other route gets a small limit.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from smartassist.errors import error_response

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


def _replay(first: Message, receive: Receive) -> Receive:
    """A receive() that hands out `first` once, then defers to the real one (e.g. for http.disconnect)."""
    pending = [first]

    async def replayed() -> Message:
        return pending.pop() if pending else await receive()

    return replayed
