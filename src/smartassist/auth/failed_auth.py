"""Failed authentications counted per client address: beyond `failed_auth_per_minute` in a minute the address
gets 429 before its token is looked at, so guessing costs no JWE private-key operation and no database read.

Only refusals of the token itself count (401s: missing, malformed, unknown app, bad signature, JWE …); a valid
token lacking a scope (403) does not. Counts are per worker process, in fixed one-minute windows, for at most
MAX_ADDRESSES addresses (the least recently failing are forgotten first), so the table can't grow without bound.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi import Request

from smartassist.auth.errors import AuthFailure
from smartassist.errors import ApiError

WINDOW_S = 60.0
MAX_ADDRESSES = 65_536
UNKNOWN_ADDRESS = "-"


class FailedAuthLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def _count(self, address: str, now: float) -> int:
        window = self._windows.get(address)
        return 0 if window is None or now - window[0] >= WINDOW_S else window[1]

    def check(self, address: str) -> None:
        """429 when the address has used up its failures of the current window."""
        if self.per_minute and self._count(address, self._clock()) >= self.per_minute:
            raise ApiError(429, "too many failed authentications from this address; retry in a minute")

    def failed(self, address: str) -> None:
        if not self.per_minute:
            return
        with self._lock:
            now = self._clock()
            window = self._windows.pop(address, None)
            start, count = window if window is not None and now - window[0] < WINDOW_S else (now, 0)
            self._windows[address] = (start, count + 1)
            while len(self._windows) > MAX_ADDRESSES:
                self._windows.popitem(last=False)


def _address(request: Request) -> str:
    return request.client.host if request.client else UNKNOWN_ADDRESS


@contextmanager
def guarded(request: Request) -> Iterator[None]:
    """Refuse an address over its limit, then count the block's 401s against it."""
    limiter: FailedAuthLimiter = request.app.state.failed_auth
    address = _address(request)
    limiter.check(address)
    try:
        yield
    except AuthFailure as failure:
        if failure.status == 401:
            limiter.failed(address)
        raise
