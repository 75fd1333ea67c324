"""UserStatus request body -> a validated UserStatusQuery (UTC window, granularity, agent emails). No I/O.

Hand-written rather than a pydantic model because the rules cross fields (a date bound means a local
midnight, a zone-less timestamp uses timeZoneOffSet, the bucket count depends on window and granularity)
and every violation must be a 400 naming the field in plain words. The pieces Agent Status Details shares
(bounds, timeZoneOffSet, agents, the window check) are in analytics/windows.py.

Rules the contract leaves open (also in the README API notes):
- `filter` and `filter.dateFilter` are required; `granularity` is required. Unknown fields are refused.
- Each bound is read by its own form: a date startDate is the local midnight starting that day, a date
  endDate the local midnight ending that day; a timestamp is that instant. So a date and a timestamp
  may be mixed.
- A timestamp with `Z` or `±hh:mm` is that instant (timeZoneOffSet does not apply); without a zone it is
  local time by timeZoneOffSet. Fractions of a second are dropped (the response has whole seconds).
- The window must not be empty (endDate at or before startDate) nor start before 1970 (no data can
  exist there) -> 400.
- `granularity`: one of the documented ISO-8601 durations PT15M PT30M PT1H PT2H PT4H PT8H PT12H PT24H
  (any case; other durations such as PT7M are 400), or a whole number of minutes 1..1440 as a JSON
  integer or a string of digits ("20").
- `timeZoneOffSet`: a JSON integer (JS getTimezoneOffset: UTC - local), -840..840, default 0.
- `filter.agents`: omitted, null or [] -> every agent of the account; duplicates ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smartassist.analytics.windows import DAY_MS, check_window, filter_objects, parse_agents, parse_bound, parse_offset
from smartassist.errors import bad_request

MINUTE_MS = 60_000
MAX_WINDOW_MS = 31 * DAY_MS
MAX_BUCKETS = 5000
MAX_GRANULARITY_MINUTES = 1440

DURATIONS = {
    "PT15M": 15,
    "PT30M": 30,
    "PT1H": 60,
    "PT2H": 120,
    "PT4H": 240,
    "PT8H": 480,
    "PT12H": 720,
    "PT24H": 1440,
}  # minutes
_DIGITS = re.compile(r"\d{1,5}", re.ASCII)

_BODY_KEYS = {"filter", "granularity"}
_DATE_FILTER_KEYS = {"startDate", "endDate", "timeZoneOffSet"}


@dataclass(frozen=True)
class UserStatusQuery:
    """A validated request: window [start_ms, end_ms) in UTC epoch ms, bucket length, emails (lower case)."""

    start_ms: int
    end_ms: int
    granularity_ms: int
    emails: tuple[str, ...] | None


def parse_granularity(value: object) -> int:
    """Bucket length in ms from a documented duration (PT30M) or whole minutes (20 or "20")."""
    minutes: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        minutes = value
    elif isinstance(value, str):
        text = value.strip().upper()
        minutes = int(text) if _DIGITS.fullmatch(text) else DURATIONS.get(text)
    if minutes is None:
        raise bad_request(
            "granularity must be one of PT15M, PT30M, PT1H, PT2H, PT4H, PT8H, PT12H, PT24H or a whole number of minutes"
        )
    if not 1 <= minutes <= MAX_GRANULARITY_MINUTES:
        raise bad_request(f"granularity must be between 1 and {MAX_GRANULARITY_MINUTES} minutes")
    return minutes * MINUTE_MS


def parse_user_status_body(body: object) -> UserStatusQuery:
    """Validate the whole body; the first problem found is the 400's message."""
    top, filters, date_filter = filter_objects(body, _BODY_KEYS, _DATE_FILTER_KEYS)
    emails = parse_agents(filters.get("agents"))
    offset = parse_offset(date_filter.get("timeZoneOffSet"))
    start = parse_bound(date_filter.get("startDate"), "startDate", offset, is_end=False)
    end = parse_bound(date_filter.get("endDate"), "endDate", offset, is_end=True)
    check_window(start, end, MAX_WINDOW_MS, start_field="startDate", end_field="endDate", limit="31 days")
    granularity_ms = parse_granularity(top.get("granularity"))
    if -(-(end - start) // granularity_ms) > MAX_BUCKETS:
        raise bad_request(
            f"window and granularity give more than {MAX_BUCKETS} buckets per agent; "
            "use a coarser granularity or a shorter window"
        )
    return UserStatusQuery(start_ms=start, end_ms=end, granularity_ms=granularity_ms, emails=emails)
