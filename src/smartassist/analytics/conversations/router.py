"""POST .../account/{accountId}/calldetails (v1), .../v2/calldetails and .../v2/interactionDetails (v2), scope
SmartAssist Analytics; header IId ignored.

The last path segment matches in any case (the vendor's curls write callDetails, interactiondetails): the
documented spellings are routes of their own (in the OpenAPI document), and a path convertor matching the word
in any case catches the others. The body is read by the endpoint once the caller is authenticated
(analytics.body.parsed_body) and validated by request.parse_call_details_body: read there rather than as a dependency,
the routes take only the request, `accountId` and the integers limit and offset, so auth.deps calls them directly,
without FastAPI's dependency solving (a fifth of an in-process request's CPU, py-spy; bench_call_details.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from starlette.convertors import Convertor, register_url_convertor

from smartassist.analytics.body import parsed_body
from smartassist.analytics.conversations.request import parse_call_details_body
from smartassist.analytics.conversations.service import call_details
from smartassist.analytics.heavy import heavy_request
from smartassist.auth.deps import principal_of, require_app
from smartassist.scopes import ANALYTICS
from smartassist.state import get_runtime

router = APIRouter(tags=["analytics"], route_class=require_app(ANALYTICS))
BASE = "/agentassist/api/public/analytics/account/{accountId}"
MAX_LIMIT = 100
MAX_OFFSET_PAGES = 10


def _any_case(*words: str) -> str:
    return "|".join("".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word) for word in words)


class _CallDetailsWord(Convertor[str]):
    regex = _any_case("calldetails")

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class _V2Word(_CallDetailsWord):
    regex = _any_case("calldetails", "interactiondetails")


register_url_convertor("calldetails_any_case", _CallDetailsWord())
register_url_convertor("v2_calldetails_any_case", _V2Word())

_BODY = {
    "type": "object",
    "required": ["startDate", "endDate"],
    "properties": {
        "startDate": {"type": "string", "examples": ["2026-02-23", "2022-08-25 07:20:15"]},
        "endDate": {"type": "string", "examples": ["2026-02-26", "2022-08-25 18:20:15"]},
        "timeZoneOffset": {"type": "integer", "minimum": -840, "maximum": 840, "description": "minutes, UTC - local"},
        "channels": {"type": "array", "items": {"type": "string"}},
        "queues": {"type": "array", "items": {"type": "string"}},
        "selectedFields": {"type": "array", "items": {"type": "string"}},
        "direction": {"type": "string", "enum": ["Inbound", "Outbound", "Both"], "description": "v2 only"},
    },
}
_OPENAPI = {"requestBody": {"required": True, "content": {"application/json": {"schema": _BODY}}}}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": 'Rows of the page: {"numResults": <rows in this page>, "data": [...]}',
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def _serve(request: Request, *, v2: bool, limit: int, offset: int) -> Response:
    principal = principal_of(request)
    query = await parsed_body(request, _PARSE[v2])
    with heavy_request(request, principal.account_id):
        # At most MAX_LIMIT rows of at most 256 KiB each (ingest.conversations): 25 MiB, under any size cap.
        # On the event loop, like IntentRealtimeData: reads.Reads awaits PostgreSQL (service.py says where the
        # page is rendered).
        content = await call_details(
            get_runtime(request).reads, principal.account_id, query, v2=v2, limit=limit, offset_pages=offset
        )
    return Response(content, media_type="application/json")


# The body's parse per version, module constants (analytics.body.parsed_body remembers by them).
_PARSE = {v2: partial(parse_call_details_body, v2=v2) for v2 in (False, True)}


def _endpoint(*, v2: bool) -> Callable[..., Awaitable[Response]]:
    async def endpoint(
        request: Request,
        accountId: str,  # noqa: N803 - the contract's path parameter name
        limit: int = Query(MAX_LIMIT, ge=1, le=MAX_LIMIT, description="rows per page"),
        offset: int = Query(0, ge=0, le=MAX_OFFSET_PAGES, description="pages of `limit` rows to skip"),
    ) -> Response:
        return await _serve(request, v2=v2, limit=limit, offset=offset)

    return endpoint


# (path, OpenAPI operation id or None for the any-case spelling, which the document leaves out, v2?)
ROUTES = (
    (f"{BASE}/calldetails", "callDetailsV1", False),
    (f"{BASE}/{{segment:calldetails_any_case}}", None, False),
    (f"{BASE}/v2/calldetails", "callDetailsV2", True),
    (f"{BASE}/v2/interactionDetails", "interactionDetailsV2", True),
    (f"{BASE}/v2/{{segment:v2_calldetails_any_case}}", None, True),
)
for _path, _operation_id, _v2 in ROUTES:
    router.add_api_route(
        _path,
        _endpoint(v2=_v2),
        methods=["POST"],
        response_class=Response,
        operation_id=_operation_id,
        include_in_schema=_operation_id is not None,
        responses=_RESPONSES,
        openapi_extra=_OPENAPI,
    )
