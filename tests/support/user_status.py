"""UserStatus request bodies."""

from __future__ import annotations

from typing import Any


def user_status_body(
    start: Any, end: Any, granularity: Any = "PT30M", offset: Any = None, agents: Any = None
) -> dict[str, Any]:
    """A UserStatus request body; timeZoneOffSet and filter.agents only when given."""
    date_filter: dict[str, Any] = {"startDate": start, "endDate": end}
    if offset is not None:
        date_filter["timeZoneOffSet"] = offset
    filters: dict[str, Any] = {"dateFilter": date_filter}
    if agents is not None:
        filters["agents"] = agents
    return {"filter": filters, "granularity": granularity}
