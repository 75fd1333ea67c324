"""At-most-once-per-interval gates for housekeeping done on the request path (expired jti rows, old
rate-limit windows): each process runs the chore now and then, never on every request."""

from __future__ import annotations

import threading


class Every:
    def __init__(self, interval_ms: int) -> None:
        self.interval_ms = interval_ms
        self._last_ms = 0
        self._lock = threading.Lock()

    def due(self, now_ms: int) -> bool:
        """True for the first caller once `interval_ms` has passed since the last True (thread-safe)."""
        with self._lock:
            if now_ms - self._last_ms < self.interval_ms:
                return False
            self._last_ms = now_ms
            return True
