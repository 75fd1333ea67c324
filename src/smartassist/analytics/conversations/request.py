"""Call Details request body -> a validated CallDetailsQuery (UTC window, filters, view). No I/O.

Rules (docs/API.md §7):
- `startDate`, `endDate` required: a date `yyyy-mm-dd` is a whole local day (startDate from its midnight,
  endDate to the midnight after it); a timestamp `yyyy-mm-dd HH:mm:ss` or `yyyy-mm-ddTHH:mm:ss` is that local
  instant (with `Z`/`±hh:mm`, that instant), endDate excluded. The window must not be empty, start before 1970
  or exceed 7 days.
- `timeZoneOffset` (the doc's spelling) or `timeZoneOffSet` (UserStatus'): integer minutes, UTC - local,
  -840..840, default 0; both given must agree.
- `channels`, `queues`: arrays of strings (empty = no filter); channels match a row's channel or source, in any
  case. `selectedFields`: array of the optional block names (any case); absent or null = every block a row has.
- v2 `direction`: Inbound, Outbound or Both (any case); absent = Both.
- `isAutomation` (an older vendor curl sends it) is accepted and ignored; any other field is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartassist.analytics.windows import parse_bound
from smartassist.contactcenter.call_rows import SELECTABLE_V1, SELECTABLE_V2
from smartassist.errors import bad_request

DAY_MS = 86_400_000
MAX_WINDOW_MS = 7 * DAY_MS
MAX_OFFSET_MINUTES = 840
MAX_FILTER_ITEMS = 1000
MAX_FILTER_CHARS = 128
MAX_ECHOED_NAME = 40
DIRECTIONS = {"inbound": "Inbound", "outbound": "Outbound", "both": "Both"}

_KEYS_V1 = {
    "startDate",
    "endDate",
    "timeZoneOffset",
    "timeZoneOffSet",
    "channels",
    "queues",
    "selectedFields",
    "isAutomation",
}
_KEYS_V2 = _KEYS_V1 | {"direction"}


@dataclass(frozen=True)
class CallDetailsQuery:
    """Window [start_ms, end_ms) of sessionStartTime; filters lower-cased (channels) or as given (queue ids)."""

    start_ms: int
    end_ms: int
    offset_minutes: int
    channels: tuple[str, ...]
    queues: tuple[str, ...]
    selected: frozenset[str] | None
    direction: str  # Inbound | Outbound | Both


def _offset(body: dict[str, object]) -> int:
    values = {name: body[name] for name in ("timeZoneOffset", "timeZoneOffSet") if body.get(name) is not None}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad_request(f"{name} must be an integer number of minutes (UTC - local)")
        if not -MAX_OFFSET_MINUTES <= value <= MAX_OFFSET_MINUTES:
            raise bad_request(f"{name} must be between -{MAX_OFFSET_MINUTES} and {MAX_OFFSET_MINUTES}")
    if len(set(values.values())) > 1:
        raise bad_request("timeZoneOffset and timeZoneOffSet disagree")
    return next(iter(values.values()), 0)  # type: ignore[return-value]


def _strings(value: object, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_FILTER_ITEMS:
        raise bad_request(f"{field} must be an array of at most {MAX_FILTER_ITEMS} strings")
    for item in value:
        if not isinstance(item, str) or not 0 < len(item) <= MAX_FILTER_CHARS or not item.isprintable():
            raise bad_request(f"{field} must hold strings of 1 to {MAX_FILTER_CHARS} printable characters")
    return tuple(dict.fromkeys(value))


def _bound(value: object, field: str, offset: int, *, is_end: bool) -> int:
    """Dates and timestamps as UserStatus reads them, the vendor's `yyyy-mm-dd HH:mm:ss` form too, and a
    timestamp's milliseconds kept: rows are selected by their sessionStartTime to the millisecond."""
    return parse_bound(value, field, offset, is_end=is_end, keep_millis=True, spaced=True)


def parse_call_details_body(body: object, *, v2: bool) -> CallDetailsQuery:
    """Validate the whole body; the first problem found is the 400's message."""
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    unknown = sorted(set(body) - (_KEYS_V2 if v2 else _KEYS_V1))
    if unknown:
        name = unknown[0] if len(unknown[0]) <= MAX_ECHOED_NAME else unknown[0][:MAX_ECHOED_NAME] + "..."
        raise bad_request(f"request body: unknown field {name!r}")
    offset = _offset(body)
    start = _bound(body.get("startDate"), "startDate", offset, is_end=False)
    end = _bound(body.get("endDate"), "endDate", offset, is_end=True)
    if start < 0:
        raise bad_request("startDate must not be before 1970-01-01T00:00:00Z")
    if end <= start:
        raise bad_request("endDate must be after startDate")
    if end - start > MAX_WINDOW_MS:
        raise bad_request("the date range must not exceed 7 days")
    channels = tuple(dict.fromkeys(name.lower() for name in _strings(body.get("channels"), "channels")))
    queues = _strings(body.get("queues"), "queues")
    selected: frozenset[str] | None = None
    if body.get("selectedFields") is not None:
        allowed = SELECTABLE_V2 if v2 else SELECTABLE_V1
        names = frozenset(name.lower() for name in _strings(body.get("selectedFields"), "selectedFields"))
        bad = sorted(names - allowed)
        if bad:
            raise bad_request(
                f"selectedFields: {bad[0][:MAX_ECHOED_NAME]!r} is not one of {', '.join(sorted(allowed))}"
            )
        selected = names
    direction = "Both"
    if v2 and body.get("direction") is not None:
        given = body["direction"]
        if not isinstance(given, str) or given.lower() not in DIRECTIONS:
            raise bad_request("direction must be Inbound, Outbound or Both")
        direction = DIRECTIONS[given.lower()]
    return CallDetailsQuery(start, end, offset, channels, queues, selected, direction)
