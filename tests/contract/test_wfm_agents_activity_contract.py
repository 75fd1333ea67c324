"""WFM agents, queues and agent activity (API.md §8, docs/API.md §6) from the contract alone.

Black box: agents, queues and status events go in through the ingest routes (API.md §5), rows come out of
`GET …/agents`, `GET …/queues` and `GET …/agentactivity` (scope `WFM Integration`). Every expected value is
written by hand below.

Agent activity scenario (UTC; P's agentId `a-b-0001` sorts after Q's `a-B-0002` by code point):
  P  Available 10-19 23:59:59.999 (before the window)  Q  Busy (reason "1") 10-20 02:13:12.900
  P  Available 10-20 02:13:12.900                      Q  Training 10-20 23:59:59.999
  P  Away (reason "Lunch") 10-20 14:05:09.000          Q  offline 10-21 09:30:00.000
  P  Offline 10-21 00:00:00.000
  P  Busy 10-22 00:00:00.000 (at the window's end)
Window [2020-10-20T00:00:00Z, 2020-10-22T00:00:00Z).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.contract.agents_support import (
    ACTIVITY,
    AGENTS,
    QUEUES,
    Agent,
    ingest_agents,
    ingest_queues,
    status_events,
)
from tests.support.errors import error
from tests.support.tenants import ANALYTICS, INGEST, WFM, Tenant, create_app, tenant
from tests.support.tokens import token

P = Agent("u-0e000000-0000-4000-8000-00000000000p", "a-b-0001", "pat@x.io", "Pat", "Poe")
Q = Agent("u-0f000000-0000-4000-8000-00000000000q", "a-B-0002", "quin@x.io", "Quin", "Quo")
WINDOW = {"fromTimeStamp": "2020-10-20T00:00:00Z", "toTimeStamp": "2020-10-22T00:00:00Z"}


def wfm_tenant(client: TestClient, name: str = "Acme") -> Tenant:
    return tenant(client, name, scopes=[WFM, INGEST])


def get(client: TestClient, t: Tenant, path: str, headers: dict[str, str] | None = None, **params: Any) -> Response:
    response: Response = client.get(
        path.format(t.account_id), params=params, headers=t.headers if headers is None else headers
    )
    return response


def ok_json(response: Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def update(agent_id: str, event_time: str, activity: str, reason: str = "") -> dict[str, str]:
    return {"AgentId": agent_id, "EventTime": event_time, "Activity": activity, "ReasonCode": reason}


def activity(client: TestClient, t: Tenant, **params: Any) -> list[dict[str, Any]]:
    """The AgentUpdates of a 200 answer, after checking the envelope and the keys' order."""
    body = ok_json(get(client, t, ACTIVITY, **params))
    assert list(body) == ["accountId", "AgentUpdates"], body
    assert body["accountId"] == t.account_id
    for item in body["AgentUpdates"]:
        assert list(item) == ["AgentId", "EventTime", "Activity", "ReasonCode"], item
    updates: list[dict[str, Any]] = body["AgentUpdates"]
    return updates


def seed_activity(client: TestClient) -> Tenant:
    other = wfm_tenant(client, "Other")
    ingest_agents(client, other, Agent("u-10000000-0000-4000-8000-0000000000zz", "a-0-other", "pat@x.io", "Zed", "Z"))
    status_events(client, other, "pat@x.io", ("Away", "2020-10-20T12:00:00Z", "9"))

    t = wfm_tenant(client)
    ingest_agents(client, t, P, Q)
    status_events(
        client,
        t,
        P.email,
        ("Available", "2020-10-19T23:59:59.999Z"),
        ("Available", "2020-10-20T02:13:12.900Z"),
        ("Away", "2020-10-20T14:05:09.000Z", "Lunch"),
        ("Offline", "2020-10-21T00:00:00.000Z"),
        ("Busy", "2020-10-22T00:00:00.000Z"),
    )
    status_events(
        client,
        t,
        Q.user_id,
        ("Busy", "2020-10-20T02:13:12.900Z", "1"),
        ("Training", "2020-10-20T23:59:59.999Z"),
        ("offline", "2020-10-21T09:30:00.000Z"),
    )
    return t


EXPECTED = [
    update("a-B-0002", "10/20/2020 2:13:12", "notready", "1"),  # same instant as P's: AgentId by code point
    update("a-b-0001", "10/20/2020 2:13:12", "ready"),
    update("a-b-0001", "10/20/2020 14:05:09", "notready", "Lunch"),
    update("a-B-0002", "10/20/2020 23:59:59", "notready"),  # a custom status; truncated to the second
    update("a-b-0001", "10/21/2020 0:00:00", "loggedout"),
    update("a-B-0002", "10/21/2020 9:30:00", "loggedout"),  # Offline in any casing
]


