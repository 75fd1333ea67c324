"""Wire time formats from stored epoch milliseconds, against hand-computed instants."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartassist.timefmt import datetime_to_ms, iso_ms, iso_seconds_z, seconds_z

# 2022-01-06T14:07:08.185Z: 18998 days * 86400 s + 14:07:08 = 1641478028 s.
SAMPLE_MS = 1_641_478_028_185


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (SAMPLE_MS, "2022-01-06T14:07:08.185+00:00"),
        (0, "1970-01-01T00:00:00.000+00:00"),
        (999, "1970-01-01T00:00:00.999+00:00"),
        (1_641_478_028_999, "2022-01-06T14:07:08.999+00:00"),
        (253_402_300_799_999, "9999-12-31T23:59:59.999+00:00"),
    ],
)
def test_iso_ms(ms: int, expected: str) -> None:
    assert iso_ms(ms) == expected


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (1_670_805_000_000, "2022-12-12T00:30:00Z"),
        (1_670_805_000_999, "2022-12-12T00:30:00Z"),  # sub-second digits dropped, never rounded up
        (0, "1970-01-01T00:00:00Z"),
    ],
)
def test_iso_seconds_z(ms: int, expected: str) -> None:
    assert iso_seconds_z(ms) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (1_641_478_028, "2022-01-06T14:07:08Z"),
        (86_399, "1970-01-01T23:59:59Z"),  # the day's last second
        (86_400, "1970-01-02T00:00:00Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),  # 11,016 days: a leap day
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ],
)
def test_seconds_z(seconds: int, expected: str) -> None:
    assert seconds_z(seconds) == expected


@given(st.integers(min_value=0, max_value=253_402_300_799))
def test_seconds_z_is_gmtime_and_strftime(seconds: int) -> None:
    assert seconds_z(seconds) == time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def test_datetime_to_ms_truncates_and_honours_offsets() -> None:
    assert datetime_to_ms(datetime(2022, 1, 6, 14, 7, 8, 185_999, tzinfo=UTC)) == SAMPLE_MS
    ist = timezone(timedelta(hours=5, minutes=30))
    assert datetime_to_ms(datetime(2022, 1, 6, 19, 37, 8, 185_000, tzinfo=ist)) == SAMPLE_MS
