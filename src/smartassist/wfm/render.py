"""WFM Integration rendering: the one module that knows this family's time formats and its activity names.

`EventTime` is UTC `MM/DD/YYYY H:MM:SS` (month and day two digits, hour not padded, 24-hour, truncated to
the second: the vendor's sample `10/20/2020 2:13:12`); the Contact Volume and Agent Performance intervals are
UTC `2023-01-07T09:45:00.000Z` (milliseconds, `Z`). No I/O.
"""

from __future__ import annotations

import functools
import time

from smartassist.analytics.user_status.buckets import OFFLINE

AVAILABLE = "available"


def event_time(ms: int) -> str:
    """`10/20/2020 2:13:12`: the instant in UTC, to the second. The date part is worked out once per day
    (_date_part): with time.gmtime per event, this was a fifth of the 30-second poll's rendering."""
    day, second = divmod(ms // 1000, 86_400)
    minute, second = divmod(second, 60)
    hour, minute = divmod(minute, 60)
    return f"{_date_part(day)}{hour}:{minute:02d}:{second:02d}"


@functools.lru_cache(maxsize=1024)
def _date_part(day: int) -> str:
    """`10/20/2020 ` for the UTC day `day` (days since 1970-01-01)."""
    t = time.gmtime(day * 86_400)
    return f"{t.tm_mon:02d}/{t.tm_mday:02d}/{t.tm_year:04d} "


def interval_time(ms: int) -> str:
    """`2023-01-07T09:45:00.000Z`: an interval bound in UTC, with milliseconds and `Z`."""
    seconds, millis = divmod(ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"


def activity(status: str) -> str:
    """`ready` for Available, `loggedout` for Offline (any casing, spaces around ignored), else `notready`."""
    name = status.strip().lower()
    if name == AVAILABLE:
        return "ready"
    if name == OFFLINE:
        return "loggedout"
    return "notready"