# --- agent activity --------------------------------------------------------------------------------------------


def test_activity_in_a_window_mapped_and_ordered(client: TestClient) -> None:
    t = seed_activity(client)
    assert activity(client, t, **WINDOW) == EXPECTED


def test_activity_event_time_pads_month_and_day_not_hour(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_agents(client, t, P)
    status_events(
        client,
        t,
        P.email,
        ("Away", "2021-01-05T07:08:09.123Z", "2"),
        ("Available", "2021-01-05T10:00:00Z"),
        ("Away", "2021-01-05T18:30:59.999Z"),
    )
    params = {"fromTimeStamp": "2021-01-05T00:00:00Z", "toTimeStamp": "2021-01-06T00:00:00Z"}
    assert activity(client, t, **params) == [
        update(P.agent_id, "01/05/2021 7:08:09", "notready", "2"),
        update(P.agent_id, "01/05/2021 10:00:00", "ready"),
        update(P.agent_id, "01/05/2021 18:30:59", "notready"),
    ]


def test_activity_offline_with_surrounding_spaces_is_loggedout(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_agents(client, t, P)
    status_events(client, t, P.email, (" OFFLINE ", "2021-01-05T07:00:00Z"), ("Away", "2021-01-05T08:00:00Z"))
    params = {"fromTimeStamp": "2021-01-05T00:00:00Z", "toTimeStamp": "2021-01-06T00:00:00Z"}
    assert activity(client, t, **params) == [
        update(P.agent_id, "01/05/2021 7:00:00", "loggedout"),
        update(P.agent_id, "01/05/2021 8:00:00", "notready"),
    ]


def test_activity_ties_of_one_agent_by_ingest_order(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_agents(client, t, P)
    status_events(client, t, P.email, ("Busy", "2021-01-05T07:00:00.000Z", "7"))
    status_events(client, t, P.email, ("Available", "2021-01-05T07:00:00.000Z"))
    status_events(client, t, P.email, ("Away", "2021-01-05T07:00:00.000Z", "3"))
    params = {"fromTimeStamp": "2021-01-05T07:00:00Z", "toTimeStamp": "2021-01-05T07:00:01Z"}
    assert activity(client, t, **params) == [
        update(P.agent_id, "01/05/2021 7:00:00", "notready", "7"),
        update(P.agent_id, "01/05/2021 7:00:00", "ready"),
        update(P.agent_id, "01/05/2021 7:00:00", "notready", "3"),
    ]


def test_activity_bounds_are_half_open_and_tile(client: TestClient) -> None:
    t = seed_activity(client)
    first = activity(client, t, fromTimeStamp="2020-10-20T00:00:00Z", toTimeStamp="2020-10-20T14:05:09Z")
    second = activity(client, t, fromTimeStamp="2020-10-20T14:05:09Z", toTimeStamp="2020-10-22T00:00:00Z")
    assert first == EXPECTED[:2]
    assert second == EXPECTED[2:]
    # Milliseconds count: from 02:13:12.901 leaves both 02:13:12.900 events out, to 02:13:12.901 takes them.
    assert activity(client, t, fromTimeStamp="2020-10-20T02:13:12.901Z", toTimeStamp="2020-10-20T14:05:10Z") == [
        EXPECTED[2]
    ]
    assert (
        activity(client, t, fromTimeStamp="2020-10-20T02:13:12.900Z", toTimeStamp="2020-10-20T02:13:12.901Z")
        == (EXPECTED[:2])
    )
    # Before any event of the account: empty.
    assert activity(client, t, fromTimeStamp="2020-10-18T00:00:00Z", toTimeStamp="2020-10-19T00:00:00Z") == []


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2020-10-20T02:13:12", "2020-10-20T02:13:13"),  # no zone: UTC
        ("2020-10-20T04:13:12+02:00", "2020-10-20T04:13:13+02:00"),
        ("2020-10-19T21:13:12-05:00", "2020-10-19T21:13:13-05:00"),
        ("2020-10-20T02:13:12.000Z", "2020-10-20T02:13:13.000Z"),
    ],
)
def test_activity_timestamp_forms(client: TestClient, start: str, end: str) -> None:
    t = seed_activity(client)
    assert activity(client, t, fromTimeStamp=start, toTimeStamp=end) == EXPECTED[:2]


def test_activity_window_of_exactly_seven_days_is_accepted(client: TestClient) -> None:
    t = seed_activity(client)
    assert activity(client, t, fromTimeStamp="2020-10-15T00:00:00Z", toTimeStamp="2020-10-22T00:00:00Z") == [
        update("a-b-0001", "10/19/2020 23:59:59", "ready"),
        *EXPECTED,
    ]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"fromTimeStamp": "2020-10-20T00:00:00Z"},
        {"toTimeStamp": "2020-10-21T00:00:00Z"},
        {"fromTimeStamp": "2020-10-20T00:00:00Z", "toTimeStamp": "2020-10-20T00:00:00Z"},  # empty
        {"fromTimeStamp": "2020-10-21T00:00:00Z", "toTimeStamp": "2020-10-20T00:00:00Z"},  # reversed
        {"fromTimeStamp": "2020-10-20T00:00:00Z", "toTimeStamp": "2020-10-27T00:00:00.001Z"},  # 7 days + 1 ms
        {"fromTimeStamp": "2020-10-01T00:00:00Z", "toTimeStamp": "2020-10-20T00:00:00Z"},
        {"fromTimeStamp": "2020-10-20", "toTimeStamp": "2020-10-21"},  # dates alone
        {"fromTimeStamp": "2020-10-20T00:00:00Z", "toTimeStamp": "2020-10-21"},
        {"fromTimeStamp": "yesterday", "toTimeStamp": "2020-10-21T00:00:00Z"},
        {"fromTimeStamp": "2020-13-20T00:00:00Z", "toTimeStamp": "2020-10-21T00:00:00Z"},
        {"fromTimeStamp": "1603152000", "toTimeStamp": "1603238400"},
        {"fromTimeStamp": "", "toTimeStamp": "2020-10-21T00:00:00Z"},
        {"fromTimeStamp": "1969-12-31T23:00:00Z", "toTimeStamp": "1970-01-01T01:00:00Z"},  # before 1970
    ],
)
def test_activity_bad_bounds_are_400(client: TestClient, params: dict[str, Any]) -> None:
    t = wfm_tenant(client)
    error(get(client, t, ACTIVITY, **params), 400)


