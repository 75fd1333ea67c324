"""WFM Integration (agents, queues, agent activity) through the real routes: the vendor's samples, order,
paging, the activity vocabulary and time format, windows, 400s, isolation and the scope; and the plans."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from smartassist.wfm.render import activity, event_time
from tests.analytics.test_agent_status_http import assert_same
from tests.support.rows import HOUR, MINUTE, T0, add_account, add_agent, add_events, add_queue
from tests.support.tenants import ANALYTICS, WFM, create_account, create_app
from tests.support.tokens import token

SAMPLES = Path(__file__).parent / "samples"
BASE = "/agentassist/api/public/analytics/account/{}/"
SAMPLE_ACCOUNT = "63fb9a0f90425b644d3exxxx"  # the samples' accountId, masked: not an id an account can have


def utc(*fields: int) -> int:
    """Epoch ms of a UTC date and time given as year, month, day[, hour, minute, second]."""
    return int(datetime(*fields, tzinfo=UTC).timestamp()) * 1000  # type: ignore[misc]


def sample(name: str, account_id: str) -> Any:
    """The sample response with its (masked) accountId replaced by the caller's account."""
    text = (SAMPLES / name).read_text()
    assert SAMPLE_ACCOUNT in text
    return json.loads(text.replace(SAMPLE_ACCOUNT, account_id))["response"]


@dataclass
class Caller:
    account_id: str
    headers: dict[str, str]

    def get(self, client: TestClient, route: str, **params: Any) -> Any:
        return client.get(BASE.format(self.account_id) + route, params=params, headers=self.headers)


def caller_of(client: TestClient, account_id: str, scopes: list[str] | None = None) -> Caller:
    app = create_app(client, account_id, scopes=scopes or [WFM])
    return Caller(account_id, {"auth": token(app), "iId": "st-ignored", "Content-Type": "application/json"})


@pytest.fixture
def caller(client: TestClient) -> Caller:
    return caller_of(client, create_account(client))


def test_event_time_format() -> None:
    assert event_time(utc(2020, 10, 20, 2, 13, 12) + 999) == "10/20/2020 2:13:12"  # the sample's
    assert event_time(T0 + 2 * HOUR + 13 * MINUTE + 12_999) == "12/12/2022 2:13:12"  # hour unpadded, truncated
    assert event_time(T0 + 23 * HOUR + 5 * MINUTE + 7_000) == "12/12/2022 23:05:07"  # 24-hour
    assert event_time(utc(2022, 1, 2, 9, 0, 5)) == "01/02/2022 9:00:05"  # month and day two digits
    assert event_time(utc(2024, 2, 29, 23, 59, 59) + 999) == "02/29/2024 23:59:59"  # the day's last instant
    assert event_time(utc(2024, 3, 1)) == "03/01/2024 0:00:00"  # the next day's first


