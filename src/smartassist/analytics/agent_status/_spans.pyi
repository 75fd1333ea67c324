from collections.abc import Mapping, Sequence
from typing import Any

def spans(
    events: Sequence[tuple[Any, ...]],
    start: int,
    end: int,
    offset_minutes: int,
    texts: Mapping[str, tuple[bytes, bool]],
    /,
) -> bytes: ...
