"""Property tests of the bucketing sweep: invariants of the rendered sums, and agreement of the rendered
JSON with a second-by-second reference model on whole-second data (where sampling each second is exact)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from smartassist.analytics.user_status.buckets import IntervalRenderer
from tests.support.rows import T0

S = 1000
STATUSES = ["Available", "busy", "Offline", "On Break", "AWAY"]


@st.composite
def scenarios(draw: st.DrawFn, unit: int) -> dict[str, Any]:
    """A window, a granularity, `now`, events and interactions, all times multiples of `unit` ms."""
    length = draw(st.integers(1, 1800 * S // unit)) * unit
    granularity = max(draw(st.integers(1, 900 * S // unit)) * unit, -(-length // (200 * unit)) * unit)  # <= 200 buckets
    span = st.integers((-900 * S - length) // unit, (length + 900 * S) // unit).map(lambda n: T0 + n * unit)
    events = sorted(draw(st.lists(st.tuples(span, st.sampled_from(STATUSES)), max_size=25)), key=lambda e: e[0])
    ends = st.none() | st.integers(0, 1800 * S // unit).map(lambda n: n * unit)
    interactions = [
        (start, None if dur is None else start + dur)
        for start, dur in draw(st.lists(st.tuples(span, ends), max_size=15))
    ]
    return {
        "start": T0,
        "end": T0 + length,
        "granularity": granularity,
        "now": draw(span),
        "events": events,
        "interactions": interactions,
    }


def reference(case: dict[str, Any]) -> list[dict[str, list[int]]]:
    """Second by second: the status in effect (last event at or before t) and whether an interaction covers t."""
    start, end, granularity, now = case["start"], case["end"], case["granularity"], case["now"]
    tallies: list[dict[str, list[int]]] = [{} for _ in range(-(-(end - start) // granularity))]
    for t in range(start, min(end, now), S):
        current = [name for ts, name in case["events"] if ts <= t]
        if not current or current[-1].lower() == "offline":
            continue
        title = " ".join(word.capitalize() for word in current[-1].split())
        busy = any(s <= t < (now if e is None else e) for s, e in case["interactions"])
        tally = tallies[(t - start) // granularity].setdefault(title, [0, 0])
        tally[0] += S
        tally[1] += S if busy else 0
    return tallies


def expected_json(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The reference's tallies as the contract's JSON: every bucket with its bounds, each status as
    AgentStatus, `<Title>:Idle`, `<UPPER>:Interacting` in whole seconds; [] when no status time at all."""
    start, end, granularity = case["start"], case["end"], case["granularity"]
    tallies = reference(case)
    if not any(tallies):
        return []

    def iso(ms: int) -> str:
        return datetime.fromtimestamp(ms // S, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def entry(metric: str, value: str, ms: int) -> dict[str, Any]:
        return {"metric": metric, "value": value, "stats": {"sum": f"{ms // S} sec"}}

    return [
        {
            "startTime": iso(start + i * granularity),
            "endTime": iso(min(start + (i + 1) * granularity, end)),
            "status": [
                item
                for title, (ms, busy) in tally.items()
                for item in (
                    entry("AgentStatus", title, ms),
                    entry("AgentState", f"{title}:Idle", ms - busy),
                    entry("AgentState", f"{title.upper()}:Interacting", busy),
                )
            ],
        }
        for i, tally in enumerate(tallies)
    ]


@settings(max_examples=150, deadline=None)
@given(scenarios(unit=S))
def test_rendered_json_matches_second_by_second_reference(case: dict[str, Any]) -> None:
    renderer = IntervalRenderer(case["start"], case["end"], case["granularity"], case["now"])
    rendered = json.loads(renderer.render(case["events"], case["interactions"]))
    assert rendered == expected_json(case)


@settings(max_examples=300, deadline=None)
@given(scenarios(unit=1))
def test_rendered_sums_fit_the_bucket_and_split_into_idle_and_interacting(case: dict[str, Any]) -> None:
    start, end, granularity = case["start"], case["end"], case["granularity"]
    renderer = IntervalRenderer(start, end, granularity, case["now"])
    rendered = json.loads(renderer.render(case["events"], case["interactions"]))
    assert rendered == [] or len(rendered) == -(-(end - start) // granularity)
    for index, item in enumerate(rendered):
        bucket_ms = min(start + (index + 1) * granularity, end) - (start + index * granularity)
        entries = item["status"]
        sums = [int(entry["stats"]["sum"].removesuffix(" sec")) for entry in entries]
        totals = sums[0::3]
        # Each entry is rounded on its own, so each status may gain at most half a second.
        assert sum(totals) * S <= bucket_ms + 500 * len(totals)
        for total, idle, interacting in zip(sums[0::3], sums[1::3], sums[2::3], strict=True):
            assert abs(idle + interacting - total) <= 1
        assert [e["metric"] for e in entries] == ["AgentStatus", "AgentState", "AgentState"] * len(totals)
        for status_entry, idle_entry, busy_entry in zip(entries[0::3], entries[1::3], entries[2::3], strict=True):
            assert idle_entry["value"] == status_entry["value"] + ":Idle"
            assert busy_entry["value"] == status_entry["value"].upper() + ":Interacting"
            assert status_entry["value"].lower() != "offline"


@settings(max_examples=300, deadline=None)
@given(scenarios(unit=S), st.sampled_from(["ßtraße ﬁx", "İstanbul", "\U0001f600 break", "x" * 64]))
def test_size_bound_is_never_below_the_rendered_length(case: dict[str, Any], odd: str) -> None:
    """The UserStatus size cap is checked against size_bound before rendering: it must bound the body, also for
    names whose case mapping grows them (ß -> SS) or that are escaped to ASCII."""
    events = [(ts, odd if n % 4 == 3 else status) for n, (ts, status) in enumerate(case["events"])]
    renderer = IntervalRenderer(case["start"], case["end"], case["granularity"], case["now"])
    bound = renderer.size_bound(1, len(events), (status for _, status in events))
    assert len(renderer.render(events, case["interactions"])) <= bound
