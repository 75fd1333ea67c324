"""The JSON body of the analytics POST routes (read once the caller is authenticated), and the OpenAPI
schema pieces of their shared fields."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar, cast

from fastapi import Request
from starlette.requests import ClientDisconnect

from smartassist import json_text
from smartassist.analytics.windows import MAX_AGENTS, MAX_OFFSET_MINUTES
from smartassist.errors import bad_request

T = TypeVar("T")

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
    is None; a body with a missing or non-JSON Content-Type is a 400 that says so (not parsed, as FastAPI does
    not parse it).
    """
    return _decoded(await read_body(request), _json_media(request))


async def parsed_body(request: Request, parse: Callable[[Any], T]) -> T:
    """parse(json_body(request)), remembered for a small body: a dashboard sends the same body poll after poll,
    and reading and validating it again was ~5 % of an in-process Call Details request (perf_counter spans). `parse`
    is a module constant returning an immutable value (one result serves every request with that body); a body
    it refuses raises each time (an exception is not remembered)."""
    raw = await read_body(request)
    media = _json_media(request)
    if len(raw) > MAX_REMEMBERED_BODY:
        return parse(_decoded(raw, media))
    return cast(T, _parsed(parse, media, raw))


MAX_REMEMBERED_BODY = 4096
# Begins with the routes' own message for a body that is no JSON object, so both read alike.
NOT_JSON_MEDIA = "request body must be a JSON object, sent with Content-Type: application/json"


@lru_cache(maxsize=512)
def _parsed(parse: Callable[[Any], object], media: bool, raw: bytes) -> object:
    return parse(_decoded(raw, media))


BODY = "smartassist.body"  # where read_body keeps the body it read, in the ASGI scope


async def read_body(request: Request) -> bytes:
    """The request's body, read from `receive` (once; ClientDisconnect if the client went away), as Starlette's
    request.body() reads it, without its stream()'s async generator: with the Content-Type read from the raw
    headers below, 20,000 of an in-process Call Details request's ~520,000 instructions (callgrind)."""
    body: bytes | None = request.scope.get(BODY)
    if body is None:
        chunks = []
        while True:
            message = await request.receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = request.scope[BODY] = b"".join(chunks)
    return body


def _json_media(request: Request) -> bool:
    content_type = next((value for name, value in request.scope["headers"] if name == b"content-type"), b"")
    media = content_type.decode("latin-1").split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _decoded(raw: bytes, media: bool) -> Any:
    if not raw:
        return None
    if not media:
        raise bad_request(NOT_JSON_MEDIA)
    try:
        return json_text.loads(raw)
    except (ValueError, RecursionError):  # bad JSON or UTF-8, digits beyond int limits, deep nesting
        raise bad_request("request body is not valid JSON") from None
