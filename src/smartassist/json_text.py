"""The JSON text of a request body: UTF-8 only (the contract's "JSON everywhere, UTF-8").

The standard library's json.loads(bytes) also reads UTF-16 and UTF-32 (by their NUL bytes) and skips a UTF-8
byte order mark, which pydantic's and orjson's parsers (the other ingest routes) refuse: so a body that one route
read, another refused. Decoded here first, every route refuses those alike (400). Lone surrogates stay as
json.loads(bytes) reads them (`surrogatepass`), for the routes' own checks to name.
"""

from __future__ import annotations

import json
from typing import Any


def loads(raw: bytes, **options: Any) -> Any:
    """json.loads of the body's UTF-8; ValueError (UnicodeDecodeError, JSONDecodeError) for anything else."""
    return json.loads(raw.decode("utf-8", "surrogatepass"), **options)
