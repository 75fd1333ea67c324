"""Agent Status Details (v1, v2, v3) through the real routes: the vendor's samples, every dateFilter form,
offsets, paging, the agent filter, isolation and 400s."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.support.rows import DAY, HOUR, MINUTE, T0, add_account, add_agent, add_events, add_logins
from tests.support.tenants import ANALYTICS, INGEST, WFM, create_account, create_app
from tests.support.tokens import token

SAMPLES = Path(__file__).parent / "samples"
BASE = "/agentassist/api/public/analytics/account/{}"
PATHS = {1: BASE + "/agentstatusdetails", 2: BASE + "/v2/agentstatusdetails", 3: BASE + "/v3/agentstatusdetails"}
IST = -330  # timeZoneOffSet of UTC+05:30


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAMPLES / name).read_text())
    return loaded


def utc_ms(local: str, offset: int = IST) -> int:
    """Epoch ms of a local `yyyy-mm-ddTHH:MM:SS[.fff]` at timeZoneOffSet `offset` (UTC - local, minutes)."""
    moment = datetime.fromisoformat(local).replace(tzinfo=UTC) + timedelta(minutes=offset)
    return int(moment.timestamp() * 1000)


def body(offset: int | None = None, agents: list[str] | None = None, **date_filter: Any) -> dict[str, Any]:
    if offset is not None:
        date_filter["timeZoneOffSet"] = offset
    filters: dict[str, Any] = {"dateFilter": date_filter}
    if agents is not None:
        filters["agents"] = agents
    return {"filter": filters}


@dataclass
class Caller:
    account_id: str
    headers: dict[str, str]

    def post(self, client: TestClient, payload: Any, version: int = 1, **params: Any) -> Any:
        return client.post(PATHS[version].format(self.account_id), json=payload, params=params, headers=self.headers)


def caller_of(client: TestClient, account_id: str, scopes: list[str] | None = None) -> Caller:
    app = create_app(client, account_id, scopes=scopes or [ANALYTICS])
    return Caller(account_id, {"auth": token(app), "iId": "st-e19dd469-90f5-5655-b0b2-858de901xxxx"})


@pytest.fixture
def caller(client: TestClient) -> Caller:
    return caller_of(client, create_account(client))


def assert_same(actual: Any, expected: Any, where: str = "$") -> None:
    """Equal key by key: the same keys in the same order, the same JSON types, the same values."""
    assert type(actual) is type(expected), f"{where}: {type(actual).__name__} != {type(expected).__name__}"
    if isinstance(expected, dict):
        assert list(actual) == list(expected), f"{where}: keys {list(actual)} != {list(expected)}"
        for key in expected:
            assert_same(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert len(actual) == len(expected), f"{where}: {len(actual)} items != {len(expected)}"
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def test_v1_vendor_sample(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """The v1 page's sample: limit 3, offset 2, two agents without spans (no customId, no status key), then
    the agent with a 32-hour span begun the day before, rows with gaps (Offline), 55.5 s shown 00:00:55,
    a reason (NBK) and the open span."""
    page = sample("agent-status-details.md.json")["response"]
    account = caller.account_id
    add_agent(db_engine, account, "first@example.com", user_id="u-0000-first")
    add_agent(db_engine, account, "second@example.com", user_id="u-0000-second")
    for item in page["data"]:
        agent = add_agent(
            db_engine,
            account,
            item["email"],
            user_id=item["userId"],
            first_name=item["firstName"],
            last_name=item["lastName"],
            custom_id=item.get("customId"),
        )
        if "status" not in item:
            continue
        local = [
            ("2023-03-09T13:20:38.000", "Available"),
            ("2023-03-10T21:37:42.000", "Available"),
            ("2023-03-10T21:38:52.600", "Busy"),
            ("2023-03-10T21:39:48.100", "Offline"),  # Busy 55.5 s
            ("2023-03-10T21:40:17.000", "Available"),
            ("2023-03-10T21:40:28.000", "Offline"),
            ("2023-03-10T21:42:49.000", "Available"),
            ("2023-03-10T21:44:05.000", "Offline"),
            ("2023-03-10T21:44:48.000", "Available"),
            ("2023-03-10T21:45:09.000", "Offline"),
            ("2023-03-10T21:46:42.000", "Available"),
        ]
        add_events(db_engine, account, agent, [(utc_ms(t), s) for t, s in local])
        add_events(db_engine, account, agent, [(utc_ms("2023-03-10T21:51:02.000"), "Busy", "NBK")])

    response = caller.post(client, body(date="2023-03-10", offset=IST), limit=3, offset=2)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    # Agents are in userId order (contract section 3); the sample lists u-fee3... before u-fdc7..., which is
    # not that order, so the sample's items are compared in userId order.
    expected = dict(page, data=sorted(page["data"], key=lambda item: item["userId"]))
    assert_same(response.json(), expected)


def test_v3_vendor_sample(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """The v3 page's sample: aId after userId, customId "" when none, one span, one login event (UTC, ms)."""
    page = sample("agent-status-details.mdx.v3.json")["response"]
    item = page["data"][0]
    account = caller.account_id
    agent = add_agent(
        db_engine,
        account,
        item["email"],
        user_id=item["userId"],
        agent_key=item["aId"],
        first_name=item["firstName"],
        last_name=item["lastName"],
    )
    add_events(
        db_engine,
        account,
        agent,
        [(utc_ms("2026-09-18T14:31:58.250"), "Available"), (utc_ms("2026-09-18T15:39:46.750"), "Offline")],
    )
    add_logins(db_engine, account, agent, [("entry", utc_ms("2026-09-18T09:00:51.886", 0), "10.32.130.10")])
    for n in range(50):  # hasMore true at limit 50: more agents follow, after it in userId order
        add_agent(db_engine, account, f"agent{n}@example.com", user_id=f"u-z{n:02d}")

    response = caller.post(client, body(date="2026-09-18", offset=IST), version=3, limit=50, offset=0)

    assert response.status_code == 200, response.text
    got = response.json()
    assert_same({**got, "data": got["data"][:1]}, page)
    assert len(got["data"]) == 50
    assert_same(
        got["data"][1],
        {
            "userId": "u-z00",
            "aId": got["data"][1]["aId"],
            "firstName": "Joce",
            "lastName": "Tay",
            "email": "agent0@example.com",
            "customId": "",
        },
    )
    assert got["data"][1]["aId"].startswith("a-")


