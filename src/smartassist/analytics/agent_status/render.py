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

Why C (`_spans.c`): a 7-day page of 50 agents is ~15 000 spans; written in Python (a dict or an f-string
per span, two local times and a duration each) the page took ~4x its database fetch (measured by
bench/bench_agent_status.py). Python keeps the Unicode work (upper-casing, JSON quoting, recognising
Offline), once per distinct string, in `_Texts`; the C module writes the spans. local_time and duration
below state the same formats in Python; the tests compare the C output with a Python model built on them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from smartassist.analytics.agent_status import _spans
from smartassist.analytics.agents import AgentRow
from smartassist.analytics.user_status.buckets import OFFLINE

MINUTE_MS = 60_000

# (ts, status, reason) of one agent, oldest first: the last event before the window, those inside it and
# the first one at or after its end (which only closes the span before it).
StatusEvent = tuple[int, str, str | None]
# (kind, at, ip) of one agent, oldest first.
LoginEvent = tuple[str, int, str | None]


def is_offline(status: str) -> bool:
    return status.strip().lower() == OFFLINE


class _Texts(dict[str, tuple[bytes, bool]]):
    """status or reason -> (its upper-cased JSON string, whether it names Offline), filled on first use."""

    def __missing__(self, text: str) -> tuple[bytes, bool]:
        if len(self) > 10_000:  # bounded: a long-running process sees few distinct statuses and reasons
            self.clear()
        value = self[text] = (json.dumps(text.upper()).encode(), is_offline(text))
        return value


_texts = _Texts()


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


def status_spans(events: Sequence[tuple[Any, ...]], start: int, end: int, offset_minutes: int) -> bytes:
    """The `status` array of one agent for the window [start, end) as ASCII JSON; b"" when no span is listed.

    events: StatusEvent rows, oldest first (more items may follow the three: the database rows end with the
    agent id)."""
    return _spans.spans(events, start, end, offset_minutes, _texts)


def login_events(events: Sequence[LoginEvent]) -> bytes:
    """The v3 `events` array as ASCII JSON; b"" when there are none."""
    if not events:
        return b""
    items = [{"type": kind, "at": utc_millis_z(at), "ip": ip or ""} for kind, at, ip in events]
    return json.dumps(items, separators=(",", ":")).encode()


def agent_item(agent: AgentRow, version: int, spans: bytes, logins: bytes) -> list[bytes]:
    """One `data` item as parts of ASCII JSON, keys in the vendor's order; v3 adds aId and events and always
    has customId.

    Bytes, and parts joined once for the whole page: a 7-day page is ~2 MB, and each copy of it (str to
    bytes, an item joined, then the page) costs fresh memory."""
    item: dict[str, str] = {"userId": agent.user_id}
    if version >= 3:
        item["aId"] = agent.agent_key
    item["firstName"] = agent.first_name
    item["lastName"] = agent.last_name
    item["email"] = agent.email
    if version >= 3:
        item["customId"] = agent.custom_id or ""
    elif agent.custom_id:
        item["customId"] = agent.custom_id
    parts = [json.dumps(item, separators=(",", ":"))[:-1].encode()]
    if spans:
        parts += (b',"status":', spans)
    if version >= 3 and logins:
        parts += (b',"events":', logins)
    parts.append(b"}")
    return parts
