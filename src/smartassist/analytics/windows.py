"""Request parsing shared by the analytics routes: JSON objects with known keys, timeZoneOffSet, window
bounds (a local date or an ISO-8601 timestamp) and the agent email filter. No I/O.

Every violation is a 400 naming the field in plain words. Rules (also in docs/API.md):
- Each bound is read by its own form: a date startDate is the local midnight starting that day, a date
  endDate the local midnight ending that day; a timestamp is that instant. So a date and a timestamp
  may be mixed.
- A timestamp with `Z` or `±hh:mm` is that instant (timeZoneOffSet does not apply); without a zone it is
  local time by timeZoneOffSet. Fractions of a second are dropped unless the caller keeps milliseconds.
- `timeZoneOffSet`: a JSON integer (JS getTimezoneOffset: UTC - local), -840..840, default 0.
- `filter.agents`: omitted, null or [] -> every agent of the account; duplicates ignored.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from smartassist.errors import bad_request
from smartassist.ids import normalize_email
from smartassist.timefmt import datetime_to_ms

DAY_MS = 86_400_000
MAX_AGENTS = 1000
MAX_EMAIL_CHARS = 320
MAX_OFFSET_MINUTES = 840
MAX_ECHOED_NAME = 40  # an unknown field's name is repeated in the 400, but never a caller's megabyte

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?", re.ASCII
)


def json_object(value: object, where: str, allowed: set[str]) -> dict[str, object]:
    """`value` as a JSON object holding only `allowed` keys."""
    if not isinstance(value, dict):
        raise bad_request(f"{where} must be a JSON object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        name = unknown[0] if len(unknown[0]) <= MAX_ECHOED_NAME else unknown[0][:MAX_ECHOED_NAME] + "..."
        raise bad_request(f"{where}: unknown field {name!r}")
    return value


def filter_objects(
    body: object, body_keys: set[str], date_filter_keys: set[str]
) -> tuple[dict[str, object], dict[str, object], dict[str, object]]:
    """The body, its required `filter` ({agents?, dateFilter}) and `filter.dateFilter`, each with known keys."""
    top = json_object(body, "request body", body_keys)
    if "filter" not in top:
        raise bad_request("filter is required")
    filters = json_object(top["filter"], "filter", {"agents", "dateFilter"})
    if "dateFilter" not in filters:
        raise bad_request("filter.dateFilter is required")
    return top, filters, json_object(filters["dateFilter"], "filter.dateFilter", date_filter_keys)


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


def parse_bound(
    value: object,
    field: str,
    offset_minutes: int,
    *,
    is_end: bool,
    dates: bool = True,
    keep_millis: bool = False,
    spaced: bool = False,
) -> int:
    """One window bound as UTC epoch ms: a date is a local midnight (the one after it for endDate).

    `dates=False` accepts timestamps only; `keep_millis` keeps a timestamp's milliseconds (else dropped);
    `spaced` also accepts the vendor's `yyyy-mm-dd HH:mm:ss` (a space for the `T`, Call Details), and the 400s
    name that form too.
    """
    if not isinstance(value, str):
        raise bad_request(f"{field} is required: {_forms(dates, spaced)}")
    if spaced and len(value) > 10 and value[10] == " ":
        value = f"{value[:10]}T{value[11:]}"
    try:
        return _bound_ms(
            value, field, offset_minutes, is_end=is_end, dates=dates, keep_millis=keep_millis, spaced=spaced
        )
    except OverflowError:
        raise bad_request(f"{field} is out of range") from None


def _forms(dates: bool, spaced: bool) -> str:
    """The bound forms a route accepts, in words."""
    if not dates:
        return "an ISO-8601 timestamp"
    if spaced:
        return "a date yyyy-mm-dd, a time yyyy-mm-dd HH:mm:ss or an ISO-8601 timestamp"
    return "a date yyyy-mm-dd or an ISO-8601 timestamp"


@lru_cache(maxsize=1024)
def _bound_ms(
    text: str, field: str, offset_minutes: int, *, is_end: bool, dates: bool, keep_millis: bool, spaced: bool
) -> int:
    """Remembered: a dashboard sends the same bounds poll after poll, and the regular expressions and datetime
    arithmetic were 3 % of an in-process Call Details request's CPU (py-spy). Only a valid bound is kept (a
    refused one raises), so at most 1,024 texts of a timestamp's length."""
    local_to_utc = timedelta(minutes=offset_minutes)  # local + (UTC - local) = UTC
    if dates and _DATE.fullmatch(text):
        day = _calendar_date(text, field) + timedelta(days=1 if is_end else 0)
        return datetime_to_ms(datetime(day.year, day.month, day.day, tzinfo=UTC) + local_to_utc)
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        like = "2022-08-25T10:30:00.000Z" if dates else "2023-04-02T09:45:00Z"
        raise bad_request(f"{field} must be {_forms(dates, spaced)} like {like}")
    day_text, hour, minute, second, fraction, zone = match.groups()
    day = _calendar_date(day_text, field)
    try:
        moment = datetime(day.year, day.month, day.day, int(hour), int(minute), int(second or 0), tzinfo=UTC)
    except ValueError:
        raise bad_request(f"{field} is not a valid time of day") from None
    if keep_millis and fraction:
        moment += timedelta(milliseconds=int(fraction[:3].ljust(3, "0")))
    if zone is None:
        return datetime_to_ms(moment + local_to_utc)
    if zone == "Z":
        return datetime_to_ms(moment)
    zone_hours, zone_minutes = int(zone[1:3]), int(zone[4:6])
    if zone_hours > 23 or zone_minutes > 59:
        raise bad_request(f"{field} has an invalid UTC offset")
    east = timedelta(hours=zone_hours, minutes=zone_minutes)
    return datetime_to_ms(moment - east if zone[0] == "+" else moment + east)


def check_window(start: int, end: int, max_ms: int, *, start_field: str, end_field: str, limit: str) -> None:
    """A window [start, end) that starts after 1970, is not empty and spans at most max_ms (`limit` in words)."""
    if start < 0:
        raise bad_request(f"{start_field} must not be before 1970-01-01T00:00:00Z")
    if end <= start:
        raise bad_request(f"{end_field} must be after {start_field}")
    if end - start > max_ms:
        raise bad_request(f"the date window must not exceed {limit}")


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