def test_activity_agent_id_changed_by_an_agents_batch(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_agents(client, t, P)
    status_events(client, t, P.email, ("Busy", "2021-01-05T07:00:00Z", "4"))
    params = {"fromTimeStamp": "2021-01-05T00:00:00Z", "toTimeStamp": "2021-01-06T00:00:00Z"}
    assert activity(client, t, **params) == [update("a-b-0001", "01/05/2021 7:00:00", "notready", "4")]
    ingest_agents(client, t, Agent(P.user_id, "a-renamed", P.email, P.first, P.last))
    assert activity(client, t, **params) == [update("a-renamed", "01/05/2021 7:00:00", "notready", "4")]


def test_activity_names_agents_by_their_generated_agent_id(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_agents(client, t, {"email": "gen@x.io", "firstName": "Gen", "lastName": "Erated"})
    status_events(client, t, "gen@x.io", ("Available", "2021-01-05T07:00:00Z"))
    [listed] = ok_json(get(client, t, AGENTS))
    params = {"fromTimeStamp": "2021-01-05T00:00:00Z", "toTimeStamp": "2021-01-06T00:00:00Z"}
    [item] = activity(client, t, **params)
    assert item == update(listed["agentId"], "01/05/2021 7:00:00", "ready")
    assert item["AgentId"].startswith("a-")
    assert not item["AgentId"].startswith("u-")


# --- agents ----------------------------------------------------------------------------------------------------

UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"


def test_agents_ordered_by_agent_id_in_byte_order(client: TestClient) -> None:
    other = wfm_tenant(client, "Other")
    ingest_agents(client, other, Agent("u-20000000-0000-4000-8000-000000000000", "a-0", "z@x.io", "Zed", "Z"))
    t = wfm_tenant(client)
    ingest_agents(
        client,
        t,
        Agent("u-1", "a-a0000000", "low@x.io", "Lo", "Wer"),
        Agent("u-2", "a-B0000000", "up@x.io", "Up", "Per"),
        Agent("u-3", "a-10000000", "dig@x.io", "Di", "Git"),
        Agent("u-4", "a-_0000000", "und@x.io", "Under", "Score"),
    )
    body = ok_json(get(client, t, AGENTS))
    # Code points: "1" (0x31) < "B" (0x42) < "_" (0x5f) < "a" (0x61).
    assert body == [
        {"accountId": t.account_id, "agentId": "a-10000000", "firstName": "Di", "lastName": "Git"},
        {"accountId": t.account_id, "agentId": "a-B0000000", "firstName": "Up", "lastName": "Per"},
        {"accountId": t.account_id, "agentId": "a-_0000000", "firstName": "Under", "lastName": "Score"},
        {"accountId": t.account_id, "agentId": "a-a0000000", "firstName": "Lo", "lastName": "Wer"},
    ]
    for item in body:
        assert list(item) == ["accountId", "agentId", "firstName", "lastName"], item


def test_agents_generated_agent_id_is_a_uuid_and_kept_on_upsert(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_agents(client, t, {"email": "gen@x.io", "firstName": "Gen", "lastName": "One"})
    [first] = ok_json(get(client, t, AGENTS))
    assert re.fullmatch("a-" + UUID, first["agentId"]), first
    ingest_agents(client, t, {"email": "GEN@x.io", "firstName": "Gen", "lastName": "Two"})
    assert ok_json(get(client, t, AGENTS)) == [
        {"accountId": t.account_id, "agentId": first["agentId"], "firstName": "Gen", "lastName": "Two"}
    ]


def test_agents_paging(client: TestClient) -> None:
    t = wfm_tenant(client)
    agents = [
        {"agentId": f"a-{n:04d}", "email": f"ag{n}@x.io", "firstName": f"F{n}", "lastName": f"L{n}"} for n in range(101)
    ]
    ingest_agents(client, t, *reversed(agents))
    ids = [f"a-{n:04d}" for n in range(101)]

    def listed(**params: Any) -> list[str]:
        return [item["agentId"] for item in ok_json(get(client, t, AGENTS, **params))]

    assert listed() == ids[:100]  # default limit 100
    assert listed(offset=100) == ids[100:]
    assert listed(offset=0, limit=1000) == ids
    assert listed(offset=5, limit=3) == ids[5:8]
    assert listed(limit=1) == ids[:1]
    assert listed(offset=101) == []
    assert listed(offset=10_000) == []


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 1001}, {"limit": -1}, {"limit": "x"}, {"offset": -1}, {"offset": "x"}, {"limit": ""}],
)
def test_agents_bad_paging_is_400(client: TestClient, params: dict[str, Any]) -> None:
    t = wfm_tenant(client)
    error(get(client, t, AGENTS, **params), 400)


