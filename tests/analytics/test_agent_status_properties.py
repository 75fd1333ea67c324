"""The C span writer against a plain Python model of the rules in agent_status/render.py, on random events
(times at millisecond resolution, ties, Offline, reasons, text needing JSON escapes, any offset)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartassist.analytics.agent_status import _spans
from smartassist.analytics.agent_status.render import StatusEvent, duration, is_offline, local_time, status_spans
from tests.support.rows import DAY, HOUR, T0

STATUSES = ["Available", "busy", "Offline", " OFFLINE ", "On Break", "Sé", 'q"uote', "back\\slash"]
REASONS = [None, None, "", "nbk", "Offline", "Lunch ☕"]


def model(events: list[StatusEvent], start: int, end: int, offset: int) -> list[dict[str, str]]:
    """The rules, one span at a time: listed when it overlaps [start, end), is not of zero length and is not
    Offline; shown whole; the last one open."""
    listed = []
    for index, (ts, status, reason) in enumerate(events):
        next_ts = events[index + 1][0] if index + 1 < len(events) else None
        if ts >= end or (next_ts is not None and (next_ts <= start or next_ts == ts)) or is_offline(status):
            continue
        listed.append(
            {
                "primaryStatus": status.upper(),
                "secondaryStatus": (reason or status).upper(),
                "startTime": local_time(ts, offset),
                "endTime": "-" if next_ts is None else local_time(next_ts, offset),
                "duration": "-" if next_ts is None else duration(ts, next_ts),
            }
        )
    return listed


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, Any]:
    length = draw(st.integers(1, 3 * DAY))
    moment = st.integers(-2 * DAY, length + 2 * DAY).map(lambda n: T0 + n)
    times = sorted(draw(st.lists(moment | st.just(T0) | st.just(T0 + length), max_size=30)))
    events = [(ts, draw(st.sampled_from(STATUSES)), draw(st.sampled_from(REASONS))) for ts in times]
    return {"events": events, "start": T0, "end": T0 + length, "offset": draw(st.integers(-840, 840))}


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_the_c_writer_agrees_with_the_model(case: dict[str, Any]) -> None:
    text = status_spans(case["events"], case["start"], case["end"], case["offset"])
    expected = model(case["events"], case["start"], case["end"], case["offset"])
    assert (json.loads(text) if text else []) == expected
    assert text.isascii()


def test_hours_beyond_99_and_dates_far_from_1970() -> None:
    events: list[StatusEvent] = [(T0, "Busy", None), (T0 + 123 * HOUR + 4_999, "Available", None)]
    assert json.loads(status_spans(events, T0, T0 + 1, 0))[0]["duration"] == "123:00:04"
    year_one = -62_135_596_800_000  # 0001-01-01T00:00:00Z
    events = [(year_one, "Busy", None), (year_one + 1000, "Offline", None)]
    first = json.loads(status_spans(events, year_one, year_one + 1, -840))[0]
    assert (first["startTime"], first["endTime"]) == ("0001-01-01T14:00:00", "0001-01-01T14:00:01")
    before_1970 = [(-1, "Busy", None)]
    assert json.loads(status_spans(before_1970, -1000, 0, 0))[0]["startTime"] == "1969-12-31T23:59:59"


@pytest.mark.parametrize(
    ("events", "error"),
    [
        ([(1.5, "Busy", None)], TypeError),
        ([(2**62, "Busy", None)], ValueError),
        ([(1, b"Busy", None)], TypeError),
        ([(1, "Busy", 3)], TypeError),
        ([(1, "Busy")], TypeError),
        ([[1, "Busy", None]], TypeError),
    ],
)
def test_bad_rows_raise_instead_of_writing_garbage(events: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        _spans.spans(events, 0, 10, 0, {})


def test_texts_must_have_the_documented_shape() -> None:
    with pytest.raises(TypeError):
        _spans.spans([(1, "Busy", None)], 0, 10, 0, {"Busy": ('"BUSY"', False)})
    with pytest.raises(KeyError):
        _spans.spans([(1, "Busy", None)], 0, 10, 0, {})
