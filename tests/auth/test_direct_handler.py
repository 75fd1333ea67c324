"""auth/deps.py calls simple endpoints directly (no FastAPI dependency solving): which routes are called so, and
that such a call gets what FastAPI would have passed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from starlette.datastructures import QueryParams
from starlette.routing import Match

from smartassist.analytics.conversations.router import router as conversations_router
from smartassist.analytics.intents.router import router as intents_router
from smartassist.analytics.queues.router import router as queues_router
from smartassist.auth.deps import _direct_handler, last_query_values
from smartassist.errors import install_error_handlers
from smartassist.wfm.router import router as wfm_router
from tests.support.tenants import WFM, tenant


def _routes(router: APIRouter) -> dict[tuple[str, str], bool]:
    return {
        (sorted(route.methods)[0], route.path): _direct_handler(route) is not None
        for route in router.routes
        if isinstance(route, APIRoute)
    }


def test_the_hot_routes_are_called_directly_and_the_others_through_fastapi() -> None:
    ird = "/api/public/bot/{botId}/intentrealtimedata"
    assert _routes(intents_router) == {("GET", ird): True, ("POST", ird): True}
    wfm = "/agentassist/api/public/analytics/account/{accountId}"
    assert _routes(wfm_router) == {
        ("GET", f"{wfm}/agents"): False,  # a plain def: FastAPI runs it in a thread
        ("GET", f"{wfm}/queues"): True,
        ("GET", f"{wfm}/agentactivity"): True,
    }
    stats = "/agentassist/api/v1/public/{streamId}/monitor/queueStatsById/{queueId}"
    assert _routes(queues_router) == {("POST", stats): True, ("POST", stats + "/"): True}  # reads its own body
    # Call Details: reads its own body; limit and offset are integers, validated by FastAPI's own routine
    assert set(_routes(conversations_router).values()) == {True} and len(conversations_router.routes) == 5


def test_a_repeated_query_parameter_is_its_last_value_as_through_fastapi(client: TestClient, app: FastAPI) -> None:
    caller = tenant(client, scopes=[WFM])
    path = f"/agentassist/api/public/analytics/account/{caller.account_id}/agentactivity"
    first, last = "2024-01-01T00:00:00Z", "2024-01-01T00:00:10Z"
    response = client.get(
        f"{path}?fromTimeStamp={first}&fromTimeStamp=not-a-time&fromTimeStamp={first}&toTimeStamp={last}",
        headers=caller.headers,
    )
    assert response.status_code == 200, response.text
    refused = client.get(
        f"{path}?fromTimeStamp={first}&fromTimeStamp=not-a-time&toTimeStamp={last}", headers=caller.headers
    )
    assert refused.status_code == 400 and "fromTimeStamp" in refused.text


QUERIES = [
    "",
    "limit=7&offset=2",
    "limit=0",
    "limit=101",
    "limit=ten",
    "limit=",
    "limit=%205%20",
    "limit=5.0",
    "limit=1e1",
    "limit=9&limit=3",
    "limit=3&limit=x",
    "offset=-1",
    "offset=11&limit=0",
    "note=a&note=b",
    "limit=0100&offset=010",
    "limit=100&offset=10",
    "limit=1&offset=0",
    "limit=%2B5",
    "limit=+5",
    "limit=-0",
    "limit=1_0",
    "limit=%D9%A3",  # an Arabic-Indic digit three: str.isdigit() says yes
    "limit=000000005",
    "limit=0000000005",
    "limit=9999999999",
    "offset=10&offset=11",
    "offset=11&offset=10",
    "limit=&offset=1",
]


def _paged(request: Request, accountId: str, limit: int = Query(100, ge=1, le=100),  # noqa: N803
           offset: int = Query(0, ge=0, le=10), note: str | None = None) -> dict[str, Any]:  # fmt: skip
    return {"accountId": accountId, "limit": limit, "offset": offset, "note": note}


@pytest.mark.parametrize("query", QUERIES)
def test_integer_query_parameters_are_what_fastapi_would_have_passed_or_refused(query: str) -> None:
    """The same endpoint, called directly and through FastAPI's handler: the same values, the same 400s."""

    async def direct(request: Request, accountId: str, limit: int = Query(100, ge=1, le=100),  # noqa: N803
                     offset: int = Query(0, ge=0, le=10), note: str | None = None) -> Response:  # fmt: skip
        return JSONResponse(_paged(request, accountId, limit, offset, note))

    async def through_fastapi(request: Request, accountId: str, limit: int = Query(100, ge=1, le=100),  # noqa: N803
                              offset: int = Query(0, ge=0, le=10), note: str | None = None,
                              _: None = Depends(lambda: None)) -> Response:  # fmt: skip
        return JSONResponse(_paged(request, accountId, limit, offset, note))

    class Direct(APIRoute):
        def get_route_handler(self) -> Any:
            handler = _direct_handler(self)
            assert handler is not None
            return handler

    app = FastAPI()
    install_error_handlers(app)
    app.router.add_api_route("/direct/{accountId}", direct, methods=["GET"], route_class_override=Direct)
    app.router.add_api_route("/fastapi/{accountId}", through_fastapi, methods=["GET"])
    with TestClient(app) as http:
        by_direct = http.get(f"/direct/a-1?{query}")
        by_fastapi = http.get(f"/fastapi/a-1?{query}")
    assert (by_direct.status_code, by_direct.json()) == (by_fastapi.status_code, by_fastapi.json())
    assert by_direct.status_code in (200, 400)


_QUERY_TEXT = st.text(alphabet=st.sampled_from("aZ09=&+%;/:é\x7f -_.~") | st.characters(codec="utf-8"), max_size=40)


@given(st.one_of(_QUERY_TEXT.map(lambda text: text.encode("utf-8")), st.binary(max_size=40)))
def test_last_query_values_are_starlettes(query_string: bytes) -> None:
    """For any query string (escapes good and bad, `+`, repeats, blanks, raw non-ASCII bytes), each name's value
    is the one Starlette's request.query_params.get() gives."""
    expected = QueryParams(query_string)
    assert last_query_values(query_string) == {name: expected[name] for name in expected}


def test_a_route_tells_a_path_that_cannot_be_its_own_by_its_literal_ends() -> None:
    routes = {route.path: route for route in conversations_router.routes if isinstance(route, APIRoute)}
    v1 = routes["/agentassist/api/public/analytics/account/{accountId}/calldetails"]
    any_case = routes["/agentassist/api/public/analytics/account/{accountId}/v2/{segment:v2_calldetails_any_case}"]

    def scope(path: str, **extra: Any) -> dict[str, Any]:
        return {"type": "http", "method": "POST", "path": path, "headers": [], **extra}

    base = "/agentassist/api/public/analytics/account/a1"
    assert v1.matches(scope(f"{base}/calldetails"))[0] is Match.FULL
    assert v1.matches(scope(f"{base}/v2/calldetails"))[0] is Match.NONE  # its ends, not its pattern
    assert v1.matches(scope(f"{base}/agentstatusdetails"))[0] is Match.NONE  # not its end
    assert v1.matches(scope("/api/public/bot/st-1/intentrealtimedata"))[0] is Match.NONE  # not its beginning
    assert any_case.matches(scope(f"{base}/v2/CallDetails"))[0] is Match.FULL  # a parameter at its end
    assert v1.matches({**scope(f"{base}/calldetails"), "method": "GET"})[0] is Match.PARTIAL
    # under a root path the route's own matching decides, as before
    mounted = scope(f"/prefix{base}/calldetails", root_path="/prefix")
    assert v1.matches(mounted)[0] is Match.FULL
