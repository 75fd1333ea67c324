from collections.abc import Iterable, Mapping
from typing import Any

def render(
    window_start: int,
    window_end: int,
    granularity_ms: int,
    now: int,
    heads: tuple[str, ...],
    entry_texts: Mapping[str, tuple[str, str, str, str] | None],
    events: Iterable[tuple[Any, ...]],
    interactions: Iterable[tuple[Any, ...]],
    /,
) -> bytes: ...
