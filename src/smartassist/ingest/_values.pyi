from typing import Any

def within(
    value: Any,
    depth: int,
    plain: bool,
    max_depth: int,
    max_keys: int,
    max_key_chars: int,
    max_string_chars: int,
    max_array_items: int,
    /,
) -> bool | None: ...
