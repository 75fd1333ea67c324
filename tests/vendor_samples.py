"""Vendor samples kept as data files named after their source page, and the key-by-key comparison."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_sample(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def assert_same_shape(ours: Any, sample: Any, where: str = "$") -> None:
    """Same keys in the same order (case included) and the same JSON value types, all the way down; every
    element of one of our arrays is compared with the sample's elements in turn (the last one repeating)."""
    assert type(ours) is type(sample), f"{where}: {type(ours).__name__} where the sample has {type(sample).__name__}"
    if isinstance(sample, dict):
        assert list(ours) == list(sample), f"{where}: keys {list(ours)} != sample {list(sample)}"
        for key in sample:
            assert_same_shape(ours[key], sample[key], f"{where}.{key}")
    elif isinstance(sample, list) and sample:
        for index, item in enumerate(ours):
            assert_same_shape(item, sample[min(index, len(sample) - 1)], f"{where}[{index}]")
