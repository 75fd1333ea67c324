"""UserStatus and Agent Status Details read one status history: for any history of an agent (statuses in any
casing, custom ones, several at the same second, Offline between), any window (cut inside spans, before the first
event, after the last) and any offset, each status's UserStatus seconds are the seconds of ASD's spans of that
status inside the window (hypothesis). Times are whole seconds, so both routes' figures are exact."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.ingest import agent, ok, post
from tests.support.status_seconds import span_seconds, user_status_seconds
from tests.support.tenants import ANALYTICS, INGEST, create_account, create_app
from tests.support.tokens import token

ORIGIN = datetime(2022, 8, 25, tzinfo=UTC)
HOUR = 3600
# Title-cased, these are Available, Busy, Away, On Call; any casing of Offline is never reported by either route.
STATUSES = ("Available", "available", "Busy", "Away", "on call", "Offline", "OFFLINE")
BASE = "/agentassist/api/public/analytics/account/{}"

events = st.lists(
    st.tuples(
        st.integers(0, 30 * HOUR),  # seconds after ORIGIN; repeats make events at the same second
        st.sampled_from(STATUSES),
        st.sampled_from((None, "Lunch", "Meeting")),
    ),
    max_size=10,
)
windows = st.tuples(st.integers(-3 * HOUR, 32 * HOUR), st.integers(1, 30 * HOUR))  # start, length (seconds)
offsets = st.sampled_from((0, -330, 300, 60, -840))


def _local(moment: datetime, offset_minutes: int) -> str:
    """The local wall time of an instant (timeZoneOffSet: UTC - local, in minutes), as both routes take it."""
    return (moment - timedelta(minutes=offset_minutes)).strftime("%Y-%m-%dT%H:%M:%S")


def _post(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
@given(history=events, window=windows, offset=offsets)
def test_user_status_seconds_are_agent_status_details_spans(
    client: TestClient, history: list[tuple[int, str, str | None]], window: tuple[int, int], offset: int
) -> None:
    account = create_account(client, "Histories")
    headers = {"auth": token(create_app(client, account, scopes=[ANALYTICS, INGEST]))}
    ok(post(client, account, "agents", [agent(1)], headers), 1, 0)
    records = [
        {
            "eventId": f"ev-{n:02d}",
            "agent": "agent1@example.com",
            "status": status,
            "timestamp": f"{ORIGIN + timedelta(seconds=at):%Y-%m-%dT%H:%M:%S}Z",
            **({"reason": reason} if reason else {}),
        }
        for n, (at, status, reason) in enumerate(history)
    ]
    if records:
        ok(post(client, account, "agent-status-events", records, headers), len(records), 0)
    start = ORIGIN + timedelta(seconds=window[0])
    end = start + timedelta(seconds=window[1])
    date_filter = {"startDate": _local(start, offset), "endDate": _local(end, offset), "timeZoneOffSet": offset}

    summary = _post(
        client,
        BASE.format(account) + "/userstatus",
        {"filter": {"dateFilter": date_filter}, "granularity": "PT24H"},
        headers,
    )["data"]
    details = _post(
        client, BASE.format(account) + "/v2/agentstatusdetails", {"filter": {"dateFilter": date_filter}}, headers
    )
    spans = [span for item in details["data"] for span in item.get("status", [])]
    assert user_status_seconds(summary) == span_seconds(spans, start, end, offset)
