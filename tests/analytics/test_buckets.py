"""Bucketing rules on small hand-computed cases (pure functions, no database), and the C module's handling
of bad input, extreme values and large grids."""

from __future__ import annotations

import json
import sys
import tracemalloc
from typing import Any

import pytest

from smartassist.analytics.user_status import _sweep
from smartassist.analytics.user_status.buckets import IntervalRenderer, title_case
from tests.support.rows import DAY, HOUR, MINUTE, T0

S = 1000


def timeline(
    events: list[tuple[int, str]],
    interactions: list[tuple[int, int | None]] | None = None,
    *,
    start: int = T0,
    end: int = T0 + HOUR,
    granularity: int = 30 * MINUTE,
    now: int = T0 + DAY,
) -> Any:
    return json.loads(IntervalRenderer(start, end, granularity, now).render(events, interactions or []))


def status(title: str, total: int, idle: int, interacting: int, upper: str | None = None) -> list[dict[str, Any]]:
    """The three entries of one status, sums in seconds as written by hand in each test."""
    return [
        {"metric": "AgentStatus", "value": title, "stats": {"sum": f"{total} sec"}},
        {"metric": "AgentState", "value": f"{title}:Idle", "stats": {"sum": f"{idle} sec"}},
        {
            "metric": "AgentState",
            "value": f"{upper or title.upper()}:Interacting",
            "stats": {"sum": f"{interacting} sec"},
        },
    ]


def bucket(start: str, end: str, *statuses: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "startTime": f"2022-12-12T{start}Z",
        "endTime": f"2022-12-12T{end}Z",
        "status": [entry for entries in statuses for entry in entries],
    }


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
    interactions: list[tuple[int, int | None]] = [
        (T0 + 5 * MINUTE, T0 + 15 * MINUTE),
        (T0 + 10 * MINUTE, T0 + 20 * MINUTE),
        (T0 + 12 * MINUTE, T0 + 13 * MINUTE),
    ]
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


@pytest.mark.parametrize(
    "events",
    [
        [],
        [(T0 - HOUR, "Offline")],
        [(T0 + 2 * HOUR, "Available")],  # after the window
        [(T0 - HOUR, "Available"), (T0 - HOUR, "Offline")],  # same instant: the later row wins
    ],
    ids=["no-events", "offline", "after-window", "same-ts-offline-last"],
)
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
    events = [(T0, "Busy"), (T0 + 5 * MINUTE, "Available"), (T0 + 10 * MINUTE, "Busy"), (T0 + 40 * MINUTE, "Available")]
    assert timeline(events) == [
        bucket("00:00:00", "00:30:00", status("Busy", 1500, 1500, 0), status("Available", 300, 300, 0)),
        bucket("00:30:00", "01:00:00", status("Busy", 600, 600, 0), status("Available", 1200, 1200, 0)),
    ]


def test_custom_multi_word_status_casing() -> None:
    events = [(T0, "  on   BREAK ")]
    assert timeline(events, end=T0 + 30 * MINUTE) == [
        bucket("00:00:00", "00:30:00", status("On Break", 1800, 1800, 0, upper="ON BREAK")),
    ]


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("available", "Available"),
        ("AWAY", "Away"),
        ("on break", "On Break"),
        ("ON\tBREAK", "On Break"),
        ("on-call", "On-call"),
        ("after_call_work", "After_call_work"),
        ("don't disturb", "Don't Disturb"),
    ],
)
def test_title_case(raw: str, title: str) -> None:
    assert title_case(raw) == title


@pytest.mark.parametrize(("ms", "available", "busy"), [(499, 0, 60), (500, 1, 60), (1499, 1, 59), (1500, 2, 59)])
def test_seconds_round_half_up(ms: int, available: int, busy: int) -> None:
    # Available for `ms`, Busy for the rest of the minute (60 000 - ms: 59 501 -> 60, 58 500 -> 59).
    events = [(T0, "Available"), (T0 + ms, "Busy")]
    assert timeline(events, end=T0 + MINUTE, granularity=MINUTE) == [
        bucket("00:00:00", "00:01:00", status("Available", available, available, 0), status("Busy", busy, busy, 0)),
    ]


