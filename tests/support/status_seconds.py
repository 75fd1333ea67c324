"""Seconds per status as two routes report them: UserStatus' AgentStatus sums and Agent Status Details' spans
inside a window, each keyed by the status upper-cased (as ASD writes it), statuses without a second left out."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any


def user_status_seconds(agents: list[dict[str, Any]]) -> Counter[str]:
    """Σ of the AgentStatus sums (`"<n> sec"`) over the agents' buckets, by status."""
    seconds: Counter[str] = Counter()
    for agent in agents:
        for bucket in agent["timeInterval"]:
            for entry in bucket["status"]:
                if entry["metric"] == "AgentStatus":
                    seconds[entry["value"].upper()] += int(entry["stats"]["sum"].split()[0])
    return +seconds


def span_seconds(spans: list[dict[str, Any]], start: datetime, end: datetime, offset_minutes: int = 0) -> Counter[str]:
    """The seconds of ASD spans (local times at `offset_minutes`, `-` for the open end) inside [start, end)."""

    def instant(text: str) -> datetime:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC) + timedelta(minutes=offset_minutes)

    seconds: Counter[str] = Counter()
    for span in spans:
        span_start = max(instant(span["startTime"]), start)
        span_end = end if span["endTime"] == "-" else min(instant(span["endTime"]), end)
        seconds[span["primaryStatus"]] += max(0, int((span_end - span_start).total_seconds()))
    return +seconds
