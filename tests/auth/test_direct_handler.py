"""auth/deps.py calls simple endpoints directly (no FastAPI dependency solving): which routes are called so, and
that such a call gets what FastAPI would have passed."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from smartassist.analytics.intents.router import router as intents_router
from smartassist.analytics.queues.router import router as queues_router
from smartassist.auth.deps import _direct_handler
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
        ("GET", f"{wfm}/agents"): False,  # limit and offset are integers: FastAPI validates them
        ("GET", f"{wfm}/queues"): True,
        ("GET", f"{wfm}/agentactivity"): True,
    }
    stats = "/agentassist/api/v1/public/{streamId}/monitor/queueStatsById/{queueId}"
    assert _routes(queues_router) == {("POST", stats): True, ("POST", stats + "/"): True}  # reads its own body


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