def test_interactions_unioned_sorted_and_open_ones_closed_at_now() -> None:
    # Union of 10-20, 15-30, 30-40 (touching), 50-60, 70-None (now = 100) = 30 + 10 + 30 = 70 s;
    # 5-5 (empty) and 80-75 (negative) count for nothing.
    interactions: list[tuple[int, int | None]] = [
        (T0 + start * S, None if end is None else T0 + end * S)
        for start, end in [(50, 60), (10, 20), (15, 30), (30, 40), (70, None), (5, 5), (80, 75)]
    ]
    assert timeline([(T0, "Available")], interactions, end=T0 + 100 * S, granularity=100 * S, now=T0 + 100 * S) == [
        bucket("00:00:00", "00:01:40", status("Available", 100, 30, 70)),
    ]


def test_status_names_with_json_and_format_characters_are_escaped() -> None:
    text = IntervalRenderer(T0, T0 + MINUTE, MINUTE, T0 + DAY).render([(T0, '50% "Break"\\ caf\u00e9')], [])
    assert text.isascii()
    assert json.loads(text) == [bucket("00:00:00", "00:01:00", status('50% "break"\\ Caf\u00e9', 60, 60, 0))]


def test_renderer_shared_by_agents_keeps_each_agents_statuses_apart() -> None:
    renderer = IntervalRenderer(T0, T0 + 30 * MINUTE, 30 * MINUTE, T0 + DAY)
    first = renderer.render([(T0, "busy")], [(T0, T0 + MINUTE)])
    second = renderer.render([(T0, "Available"), (T0 + 10 * MINUTE, "BUSY")], [])
    assert json.loads(first) == [bucket("00:00:00", "00:30:00", status("Busy", 1800, 1740, 60))]
    assert json.loads(second) == [
        bucket("00:00:00", "00:30:00", status("Available", 600, 600, 0), status("Busy", 1200, 1200, 0))
    ]


# --- the C module (_sweep): bad input raises, extreme values and sizes ---


@pytest.mark.parametrize(
    ("events", "interactions", "error"),
    [
        (5, [], TypeError),  # not iterable
        ([[T0, "Available"]], [], TypeError),  # a list, not a tuple
        ([(T0,)], [], ValueError),
        ([(1.5, "Available")], [], TypeError),
        ([(None, "Available")], [], TypeError),
        ([(str(T0), "Available")], [], TypeError),
        ([(T0, 1)], [], TypeError),  # status not str
        ([(T0, b"Available")], [], TypeError),
        ([(T0, None)], [], TypeError),
        ([(2**62, "Available")], [], ValueError),  # |ms| must stay below 2**62
        ([(-(2**62), "Available")], [], ValueError),
        ([(2**70, "Available")], [], ValueError),
        ([(T0 + 1, "Available"), (T0, "Busy")], [], ValueError),  # not in time order
        ([(T0, "Available")], [(T0,)], ValueError),
        ([(T0, "Available")], ["ab"], TypeError),
        ([(T0, "Available")], [(None, T0)], TypeError),
        ([(T0, "Available")], [(T0, "later")], TypeError),
        ([(T0, "Available")], [(T0, 2**63)], ValueError),
        ([(T0, "Available")], 7, TypeError),
    ],
    ids=[
        "events-int",
        "event-list",
        "event-1-item",
        "ts-float",
        "ts-none",
        "ts-str",
        "status-int",
        "status-bytes",
        "status-none",
        "ts-2**62",
        "ts--2**62",
        "ts-2**70",
        "unordered",
        "interaction-1-item",
        "interaction-str",
        "interaction-start-none",
        "interaction-end-str",
        "interaction-end-2**63",
        "interactions-int",
    ],
)
def test_bad_input_raises_and_the_renderer_still_works(events: Any, interactions: Any, error: type[Exception]) -> None:
    renderer = IntervalRenderer(T0, T0 + 30 * MINUTE, 30 * MINUTE, T0 + DAY)
    with pytest.raises(error):
        renderer.render(events, interactions)
    assert json.loads(renderer.render([(T0, "Available")], [])) == [
        bucket("00:00:00", "00:30:00", status("Available", 1800, 1800, 0))
    ]


