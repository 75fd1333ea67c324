"""WFM Integration rendering: the one module that knows this family's time formats and its activity names.

`EventTime` is UTC `MM/DD/YYYY H:MM:SS` (month and day two digits, hour not padded, 24-hour, truncated to
the second: the vendor's sample `10/20/2020 2:13:12`). No I/O.
"""

from __future__ import annotations

import time

from smartassist.analytics.user_status.buckets import OFFLINE

AVAILABLE = "available"


def event_time(ms: int) -> str:
    """`10/20/2020 2:13:12`: the instant in UTC, to the second."""
    t = time.gmtime(ms // 1000)
    return f"{t.tm_mon:02d}/{t.tm_mday:02d}/{t.tm_year:04d} {t.tm_hour}:{t.tm_min:02d}:{t.tm_sec:02d}"


def activity(status: str) -> str:
    """`ready` for Available, `loggedout` for Offline (any casing, spaces around ignored), else `notready`."""
    name = status.strip().lower()
    if name == AVAILABLE:
        return "ready"
    if name == OFFLINE:
        return "loggedout"
    return "notready"