@given(st.integers(min_value=0, max_value=253_402_300_799_999))  # 1970 .. 9999-12-31T23:59:59.999Z
def test_event_time_is_the_utc_instant_to_the_second(ms: int) -> None:
    t = datetime.fromtimestamp(ms // 1000, UTC)
    assert event_time(ms) == f"{t.month:02d}/{t.day:02d}/{t.year:04d} {t.hour}:{t.minute:02d}:{t.second:02d}"


def test_activity_vocabulary() -> None:
    assert [activity(s) for s in ("Available", "AVAILABLE ", "Offline", "offline", "Busy", "Away", "On Break")] == [
        "ready",
        "ready",
        "loggedout",
        "loggedout",
        "notready",
        "notready",
        "notready",
    ]


def test_agents_vendor_sample(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    expected = sample("agents.mdx.json", caller.account_id)
    item = expected[0]
    add_agent(
        db_engine,
        caller.account_id,
        "tony@stark.com",
        agent_key=item["agentId"],
        first_name=item["firstName"],
        last_name=item["lastName"],
    )
    response = caller.get(client, "agents", offset=0, limit=5)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert_same(response.json(), expected)


def test_queues_vendor_sample(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    expected = sample("queues.mdx.json", caller.account_id)
    add_queue(db_engine, caller.account_id, expected[0]["collectionPointId"], expected[0]["Description"])
    response = caller.get(client, "queues")
    assert response.status_code == 200, response.text
    assert_same(response.json(), expected)


def test_agent_activity_vendor_sample(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    expected = sample("agent-activity.mdx.json", caller.account_id)
    update = expected["AgentUpdates"][0]
    agent = add_agent(db_engine, caller.account_id, "a@x.com", agent_key=update["AgentId"])
    add_events(db_engine, caller.account_id, agent, [(utc(2020, 10, 20, 2, 13, 12) + 345, "Busy", "1")])
    response = caller.get(
        client, "agentactivity", fromTimeStamp="2020-10-20T00:00:00Z", toTimeStamp="2020-10-21T00:00:00Z"
    )
    assert response.status_code == 200, response.text
    assert_same(response.json(), expected)


def test_agents_in_agent_id_order_and_paged(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    for key in ("a-3", "a-1", "a-2"):
        add_agent(db_engine, caller.account_id, f"{key}@x.com", agent_key=key, first_name=key.upper(), last_name="")
    assert [a["agentId"] for a in caller.get(client, "agents").json()] == ["a-1", "a-2", "a-3"]
    assert [a["agentId"] for a in caller.get(client, "agents", offset=1, limit=1).json()] == ["a-2"]
    assert caller.get(client, "agents", offset=3).json() == []
    assert caller.get(client, "agents", limit=1000).status_code == 200


def test_many_agents_default_limit_is_100(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    for n in range(101):
        add_agent(db_engine, caller.account_id, f"{n}@x.com", agent_key=f"a-{n:03d}")
    agents = caller.get(client, "agents").json()
    assert len(agents) == 100 and agents[-1]["agentId"] == "a-099"


def test_queues_by_name_then_id(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    for queue_id, name in (("qu-2", "Sales"), ("qu-3", "Billing"), ("qu-1", "Sales")):
        add_queue(db_engine, caller.account_id, queue_id, name)
    assert [(q["collectionPointId"], q["Description"]) for q in caller.get(client, "queues").json()] == [
        ("qu-3", "Billing"),
        ("qu-1", "Sales"),
        ("qu-2", "Sales"),
    ]


def test_agent_activity_window_order_and_fields(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    b = add_agent(db_engine, caller.account_id, "b@x.com", agent_key="a-b")
    a = add_agent(db_engine, caller.account_id, "a@x.com", agent_key="a-a")
    add_events(db_engine, caller.account_id, b, [(T0 - 1, "Busy"), (T0, "Available"), (T0 + 30_000, "Away", "7")])
    add_events(db_engine, caller.account_id, a, [(T0, "Offline"), (T0 + 29_999, "Busy", "12")])
    response = caller.get(
        client, "agentactivity", fromTimeStamp="2022-12-12T00:00:00Z", toTimeStamp="2022-12-12T00:00:30Z"
    )
    assert response.json() == {
        "accountId": caller.account_id,
        "AgentUpdates": [
            {"AgentId": "a-a", "EventTime": "12/12/2022 0:00:00", "Activity": "loggedout", "ReasonCode": ""},
            {"AgentId": "a-b", "EventTime": "12/12/2022 0:00:00", "Activity": "ready", "ReasonCode": ""},
            {"AgentId": "a-a", "EventTime": "12/12/2022 0:00:29", "Activity": "notready", "ReasonCode": "12"},
        ],
    }
    # Milliseconds of the bounds count; a zone-less timestamp is UTC; an offset is applied.
    narrow = caller.get(
        client, "agentactivity", fromTimeStamp="2022-12-12T00:00:29.999", toTimeStamp="2022-12-12T05:30:30+05:30"
    )
    assert [u["ReasonCode"] for u in narrow.json()["AgentUpdates"]] == ["12"]
    empty = caller.get(
        client, "agentactivity", fromTimeStamp="2022-12-13T00:00:00Z", toTimeStamp="2022-12-14T00:00:00Z"
    )
    assert empty.json() == {"accountId": caller.account_id, "AgentUpdates": []}


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({}, "fromTimeStamp is required"),
        ({"fromTimeStamp": "2022-12-12T00:00:00Z"}, "toTimeStamp is required"),
        ({"toTimeStamp": "2022-12-12T00:00:00Z"}, "fromTimeStamp is required"),
        ({"fromTimeStamp": "2022-12-12", "toTimeStamp": "2022-12-13T00:00:00Z"}, "must be an ISO-8601 timestamp"),
        ({"fromTimeStamp": "yesterday", "toTimeStamp": "2022-12-13T00:00:00Z"}, "must be an ISO-8601 timestamp"),
        ({"fromTimeStamp": "2022-12-12T00:00:00Z", "toTimeStamp": "2022-12-12T00:00:00Z"}, "must be after"),
        ({"fromTimeStamp": "2022-12-12T00:00:01Z", "toTimeStamp": "2022-12-12T00:00:00Z"}, "must be after"),
        ({"fromTimeStamp": "2022-12-01T00:00:00Z", "toTimeStamp": "2022-12-08T00:00:00.001Z"}, "exceed 7 days"),
        ({"fromTimeStamp": "2022-02-30T00:00:00Z", "toTimeStamp": "2022-03-01T00:00:00Z"}, "not a valid date"),
        ({"fromTimeStamp": "2022-12-12T00:00:00+24:00", "toTimeStamp": "2022-12-13T00:00:00Z"}, "invalid UTC offset"),
        ({"fromTimeStamp": "1969-12-31T23:00:00Z", "toTimeStamp": "1970-01-01T01:00:00Z"}, "before 1970"),
        ({"fromTimeStamp": "9999-12-31T23:00:00-14:00", "toTimeStamp": "9999-12-31T23:30:00Z"}, "out of range"),
    ],
)
def test_agent_activity_bad_windows_are_400(
    client: TestClient, caller: Caller, params: dict[str, str], needle: str
) -> None:
    response = caller.get(client, "agentactivity", **params)
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["code"] == 400 and needle in error["msg"], error


def test_exactly_seven_days_is_allowed(client: TestClient, caller: Caller) -> None:
    response = caller.get(
        client, "agentactivity", fromTimeStamp="2022-12-01T00:00:00Z", toTimeStamp="2022-12-08T00:00:00Z"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 1001}, {"offset": -1}, {"offset": 2**31}, {"limit": "x"}], ids=str
)
def test_agents_bad_paging_is_400(client: TestClient, caller: Caller, params: dict[str, Any]) -> None:
    response = caller.get(client, "agents", **params)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == 400


def test_another_accounts_rows_never_appear(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    other = add_account(db_engine, "Other")
    theirs = add_agent(db_engine, other, "x@x.com", agent_key="a-0-theirs")
    add_events(db_engine, other, theirs, [(T0, "Busy")])
    add_queue(db_engine, other, "qu-0-theirs", "Aaa")
    mine = add_agent(db_engine, caller.account_id, "x@x.com", agent_key="a-1-mine")
    add_events(db_engine, caller.account_id, mine, [(T0, "Available")])
    add_queue(db_engine, caller.account_id, "qu-1-mine", "Bbb")
    assert [a["agentId"] for a in caller.get(client, "agents").json()] == ["a-1-mine"]
    assert [q["collectionPointId"] for q in caller.get(client, "queues").json()] == ["qu-1-mine"]
    window = {"fromTimeStamp": "2022-12-12T00:00:00Z", "toTimeStamp": "2022-12-13T00:00:00Z"}
    assert [u["AgentId"] for u in caller.get(client, "agentactivity", **window).json()["AgentUpdates"]] == ["a-1-mine"]


@pytest.mark.parametrize(
    "route", ["agents", "queues", "agentactivity?fromTimeStamp=2022-12-12T00:00:00Z&toTimeStamp=2022-12-12T01:00:00Z"]
)
def test_foreign_account_missing_scope_and_no_token_are_refused(
    client: TestClient, db_engine: Engine, caller: Caller, route: str
) -> None:
    other = add_account(db_engine, "Other")
    response = client.get(BASE.format(other) + route, headers=caller.headers)
    assert response.status_code == 403 and response.json()["errors"][0]["code"] == 403
    analytics_only = caller_of(client, caller.account_id, scopes=[ANALYTICS])
    response = client.get(BASE.format(caller.account_id) + route, headers=analytics_only.headers)
    assert response.json() == {"errors": [{"msg": "scope WFM Integration not granted", "code": 403}]}
    response = client.get(BASE.format(caller.account_id) + route, headers=dict(caller.headers, accountId=other))
    assert response.status_code == 403
    assert client.get(BASE.format(caller.account_id) + route).status_code == 401