def test_items_after_the_first_two_are_ignored() -> None:
    # Rows as the database gives them, ending with the agent id. Available 0-20 min, Busy from 20 min;
    # busy 10-15 min: Available 1200 s (900 idle, 300 interacting), Busy 600 s.
    renderer = IntervalRenderer(T0, T0 + 30 * MINUTE, 30 * MINUTE, T0 + DAY)
    text = renderer.render(
        [(T0, "Available", 7), (T0 + 20 * MINUTE, "Busy", 7)], [(T0 + 10 * MINUTE, T0 + 15 * MINUTE, 7)]
    )
    assert json.loads(text) == [
        bucket("00:00:00", "00:30:00", status("Available", 1200, 900, 300), status("Busy", 600, 600, 0))
    ]


TEXTS = ("<a", "|i", "|b", ">")  # entry texts: the sums come out as <total|idle|busy>


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((T0, T0 + 2, 1, T0 + 9, ("[",), {"A": TEXTS}, [(T0, "A")], []), ValueError),  # one head for two buckets
        ((T0, T0 + 2, 1, T0 + 9, ["[", "["], {"A": TEXTS}, [(T0, "A")], []), ValueError),  # heads not a tuple
        ((T0, T0 + 1, 1, T0 + 9, ("[\u00e9",), {"A": TEXTS}, [(T0, "A")], []), TypeError),  # heads not ASCII
        ((T0, T0 + 1, 1, T0 + 9, (b"[",), {"A": TEXTS}, [(T0, "A")], []), TypeError),
        ((T0, T0 + 1, 0, T0 + 9, (), {"A": TEXTS}, [(T0, "A")], []), ValueError),  # granularity 0
        ((T0, T0 + 1, -5, T0 + 9, (), {"A": TEXTS}, [(T0, "A")], []), ValueError),
        ((T0, T0 + 1, 1, T0 + 9, ("[",), {}, [(T0, "A")], []), KeyError),  # a status the mapping lacks
        ((T0, T0 + 1, 1, T0 + 9, ("[",), {"A": TEXTS[:3]}, [(T0, "A")], []), TypeError),
        ((T0, T0 + 1, 1, T0 + 9, ("[",), {"A": "<a|i|b>"}, [(T0, "A")], []), TypeError),
        ((T0, T0 + 1, 1, T0 + 9, ("[",), {"A": ("<a", "|i", "|b", 1)}, [(T0, "A")], []), TypeError),
        ((T0, T0 + 1, 1, T0 + 9, ("[",), {"A": ("<\u00e9", "|i", "|b", ">")}, [(T0, "A")], []), TypeError),
        ((T0, T0 + 1, 1, T0 + 9, ("[",), 5, [(T0, "A")], []), TypeError),  # not a mapping
        ((T0, T0 + 1, 1.0, T0 + 9, ("[",), {"A": TEXTS}, [(T0, "A")], []), TypeError),
        ((T0, T0 + 1, 1, None, ("[",), {"A": TEXTS}, [(T0, "A")], []), TypeError),
        ((T0, T0 + 1, 1, T0 + 9, ("[",), {"A": TEXTS}, [(T0, "A")]), TypeError),  # 7 arguments
    ],
    ids=[
        "heads-count",
        "heads-list",
        "heads-non-ascii",
        "heads-bytes",
        "granularity-0",
        "granularity-negative",
        "status-unknown",
        "texts-3",
        "texts-str",
        "texts-int-item",
        "texts-non-ascii",
        "mapping-int",
        "window-float",
        "now-none",
        "7-args",
    ],
)
def test_module_rejects_bad_arguments(args: tuple[Any, ...], error: type[Exception]) -> None:
    with pytest.raises(error):
        _sweep.render(*args)


