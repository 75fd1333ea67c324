"""Contact Volume's and Agent Performance's 15-minute intervals for any instants (hypothesis), drawn to fall on,
just before and just after interval boundaries to the millisecond, and sent with any zone offset: a queue entry
counts in the interval of its EnterTime, an agent segment in that of its assignedAt, and the window
[fromTimeStamp, toTimeStamp) holds exactly the intervals inside it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.contract.support import entry
from tests.contract.wfm_support import (
    A1,
    QA,
    QB,
    conversation,
    ingest_conversations,
    performance,
    segment,
    setup,
    volume,
    wfm_tenant,
)

ORIGIN = datetime(2023, 6, 1, 9, 0, tzinfo=UTC)
INTERVAL_MS = 15 * 60_000
SPAN_MS = 8 * INTERVAL_MS  # the instants lie in [ORIGIN, ORIGIN + 2 h)

near_boundary = st.builds(
    lambda k, d: k * INTERVAL_MS + d, st.integers(1, 7), st.sampled_from((-1000, -1, 0, 1, 999, 1000))
)
instant_ms = st.one_of(near_boundary, st.integers(0, SPAN_MS - 1))
contacts = st.lists(
    st.tuples(instant_ms, st.booleans(), st.sampled_from((0, 330, -300))), min_size=1, max_size=12
)  # (EnterTime, queue A or B, the zone the row's times are written in: minutes east of UTC)
windows = st.tuples(st.integers(0, 8), st.integers(1, 8))  # (first interval, intervals) of the request


def _written(ms: int, east_minutes: int) -> str:
    """The instant ORIGIN + ms written with milliseconds in a zone `east_minutes` east of UTC."""
    moment = ORIGIN + timedelta(milliseconds=ms) + timedelta(minutes=east_minutes)
    sign = "-" if east_minutes < 0 else "+"
    hours, minutes = divmod(abs(east_minutes), 60)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}{sign}{hours:02d}:{minutes:02d}"


def _interval_iso(index: int) -> str:
    return f"{ORIGIN + timedelta(milliseconds=index * INTERVAL_MS):%Y-%m-%dT%H:%M:%S}.000Z"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], database=None)
@given(drawn=contacts, window=windows)
def test_entries_and_segments_count_in_the_interval_of_their_instant(
    client: TestClient, drawn: list[tuple[int, bool, int]], window: tuple[int, int]
) -> None:
    t = wfm_tenant(client, "Intervals")
    setup(client, t)
    rows = []
    for n, (enter_ms, in_a, east) in enumerate(drawn):
        queue = QA if in_a else QB
        assigned_ms = enter_ms + 500 * n  # the agent is assigned 0.5 s later per contact: other boundaries crossed
        answered = segment(A1, _written(assigned_ms, east), _written(assigned_ms + 2000, east))
        rows.append(
            conversation(
                f"c-{n:04d}-0000", _written(enter_ms, east), None, [entry(queue, _written(enter_ms, east), answered)]
            )
        )
    ingest_conversations(client, t, rows)

    first, count = window
    body = {"fromTimeStamp": _interval_iso(first), "toTimeStamp": _interval_iso(first + count)}
    inside = range(first, first + count)
    expected_volume = Counter(
        (_interval_iso(ms // INTERVAL_MS), (QA if in_a else QB).queue_id)
        for ms, in_a, _ in drawn
        if ms // INTERVAL_MS in inside
    )
    records = volume(client, t, {"orgId": "o-1", **body, "limit": 1000})["CallVolumeUpdate"]
    assert {(r["intervalStartTimeStamp"], r["queueId"]): r["offeredContacts"] for r in records} == expected_volume
    assert all(r["answeredContacts"] == r["offeredContacts"] for r in records)

    expected_segments = Counter(
        (_interval_iso((ms + 500 * n) // INTERVAL_MS), (QA if in_a else QB).queue_id)
        for n, (ms, in_a, _) in enumerate(drawn)
        if (ms + 500 * n) // INTERVAL_MS in inside
    )
    agents = performance(client, t, {**body, "limit": 100})["AgentPerformance"]
    cells = {
        (block["intervalStartTimeStamp"], queue["queueId"]): queue["offeredContacts"]
        for agent in agents
        for block in agent["intervals"]
        for queue in block["queues"]
    }
    assert cells == expected_segments