def test_agents_empty_account(client: TestClient) -> None:
    t = wfm_tenant(client)
    assert ok_json(get(client, t, AGENTS)) == []


# --- queues ----------------------------------------------------------------------------------------------------


def test_queues_ordered_by_name_then_id(client: TestClient) -> None:
    other = wfm_tenant(client, "Other")
    ingest_queues(client, other, ("qu-x", "Alpha"))
    t = wfm_tenant(client)
    assert ok_json(get(client, t, QUEUES)) == []
    ingest_queues(client, t, ("qu-2", "Billing"), ("qu-0", "Sales"), ("qu-9", "Alpha"), ("qu-1", "Billing"))
    body = ok_json(get(client, t, QUEUES))
    assert body == [
        {"accountId": t.account_id, "collectionPointId": "qu-9", "Description": "Alpha"},
        {"accountId": t.account_id, "collectionPointId": "qu-1", "Description": "Billing"},
        {"accountId": t.account_id, "collectionPointId": "qu-2", "Description": "Billing"},
        {"accountId": t.account_id, "collectionPointId": "qu-0", "Description": "Sales"},
    ]
    for item in body:
        assert list(item) == ["accountId", "collectionPointId", "Description"], item
    # A renamed queue moves.
    ingest_queues(client, t, ("qu-0", "Aardvark"))
    assert [q["collectionPointId"] for q in ok_json(get(client, t, QUEUES))] == ["qu-0", "qu-9", "qu-1", "qu-2"]


# --- authentication, scope, account -----------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "params"), [(AGENTS, {}), (QUEUES, {}), (ACTIVITY, WINDOW)])
def test_scope_account_and_token(client: TestClient, path: str, params: dict[str, Any]) -> None:
    t = seed_activity(client)
    ingest_queues(client, t, ("qu-1", "Sales"))
    foreign = wfm_tenant(client, "Foreign")
    # No token.
    error(get(client, t, path, headers={}, **params), 401)
    # A foreign account's token on this account's path, and this token on the foreign path.
    error(get(client, t, path, headers=foreign.headers, **params), 403)
    error(get(client, foreign, path, headers=t.headers, **params), 403)
    # An app of the account with the Analytics scope but not WFM Integration.
    analytics = create_app(client, t.account_id, scopes=[ANALYTICS, INGEST])
    error(get(client, t, path, headers={"auth": token(analytics)}, **params), 403, contains=f"scope {WFM} not granted")
    # accountId header of another account → 403; its own, with iId and Content-Type, is fine.
    error(get(client, t, path, headers={**t.headers, "accountId": foreign.account_id}, **params), 403)
    own = {**t.headers, "accountId": t.account_id, "iId": "st-x", "Content-Type": "application/json"}
    body = ok_json(get(client, t, path, headers=own, **params))
    assert body == ok_json(get(client, t, path, **params))
    assert body  # the account's own rows are there
    # The foreign account, on its own path, sees none of this account's rows.
    foreign_body = ok_json(get(client, foreign, path, **params))
    assert foreign_body in ([], {"accountId": foreign.account_id, "AgentUpdates": []}), foreign_body
