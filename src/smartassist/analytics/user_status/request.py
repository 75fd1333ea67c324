"""UserStatus request body -> a validated UserStatusQuery (UTC window, granularity, agent emails). No I/O.

Hand-written rather than a pydantic model because the rules cross fields (a date bound means a local
midnight, a zone-less timestamp uses timeZoneOffSet, the bucket count depends on window and granularity)
and every violation must be a 400 naming the field in plain words.

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
from datetime import UTC, date, datetime, timedelta

from smartassist.errors import bad_request
from smartassist.ids import normalize_email
from smartassist.timefmt import datetime_to_ms

MINUTE_MS = 60_000
DAY_MS = 86_400_000
MAX_WINDOW_MS = 31 * DAY_MS
MAX_BUCKETS = 5000
MAX_AGENTS = 1000
MAX_EMAIL_CHARS = 320
MAX_OFFSET_MINUTES = 840
MAX_GRANULARITY_MINUTES = 1440

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIMESTAMP = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?", re.ASCII)
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
_FILTER_KEYS = {"agents", "dateFilter"}
_DATE_FILTER_KEYS = {"startDate", "endDate", "timeZoneOffSet"}


@dataclass(frozen=True)
class UserStatusQuery:
    """A validated request: window [start_ms, end_ms) in UTC epoch ms, bucket length, emails (lower case)."""

    start_ms: int
    end_ms: int
    granularity_ms: int
    emails: tuple[str, ...] | None


MAX_ECHOED_NAME = 40  # an unknown field's name is repeated in the 400, but never a caller's megabyte


def _object(value: object, where: str, allowed: set[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise bad_request(f"{where} must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        name = unknown[0] if len(unknown[0]) <= MAX_ECHOED_NAME else unknown[0][:MAX_ECHOED_NAME] + "..."
        raise bad_request(f"{where}: unknown field {name!r}")
    return value


def parse_offset(value: object) -> int:
    """timeZoneOffSet in minutes, UTC - local (so -330 is UTC+05:30)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request("timeZoneOffSet must be an integer number of minutes")
    if not -MAX_OFFSET_MINUTES <= value <= MAX_OFFSET_MINUTES:
        raise bad_request(f"timeZoneOffSet must be between -{MAX_OFFSET_MINUTES} and {MAX_OFFSET_MINUTES}")
    return value


def _calendar_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad_request(f"{field} is not a valid date") from None


def parse_bound(value: object, field: str, offset_minutes: int, *, is_end: bool) -> int:
    """One window bound as UTC epoch ms: a date is a local midnight (the one after it for endDate)."""
    if not isinstance(value, str):
        raise bad_request(f"{field} is required: a date yyyy-mm-dd or an ISO-8601 timestamp")
    try:
        return _bound_ms(value, field, offset_minutes, is_end=is_end)
    except OverflowError:
        raise bad_request(f"{field} is out of range") from None


def _bound_ms(text: str, field: str, offset_minutes: int, *, is_end: bool) -> int:
    local_to_utc = timedelta(minutes=offset_minutes)  # local + (UTC - local) = UTC
    if _DATE.fullmatch(text):
        day = _calendar_date(text, field) + timedelta(days=1 if is_end else 0)
        return datetime_to_ms(datetime(day.year, day.month, day.day, tzinfo=UTC) + local_to_utc)
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise bad_request(f"{field} must be a date yyyy-mm-dd or an ISO-8601 timestamp like 2022-08-25T10:30:00.000Z")
    day_text, hour, minute, second, zone = match.groups()
    day = _calendar_date(day_text, field)
    try:
        moment = datetime(day.year, day.month, day.day, int(hour), int(minute), int(second or 0), tzinfo=UTC)
    except ValueError:
        raise bad_request(f"{field} is not a valid time of day") from None
    if zone is None:
        return datetime_to_ms(moment + local_to_utc)
    if zone == "Z":
        return datetime_to_ms(moment)
    zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
    if zone_hours > 23 or zone_minutes > 59:
        raise bad_request(f"{field} has an invalid UTC offset")
    east = timedelta(hours=zone_hours, minutes=zone_minutes)
    return datetime_to_ms(moment - east if zone[0] == "+" else moment + east)


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


def _encodable(text: str) -> bool:
    """False for lone surrogates (from JSON \\ud800 escapes), which no database driver can send."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_agents(value: object) -> tuple[str, ...] | None:
    """De-duplicated emails by ids.normalize_email (the key agents are stored by); None means every agent."""
    if value is None:
        return None
    if not isinstance(value, list):
        raise bad_request("filter.agents must be a list of agent emails")
    if len(value) > MAX_AGENTS:
        raise bad_request(f"filter.agents lists more than {MAX_AGENTS} emails")
    emails: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or not 0 < len(item) <= MAX_EMAIL_CHARS:
            raise bad_request(f"filter.agents must hold email strings of 1..{MAX_EMAIL_CHARS} characters")
        if "\x00" in item or (not item.isascii() and not _encodable(item)):
            raise bad_request("filter.agents: emails must not contain NUL characters or lone surrogates")
        emails[normalize_email(item)] = None
    return tuple(emails) or None


def parse_user_status_body(body: object) -> UserStatusQuery:
    """Validate the whole body; the first problem found is the 400's message."""
    top = _object(body, "request body", _BODY_KEYS)
    if "filter" not in top:
        raise bad_request("filter is required")
    filters = _object(top["filter"], "filter", _FILTER_KEYS)
    if "dateFilter" not in filters:
        raise bad_request("filter.dateFilter is required")
    date_filter = _object(filters["dateFilter"], "filter.dateFilter", _DATE_FILTER_KEYS)
    emails = parse_agents(filters.get("agents"))
    offset = parse_offset(date_filter.get("timeZoneOffSet"))
    start = parse_bound(date_filter.get("startDate"), "startDate", offset, is_end=False)
    end = parse_bound(date_filter.get("endDate"), "endDate", offset, is_end=True)
    if start < 0:
        raise bad_request("startDate must not be before 1970-01-01T00:00:00Z")
    if end <= start:
        raise bad_request("endDate must be after startDate")
    if end - start > MAX_WINDOW_MS:
        raise bad_request("the date window must not exceed 31 days")
    granularity_ms = parse_granularity(top.get("granularity"))
    if -(-(end - start) // granularity_ms) > MAX_BUCKETS:
        raise bad_request(
            f"window and granularity give more than {MAX_BUCKETS} buckets per agent; "
            "use a coarser granularity or a shorter window"
        )
    return UserStatusQuery(start_ms=start, end_ms=end, granularity_ms=granularity_ms, emails=emails)
