"""UserStatus through the real routes: exact response shape, windows, paging, agent filter, isolation, 400s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.support.rows import DAY, HOUR, MINUTE, T0, add_agent, add_events, add_interactions
from tests.support.tenants import INGEST, create_account, create_app
from tests.support.tokens import token
from tests.support.user_status import user_status_body as request_body

PATH = "/agentassist/api/public/analytics/account/{}/userstatus"
PATH_1_1 = "/agentassist/api/public/analytics/1.1/account/{}/userstatus"


@dataclass
class Caller:
    account_id: str
    headers: dict[str, str]

    def post(self, client: TestClient, body: Any, path: str = PATH, **params: Any) -> Any:
        return client.post(path.format(self.account_id), json=body, params=params, headers=self.headers)


@pytest.fixture
def caller(client: TestClient) -> Caller:
    account_id = create_account(client)
    return Caller(account_id, {"auth": token(create_app(client, account_id)), "IId": "st-ignored"})


def entry(metric: str, value: str, seconds: int) -> dict[str, Any]:
    return {"metric": metric, "value": value, "stats": {"sum": f"{seconds} sec"}}


@pytest.mark.parametrize("path", [PATH, PATH_1_1], ids=["seed-path", "doc-path-1.1"])
def test_response_shape_exactly(client: TestClient, db_engine: Engine, caller: Caller, path: str) -> None:
    joce = add_agent(db_engine, caller.account_id, "Joce.Tay@domain.com", user_id="u-1", custom_id="505951")
    add_agent(db_engine, caller.account_id, "idle@domain.com", user_id="u-2", first_name="Ida", last_name="Le")
    # Available from 23:50 the day before, Away at 00:20, Offline at 00:50; interactions 00:10-00:25 and
    # 00:15-00:22 (overlapping: 00:10-00:25 once).
    add_events(
        db_engine,
        caller.account_id,
        joce,
        [(T0 - 10 * MINUTE, "Available"), (T0 + 20 * MINUTE, "away"), (T0 + 50 * MINUTE, "Offline")],
    )
    add_interactions(
        db_engine, caller.account_id, joce, [(T0 + 10 * MINUTE, T0 + 25 * MINUTE), (T0 + 15 * MINUTE, T0 + 22 * MINUTE)]
    )

    response = caller.post(client, request_body("2022-12-12T00:00:00Z", "2022-12-12T01:00:00.000Z"), path=path)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "hasMore": False,
        "limit": 50,
        "offset": 0,
        "data": [
            {
                "userId": "u-1",
                "firstName": "Joce",
                "lastName": "Tay",
                "email": "Joce.Tay@domain.com",
                "customId": "505951",
                "timeInterval": [
                    {
                        "startTime": "2022-12-12T00:00:00Z",
                        "endTime": "2022-12-12T00:30:00Z",
                        "status": [
                            entry("AgentStatus", "Available", 1200),
                            entry("AgentState", "Available:Idle", 600),
                            entry("AgentState", "AVAILABLE:Interacting", 600),
                            entry("AgentStatus", "Away", 600),
                            entry("AgentState", "Away:Idle", 300),
                            entry("AgentState", "AWAY:Interacting", 300),
                        ],
                    },
                    {
                        "startTime": "2022-12-12T00:30:00Z",
                        "endTime": "2022-12-12T01:00:00Z",
                        "status": [
                            entry("AgentStatus", "Away", 1200),
                            entry("AgentState", "Away:Idle", 1200),
                            entry("AgentState", "AWAY:Interacting", 0),
                        ],
                    },
                ],
            },
            {
                "userId": "u-2",
                "firstName": "Ida",
                "lastName": "Le",
                "email": "idle@domain.com",
                "customId": "",  # the vendor writes "" for an agent without one
                "timeInterval": [],
            },
        ],
    }
    assert list(response.json()) == ["hasMore", "limit", "offset", "data"]
    assert list(response.json()["data"][0]) == ["userId", "firstName", "lastName", "email", "customId", "timeInterval"]


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        # UTC+05:30: the local days 12 and 13 December are 11T18:30Z..13T18:30Z.
        (
            -330,
            [
                ("2022-12-11T18:30:00Z", "2022-12-12T18:30:00Z", 66_600),  # 00:00-18:30 Available
                ("2022-12-12T18:30:00Z", "2022-12-13T18:30:00Z", 5_400),
            ],
        ),  # 18:30-20:00 Available
        # New York in winter: 12T05:00Z..14T05:00Z.
        (
            300,
            [
                ("2022-12-12T05:00:00Z", "2022-12-13T05:00:00Z", 54_000),  # 05:00-20:00
                ("2022-12-13T05:00:00Z", "2022-12-14T05:00:00Z", None),
            ],
        ),
        (
            0,
            [
                ("2022-12-12T00:00:00Z", "2022-12-13T00:00:00Z", 72_000),  # 00:00-20:00
                ("2022-12-13T00:00:00Z", "2022-12-14T00:00:00Z", None),
            ],
        ),
    ],
)
def test_date_window_with_offsets_and_pt24h(
    client: TestClient, db_engine: Engine, caller: Caller, offset: int, expected: list[tuple[str, str, int | None]]
) -> None:
    agent = add_agent(db_engine, caller.account_id, "a@x.com")
    add_events(db_engine, caller.account_id, agent, [(T0, "Available"), (T0 + 20 * HOUR, "Offline")])

    response = caller.post(client, request_body("2022-12-12", "2022-12-13", granularity="PT24H", offset=offset))

    assert response.status_code == 200, response.text
    assert response.json()["data"][0]["timeInterval"] == [
        {
            "startTime": start,
            "endTime": end,
            "status": []
            if sec is None
            else [
                entry("AgentStatus", "Available", sec),
                entry("AgentState", "Available:Idle", sec),
                entry("AgentState", "AVAILABLE:Interacting", 0),
            ],
        }
        for start, end, sec in expected
    ]


def test_integer_granularity_and_last_bucket_cut_short(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    agent = add_agent(db_engine, caller.account_id, "a@x.com")
    add_events(db_engine, caller.account_id, agent, [(T0 - DAY, "Busy")])

    response = caller.post(client, request_body("2022-12-12T00:00:00Z", "2022-12-12T00:50:00Z", granularity=20))

    assert response.status_code == 200, response.text
    assert [
        (b["startTime"], b["endTime"], b["status"][0]["stats"]["sum"])
        for b in response.json()["data"][0]["timeInterval"]
    ] == [
        ("2022-12-12T00:00:00Z", "2022-12-12T00:20:00Z", "1200 sec"),
        ("2022-12-12T00:20:00Z", "2022-12-12T00:40:00Z", "1200 sec"),
        ("2022-12-12T00:40:00Z", "2022-12-12T00:50:00Z", "600 sec"),
    ]


def test_paging_in_user_id_order(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    for user_id in ("u-c", "u-a", "u-b"):
        add_agent(db_engine, caller.account_id, f"{user_id}@x.com", user_id=user_id)
    body = request_body("2022-12-12", "2022-12-12")

    pages = [caller.post(client, body, limit=2, offset=offset).json() for offset in (0, 2, 3)]

    assert [([a["userId"] for a in p["data"]], p["hasMore"], p["limit"], p["offset"]) for p in pages] == [
        (["u-a", "u-b"], True, 2, 0),
        (["u-c"], False, 2, 2),
        ([], False, 2, 3),
    ]
    default = caller.post(client, body).json()
    assert (len(default["data"]), default["hasMore"], default["limit"], default["offset"]) == (3, False, 50, 0)


def test_agents_filter_case_insensitive_unknown_skipped(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    for user_id in ("u-a", "u-b", "u-c"):
        add_agent(db_engine, caller.account_id, f"{user_id}@X.com", user_id=user_id)
    body = request_body("2022-12-12", "2022-12-12", agents=["U-C@x.COM", "nobody@x.com", "u-a@x.com"])

    response = caller.post(client, body, limit=1)

    assert response.status_code == 200, response.text
    assert ([a["userId"] for a in response.json()["data"]], response.json()["hasMore"]) == (["u-a"], True)
    assert [a["userId"] for a in caller.post(client, body, offset=1).json()["data"]] == ["u-c"]


def test_accounts_are_isolated(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    other = create_account(client, "Other")
    other_caller = Caller(other, {"auth": token(create_app(client, other))})
    mine = add_agent(db_engine, caller.account_id, "same@x.com", user_id="u-mine")
    theirs = add_agent(db_engine, other, "same@x.com", user_id="u-theirs")
    add_events(db_engine, caller.account_id, mine, [(T0, "Available")])
    add_events(db_engine, other, theirs, [(T0, "Busy")])
    body = request_body("2022-12-12T00:00:00Z", "2022-12-12T00:30:00Z", agents=["same@x.com"])

    mine_page = caller.post(client, body).json()
    theirs_page = other_caller.post(client, body).json()

    assert [(a["userId"], a["timeInterval"][0]["status"][0]["value"]) for a in mine_page["data"]] == [
        ("u-mine", "Available")
    ]
    assert [(a["userId"], a["timeInterval"][0]["status"][0]["value"]) for a in theirs_page["data"]] == [
        ("u-theirs", "Busy")
    ]
    cross = client.post(PATH.format(other), json=body, headers=caller.headers)
    assert cross.status_code == 403
    assert cross.json()["errors"][0]["code"] == 403


def test_app_without_analytics_scope_is_403(client: TestClient, caller: Caller) -> None:
    ingest_only = token(create_app(client, caller.account_id, scopes=[INGEST]))
    response = client.post(
        PATH.format(caller.account_id), json=request_body("2022-12-12", "2022-12-12"), headers={"auth": ingest_only}
    )
    assert response.status_code == 403
    assert response.json() == {"errors": [{"msg": "scope SmartAssist Analytics not granted", "code": 403}]}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"json": {"granularity": "PT30M"}}, "filter is required"),
        ({"json": {"filter": {}, "granularity": "PT30M"}}, "filter.dateFilter is required"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, "JSON"),
        ({"content": b"", "headers": {}}, "request body must be a JSON object"),
        (
            {"content": b"a=b", "headers": {"content-type": "application/x-www-form-urlencoded"}},
            "request body must be a JSON object",
        ),
        ({"json": request_body("2022-08-01", "2022-09-01")}, "31 days"),
        ({"json": request_body("2022-08-25", "2022-08-24")}, "endDate must be after startDate"),
        ({"json": request_body("2022-08-25", "2022-08-25", offset=900)}, "timeZoneOffSet"),
        ({"json": request_body("2022-08-25", "2022-08-25", granularity="PT3M0")}, "granularity"),
        ({"json": request_body("2022-08-20", "2022-08-25", granularity=1)}, "5000 buckets"),
        ({"json": request_body("2022-08-25", "2022-08-25", agents=["a@b.c"] * 1001)}, "1000"),
        ({"json": request_body("2022-08-25", "2022-08-25"), "params": {"limit": 0}}, "limit"),
        ({"json": request_body("2022-08-25", "2022-08-25"), "params": {"limit": 51}}, "limit"),
        ({"json": request_body("2022-08-25", "2022-08-25"), "params": {"limit": "ten"}}, "limit"),
        ({"json": request_body("2022-08-25", "2022-08-25"), "params": {"offset": -1}}, "offset"),
        ({"json": request_body("2022-08-25", "2022-08-25"), "params": {"offset": 2**31}}, "offset"),
        ({"json": request_body("2022-08-25", "2022-08-25", agents=["a\u0000@b.c"])}, "NUL"),
        (
            {
                "content": b'{"filter": {"agents": ["\\ud800@b.c"], "dateFilter": {"startDate": "2022-08-25", '
                b'"endDate": "2022-08-25"}}, "granularity": 20}',
                "headers": {"content-type": "application/json"},
            },
            "lone surrogates",
        ),
        ({"json": request_body("\u0662\u0660\u0662\u0662-08-25", "2022-08-25")}, "startDate"),
    ],
    ids=[
        "no-filter",
        "no-date-filter",
        "bad-json",
        "empty-body",
        "form-body",
        "window-32-days",
        "end-before-start",
        "offset-900",
        "bad-granularity",
        "too-many-buckets",
        "1001-agents",
        "limit-0",
        "limit-51",
        "limit-text",
        "offset-negative",
        "offset-2**31",
        "nul-email",
        "surrogate-email",
        "arabic-digits",
    ],
)
def test_bad_requests_are_400_in_the_error_shape(
    client: TestClient, caller: Caller, kwargs: dict[str, Any], message: str
) -> None:
    headers = {**caller.headers, **kwargs.get("headers", {})}
    rest = {key: value for key, value in kwargs.items() if key != "headers"}  # shared by both backends' runs
    response = client.post(PATH.format(caller.account_id), headers=headers, **rest)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["code"] == 400
    assert message in errors[0]["msg"]
