"""Strict decoding of compact JOSE segments (base64url, JSON objects) before any key is touched.

PyJWT and joserfc decode leniently (base64 ignores stray characters, JSON keeps the last of duplicate
keys and accepts NaN). Parsing strictly first means every token we act on has exactly one reading.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from smartassist.auth.errors import AuthFailure

_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_decode(segment: str, what: str) -> bytes:
    """Unpadded base64url (RFC 7515 §2) or AuthFailure; no other characters are tolerated."""
    if not _B64URL.fullmatch(segment) or len(segment) % 4 == 1:
        raise AuthFailure("malformed", f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise AuthFailure("malformed", f"{what} is not base64url") from exc


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def json_object(segment: str, what: str) -> dict[str, Any]:
    """A base64url segment holding a JSON object without duplicate keys or NaN/Infinity."""
    raw = b64url_decode(segment, what)
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise AuthFailure("malformed", f"{what} is not a JSON object") from exc
    if not isinstance(value, dict):
        raise AuthFailure("malformed", f"{what} is not a JSON object")
    return value
