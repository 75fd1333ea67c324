"""The 15-minute UTC reporting intervals of Contact Volume and Agent Performance: the request window
(fromTimeStamp / toTimeStamp, skip / limit) and interval ids (their time format is wfm.render's). No I/O.

Rules the contract leaves open (docs/API.md "Contact Volume"):
- A bound is an ISO-8601 timestamp (`Z`, `+hh:mm` or no zone = UTC; milliseconds count), as Agent Activity
  reads them (analytics.windows.parse_bound); a date alone is refused.
- The window is widened to whole intervals (from rounded down, to rounded up), so an interval's record
  always covers the whole interval and a record with a given `_id` never changes with the request bounds.
- fromTimeStamp omitted (initial sync): the interval of the first contact before toTimeStamp; no contact
  at all -> an empty result. The window (after that) must not exceed 31 days, else 400.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from smartassist.analytics.windows import parse_bound
from smartassist.errors import bad_request

INTERVAL_MS = 15 * 60_000
DAY_MS = 86_400_000
MAX_WINDOW_MS = 31 * DAY_MS
MAX_SKIP = 2**31 - 1
MAX_ECHOED_NAME = 40


@dataclass(frozen=True)
class Window:
    """[start, end) in UTC epoch ms, both on interval boundaries; start == end is an empty window."""

    start: int
    end: int


def floor_interval(ms: int) -> int:
    return ms - ms % INTERVAL_MS


def ceil_interval(ms: int) -> int:
    return -(-ms // INTERVAL_MS) * INTERVAL_MS


def record_id(*parts: str | int) -> str:
    """A 24-hex id that is the same for the same parts (account, interval, queue, source) on every call."""
    return hashlib.sha256("\x00".join(str(part) for part in parts).encode()).hexdigest()[:24]


def check_fields(body: object, allowed: set[str]) -> dict[str, object]:
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    unknown = sorted(set(body) - allowed)
    if unknown:
        name = unknown[0] if len(unknown[0]) <= MAX_ECHOED_NAME else unknown[0][:MAX_ECHOED_NAME] + "..."
        raise bad_request(f"request body: unknown field {name!r}")
    return body


def parse_int(body: dict[str, object], key: str, *, default: int, low: int, high: int) -> int:
    value = body.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request(f"{key} must be an integer from {low} to {high}")
    return value


def parse_window(body: dict[str, object], first_activity: Callable[[int], int | None]) -> Window:
    """The widened window; `first_activity(end)` gives the earliest activity before end (initial sync)."""
    raw_to = body.get("toTimeStamp")
    if raw_to is None:
        raise bad_request("toTimeStamp is required: an ISO-8601 timestamp like 2023-01-08T10:00:00Z")
    end_ms = parse_bound(raw_to, "toTimeStamp", 0, is_end=True, dates=False, keep_millis=True)
    raw_from = body.get("fromTimeStamp")
    if raw_from is None:
        first = first_activity(end_ms)
        if first is None:
            return Window(ceil_interval(end_ms), ceil_interval(end_ms))
        start_ms = first
        too_long = "the window from the first contact exceeds 31 days: give fromTimeStamp"
    else:
        start_ms = parse_bound(raw_from, "fromTimeStamp", 0, is_end=False, dates=False, keep_millis=True)
        too_long = "the window from fromTimeStamp to toTimeStamp must not exceed 31 days"
    if start_ms < 0:
        raise bad_request("fromTimeStamp must not be before 1970-01-01T00:00:00Z")
    if end_ms <= start_ms:
        raise bad_request("toTimeStamp must be after fromTimeStamp")
    if end_ms - start_ms > MAX_WINDOW_MS:
        raise bad_request(too_long)
    return Window(floor_interval(start_ms), ceil_interval(end_ms))
