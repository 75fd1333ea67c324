MIN_MS: int
MAX_MS: int
SEGMENT_NAIVE: tuple[str, ...]
CONSULTING_NAIVE: tuple[str, ...]

def render(
    stored: list[str] | list[bytes] | list[str | bytes],
    offset_minutes: int,
    dropped: tuple[str, ...],
    drop_snooze: bool,
    head: bytes,
    tail: bytes,
    /,
) -> bytes | None: ...