def test_versions_differ_only_in_aid_customid_and_events(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    account = caller.account_id
    with_id = add_agent(db_engine, account, "a@x.com", user_id="u-1", custom_id="505951", agent_key="a-1")
    add_agent(db_engine, account, "b@x.com", user_id="u-2", agent_key="a-2")
    add_events(db_engine, account, with_id, [(T0 + HOUR, "Busy", "lunch")])
    add_logins(db_engine, account, with_id, [("entry", T0 + 5, None), ("exit", T0 + 2 * HOUR, "10.0.0.1")])
    span = {
        "primaryStatus": "BUSY",
        "secondaryStatus": "LUNCH",
        "startTime": "2022-12-12T01:00:00",
        "endTime": "-",
        "duration": "-",
    }
    v1 = [
        {"userId": "u-1", "firstName": "Joce", "lastName": "Tay", "email": "a@x.com", "customId": "505951"}
        | {"status": [span]},
        {"userId": "u-2", "firstName": "Joce", "lastName": "Tay", "email": "b@x.com"},
    ]
    v3 = [
        {"userId": "u-1", "aId": "a-1", "firstName": "Joce", "lastName": "Tay", "email": "a@x.com"}
        | {"customId": "505951", "status": [span]}
        | {
            "events": [
                {"type": "entry", "at": "2022-12-12T00:00:00.005Z", "ip": ""},
                {"type": "exit", "at": "2022-12-12T02:00:00.000Z", "ip": "10.0.0.1"},
            ]
        },
        {"userId": "u-2", "aId": "a-2", "firstName": "Joce", "lastName": "Tay", "email": "b@x.com", "customId": ""},
    ]
    for version, data in ((1, v1), (2, v1), (3, v3)):
        response = caller.post(client, body(startDate="2022-12-12", endDate="2022-12-12"), version=version)
        assert response.status_code == 200, response.text
        assert_same(response.json(), {"hasMore": False, "limit": 50, "offset": 0, "data": data})


def test_login_events_outside_the_window_are_not_listed(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    agent = add_agent(db_engine, caller.account_id, "a@x.com", user_id="u-1")
    add_logins(
        db_engine, caller.account_id, agent, [("entry", T0 - 1, "1"), ("entry", T0, "2"), ("exit", T0 + DAY, "3")]
    )
    response = caller.post(client, body(date="2022-12-12"), version=3)
    assert [e["ip"] for e in response.json()["data"][0]["events"]] == ["2"]


def all_spans(response: Any) -> list[list[tuple[str, str, str]]]:
    assert response.status_code == 200, response.text
    return [
        [(s["primaryStatus"], s["startTime"], s["endTime"]) for s in item.get("status", [])]
        for item in response.json()["data"]
    ]


def first_spans(response: Any) -> list[tuple[str, str, str]]:
    return all_spans(response)[0]


@pytest.mark.parametrize(
    ("offset", "day_start_utc"),
    [(IST, T0 - 330 * MINUTE), (300, T0 + 300 * MINUTE), (840, T0 + 840 * MINUTE), (-840, T0 - 840 * MINUTE)],
)
def test_a_date_is_the_whole_local_day_by_offset(
    client: TestClient, db_engine: Engine, caller: Caller, offset: int, day_start_utc: int
) -> None:
    """Events around the local midnights starting and ending 2022-12-12: the day lists the span begun just
    before it (whole) and not the one begun at the next midnight. A second agent's event exactly at the
    start begins its first span; its span before ends at the start and is not listed."""
    agent = add_agent(db_engine, caller.account_id, "a@x.com", user_id="u-1")
    at_start = add_agent(db_engine, caller.account_id, "b@x.com", user_id="u-2")
    start, end = day_start_utc, day_start_utc + DAY
    add_events(
        db_engine,
        caller.account_id,
        agent,
        [
            (start - 1000, "Away"),
            (start + 1000, "Available"),
            (end - 1000, "Busy"),
            (end, "Offline"),
            (end + 1, "Away"),
        ],
    )
    add_events(db_engine, caller.account_id, at_start, [(start - HOUR, "Busy"), (start, "Available")])
    expected = [
        [
            ("AWAY", "2022-12-11T23:59:59", "2022-12-12T00:00:01"),
            ("AVAILABLE", "2022-12-12T00:00:01", "2022-12-12T23:59:59"),
            ("BUSY", "2022-12-12T23:59:59", "2022-12-13T00:00:00"),
        ],
        [("AVAILABLE", "2022-12-12T00:00:00", "-")],
    ]
    assert all_spans(caller.post(client, body(date="2022-12-12", offset=offset))) == expected
    same = body(startDate="2022-12-12", endDate="2022-12-12", offset=offset)
    assert all_spans(caller.post(client, same, version=2)) == expected
    local = body(startDate="2022-12-12T00:00:00", endDate="2022-12-13T00:00:00", offset=offset)
    assert all_spans(caller.post(client, local, version=3)) == expected
    mixed = body(startDate="2022-12-12", endDate="2022-12-13T00:00:00", offset=offset)
    assert all_spans(caller.post(client, mixed, version=1)) == expected


def test_local_timestamps_bound_the_window_to_the_second(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """The v2 form: startDate/endDate local yyyy-mm-ddTHH:MM:SS; the window is [start, end)."""
    agent = add_agent(db_engine, caller.account_id, "a@x.com", user_id="u-1")
    at_eight = utc_ms("2024-04-03T08:00:00")
    add_events(
        db_engine,
        caller.account_id,
        agent,
        [(at_eight - 2 * HOUR, "Busy"), (at_eight - HOUR, "Offline"), (at_eight + MINUTE, "Available")],
    )
    window = body(startDate="2024-04-03T08:00:00", endDate="2024-04-04T23:59:00", offset=IST, agents=["A@X.com"])
    assert first_spans(caller.post(client, window, version=2)) == [("AVAILABLE", "2024-04-03T08:01:00", "-")]
    earlier = body(startDate="2024-04-03T06:59:59", endDate="2024-04-03T07:00:00", offset=IST)
    assert first_spans(caller.post(client, earlier, version=2)) == [
        ("BUSY", "2024-04-03T06:00:00", "2024-04-03T07:00:00")
    ]
    # A window that holds only the Offline span lists nothing: no status key.
    offline = body(startDate="2024-04-03T07:30:00", endDate="2024-04-03T08:00:00", offset=IST)
    response = caller.post(client, offline, version=2)
    assert response.status_code == 200 and "status" not in response.json()["data"][0]


def test_an_agent_whose_only_status_is_offline_has_no_status_key(
    client: TestClient, db_engine: Engine, caller: Caller
) -> None:
    agent = add_agent(db_engine, caller.account_id, "a@x.com", user_id="u-1")
    add_events(db_engine, caller.account_id, agent, [(T0 + HOUR, "Offline")])
    for version in (1, 2, 3):
        item = caller.post(client, body(date="2022-12-12"), version=version).json()["data"][0]
        assert "status" not in item and "events" not in item


def test_two_events_at_the_same_millisecond(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    agent = add_agent(db_engine, caller.account_id, "a@x.com", user_id="u-1")
    add_events(db_engine, caller.account_id, agent, [(T0 + HOUR, "Busy"), (T0 + HOUR, "Away"), (T0 + 2 * HOUR, "Busy")])
    assert first_spans(caller.post(client, body(date="2022-12-12"))) == [
        ("AWAY", "2022-12-12T01:00:00", "2022-12-12T02:00:00"),
        ("BUSY", "2022-12-12T02:00:00", "-"),
    ]


def test_paging_and_filter_as_user_status(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    for n in (3, 1, 2):
        add_agent(db_engine, caller.account_id, f"Agent{n}@X.com", user_id=f"u-{n}")
    page = caller.post(client, body(date="2022-12-12"), limit=2).json()
    assert [a["userId"] for a in page["data"]] == ["u-1", "u-2"] and page["hasMore"] is True
    page = caller.post(client, body(date="2022-12-12"), limit=2, offset=2).json()
    assert [a["userId"] for a in page["data"]] == ["u-3"] and page["hasMore"] is False
    assert (page["limit"], page["offset"]) == (2, 2)
    beyond = caller.post(client, body(date="2022-12-12"), offset=10).json()
    assert beyond == {"hasMore": False, "limit": 50, "offset": 10, "data": []}
    chosen = caller.post(client, body(date="2022-12-12", agents=["agent3@x.com", "AGENT1@x.com", "nobody@x.com"]))
    assert [a["userId"] for a in chosen.json()["data"]] == ["u-1", "u-3"]


def test_another_accounts_agents_never_appear(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    other = add_account(db_engine, "Other")
    theirs = add_agent(db_engine, other, "shared@x.com", user_id="u-0")
    add_events(db_engine, other, theirs, [(T0, "Available")])
    add_logins(db_engine, other, theirs, [("entry", T0, "1.2.3.4")])
    mine = add_agent(db_engine, caller.account_id, "mine@x.com", user_id="u-1")
    response = caller.post(client, body(date="2022-12-12", agents=["shared@x.com", "mine@x.com"]), version=3)
    assert [a["userId"] for a in response.json()["data"]] == ["u-1"]
    assert "status" not in response.json()["data"][0] and mine


def test_a_foreign_account_and_a_missing_scope_are_403(client: TestClient, caller: Caller) -> None:
    other = create_account(client, "Other")
    for version in (1, 2, 3):
        response = client.post(PATHS[version].format(other), json=body(date="2022-12-12"), headers=caller.headers)
        assert response.status_code == 403 and response.json()["errors"][0]["code"] == 403
    wfm_only = caller_of(client, caller.account_id, scopes=[WFM, INGEST])
    response = wfm_only.post(client, body(date="2022-12-12"), version=3)
    assert response.status_code == 403
    assert response.json() == {"errors": [{"msg": "scope SmartAssist Analytics not granted", "code": 403}]}
    header = dict(caller.headers, accountId=other)
    response = client.post(PATHS[1].format(caller.account_id), json=body(date="2022-12-12"), headers=header)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("payload", "params", "needle"),
    [
        (None, {}, "request body must be a JSON object"),
        ({}, {}, "filter is required"),
        ({"filter": {}}, {}, "filter.dateFilter is required"),
        ({"filter": {"dateFilter": {}}}, {}, "startDate is required"),
        (body(startDate="2022-12-12"), {}, "endDate is required"),
        (body(date="2022-12-12", startDate="2022-12-12", endDate="2022-12-12"), {}, "not both"),
        (body(date="2022-12-12T00:00:00"), {}, "date must be a date"),
        (body(date=20221212), {}, "date must be a date"),
        (body(date="2022-02-30"), {}, "date is not a valid date"),
        (body(date="12/12/2022"), {}, "date must be a date"),
        (body(startDate="2022-12-12", endDate="2022-12-11"), {}, "endDate must be after startDate"),
        (body(startDate="2022-12-12T10:00:00", endDate="2022-12-12T10:00:00"), {}, "endDate must be after"),
        (body(startDate="2022-12-01", endDate="2023-01-01"), {}, "must not exceed 31 days"),
        (body(startDate="2022-12-12T25:00:00", endDate="2022-12-13"), {}, "not a valid time of day"),
        (body(date="2022-12-12", offset=841), {}, "timeZoneOffSet must be between"),
        (body(date="2022-12-12", offset="-330"), {}, "timeZoneOffSet must be an integer"),
        (body(date="2022-12-12", offset=1.5), {}, "timeZoneOffSet must be an integer"),
        (body(date="2022-12-12", agents="a@x.com"), {}, "filter.agents must be a list"),
        (body(date="2022-12-12", agents=[""]), {}, "filter.agents must hold email strings"),
        (body(date="1969-12-31"), {}, "must not be before 1970"),
        (body(date="9999-12-31"), {}, "out of range"),
        ({"filter": {"dateFilter": {"date": "2022-12-12"}}, "granularity": "PT30M"}, {}, "unknown field 'granularity'"),
        (body(date="2022-12-12", extra=1), {}, "unknown field 'extra'"),
        (body(date="2022-12-12"), {"limit": 0}, "limit"),
        (body(date="2022-12-12"), {"limit": 51}, "limit"),
        (body(date="2022-12-12"), {"offset": -1}, "offset"),
        (body(date="2022-12-12"), {"offset": 2**31}, "offset"),
        (body(date="2022-12-12"), {"limit": "ten"}, "limit"),
    ],
)
def test_bad_input_is_400(
    client: TestClient, caller: Caller, payload: Any, params: dict[str, Any], needle: str
) -> None:
    for version in (1, 3):
        response = caller.post(client, payload, version=version, **params)
        assert response.status_code == 400, response.text
        error = response.json()["errors"][0]
        assert error["code"] == 400 and needle in error["msg"], error


def test_a_body_that_is_not_json_is_400(client: TestClient, caller: Caller) -> None:
    headers = dict(caller.headers, **{"Content-Type": "application/json"})
    response = client.post(PATHS[2].format(caller.account_id), content=b"{not json", headers=headers)
    assert response.status_code == 400
    assert response.json() == {"errors": [{"msg": "request body is not valid JSON", "code": 400}]}