def test_module_writes_heads_and_texts_around_the_sums() -> None:
    # Buckets of 1 s over 2.5 s; A from 0 to 1.5 s, busy 1-2 s: bucket 0 A 1 s, bucket 1 A 0.5 s (rounds
    # to 1) of which 0.5 s busy, bucket 2 (0.5 s, short) empty.
    text = _sweep.render(
        0, 2500, 1000, 10_000, ("(0", "(1", "(2"), {"A": TEXTS, "B": None}, [(0, "A"), (1500, "B")], [(1000, 2000)]
    )
    assert text == b"[(0<a1|i1|b0>]},(1<a1|i0|b1>]},(2]}]"


@pytest.mark.parametrize("base", [2**62 - 2 * HOUR, -(2**62) + 2 * HOUR], ids=["near-2**62", "near--2**62"])
def test_times_near_the_int64_limit(base: int) -> None:
    # Available from base-10 min, Busy from base+10 min, one interaction from base+20 min still open at
    # now = base+50 min: bucket 1 Available 600 s, Busy 1200 s of which 600 s busy; bucket 2 Busy 1200 s, all busy.
    events = [(base - 10 * MINUTE, "Available"), (base + 10 * MINUTE, "Busy")]
    interactions: list[tuple[int, int | None]] = [(base + 20 * MINUTE, None)]
    rendered = json.loads(
        IntervalRenderer(base, base + HOUR, 30 * MINUTE, base + 50 * MINUTE).render(events, interactions)
    )
    assert [item["status"] for item in rendered] == [
        status("Available", 600, 600, 0) + status("Busy", 1200, 600, 600),
        status("Busy", 1200, 0, 1200),
    ]


def test_many_events_at_one_instant_only_the_last_holds_time() -> None:
    # 1001 events at 00:10, alternating Busy/Offline and ending Away: Available 600 s then Away 1200 s.
    events = [(T0, "Available")] + [(T0 + 10 * MINUTE, name) for name in ["Busy", "Offline"] * 500 + ["Away"]]
    assert timeline(events, end=T0 + 30 * MINUTE) == [
        bucket("00:00:00", "00:30:00", status("Available", 600, 600, 0), status("Away", 1200, 1200, 0)),
    ]


def test_status_returning_several_times_in_a_bucket_is_one_entry() -> None:
    # Available (three spellings) 0-5, 10-15, 20-30 min; Busy 5-10; Away 15-20; interaction 8-12 min:
    # Available 1200 s of which 120 s busy (10-12), Busy 300 s of which 120 s (8-10), Away 300 s.
    events = [
        (T0, "Available"),
        (T0 + 5 * MINUTE, "Busy"),
        (T0 + 10 * MINUTE, "available"),
        (T0 + 15 * MINUTE, "Away"),
        (T0 + 20 * MINUTE, " AVAILABLE"),
    ]
    interactions: list[tuple[int, int | None]] = [(T0 + 8 * MINUTE, T0 + 12 * MINUTE)]
    assert timeline(events, interactions, end=T0 + 30 * MINUTE) == [
        bucket(
            "00:00:00",
            "00:30:00",
            status("Available", 1200, 1080, 120),
            status("Busy", 300, 180, 120),
            status("Away", 300, 300, 0),
        ),
    ]


def test_interactions_without_end_run_until_now() -> None:
    # now = 00:40. Open from 00:10, 00:20-00:25 inside it, open from 00:50 (after now: empty): busy 00:10-00:40.
    interactions: list[tuple[int, int | None]] = [
        (T0 + 10 * MINUTE, None),
        (T0 + 20 * MINUTE, T0 + 25 * MINUTE),
        (T0 + 50 * MINUTE, None),
    ]
    assert timeline([(T0, "Available")], interactions, now=T0 + 40 * MINUTE) == [
        bucket("00:00:00", "00:30:00", status("Available", 1800, 600, 1200)),
        bucket("00:30:00", "01:00:00", status("Available", 600, 0, 600)),
    ]


