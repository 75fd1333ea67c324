"""Failed authentications counted per client address: beyond `failed_auth_per_minute` in a minute the address
gets 429 before its token is looked at, so guessing costs no JWE private-key operation and no database read.

Only refusals of the token itself count (401s: missing, malformed, unknown app, bad signature, JWE …); a valid
token lacking a scope (403) does not. The count is shared by every worker and instance: it is kept where the
rate limiter keeps its counts (auth/ratelimit.py: a row per address and UTC minute in the database, or a Redis
key), incremented once per failure, in a thread. Each worker remembers the addresses it found over the limit
until their minute ends (at most MAX_ADDRESSES, the oldest forgotten first), so the check before the token is a
dict lookup: the success path does no I/O. A worker learns of an address's block from its own first failure of
the minute, so an address gets at most one more failure through per other worker.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import anyio.to_thread
from fastapi import Request

from smartassist.auth.errors import AuthFailure
from smartassist.auth.ratelimit import WINDOW_MS, retry_after_seconds, window_start_of
from smartassist.clock import now_ms
from smartassist.errors import ApiError

MAX_ADDRESSES = 65_536
UNKNOWN_ADDRESS = "-"
SUBJECT_PREFIX = "fa:"  # never an account id (24 hex) or a client id (`cs-` + UUID)

# Adds one failure of a subject in the window starting at the given ms; returns the new count, None when the
# store is unreachable (then the failure is not counted: the limiter fails open, as the rate limiter).
Counter = Callable[[str, int], int | None]


def subject_of(address: str) -> str:
    """The address's key in the shared store: a fixed length whatever the address (an IPv6 address is 39)."""
    return SUBJECT_PREFIX + hashlib.sha256(address.encode()).hexdigest()[:32]


class FailedAuthLimiter:
    def __init__(self, per_minute: int, count: Counter, clock: Callable[[], int] = now_ms) -> None:
        self.per_minute = per_minute
        self._count = count
        self._clock = clock
        self._blocked: OrderedDict[str, int] = OrderedDict()  # address -> end of the minute it is blocked in
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        """429 when the address has used up its failures of the current minute (no I/O)."""
        until = self._blocked.get(address)
        if until is None:
            return
        now = self._clock()
        if now < until:
            raise ApiError(
                429,
                "too many failed authentications from this address; retry in a minute",
                headers={"Retry-After": str(retry_after_seconds(now))},
            )
        with self._lock:
            if self._blocked.get(address) == until:
                del self._blocked[address]

    def failed(self, address: str) -> None:
        """Count one failure in the shared store (blocking I/O: call it in a thread)."""
        if not self.per_minute:
            return
        now = self._clock()
        start = window_start_of(now)
        count = self._count(subject_of(address), start)
        if count is None or count < self.per_minute:
            return
        with self._lock:
            self._blocked.pop(address, None)
            self._blocked[address] = start + WINDOW_MS
            while len(self._blocked) > MAX_ADDRESSES:
                self._blocked.popitem(last=False)


def _address(request: Request) -> str:
    client = request.scope.get("client")  # request.client builds an Address tuple per call
    return client[0] if client else UNKNOWN_ADDRESS


def admit(request: Request) -> str:
    """Refuse the request's address when it is over its limit (429, no I/O); its address otherwise, for refused()."""
    address = _address(request)
    _limiter(request).check(address)
    return address


async def refused(request: Request, address: str, failure: AuthFailure) -> None:
    """Count a refusal of the token (a 401) against the address admit() gave. Two plain calls around the token check
    rather than a context manager: contextlib's machinery was ~3 % of an in-process Call Details request (py-spy)."""
    limiter = _limiter(request)
    if failure.status == 401 and limiter.per_minute:
        await anyio.to_thread.run_sync(limiter.failed, address)


def _limiter(request: Request) -> FailedAuthLimiter:
    limiter: FailedAuthLimiter = request.app.state.failed_auth
    return limiter
