"""The clock: current time as integer epoch milliseconds, the one time representation stored."""

from __future__ import annotations

import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000
