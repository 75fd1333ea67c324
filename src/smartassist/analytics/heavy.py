"""Heavy requests (the routes that render large bodies): at most `heavy_requests_per_account` at once per
account and worker process, and one documented cap on a response's size.

Why a per-account count: these routes run in the worker's few threads (`worker_threads`); one account sending
many month-long pages at once would hold them all and every other account's requests would wait for a thread.
With fewer slots per account than threads, another account always finds one. A streamed response keeps its
slot until its last byte is sent (or the client goes away): a client that stops reading blocks only its own
account's next requests.

A UserStatus page of at most LIGHT_AGENT_BUCKETS agent-buckets (a full page of 50 agents over one day at
PT15M, the dashboard's poll) is light: it takes no slot, since it holds a thread for milliseconds, and a
client may send many of them at once (wrk, 32 connections: bench/bench_wrk.py). The size cap still applies.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from fastapi import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from smartassist.errors import ApiError, bad_request
from smartassist.state import get_runtime

RETRY_AFTER_S = 1
DEFAULT_MAX_RESPONSE_BYTES = 64 << 20  # Settings.max_response_bytes
LIGHT_AGENT_BUCKETS = 50 * 96


class HeavyLimiter:
    """Heavy requests in progress per account in this worker process (thread-safe: routes run in threads)."""

    def __init__(self, per_account: int) -> None:
        self.per_account = per_account
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    def acquire(self, account_id: str) -> None:
        """Take a slot of the account, or 429 with Retry-After when all are in use."""
        with self._lock:
            running = self._running.get(account_id, 0)
            if self.per_account and running >= self.per_account:
                raise ApiError(
                    429,
                    f"this account already has {running} large analytics requests in progress; "
                    "retry when one has finished",
                    headers={"Retry-After": str(RETRY_AFTER_S)},
                )
            self._running[account_id] = running + 1

    def release(self, account_id: str) -> None:
        with self._lock:
            running = self._running.pop(account_id) - 1
            if running:
                self._running[account_id] = running


class Slot:
    """One admitted heavy request, a context manager: released when the block ends, or, once handed to `stream`,
    when the streamed response has been sent."""

    __slots__ = ("max_response_bytes", "_limiter", "_account_id", "_held", "_streaming")

    def __init__(self, limiter: HeavyLimiter, account_id: str, max_response_bytes: int, *, held: bool) -> None:
        self.max_response_bytes = max_response_bytes
        self._limiter, self._account_id = limiter, account_id
        self._held = held
        self._streaming = False

    def __enter__(self) -> Slot:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._streaming:
            self.release()

    def release(self) -> None:
        if self._held:
            self._held = False
            self._limiter.release(self._account_id)

    def stream(self, chunks: Iterator[bytes]) -> StreamingResponse:
        self._streaming = True
        return _SlotStream(chunks, self)


def check_size(size: int, max_bytes: int, fix: str) -> None:
    """400 naming the fix when a response would be larger than the cap (`max_response_bytes`)."""
    if size > max_bytes:
        raise bad_request(
            f"the response would be up to {size:,} bytes, more than the limit of {max_bytes:,} bytes "
            f"(SMARTASSIST_MAX_RESPONSE_BYTES): {fix}"
        )


class _SlotStream(StreamingResponse):
    """A streamed body (chunks rendered in the thread pool one at a time, each after the previous one was
    sent) that gives its slot back when it ends, however it ends."""

    def __init__(self, chunks: Iterator[bytes], slot: Slot) -> None:
        super().__init__(chunks, media_type="application/json")
        self._slot = slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._slot.release()


def heavy_request(request: Request, account_id: str, *, light: bool = False) -> Slot:
    """Admit one heavy request of the account (429 beyond the limit) for a `with` block; a light one takes no slot.
    A Slot rather than a generator context manager: contextlib's machinery was 3 % of an in-process Call Details
    request's CPU (py-spy)."""
    limiter: HeavyLimiter = request.app.state.heavy
    if not light:
        limiter.acquire(account_id)
    return Slot(limiter, account_id, get_runtime(request).settings.max_response_bytes, held=not light)
