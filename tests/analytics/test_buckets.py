"""Bucketing rules on small hand-computed cases (pure functions, no database)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smartassist.analytics.buckets import (
    IntervalRenderer,
    bucket_bounds,
    merge_intervals,
    seconds,
    tally_buckets,
    title_case,
)
from tests.analytics.data import DAY, HOUR, MINUTE, T0

S = 1000


def timeline(events: list[tuple[int, str]], interactions: list[tuple[int, int | None]] | None = None, *,
             start: int = T0, end: int = T0 + HOUR, granularity: int = 30 * MINUTE,
             now: int = T0 + DAY) -> Any:
    tallies = tally_buckets(start, end, granularity, now, events, interactions or [])
    return json.loads(IntervalRenderer(bucket_bounds(start, end, granularity)).render(tallies))


def status(title: str, total: int, idle: int, interacting: int, upper: str | None = None) -> list[dict[str, Any]]:
    """The three entries of one status, sums in seconds as written by hand in each test."""
    return [
        {"metric": "AgentStatus", "value": title, "stats": {"sum": f"{total} sec"}},
        {"metric": "AgentState", "value": f"{title}:Idle", "stats": {"sum": f"{idle} sec"}},
        {"metric": "AgentState", "value": f"{upper or title.upper()}:Interacting",
         "stats": {"sum": f"{interacting} sec"}},
    ]


def bucket(start: str, end: str, *statuses: list[dict[str, Any]]) -> dict[str, Any]:
    return {"startTime": f"2022-12-12T{start}Z", "endTime": f"2022-12-12T{end}Z",
            "status": [entry for entries in statuses for entry in entries]}


def test_status_changing_mid_bucket_and_window_starting_inside_a_status() -> None:
    # Available since 23:50 the day before, Busy from 00:10: bucket 1 = 600 s + 1200 s, bucket 2 = 1800 s Busy.
    events = [(T0 - 10 * MINUTE, "Available"), (T0 + 10 * MINUTE, "Busy")]
    assert timeline(events) == [
        bucket("00:00:00", "00:30:00", status("Available", 600, 600, 0), status("Busy", 1200, 1200, 0)),
        bucket("00:30:00", "01:00:00", status("Busy", 1800, 1800, 0)),
    ]


def test_interaction_spanning_buckets_and_status_changes() -> None:
    # Available 00:00-00:20, Busy after; one interaction 00:10-00:40.
    events = [(T0, "Available"), (T0 + 20 * MINUTE, "Busy")]
    interactions: list[tuple[int, int | None]] = [(T0 + 10 * MINUTE, T0 + 40 * MINUTE)]
    assert timeline(events, interactions) == [
        bucket("00:00:00", "00:30:00", status("Available", 1200, 600, 600), status("Busy", 600, 0, 600)),
        bucket("00:30:00", "01:00:00", status("Busy", 1800, 1200, 600)),
    ]


def test_overlapping_interactions_count_once() -> None:
    # 00:05-00:15, 00:10-00:20 and 00:12-00:13 cover 00:05-00:20 = 900 s.
    interactions: list[tuple[int, int | None]] = [(T0 + 5 * MINUTE, T0 + 15 * MINUTE),
                                                  (T0 + 10 * MINUTE, T0 + 20 * MINUTE),
                                                  (T0 + 12 * MINUTE, T0 + 13 * MINUTE)]
    assert timeline([(T0, "Available")], interactions, end=T0 + 30 * MINUTE) == [
        bucket("00:00:00", "00:30:00", status("Available", 1800, 900, 900)),
    ]


def test_last_bucket_cut_short_with_granularity_20_minutes() -> None:
    events = [(T0 - HOUR, "busy")]
    assert timeline(events, end=T0 + 50 * MINUTE, granularity=20 * MINUTE) == [
        bucket("00:00:00", "00:20:00", status("Busy", 1200, 1200, 0)),
        bucket("00:20:00", "00:40:00", status("Busy", 1200, 1200, 0)),
        bucket("00:40:00", "00:50:00", status("Busy", 600, 600, 0)),
    ]


def test_offline_excluded_and_bucket_without_status_is_empty() -> None:
    # Available 00:00-00:10, Offline 00:10-01:10, AVAILABLE (same status, other casing) from 01:10.
    events = [(T0, "Available"), (T0 + 10 * MINUTE, "OFFLINE"), (T0 + 70 * MINUTE, "AVAILABLE")]
    interactions: list[tuple[int, int | None]] = [(T0 + 20 * MINUTE, T0 + 75 * MINUTE)]  # 00:20-01:10 is Offline
    assert timeline(events, interactions, end=T0 + 90 * MINUTE) == [
        bucket("00:00:00", "00:30:00", status("Available", 600, 600, 0)),
        bucket("00:30:00", "01:00:00"),
        bucket("01:00:00", "01:30:00", status("Available", 1200, 900, 300)),
    ]


@pytest.mark.parametrize("events", [
    [],
    [(T0 - HOUR, "Offline")],
    [(T0 + 2 * HOUR, "Available")],  # after the window
    [(T0 - HOUR, "Available"), (T0 - HOUR, "Offline")],  # same instant: the later row wins
], ids=["no-events", "offline", "after-window", "same-ts-offline-last"])
def test_agent_without_status_time_has_no_buckets(events: list[tuple[int, str]]) -> None:
    assert timeline(events) == []


def test_open_status_and_open_interaction_run_until_now_in_a_window_reaching_the_future() -> None:
    now = T0 + 45 * MINUTE
    interactions: list[tuple[int, int | None]] = [(T0 + 40 * MINUTE, None)]
    assert timeline([(T0, "Available")], interactions, end=T0 + 2 * HOUR, now=now) == [
        bucket("00:00:00", "00:30:00", status("Available", 1800, 1800, 0)),
        bucket("00:30:00", "01:00:00", status("Available", 900, 600, 300)),
        bucket("01:00:00", "01:30:00"),
        bucket("01:30:00", "02:00:00"),
    ]


def test_window_entirely_in_the_future_lists_nothing() -> None:
    assert timeline([(T0 - HOUR, "Available")], now=T0 - MINUTE) == []


def test_each_entry_rounded_half_up_on_its_own() -> None:
    # Available 3.0 s of which 1.5 s interacting: 3, 2 and 2 (Idle + Interacting = 4 > 3 is expected).
    events = [(T0, "Available"), (T0 + 3 * S, "Busy")]
    interactions: list[tuple[int, int | None]] = [(T0 + 1500, T0 + 3 * S)]
    assert timeline(events, interactions, end=T0 + MINUTE, granularity=MINUTE) == [
        bucket("00:00:00", "00:01:00", status("Available", 3, 2, 2), status("Busy", 57, 57, 0)),
    ]


def test_status_order_is_first_appearance_in_each_bucket() -> None:
    events = [(T0, "Busy"), (T0 + 5 * MINUTE, "Available"), (T0 + 10 * MINUTE, "Busy"),
              (T0 + 40 * MINUTE, "Available")]
    assert timeline(events) == [
        bucket("00:00:00", "00:30:00", status("Busy", 1500, 1500, 0), status("Available", 300, 300, 0)),
        bucket("00:30:00", "01:00:00", status("Busy", 600, 600, 0), status("Available", 1200, 1200, 0)),
    ]


def test_custom_multi_word_status_casing() -> None:
    events = [(T0, "  on   BREAK ")]
    assert timeline(events, end=T0 + 30 * MINUTE) == [
        bucket("00:00:00", "00:30:00", status("On Break", 1800, 1800, 0, upper="ON BREAK")),
    ]


@pytest.mark.parametrize(("raw", "title"), [
    ("available", "Available"), ("AWAY", "Away"), ("on break", "On Break"), ("ON\tBREAK", "On Break"),
    ("on-call", "On-call"), ("after_call_work", "After_call_work"), ("don't disturb", "Don't Disturb"),
])
def test_title_case(raw: str, title: str) -> None:
    assert title_case(raw) == title


@pytest.mark.parametrize(("ms", "sec"), [(0, 0), (499, 0), (500, 1), (1499, 1), (1500, 2), (919_000, 919)])
def test_seconds_round_half_up(ms: int, sec: int) -> None:
    assert seconds(ms) == sec


def test_merge_intervals_unions_sorts_and_closes_open_ones() -> None:
    assert merge_intervals([(50, 60), (10, 20), (15, 30), (30, 40), (70, None), (5, 5)], now=100) == [
        (10, 40), (50, 60), (70, 100)]


def test_status_names_with_json_and_format_characters_are_escaped() -> None:
    text = IntervalRenderer(bucket_bounds(T0, T0 + MINUTE, MINUTE)).render(
        tally_buckets(T0, T0 + MINUTE, MINUTE, T0 + DAY, [(T0, '50% "Break"\\')], []))
    assert json.loads(text) == [bucket("00:00:00", "00:01:00", status('50% "break"\\', 60, 60, 0))]
