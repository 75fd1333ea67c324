"""The JSON body of the analytics POST routes (read once the caller is authenticated), and the OpenAPI
schema pieces of their shared fields."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from smartassist.analytics.windows import MAX_AGENTS, MAX_OFFSET_MINUTES
from smartassist.errors import bad_request

AGENTS_SCHEMA: dict[str, Any] = {
    "type": ["array", "null"],
    "maxItems": MAX_AGENTS,
    "items": {"type": "string"},
    "description": "agent emails, case-insensitive; omitted = all agents",
}
OFFSET_SCHEMA: dict[str, Any] = {
    "type": "integer",
    "minimum": -MAX_OFFSET_MINUTES,
    "maximum": MAX_OFFSET_MINUTES,
    "description": "minutes, UTC - local",
}


def filter_schema(date_filter: dict[str, Any]) -> dict[str, Any]:
    """The `filter` object of the per-agent routes (UserStatus, Agent Status Details): the agents filter and
    the route's own `dateFilter` object."""
    return {
        "type": "object",
        "required": ["dateFilter"],
        "additionalProperties": False,
        "properties": {"agents": AGENTS_SCHEMA, "dateFilter": date_filter},
    }


def json_request_body(schema: dict[str, Any]) -> dict[str, Any]:
    """openapi_extra for a route whose body json_body reads (FastAPI does not see it)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def json_body(request: Request) -> Any:
    """The body as JSON, read only once the caller is authenticated (auth.deps.require_app routes check the token
    before any parameter or dependency).

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
