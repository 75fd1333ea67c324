"""Call Details' whole local days, for any rows and offsets (hypothesis): a window of local dates holds exactly the
rows whose sessionStartTime falls on one of those dates at the request's timeZoneOffset, in start order, each
time shifted by the offset; rows ingested with naive times at one offset and read at another move by the
difference (§9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contract.conversations_support import V2, call_details, conversation, ingest_conversations, new_tenant

MIDNIGHT = datetime(2024, 2, 29, tzinfo=UTC)  # a leap day: local dates around it cross Feb 28, Feb 29 and Mar 1
OFFSETS = st.integers(-840, 840)  # minutes, UTC - local (JavaScript's sign)
STARTS = st.lists(st.integers(-36 * 3600, 36 * 3600), min_size=1, max_size=20, unique=True)  # seconds from MIDNIGHT


def _naive(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
@given(
    starts=STARTS,
    ingest_offset=OFFSETS,
    read_offset=OFFSETS,
    first_day=st.integers(-2, 1),
    days=st.integers(1, 3),
)
def test_a_window_of_local_days_holds_the_rows_that_start_on_them(
    client: TestClient, starts: list[int], ingest_offset: int, read_offset: int, first_day: int, days: int
) -> None:
    t = new_tenant(client, "Local days")
    instants = {f"c-{n:02d}": MIDNIGHT + timedelta(seconds=s) for n, s in enumerate(starts)}
    # Naive times, read at the ingest's offset: the instant's wall time there.
    rows = [
        conversation(
            cid, _naive(at - timedelta(minutes=ingest_offset)), _naive(at + timedelta(minutes=3 - ingest_offset))
        )
        for cid, at in instants.items()
    ]
    ingest_conversations(client, t, rows, offset=ingest_offset)

    first = (MIDNIGHT + timedelta(days=first_day)).date()
    last = first + timedelta(days=days - 1)
    body = {"startDate": first.isoformat(), "endDate": last.isoformat(), "timeZoneOffset": read_offset}
    got = call_details(client, t, body, V2, limit=100)

    local = {cid: at - timedelta(minutes=read_offset) for cid, at in instants.items()}
    expected = sorted((at, cid) for cid, at in local.items() if first <= at.date() <= last)
    assert [row["conversationId"] for row in got] == [cid for _, cid in expected]
    for row in got:
        at = local[row["conversationId"]]
        assert row["sessionStartTime"] == _naive(at)
        assert row["sessionEndTime"] == _naive(at + timedelta(minutes=3))
