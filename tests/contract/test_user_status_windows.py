"""UserStatus (API.md §3) windows and buckets: date and timestamp windows, timeZoneOffSet, granularity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contract.support import (
    agent_row,
    agents,
    body,
    bucket,
    held,
    interactions,
    page,
    statuses,
    tenant,
    user_status,
)

AGENT = ("u-a", "a@x.com", "Ann", "Lee", "7")


def one(intervals: list[dict[str, Any]]) -> dict[str, Any]:
    return page([agent_row(*AGENT, intervals)])


def test_dates_at_minus_330_are_indian_local_days(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, AGENT)
    statuses(
        client,
        t,
        "u-a",
        ("Available", "2022-08-24T18:00:00Z"),
        ("Offline", "2022-08-24T19:00:00Z"),
        ("Available", "2022-08-25T18:00:00Z"),
        ("Offline", "2022-08-25T18:40:00Z"),
    )
    interactions(client, t, "u-a", ("2022-08-25T18:20:00Z", "2022-08-25T18:45:00Z"))
    got = user_status(client, t, body("2022-08-25", "2022-08-25", granularity="PT24H", offset=-330))
    # Local midnight 2022-08-25 at UTC+05:30 = 2022-08-24T18:30Z; the window ends at 2022-08-25T18:30Z.
    # Available 18:30-19:00 on the 24th (1800) + 18:00-18:30 on the 25th (1800) = 3600;
    # interacting 18:20-18:30 on the 25th = 600; idle 3000.
    assert got == one([bucket("2022-08-24T18:30:00Z", "2022-08-25T18:30:00Z", held("Available", 3600, 3000, 600))])


def test_dates_at_300_are_new_york_winter_days(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, AGENT)
    statuses(
        client,
        t,
        "u-a",
        ("Busy", "2022-01-10T04:00:00Z"),
        ("Offline", "2022-01-10T06:00:00Z"),
        ("Available", "2022-01-12T04:30:00Z"),
        ("Offline", "2022-01-12T05:30:00Z"),
    )
    got = user_status(client, t, body("2022-01-10", "2022-01-11", granularity="PT24H", offset=300))
    # Local midnight at UTC-05:00 = 05:00Z; two local days. Busy 05:00-06:00 = 3600 on day one;
    # Available 04:30-05:00Z on the 12th = 1800 (the rest is after the window).
    assert got == one(
        [
            bucket("2022-01-10T05:00:00Z", "2022-01-11T05:00:00Z", held("Busy", 3600, 3600, 0)),
            bucket("2022-01-11T05:00:00Z", "2022-01-12T05:00:00Z", held("Available", 1800, 1800, 0)),
        ]
    )


@pytest.mark.parametrize("tz", [0, None])
def test_dates_at_utc_and_an_event_at_the_window_end(client: TestClient, tz: int | None) -> None:
    t = tenant(client)
    agents(client, t, AGENT)
    statuses(
        client,
        t,
        "u-a",
        ("Away", "2022-08-24T23:00:00Z"),
        ("Offline", "2022-08-25T00:10:00Z"),
        ("Available", "2022-08-26T00:00:00Z"),
    )
    got = user_status(client, t, body("2022-08-25", "2022-08-25", granularity="PT12H", offset=tz))
    # Window [2022-08-25T00:00Z, 2022-08-26T00:00Z) (offset default 0). Away 00:00-00:10 = 600; the
    # Available event at the window end is outside it, so the second bucket is empty.
    assert got == one(
        [
            bucket("2022-08-25T00:00:00Z", "2022-08-25T12:00:00Z", held("Away", 600, 600, 0)),
            bucket("2022-08-25T12:00:00Z", "2022-08-26T00:00:00Z"),
        ]
    )


@pytest.mark.parametrize(
    ("start", "end", "tz"),
    [
        ("2022-08-25T10:30:00.000Z", "2022-08-25T11:40:00.000Z", None),
        # A timestamp with a zone is not shifted by timeZoneOffSet.
        ("2022-08-25T10:30:00.000Z", "2022-08-25T11:40:00.000Z", -330),
        # Without a zone the timestamp is local: 16:00 at UTC+05:30 = 10:30Z, 17:10 = 11:40Z.
        ("2022-08-25T16:00:00.000", "2022-08-25T17:10:00.000", -330),
        # 05:30 at UTC-05:00 = 10:30Z, 06:40 = 11:40Z.
        ("2022-08-25T05:30:00.000", "2022-08-25T06:40:00.000", 300),
    ],
)
def test_timestamp_window_last_bucket_cut(client: TestClient, start: str, end: str, tz: int | None) -> None:
    t = tenant(client)
    agents(client, t, AGENT)
    statuses(client, t, "u-a", ("Available", "2022-08-25T10:00:00Z"))
    interactions(client, t, "u-a", ("2022-08-25T11:35:00Z", "2022-08-25T11:50:00Z"))
    got = user_status(client, t, body(start, end, offset=tz))
    # Window 10:30-11:40Z: buckets 10:30, 11:00 (1800 each) and 11:30-11:40 cut to 600 s, of which
    # 11:35-11:40 = 300 interacting.
    assert got == one(
        [
            bucket("2022-08-25T10:30:00Z", "2022-08-25T11:00:00Z", held("Available", 1800, 1800, 0)),
            bucket("2022-08-25T11:00:00Z", "2022-08-25T11:30:00Z", held("Available", 1800, 1800, 0)),
            bucket("2022-08-25T11:30:00Z", "2022-08-25T11:40:00Z", held("Available", 600, 300, 300)),
        ]
    )


def _shift(client: TestClient) -> Any:
    t = tenant(client)
    agents(client, t, AGENT)
    statuses(
        client,
        t,
        "u-a",
        ("Available", "2022-08-25T10:10:00Z"),
        ("Busy", "2022-08-25T10:50:00Z"),
        ("Offline", "2022-08-25T12:15:00Z"),
    )
    interactions(client, t, "u-a", ("2022-08-25T10:30:00Z", "2022-08-25T10:40:00Z"))
    return t


def test_granularity_pt1h(client: TestClient) -> None:
    t = _shift(client)
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T12:30:00Z", granularity="PT1H"))
    assert got == one(
        [
            # Available 10:10-10:50 = 2400 (interacting 10:30-10:40 = 600); Busy 10:50-11:00 = 600.
            bucket(
                "2022-08-25T10:00:00Z",
                "2022-08-25T11:00:00Z",
                held("Available", 2400, 1800, 600),
                held("Busy", 600, 600, 0),
            ),
            bucket("2022-08-25T11:00:00Z", "2022-08-25T12:00:00Z", held("Busy", 3600, 3600, 0)),
            # Cut bucket 12:00-12:30: Busy 12:00-12:15 = 900.
            bucket("2022-08-25T12:00:00Z", "2022-08-25T12:30:00Z", held("Busy", 900, 900, 0)),
        ]
    )


def test_granularity_whole_minutes(client: TestClient) -> None:
    t = _shift(client)
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T11:00:00Z", granularity=20))
    assert got == one(
        [
            # Available 10:10-10:20 = 600.
            bucket("2022-08-25T10:00:00Z", "2022-08-25T10:20:00Z", held("Available", 600, 600, 0)),
            # Available 1200, interacting 10:30-10:40 = 600.
            bucket("2022-08-25T10:20:00Z", "2022-08-25T10:40:00Z", held("Available", 1200, 600, 600)),
            # Available 10:40-10:50 = 600, Busy 10:50-11:00 = 600.
            bucket(
                "2022-08-25T10:40:00Z",
                "2022-08-25T11:00:00Z",
                held("Available", 600, 600, 0),
                held("Busy", 600, 600, 0),
            ),
        ]
    )


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("granularity", "minutes", "count"),
    [
        ("PT15M", 15, 96),
        ("PT30M", 30, 48),
        ("PT1H", 60, 24),
        ("PT2H", 120, 12),
        ("PT4H", 240, 6),
        ("PT8H", 480, 3),
        ("PT12H", 720, 2),
        ("PT24H", 1440, 1),
        (1440, 1440, 1),
        (1, 1, 1440),
        # 1440 / 7 = 205 whole buckets (1435 min) and a last one of 5 min cut at midnight.
        (7, 7, 206),
    ],
)
def test_every_granularity_lists_every_bucket_of_a_day(
    client: TestClient, granularity: Any, minutes: int, count: int
) -> None:
    t = tenant(client)
    agents(client, t, AGENT)
    statuses(client, t, "u-a", ("Busy", "2022-08-24T12:00:00Z"))
    got = user_status(client, t, body("2022-08-25", "2022-08-25", granularity=granularity, offset=0))
    day = datetime(2022, 8, 25, tzinfo=UTC)
    expected = []
    for i in range(count):
        start = day + timedelta(minutes=i * minutes)
        end = min(start + timedelta(minutes=minutes), day + timedelta(days=1))
        seconds = int((end - start).total_seconds())
        expected.append(bucket(_z(start), _z(end), held("Busy", seconds, seconds, 0)))
    assert len(expected) == count and expected[-1]["endTime"] == "2022-08-26T00:00:00Z"
    assert got == one(expected)
