"""Agent Status Details rendering: one agent's status events and login events -> its JSON item. No I/O.

The one module that knows this family's time formats: span times are the caller's local time by
timeZoneOffSet, `2023-03-09T13:20:38` (truncated to the second, no zone); durations `HH:MM:SS` of the
whole seconds between the span's exact edges (rounded down, hours beyond 24: `32:17:04`); login events'
`at` in UTC with milliseconds, `2026-09-18T09:00:51.886Z`.

Rules (contract section 7, plus choices written in docs/API.md section 5):
- A span runs from a status event to the agent's next event (events ordered by time, then ingest order);
  the last one is open (`"endTime": "-"`, `"duration": "-"`).
- A span is listed when it overlaps the window [start, end): it begins before the end and ends after the
  start (an open one after any start). It is shown whole, not cut at the window.
- A span of zero length (the next event has the same millisecond) is not listed: the later event is the
  status held at that instant, as in UserStatus.
- `Offline` (any casing, surrounding spaces ignored, as UserStatus) is never listed.
- primaryStatus = the status upper-cased; secondaryStatus = the reason upper-cased, else the status's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from smartassist.analytics.agents import AgentRow
from smartassist.analytics.user_status.buckets import OFFLINE

MINUTE_MS = 60_000
OPEN = "-"

# (ts, status, reason) of one agent, oldest first: the last event before the window, those inside it and
# the first one at or after its end (which only closes the span before it).
StatusEvent = tuple[int, str, str | None]
# (kind, at, ip) of one agent, oldest first.
LoginEvent = tuple[str, int, str | None]


def local_time(ms: int, offset_minutes: int) -> str:
    """`2023-03-09T13:20:38`: the instant in local time by timeZoneOffSet (UTC - local), to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime((ms - offset_minutes * MINUTE_MS) // 1000))


def duration(start_ms: int, end_ms: int) -> str:
    """`HH:MM:SS` of the whole seconds from start to end (rounded down); hours are not wrapped at 24."""
    minutes, seconds = divmod((end_ms - start_ms) // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def utc_millis_z(ms: int) -> str:
    """`2026-09-18T09:00:51.886Z` (v3 login events)."""
    seconds, millis = divmod(ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"


def status_spans(events: Sequence[StatusEvent], start: int, end: int, offset_minutes: int) -> list[dict[str, str]]:
    """The `status` items of one agent for the window [start, end)."""
    spans: list[dict[str, str]] = []
    last = len(events) - 1
    for index, (ts, status, reason) in enumerate(events):
        if ts >= end:
            break
        next_ts = events[index + 1][0] if index < last else None
        if next_ts is not None and (next_ts <= start or next_ts == ts):
            continue
        if status.strip().lower() == OFFLINE:
            continue
        primary = status.upper()
        spans.append(
            {
                "primaryStatus": primary,
                "secondaryStatus": reason.upper() if reason else primary,
                "startTime": local_time(ts, offset_minutes),
                "endTime": OPEN if next_ts is None else local_time(next_ts, offset_minutes),
                "duration": OPEN if next_ts is None else duration(ts, next_ts),
            }
        )
    return spans


def login_events(events: Sequence[LoginEvent]) -> list[dict[str, str]]:
    return [{"type": kind, "at": utc_millis_z(at), "ip": ip or ""} for kind, at, ip in events]


def agent_item(
    agent: AgentRow,
    version: int,
    spans: list[dict[str, str]],
    logins: list[dict[str, str]],
) -> dict[str, Any]:
    """One `data` item, keys in the vendor's order; v3 adds aId and events and always has customId."""
    item: dict[str, Any] = {"userId": agent.user_id}
    if version >= 3:
        item["aId"] = agent.agent_key
    item["firstName"] = agent.first_name
    item["lastName"] = agent.last_name
    item["email"] = agent.email
    if version >= 3:
        item["customId"] = agent.custom_id or ""
    elif agent.custom_id:
        item["customId"] = agent.custom_id
    if spans:
        item["status"] = spans
    if version >= 3 and logins:
        item["events"] = logins
    return item
