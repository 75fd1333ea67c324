"""Agent Status Details request body -> a validated AgentStatusQuery (UTC window, offset, emails). No I/O.

Rules (contract section 7; the shared ones in analytics/windows.py; all in docs/API.md section 5):
- `filter` and `filter.dateFilter` are required; unknown fields are refused (400), as in UserStatus.
- `dateFilter` holds either `date` (`yyyy-mm-dd`, one whole local day) or both `startDate` and `endDate`
  (each a date, as UserStatus, or a timestamp: local `yyyy-mm-ddTHH:MM:SS` as the v2 sample, or with `Z` /
  `±hh:mm`); `date` together with startDate or endDate is a 400. Every version accepts every form.
- The window [start, end) must not be empty, start before 1970 or span more than 31 days.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartassist.analytics.windows import (
    DAY_MS,
    check_window,
    filter_objects,
    parse_agents,
    parse_bound,
    parse_offset,
)
from smartassist.errors import bad_request

MAX_WINDOW_MS = 31 * DAY_MS

_BODY_KEYS = {"filter"}
_DATE_FILTER_KEYS = {"date", "startDate", "endDate", "timeZoneOffSet"}


@dataclass(frozen=True)
class AgentStatusQuery:
    """Window [start_ms, end_ms) in UTC epoch ms, timeZoneOffSet (minutes, UTC - local), emails (lower case)."""

    start_ms: int
    end_ms: int
    offset_minutes: int
    emails: tuple[str, ...] | None


def parse_agent_status_body(body: object) -> AgentStatusQuery:
    """Validate the whole body; the first problem found is the 400's message."""
    _, filters, date_filter = filter_objects(body, _BODY_KEYS, _DATE_FILTER_KEYS)
    emails = parse_agents(filters.get("agents"))
    offset = parse_offset(date_filter.get("timeZoneOffSet"))
    if "date" in date_filter:
        if "startDate" in date_filter or "endDate" in date_filter:
            raise bad_request("filter.dateFilter: give either date or startDate and endDate, not both")
        day = date_filter["date"]
        if not isinstance(day, str) or "T" in day:
            raise bad_request("date must be a date yyyy-mm-dd")
        start = parse_bound(day, "date", offset, is_end=False)
        end = parse_bound(day, "date", offset, is_end=True)
    else:
        start = parse_bound(date_filter.get("startDate"), "startDate", offset, is_end=False)
        end = parse_bound(date_filter.get("endDate"), "endDate", offset, is_end=True)
    check_window(start, end, MAX_WINDOW_MS, start_field="startDate", end_field="endDate", limit="31 days")
    return AgentStatusQuery(start_ms=start, end_ms=end, offset_minutes=offset, emails=emails)