def test_window_after_now_lists_nothing_even_with_events_and_interactions_inside() -> None:
    events = [(T0, "Available"), (T0 + 10 * MINUTE, "Busy")]
    interactions: list[tuple[int, int | None]] = [(T0, None), (T0 + 5 * MINUTE, T0 + 20 * MINUTE)]
    assert timeline(events, interactions, now=T0 - HOUR) == []
    assert timeline(events, interactions, now=T0) == []  # now at the window start: nothing counted yet


def test_events_only_before_the_window() -> None:
    events = [(T0 - 3 * DAY, "Away"), (T0 - DAY, "Available"), (T0 - HOUR, "Busy")]
    assert timeline(events) == [
        bucket("00:00:00", "00:30:00", status("Busy", 1800, 1800, 0)),
        bucket("00:30:00", "01:00:00", status("Busy", 1800, 1800, 0)),
    ]
    assert timeline([(T0 - DAY, "Busy"), (T0 - HOUR, "offline")]) == []


def test_44640_one_minute_buckets_over_31_days() -> None:
    # Available until day 15 + 30 s, Busy after; one interaction of 90 s at the start of day 1.
    events = [(T0 - HOUR, "Available"), (T0 + 15 * DAY + 30 * S, "Busy")]
    interactions: list[tuple[int, int | None]] = [(T0 + DAY, T0 + DAY + 90 * S)]
    rendered = timeline(events, interactions, end=T0 + 31 * DAY, granularity=MINUTE, now=T0 + 40 * DAY)
    assert len(rendered) == 44_640
    assert rendered[0] == bucket("00:00:00", "00:01:00", status("Available", 60, 60, 0))
    assert rendered[1440]["status"] == status("Available", 60, 0, 60)
    assert rendered[1441]["status"] == status("Available", 60, 30, 30)
    assert rendered[15 * 1440]["status"] == status("Available", 30, 30, 0) + status("Busy", 30, 30, 0)
    assert rendered[-1] == {
        "startTime": "2023-01-11T23:59:00Z",
        "endTime": "2023-01-12T00:00:00Z",
        "status": status("Busy", 60, 60, 0),
    }
    totals = [
        int(entry["stats"]["sum"].removesuffix(" sec"))
        for item in rendered
        for entry in item["status"]
        if entry["metric"] == "AgentStatus"
    ]
    assert sum(totals) == 31 * 86_400


def test_no_reference_or_memory_leak_on_success_or_error() -> None:
    texts = {"A": ("<a", "|i", "|b", ">"), "B": None}
    heads = tuple(f"({i}" for i in range(10))
    good = ([(0, "A"), (50, "B"), (70, "A")], [(10, 30), (60, None)])
    bad = [([(0, "A"), (5, 1)], []), ([(0, "A")], [(1, "x")]), ([(0, "A"), (5, "C")], []), ([(9, "A"), (1, "A")], [])]
    watched = [texts["A"], heads, good[0], good[1], *(events for events, _ in bad)]

    def run(times: int) -> None:  # plain try/except: pytest.raises keeps tracebacks alive
        raised = 0
        for _ in range(times):
            _sweep.render(0, 100, 10, 90, heads, texts, *good)
            for events, interactions in bad:
                try:
                    _sweep.render(0, 100, 10, 90, heads, texts, events, interactions)
                except (TypeError, ValueError, KeyError):
                    raised += 1
        assert raised == times * len(bad)

    run(100)
    refcounts = [sys.getrefcount(obj) for obj in watched]
    tracemalloc.start()
    try:
        run(100)
        before = tracemalloc.get_traced_memory()[0]
        run(2000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert [sys.getrefcount(obj) for obj in watched] == refcounts
    assert grown < 10_000  # a leak of even one small object per call would be > 2000 x 16 bytes
