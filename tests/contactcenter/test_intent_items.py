"""timeHandled formatting: the vendor's samples "50s", "13m:8s", and the boundaries around them."""

from __future__ import annotations

import pytest

from smartassist.contactcenter.intent_items import format_time_handled


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
