"""UserStatus (API.md §3, §1) refusals: 400 for bad windows/granularity/paging/filters, 401, 403."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contract.support import DOC_PATH, SEED_PATH, body, error, post, tenant, user_status
from tests.support.tenants import ANALYTICS, INGEST

DAY = ("2022-08-25", "2022-08-25")


@pytest.mark.parametrize(
    "payload",
    [
        body("2022-08-26", "2022-08-25"),
        body("2022-08-25T10:00:00.000Z", "2022-08-25T09:59:59.999Z"),
        body("2022-08-01", "2022-09-01", granularity="PT24H"),  # 32 local days
        body("2022-08-01T00:00:00.000Z", "2022-09-01T00:00:01.000Z", granularity="PT24H"),  # 31 days + 1 s
        # 1-minute buckets: 5001 over 5001 min (3 d 11 h 21 min), and 5000 whole + one cut of 30 s.
        body("2022-08-25T00:00:00Z", "2022-08-28T11:21:00Z", granularity=1),
        body("2022-08-25T00:00:00Z", "2022-08-28T11:20:30Z", granularity=1),
        body(*DAY, granularity="P1D"),
        body(*DAY, granularity=0),
        body(*DAY, granularity=1441),
        body(*DAY, offset=900),
        body(*DAY, offset=841),
        body(*DAY, offset=-841),
        body(*DAY, agents=[f"n{i}@x.com" for i in range(1001)]),
        body("2022-13-01", "2022-13-01"),
    ],
)
@pytest.mark.parametrize("path", [DOC_PATH, SEED_PATH])
def test_bad_bodies_are_400(client: TestClient, payload: dict[str, Any], path: str) -> None:
    t = tenant(client)
    error(post(client, t, payload, path=path), 400)


@pytest.mark.parametrize("granularity", ["PT7M", "PT3H"])
def test_iso_durations_outside_the_list_are_400(client: TestClient, granularity: str) -> None:
    # §3: granularity is one of PT15M PT30M PT1H PT2H PT4H PT8H PT12H PT24H, or a whole number of minutes.
    t = tenant(client)
    error(post(client, t, body(*DAY, granularity=granularity)), 400)


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 51}, {"offset": -1}, {"limit": "x"}])
def test_bad_paging_is_400(client: TestClient, params: dict[str, Any]) -> None:
    t = tenant(client)
    error(post(client, t, body(*DAY), **params), 400)


@pytest.mark.parametrize(
    "payload",
    [
        body("2022-08-01", "2022-08-31", granularity="PT24H"),  # exactly 31 days
        body("2022-08-01T00:00:00.000Z", "2022-09-01T00:00:00.000Z", granularity="PT24H"),
        body("2022-08-25T00:00:00Z", "2022-08-28T11:20:00Z", granularity=1),  # exactly 5000 buckets
        body(*DAY, offset=840),
        body(*DAY, offset=-840),
    ],
)
def test_limits_themselves_are_accepted(client: TestClient, payload: dict[str, Any]) -> None:
    t = tenant(client)
    assert user_status(client, t, payload) == {"hasMore": False, "limit": 50, "offset": 0, "data": []}


@pytest.mark.parametrize("path", [DOC_PATH, SEED_PATH])
def test_no_token_is_401(client: TestClient, path: str) -> None:
    t = tenant(client)
    error(post(client, t, body(*DAY), path=path, headers={}), 401)


@pytest.mark.parametrize("path", [DOC_PATH, SEED_PATH])
def test_another_accounts_path_is_403(client: TestClient, path: str) -> None:
    mine, theirs = tenant(client), tenant(client)
    response = client.post(path.format(theirs.account_id), json=body(*DAY), headers=mine.headers)
    error(response, 403)


@pytest.mark.parametrize("path", [DOC_PATH, SEED_PATH])
def test_app_without_analytics_scope_is_403(client: TestClient, path: str) -> None:
    t = tenant(client, scopes=[INGEST])
    error(post(client, t, body(*DAY), path=path), 403)
    assert user_status(client, tenant(client, scopes=[ANALYTICS]), body(*DAY))["data"] == []
