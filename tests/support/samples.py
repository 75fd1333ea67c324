"""The vendor samples (tests/vendor/samples/, one file per documentation page) and the key-by-key comparison."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parents[1] / "vendor" / "samples"
# Strings whose format (not value) a sample fixes: compared by their shape with every run of digits alike.
FORMATTED = {"startTime", "endTime", "sum", "timeHandled", "intervalStartTimeStamp", "intervalEndTimeStamp"}


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def assert_same_shape(ours: Any, theirs: Any, where: str = "$") -> None:
    """Same keys in the same order, the same JSON type at each place, and formatted strings in the same format;
    each element of one of our arrays against the doc's first."""
    assert type(ours) is type(theirs), f"{where}: {type(ours).__name__} vs the doc's {type(theirs).__name__}"
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs), f"{where}: keys {list(ours)} vs the doc's {list(theirs)}"
        for key in theirs:
            assert_same_shape(ours[key], theirs[key], f"{where}.{key}")
            if key in FORMATTED and isinstance(theirs[key], str):
                assert re.sub(r"\d+", "9", ours[key]) == re.sub(r"\d+", "9", theirs[key]), f"{where}.{key}"
    elif isinstance(theirs, list) and theirs:
        for index, item in enumerate(ours):
            assert_same_shape(item, theirs[0], f"{where}[{index}]")
