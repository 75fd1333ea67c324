"""Agent Status Details pure rendering: local times by offset, durations, which spans a window lists."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from smartassist.analytics.agent_status.render import duration, local_time, status_spans, utc_millis_z
from tests.support.rows import DAY, HOUR, MINUTE, T0

SECOND = 1000
KEYS = ["primaryStatus", "secondaryStatus", "startTime", "endTime", "duration"]


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (0, "2022-12-12T00:00:00"),
        (-330, "2022-12-12T05:30:00"),  # UTC+05:30
        (300, "2022-12-11T19:00:00"),  # New York in winter
        (840, "2022-12-11T10:00:00"),  # UTC-14:00
        (-840, "2022-12-12T14:00:00"),  # UTC+14:00
    ],
)
def test_local_time_by_offset(offset: int, expected: str) -> None:
    assert local_time(T0, offset) == expected


def test_local_time_is_truncated_to_the_second() -> None:
    assert local_time(T0 + 59_999, 0) == "2022-12-12T00:00:59"
    assert local_time(T0 - 1, 0) == "2022-12-11T23:59:59"  # floor, also just before a midnight


@pytest.mark.parametrize(
    ("length_ms", "expected"),
    [
        (0, "00:00:00"),
        (999, "00:00:00"),
        (55_999, "00:00:55"),  # 55.x seconds: rounded down, as the vendor's 21:38:52 -> 21:39:48 row
        (HOUR - 1, "00:59:59"),
        (32 * HOUR + 17 * MINUTE + 4 * SECOND, "32:17:04"),  # the vendor's 32-hour span
        (100 * HOUR, "100:00:00"),
    ],
)
def test_duration(length_ms: int, expected: str) -> None:
    assert duration(T0 + 123, T0 + 123 + length_ms) == expected


def test_utc_millis_z() -> None:
    assert utc_millis_z(T0 + 51_886) == "2022-12-12T00:00:51.886Z"
    assert utc_millis_z(T0 + 7) == "2022-12-12T00:00:00.007Z"


def spans(events: list[tuple[int, str, str | None]], start: int = T0, end: int = T0 + DAY) -> list[tuple[str, ...]]:
    """(primaryStatus, secondaryStatus, startTime, endTime, duration) of each span, keys checked in order."""
    text = status_spans(events, start, end, 0)
    if not text:
        return []
    listed = json.loads(text)
    assert listed and all(list(span) == KEYS for span in listed)
    return [tuple(span.values()) for span in listed]


def test_a_span_begun_before_the_window_is_shown_whole() -> None:
    assert spans([(T0 - 2 * HOUR, "Available", None), (T0 + HOUR, "Busy", "lunch")]) == [
        ("AVAILABLE", "AVAILABLE", "2022-12-11T22:00:00", "2022-12-12T01:00:00", "03:00:00"),
        ("BUSY", "LUNCH", "2022-12-12T01:00:00", "-", "-"),
    ]


def test_a_span_crossing_the_window_end_is_closed_by_the_next_event_after_it() -> None:
    events = [(T0 + DAY - HOUR, "Away", None), (T0 + DAY + HOUR, "Available", None)]
    assert spans(events) == [("AWAY", "AWAY", "2022-12-12T23:00:00", "2022-12-13T01:00:00", "02:00:00")]


def test_an_event_exactly_at_the_window_start_begins_the_first_span() -> None:
    # The span before it ends exactly at the start: it does not overlap [start, end).
    events = [(T0 - HOUR, "Busy", None), (T0, "Available", None), (T0 + MINUTE, "Offline", None)]
    assert spans(events) == [("AVAILABLE", "AVAILABLE", "2022-12-12T00:00:00", "2022-12-12T00:01:00", "00:01:00")]


def test_an_event_exactly_at_the_window_end_is_outside_it() -> None:
    events = [(T0 + DAY - MINUTE, "Away", None), (T0 + DAY, "Busy", None)]
    assert spans(events) == [("AWAY", "AWAY", "2022-12-12T23:59:00", "2022-12-13T00:00:00", "00:01:00")]


def test_events_at_the_same_millisecond_the_later_one_holds() -> None:
    events = [(T0 + HOUR, "Busy", None), (T0 + HOUR, "Available", None), (T0 + 2 * HOUR, "Offline", None)]
    assert spans(events) == [("AVAILABLE", "AVAILABLE", "2022-12-12T01:00:00", "2022-12-12T02:00:00", "01:00:00")]


def test_offline_is_never_listed_in_any_casing() -> None:
    assert spans([(T0 + HOUR, "Offline", None)]) == []
    assert spans([(T0 - HOUR, " OFFLINE ", "x"), (T0 + HOUR, "offline", None)]) == []


def test_status_and_reason_are_upper_cased() -> None:
    assert spans([(T0, "On Break", "nbk")]) == [("ON BREAK", "NBK", "2022-12-12T00:00:00", "-", "-")]
    assert spans([(T0, "busy", "")]) == [("BUSY", "BUSY", "2022-12-12T00:00:00", "-", "-")]


def test_no_events_or_only_after_the_window_give_no_span() -> None:
    assert spans([]) == []
    assert spans([(T0 + DAY, "Available", None)]) == []
    # A span that ended before the window is not listed; the open one after it is, begun before the window.
    assert spans([(T0 - 2 * HOUR, "Busy", None), (T0 - HOUR, "Available", None)]) == [
        ("AVAILABLE", "AVAILABLE", "2022-12-11T23:00:00", "-", "-")
    ]


def test_sub_second_edges_are_truncated_but_the_duration_uses_the_exact_length() -> None:
    events = [(T0 + 52_600, "Busy", None), (T0 + 108_100, "Offline", None)]  # 55.5 s
    assert spans(events) == [("BUSY", "BUSY", "2022-12-12T00:00:52", "2022-12-12T00:01:48", "00:00:55")]


def test_spans_sharing_an_edge_and_statuses_needing_escapes() -> None:
    events = [(T0, 'Say "hi"', None), (T0 + SECOND, "Busy", "R\\1"), (T0 + 3 * SECOND, "Offline", None)]
    assert spans(events) == [
        ('SAY "HI"', 'SAY "HI"', "2022-12-12T00:00:00", "2022-12-12T00:00:01", "00:00:01"),
        ("BUSY", "R\\1", "2022-12-12T00:00:01", "2022-12-12T00:00:03", "00:00:02"),
    ]


@pytest.mark.parametrize("offset", [-840, -330, 0, 300, 840])
def test_local_time_matches_a_datetime_model(offset: int) -> None:
    for ms in range(T0 - 3 * DAY, T0 + 3 * DAY, 7 * HOUR + 13 * MINUTE + 17_321):
        moment = datetime.fromtimestamp(ms // 1000, UTC) - timedelta(minutes=offset)
        assert local_time(ms, offset) == moment.strftime("%Y-%m-%dT%H:%M:%S")
