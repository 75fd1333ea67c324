from collections.abc import Sequence

MIN_MS: int
MAX_MS: int
LAYOUT_VERSION: int
SEGMENT_NAIVE: tuple[str, ...]
CONSULTING_NAIVE: tuple[str, ...]
DROPPABLE: tuple[str, ...]

def render(
    stored: list[str] | list[bytes] | list[str | bytes | Sequence[bytes | None]],
    offset_minutes: int,
    dropped: tuple[str, ...],
    drop_snooze: bool,
    head: bytes,
    tail: bytes,
    /,
) -> bytes | None: ...
def layout(text: str | bytes, /) -> bytes | None: ...
