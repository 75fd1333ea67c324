"""The JSON body of the analytics POST routes, read once the caller is authenticated."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from smartassist.errors import bad_request


async def json_body(request: Request) -> Any:
    """The body as JSON, read only once the caller is authenticated (declared after the principal).

    A body FastAPI parses itself is parsed before any dependency runs, so an unauthenticated caller could
    make the server build a large JSON document per request. As FastAPI (strict content type) would: no body
    is None, a missing or non-JSON Content-Type leaves the raw bytes (both then refused as "not a JSON object").
    """
    raw = await request.body()
    if not raw:
        return None
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        return raw
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # bad JSON or UTF-8, digits beyond int limits, deep nesting
        raise bad_request("request body is not valid JSON") from None
