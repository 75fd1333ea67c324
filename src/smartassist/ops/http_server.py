"""The HTTP server's per-connection bounds: request line and head size, head and body read time, connections.

uvicorn's httptools parser grows the request line and headers without limit (a 48 MB request line was read
whole, stalling the worker for seconds), and no uvicorn parser times out a half-sent request, so each
half-open connection held a file descriptor forever. The server runs uvicorn's httptools protocol with the
bytes of each request's head counted before the parser sees them (kept over uvicorn's h11 protocol, which
can bound its buffer but halved /healthz throughput under wrk: bench/README.md), and these bounds, each a
Settings field:

- request line over `max_request_line_bytes` → 414, request line + headers over `max_request_head_bytes` →
  431, counted as the bytes arrive (nothing beyond the limit is kept);
- the head must arrive within `header_timeout_seconds` of its first byte (or of the connection) and the body
  within `body_timeout_seconds` of the head, else 408 and the connection is closed;
- beyond `max_connections` open connections a new one gets 503 and is closed before anything is read.

Refusals are in the API's error shape and close the connection. Throughput against httptools: bench/README.md.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from smartassist.config import Settings

HEAD, BODY = "head", "body"  # what the connection is reading
_PHRASES = {
    408: b"Request Timeout",
    414: b"URI Too Long",
    431: b"Request Header Fields Too Large",
    503: b"Service Unavailable",
}


class BoundedConfig(uvicorn.Config):
    """uvicorn's Config plus the bounds uvicorn has no option for (picklable: workers receive a copy)."""

    def __init__(self, app: Any, settings: Settings, **kwargs: Any) -> None:
        self.max_request_line_bytes = settings.max_request_line_bytes
        self.max_request_head_bytes = settings.max_request_head_bytes
        self.header_timeout_seconds = settings.header_timeout_seconds
        self.body_timeout_seconds = settings.body_timeout_seconds
        self.max_connections = settings.max_connections
        super().__init__(
            app,
            http=BoundedProtocol,
            timeout_keep_alive=settings.keep_alive_timeout_seconds,
            **kwargs,
        )


def raw_error(status: int, msg: str) -> bytes:
    """A complete HTTP/1.1 response in the API's error shape that closes the connection."""
    body = json.dumps({"errors": [{"msg": msg, "code": status}]}).encode()
    head = (
        f"HTTP/1.1 {status} {_PHRASES[status].decode()}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class BoundedProtocol(HttpToolsProtocol):
    config: BoundedConfig

    def __init__(self, config: BoundedConfig, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._phase = HEAD
        self._head_bytes = 0
        self._line_done = False
        self._carry = b""  # the head's last 3 bytes, so a terminator split across reads is found
        self._read_timer: asyncio.TimerHandle | None = None
        self._responded = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.config.max_connections:
            self._refuse(503, f"more than {self.config.max_connections} open connections; retry shortly")
            return
        self._arm(self.config.header_timeout_seconds)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        if self._phase is HEAD:
            if self._read_timer is None:  # the first byte of a request on a kept-alive connection
                self._arm(self.config.header_timeout_seconds)
            if self._head_too_large(data):
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._phase = BODY
        self._head_bytes, self._line_done, self._carry = 0, False, b""
        self._arm(self.config.body_timeout_seconds)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._phase = HEAD
        self._disarm()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._responded = True
        super().on_response_complete()

    def _head_too_large(self, data: bytes) -> bool:
        """Counts the head's bytes before the parser sees them: 414 for a request line over its limit, 431 for a
        head. Only this request's head counts, not a body or a pipelined request in the same read."""
        before = self._head_bytes
        scanned = self._carry + data
        end = scanned.find(b"\r\n\r\n")
        head_here = len(data) if end < 0 else end + 4 - len(self._carry)
        self._head_bytes += head_here
        self._carry = scanned[-3:]
        if not self._line_done:
            line_end = data.find(b"\n", 0, head_here)
            if before + (line_end if line_end >= 0 else head_here) > self.config.max_request_line_bytes:
                self._refuse(414, f"the request line is longer than {self.config.max_request_line_bytes} bytes")
                return True
            self._line_done = line_end >= 0
        if self._head_bytes > self.config.max_request_head_bytes:
            self._refuse(431, f"the request head is larger than {self.config.max_request_head_bytes} bytes")
            return True
        if end >= 0:  # the parser takes it from here (on_headers_complete resets the count)
            self._head_bytes, self._carry = 0, b""
        return False

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(seconds, self._read_timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.transport.is_closing():
            return
        if self._phase is BODY and self.flow.read_paused:
            # The application is not reading the body yet (it waits for the token check): not the client's delay.
            self._arm(self.config.body_timeout_seconds)
            return
        if self._phase is HEAD and not self._head_bytes and self._responded:
            self.transport.close()  # an idle kept-alive connection (uvicorn's keep-alive timer closes it too)
            return
        response_started = self.cycle is not None and self.cycle.response_started
        self._refuse(408, "the request was not received in time", respond=not response_started)

    def _refuse(self, status: int, msg: str, respond: bool = True) -> None:
        self._disarm()
        if self.cycle is not None:
            self.cycle.disconnected = True
            self.cycle.message_event.set()
        if respond:
            self.transport.write(raw_error(status, msg))
        self.transport.close()


def serve(app: str, settings: Settings, workers: int, **kwargs: Any) -> None:
    """uvicorn.run with the bounded protocol (the same steps as uvicorn.run without reload)."""
    config = BoundedConfig(app, settings, workers=workers, **kwargs)
    if workers > 1:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    config.load_app()
    server = uvicorn.Server(config=config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
