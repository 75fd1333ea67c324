"""timeHandled formatting: the vendor's samples "50s", "13m:8s", and the boundaries around them."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartassist.contactcenter.intent_items import EndedSession, format_time_handled, render_item


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "0s"),
        (1, "1s"),
        (50, "50s"),
        (59, "59s"),
        (60, "1m:0s"),
        (61, "1m:1s"),
        (788, "13m:8s"),
        (3599, "59m:59s"),
        (3600, "1h:0m:0s"),
        (3605, "1h:0m:5s"),
        (3660, "1h:1m:0s"),
        (86399, "23h:59m:59s"),
        (90061, "25h:1m:1s"),
    ],
)
def test_format_time_handled(seconds: int, expected: str) -> None:
    assert format_time_handled(seconds) == expected


_TEXT = st.text()  # any code point: lone surrogates and control characters too


@given(
    st.lists(_TEXT, max_size=3),
    _TEXT,
    st.one_of(st.none(), _TEXT),
    st.integers(min_value=0, max_value=253_402_300_799_999),
    st.integers(min_value=0, max_value=10**6),
)
def test_the_item_is_the_standard_library_text_of_the_vendor_fields(
    intents: list[str], text: str, deflected: str | None, start: int, handled: int
) -> None:
    """render_item writes with orjson; the text must be what json.dumps wrote (stored items are not rendered
    again), times as gmtime and strftime give them."""
    session = EndedSession(text, text, intents, text, text, text, start, start, text, handled, deflected)
    seconds, millis = divmod(start, 1000)
    stamp = f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}+00:00"
    expected = {
        "intent": intents,
        "ANI": text,
        "DNI": text,
        "channel": text,
        "startTime": stamp,
        "endTime": stamp,
        "status": text,
        "timeHandled": format_time_handled(handled),
        "deflectedTo": deflected,
        "userId": text,
        "sessionId": text,
    }
    assert render_item(session) == json.dumps(expected, separators=(",", ":"), ensure_ascii=False)
