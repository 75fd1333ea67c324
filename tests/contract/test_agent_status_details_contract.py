"""Agent Status Details v1 / v2 / v3 (API.md §7, docs/API.md §5) from the contract alone.

Black box: agents, status events and login events go in through the ingest routes (API.md §5), spans come out
of the three public paths. Every expected value is worked out by hand below.

The main scenario (UTC instants; ANN reproduces the vendor's v1 sample):
  ANN  Available 03-09 13:20:38.000, Available 03-10 21:37:42.000, Busy 21:38:52.600, Offline 21:39:48.100,
       Available 21:40:17.000, Busy (reason "nbk") 21:51:02.000 (open: no later event)
       logins: entry 03-09 08:00:00Z (before), entry 03-10 09:00:51.886Z ip 10.32.130.10,
               exit 03-10 21:39:48.100Z (no ip), entry 03-11 00:00:00.000Z (at a 03-10 window's end)
  BOB  Away (reason "Lunch") 03-10 08:00:00, Available 09:00:00, Offline 17:00:00; no customId
       login: entry 03-10 00:00:00.000Z ip 10.0.0.7:5060 (at a 03-10 window's start)
  CAT  no status events, no logins; customId "123456"
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.contract.agents_support import V1, V2, V3, Agent, ingest_agents, login_events, status_events
from tests.support.errors import error
from tests.support.tenants import ANALYTICS, INGEST, WFM, Tenant, create_app, tenant
from tests.support.tokens import token

VERSIONS = [V1, V2, V3]

ANN = Agent(
    "u-0a000000-0000-4000-8000-000000000001",
    "a-0a000000-0000-4000-8000-0000000000a1",
    "ann@x.io",
    "Ann",
    "Lee",
    "505951",
)
BOB = Agent("u-0b000000-0000-4000-8000-000000000002", "a-0b000000-0000-4000-8000-0000000000b2", "bob@x.io", "Bob", "Ng")
CAT = Agent(
    "u-0c000000-0000-4000-8000-000000000003",
    "a-0c000000-0000-4000-8000-0000000000c3",
    "cat@x.io",
    "Cat",
    "Ray",
    "123456",
)

DAY = {"filter": {"dateFilter": {"date": "2023-03-10"}}}


def span(primary: str, secondary: str, start: str, end: str, duration: str) -> dict[str, str]:
    return {
        "primaryStatus": primary,
        "secondaryStatus": secondary,
        "startTime": start,
        "endTime": end,
        "duration": duration,
    }


def login(kind: str, at: str, ip: str) -> dict[str, str]:
    return {"type": kind, "at": at, "ip": ip}


# The 2023-03-10 UTC day (timeZoneOffSet 0): ANN's five spans (the vendor's first rows), BOB's two.
ANN_UTC = [
    span("AVAILABLE", "AVAILABLE", "2023-03-09T13:20:38", "2023-03-10T21:37:42", "32:17:04"),
    span("AVAILABLE", "AVAILABLE", "2023-03-10T21:37:42", "2023-03-10T21:38:52", "00:01:10"),  # 70.6 s
    span("BUSY", "BUSY", "2023-03-10T21:38:52", "2023-03-10T21:39:48", "00:00:55"),  # 55.5 s, rounded down
    span("AVAILABLE", "AVAILABLE", "2023-03-10T21:40:17", "2023-03-10T21:51:02", "00:10:45"),
    span("BUSY", "NBK", "2023-03-10T21:51:02", "-", "-"),
]
BOB_UTC = [
    span("AWAY", "LUNCH", "2023-03-10T08:00:00", "2023-03-10T09:00:00", "01:00:00"),
    span("AVAILABLE", "AVAILABLE", "2023-03-10T09:00:00", "2023-03-10T17:00:00", "08:00:00"),
]
ANN_EVENTS_UTC = [
    login("entry", "2023-03-10T09:00:51.886Z", "10.32.130.10"),
    login("exit", "2023-03-10T21:39:48.100Z", ""),
]
BOB_EVENTS_UTC = [login("entry", "2023-03-10T00:00:00.000Z", "10.0.0.7:5060")]


def v12_row(a: Agent, status: list[dict[str, str]] | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"userId": a.user_id, "firstName": a.first, "lastName": a.last, "email": a.email}
    if a.custom_id:
        row["customId"] = a.custom_id
    if status:
        row["status"] = status
    return row


def v3_row(
    a: Agent, status: list[dict[str, str]] | None = None, events: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "userId": a.user_id,
        "aId": a.agent_id,
        "firstName": a.first,
        "lastName": a.last,
        "email": a.email,
        "customId": a.custom_id or "",
    }
    if status:
        row["status"] = status
    if events:
        row["events"] = events
    return row


def page(data: list[dict[str, Any]], has_more: bool = False, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    return {"hasMore": has_more, "limit": limit, "offset": offset, "data": data}


def send(
    client: TestClient,
    t: Tenant,
    path: str,
    payload: Any,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Response:
    response: Response = client.post(
        path.format(t.account_id), json=payload, params=params, headers=t.headers if headers is None else headers
    )
    return response


def details(client: TestClient, t: Tenant, path: str, payload: Any, **params: Any) -> dict[str, Any]:
    """The 200 body, after checking the key order of every agent item and span."""
    response = send(client, t, path, payload, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"hasMore", "limit", "offset", "data"}, body
    for item in body["data"]:
        if path == V3:
            expected = ["userId", "aId", "firstName", "lastName", "email", "customId"]
        else:
            expected = ["userId", "firstName", "lastName", "email"] + (["customId"] if "customId" in item else [])
        expected += [k for k in ("status", "events") if k in item]
        assert list(item) == expected, item
        for s in item.get("status", []):
            assert list(s) == ["primaryStatus", "secondaryStatus", "startTime", "endTime", "duration"], s
        for e in item.get("events", []):
            assert list(e) == ["type", "at", "ip"], e
    return body


def date_filter(**fields: Any) -> dict[str, Any]:
    return {"filter": {"dateFilter": fields}}


def seed(client: TestClient) -> Tenant:
    """The module docstring's scenario, plus another account whose agent has ANN's email and events."""
    other = tenant(client, "Other")
    ingest_agents(client, other, Agent("u-0000ffff-0000-4000-8000-000000000000", "a-0000ffff", "ann@x.io", "Zed", "Z"))
    status_events(client, other, "ann@x.io", ("Busy", "2023-03-10T10:00:00Z", "X"))
    login_events(client, other, "ann@x.io", ("entry", "2023-03-10T10:00:00Z", "10.9.9.9"))

    t = tenant(client)
    ingest_agents(client, t, CAT, BOB, ANN)  # stored out of userId order on purpose
    status_events(
        client,
        t,
        ANN.email,
        ("Available", "2023-03-09T13:20:38.000Z"),
        ("Available", "2023-03-10T21:37:42.000Z"),
        ("Busy", "2023-03-10T21:38:52.600Z"),
        ("Offline", "2023-03-10T21:39:48.100Z"),
        ("Available", "2023-03-10T21:40:17.000Z"),
        ("Busy", "2023-03-10T21:51:02.000Z", "nbk"),
    )
    status_events(
        client,
        t,
        BOB.user_id,
        ("Away", "2023-03-10T08:00:00Z", "Lunch"),
        ("Available", "2023-03-10T09:00:00Z"),
        ("Offline", "2023-03-10T17:00:00Z"),
    )
    login_events(
        client,
        t,
        ANN.user_id,
        ("entry", "2023-03-09T08:00:00Z", "10.32.130.9"),
        ("entry", "2023-03-10T09:00:51.886Z", "10.32.130.10"),
        ("exit", "2023-03-10T21:39:48.100Z"),
        ("entry", "2023-03-11T00:00:00.000Z", "10.32.130.11"),
    )
    login_events(client, t, BOB.email, ("entry", "2023-03-10T00:00:00.000Z", "10.0.0.7:5060"))
    return t


# --- response shapes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [V1, V2])
def test_v1_v2_spans_of_the_vendor_sample(client: TestClient, path: str) -> None:
    t = seed(client)
    expected = page([v12_row(ANN, ANN_UTC), v12_row(BOB, BOB_UTC), v12_row(CAT)])
    assert details(client, t, path, DAY) == expected


def test_v3_adds_aid_customid_and_login_events(client: TestClient) -> None:
    t = seed(client)
    expected = page(
        [
            v3_row(ANN, ANN_UTC, ANN_EVENTS_UTC),
            v3_row(BOB, BOB_UTC, BOB_EVENTS_UTC),
            v3_row(CAT),  # no status, no events: neither key
        ]
    )
    assert details(client, t, V3, DAY) == expected


def test_v3_customid_empty_string_when_none_and_v1_leaves_it_out(client: TestClient) -> None:
    t = tenant(client)
    gil = Agent("u-0d000000-0000-4000-8000-000000000004", "a-0d", "gil@x.io", "Gil", "Oh")
    ingest_agents(client, t, gil, BOB)
    assert details(client, t, V1, DAY)["data"] == [
        {"userId": BOB.user_id, "firstName": "Bob", "lastName": "Ng", "email": "bob@x.io"},
        {"userId": gil.user_id, "firstName": "Gil", "lastName": "Oh", "email": "gil@x.io"},
    ]
    v3 = details(client, t, V3, DAY)["data"]
    assert [(r["aId"], r["customId"]) for r in v3] == [(BOB.agent_id, ""), ("a-0d", "")]


def test_times_are_local_by_offset_minus_330(client: TestClient) -> None:
    # -330 = UTC+05:30: the local day 2023-03-10 is [03-09 18:30Z, 03-10 18:30Z). ANN's second span (21:37:42Z)
    # starts after it; BOB's spans shift by +5:30; login `at` stays UTC.
    t = seed(client)
    body = date_filter(date="2023-03-10", timeZoneOffSet=-330)
    expected = page(
        [
            v3_row(
                ANN,
                [span("AVAILABLE", "AVAILABLE", "2023-03-09T18:50:38", "2023-03-11T03:07:42", "32:17:04")],
                [login("entry", "2023-03-10T09:00:51.886Z", "10.32.130.10")],
            ),
            v3_row(
                BOB,
                [
                    span("AWAY", "LUNCH", "2023-03-10T13:30:00", "2023-03-10T14:30:00", "01:00:00"),
                    span("AVAILABLE", "AVAILABLE", "2023-03-10T14:30:00", "2023-03-10T22:30:00", "08:00:00"),
                ],
                BOB_EVENTS_UTC,
            ),
            v3_row(CAT),
        ]
    )
    assert details(client, t, V3, body) == expected


def test_times_are_local_by_offset_300_new_york(client: TestClient) -> None:
    # 300 = UTC-5: the local day 2023-03-10 (startDate..endDate, dates) is [03-10 05:00Z, 03-11 05:00Z).
    t = seed(client)
    body = date_filter(startDate="2023-03-10", endDate="2023-03-10", timeZoneOffSet=300)
    ann = [
        span("AVAILABLE", "AVAILABLE", "2023-03-09T08:20:38", "2023-03-10T16:37:42", "32:17:04"),
        span("AVAILABLE", "AVAILABLE", "2023-03-10T16:37:42", "2023-03-10T16:38:52", "00:01:10"),
        span("BUSY", "BUSY", "2023-03-10T16:38:52", "2023-03-10T16:39:48", "00:00:55"),
        span("AVAILABLE", "AVAILABLE", "2023-03-10T16:40:17", "2023-03-10T16:51:02", "00:10:45"),
        span("BUSY", "NBK", "2023-03-10T16:51:02", "-", "-"),
    ]
    bob = [
        span("AWAY", "LUNCH", "2023-03-10T03:00:00", "2023-03-10T04:00:00", "01:00:00"),
        span("AVAILABLE", "AVAILABLE", "2023-03-10T04:00:00", "2023-03-10T12:00:00", "08:00:00"),
    ]
    # Login events in [03-10 05:00Z, 03-11 05:00Z): ANN's 09:00:51.886, 21:39:48.100 and 03-11 00:00; not BOB's.
    ann_events = ANN_EVENTS_UTC + [login("entry", "2023-03-11T00:00:00.000Z", "10.32.130.11")]
    assert details(client, t, V2, body) == page([v12_row(ANN, ann), v12_row(BOB, bob), v12_row(CAT)])
    assert details(client, t, V3, body) == page([v3_row(ANN, ann, ann_events), v3_row(BOB, bob), v3_row(CAT)])


def test_open_span_is_listed_for_a_later_window(client: TestClient) -> None:
    # ANN's last span (Busy from 03-10 21:51:02) has no later event: open, and it overlaps 03-12.
    t = seed(client)
    body = {"filter": {"dateFilter": {"date": "2023-03-12"}}}
    assert details(client, t, V1, body) == page(
        [v12_row(ANN, [ANN_UTC[-1]]), v12_row(BOB), v12_row(CAT)]  # BOB went Offline: nothing after 17:00
    )


# --- every version accepts every dateFilter form -----------------------------------------------------------


@pytest.mark.parametrize(
    "date_fields",
    [
        {"date": "2023-03-10"},
        {"date": "2023-03-10", "timeZoneOffSet": 0},
        {"startDate": "2023-03-10", "endDate": "2023-03-10"},
        {"startDate": "2023-03-10T00:00:00", "endDate": "2023-03-11T00:00:00"},
        {"startDate": "2023-03-10T00:00", "endDate": "2023-03-11T00:00"},
        {"startDate": "2023-03-10T00:00:00.900", "endDate": "2023-03-11T00:00:00.900"},  # fractions dropped
        {"startDate": "2023-03-10T00:00:00Z", "endDate": "2023-03-11T00:00:00Z"},
        {"startDate": "2023-03-10T05:30:00+05:30", "endDate": "2023-03-11T05:30:00+05:30"},
        {"startDate": "2023-03-10", "endDate": "2023-03-11T00:00:00"},  # a date and a timestamp mixed
    ],
)
def test_every_version_reads_every_date_form(client: TestClient, date_fields: dict[str, Any]) -> None:
    t = seed(client)
    body = {"filter": {"agents": ["bob@x.io", "ann@x.io"], "dateFilter": date_fields}}
    for path in VERSIONS:
        data = details(client, t, path, body)["data"]
        assert [r["userId"] for r in data] == [ANN.user_id, BOB.user_id], path
        assert [r["status"] for r in data] == [ANN_UTC, BOB_UTC], path


def test_zoned_timestamps_keep_their_instant_and_times_render_at_the_offset(client: TestClient) -> None:
    # Window [03-10 00:00Z, 03-10 18:00Z) whatever the offset; the response's times are at UTC+05:30.
    t = seed(client)
    body = date_filter(startDate="2023-03-10T00:00:00Z", endDate="2023-03-10T18:00:00Z", timeZoneOffSet=-330)
    data = details(client, t, V1, body)["data"]
    assert data == [
        v12_row(ANN, [span("AVAILABLE", "AVAILABLE", "2023-03-09T18:50:38", "2023-03-11T03:07:42", "32:17:04")]),
        v12_row(
            BOB,
            [
                span("AWAY", "LUNCH", "2023-03-10T13:30:00", "2023-03-10T14:30:00", "01:00:00"),
                span("AVAILABLE", "AVAILABLE", "2023-03-10T14:30:00", "2023-03-10T22:30:00", "08:00:00"),
            ],
        ),
        v12_row(CAT),
    ]


def test_v2_sample_body_with_local_timestamps(client: TestClient) -> None:
    # The vendor's v2 body: [2024-04-03 08:00, 2024-04-04 23:59) at UTC+05:30 = [04-03 02:30Z, 04-04 18:29Z).
    t = tenant(client)
    ingest_agents(client, t, ANN)
    status_events(
        client,
        t,
        ANN.email,
        ("Busy", "2024-04-03T02:00:00Z"),  # ends 02:29:59.999Z, before the window
        ("Available", "2024-04-03T02:29:59.999Z"),  # ends at 02:30:00.000Z, exactly the window's start
        ("Away", "2024-04-03T02:30:00.000Z"),
        ("Offline", "2024-04-04T18:29:00.000Z"),  # exactly the window's end: outside
    )
    body = {
        "filter": {
            "agents": ["john.doe@domain.com", "ann@x.io"],
            "dateFilter": {
                "startDate": "2024-04-03T08:00:00",
                "endDate": "2024-04-04T23:59:00",
                "timeZoneOffSet": -330,
            },
        }
    }
    assert details(client, t, V2, body) == page(
        [v12_row(ANN, [span("AWAY", "AWAY", "2024-04-03T08:00:00", "2024-04-04T23:59:00", "39:59:00")])]
    )


# --- span rules ----------------------------------------------------------------------------------------------


def test_window_edges(client: TestClient) -> None:
    t = tenant(client)
    ingest_agents(client, t, BOB)
    status_events(
        client,
        t,
        BOB.email,
        ("Busy", "2023-05-01T09:00:00Z"),
        ("Available", "2023-05-01T10:00:00Z"),
        ("Away", "2023-05-01T11:00:00Z"),
        ("Busy", "2023-05-01T12:00:00Z"),
    )
    # [10:00, 11:00): Busy ends exactly at the start (outside); Available starts at it; Away starts at the end.
    body = date_filter(startDate="2023-05-01T10:00:00", endDate="2023-05-01T11:00:00")
    available = span("AVAILABLE", "AVAILABLE", "2023-05-01T10:00:00", "2023-05-01T11:00:00", "01:00:00")
    assert details(client, t, V1, body)["data"] == [v12_row(BOB, [available])]
    # One second more and Away is in, shown whole (not cut at the window's end).
    body = date_filter(startDate="2023-05-01T10:00:00", endDate="2023-05-01T11:00:01")
    away = span("AWAY", "AWAY", "2023-05-01T11:00:00", "2023-05-01T12:00:00", "01:00:00")
    assert details(client, t, V1, body)["data"] == [v12_row(BOB, [available, away])]
    # A window inside one span: the span is shown whole.
    body = date_filter(startDate="2023-05-01T10:15:00", endDate="2023-05-01T10:16:00")
    assert details(client, t, V1, body)["data"] == [v12_row(BOB, [available])]


def test_statuses_reasons_offline_casings_and_long_hours(client: TestClient) -> None:
    t = tenant(client)
    ingest_agents(client, t, BOB)
    status_events(
        client,
        t,
        BOB.email,
        ("Available", "2023-05-01T00:00:00Z"),
        ("On Break", "2023-05-01T01:00:00Z"),  # no reason: secondaryStatus is the status
        ("offline", "2023-05-01T02:00:00Z"),
        ("Busy", "2023-05-01T03:00:00Z", "nbk"),
        ("OFFLINE", "2023-05-01T04:00:00Z"),
        ("away", "2023-05-01T05:00:00Z", "Lunch break"),
        ("Offline", "2023-05-06T08:00:04Z"),  # 5 days 3 h 4 s after 05:00
    )
    expected = [
        span("AVAILABLE", "AVAILABLE", "2023-05-01T00:00:00", "2023-05-01T01:00:00", "01:00:00"),
        span("ON BREAK", "ON BREAK", "2023-05-01T01:00:00", "2023-05-01T02:00:00", "01:00:00"),
        span("BUSY", "NBK", "2023-05-01T03:00:00", "2023-05-01T04:00:00", "01:00:00"),
        span("AWAY", "LUNCH BREAK", "2023-05-01T05:00:00", "2023-05-06T08:00:04", "123:00:04"),
    ]
    for path in VERSIONS:
        data = details(client, t, path, {"filter": {"dateFilter": {"date": "2023-05-01"}}})["data"]
        assert [r["status"] for r in data] == [expected], path


def test_offline_with_surrounding_spaces_is_not_listed(client: TestClient) -> None:
    t = tenant(client)
    ingest_agents(client, t, BOB)
    status_events(client, t, BOB.email, ("Busy", "2023-05-01T01:00:00Z"), (" Offline ", "2023-05-01T02:00:00Z"))
    data = details(client, t, V1, {"filter": {"dateFilter": {"date": "2023-05-01"}}})["data"]
    assert data == [v12_row(BOB, [span("BUSY", "BUSY", "2023-05-01T01:00:00", "2023-05-01T02:00:00", "01:00:00")])]


def test_events_at_the_same_millisecond(client: TestClient) -> None:
    # The span between two events of the same millisecond has no length and is not listed; the later one (by
    # ingest order) is the status held.
    t = tenant(client)
    ingest_agents(client, t, BOB)
    status_events(client, t, BOB.email, ("Available", "2023-05-01T09:00:00Z"))
    status_events(client, t, BOB.email, ("Busy", "2023-05-01T10:00:00.000Z"))
    status_events(client, t, BOB.email, ("Away", "2023-05-01T10:00:00.000Z", "Break"))
    status_events(client, t, BOB.email, ("Offline", "2023-05-01T11:00:00Z"))
    data = details(client, t, V3, {"filter": {"dateFilter": {"date": "2023-05-01"}}})["data"]
    assert data[0]["status"] == [
        span("AVAILABLE", "AVAILABLE", "2023-05-01T09:00:00", "2023-05-01T10:00:00", "01:00:00"),
        span("AWAY", "BREAK", "2023-05-01T10:00:00", "2023-05-01T11:00:00", "01:00:00"),
    ]


def test_agent_only_offline_in_the_window_has_no_status_key(client: TestClient) -> None:
    t = tenant(client)
    ingest_agents(client, t, BOB)
    status_events(client, t, BOB.email, ("Busy", "2023-05-01T08:00:00Z"), ("Offline", "2023-05-01T09:00:00Z"))
    login_events(client, t, BOB.email, ("exit", "2023-05-03T09:00:00Z"))  # after the window
    for path, row in ((V1, v12_row(BOB)), (V2, v12_row(BOB)), (V3, v3_row(BOB))):
        assert details(client, t, path, {"filter": {"dateFilter": {"date": "2023-05-02"}}}) == page([row]), path


def test_login_events_oldest_first_and_ties_by_ingest_order(client: TestClient) -> None:
    t = tenant(client)
    ingest_agents(client, t, BOB)
    login_events(client, t, BOB.email, ("exit", "2023-05-01T18:00:00.250Z", "::1"))
    login_events(client, t, BOB.email, ("entry", "2023-05-01T08:00:00.001Z"))
    login_events(client, t, BOB.email, ("entry", "2023-05-01T18:00:00.250Z", "10.1.1.1"))
    data = details(client, t, V3, {"filter": {"dateFilter": {"date": "2023-05-01"}}})["data"]
    assert data == [
        v3_row(
            BOB,
            None,
            [
                login("entry", "2023-05-01T08:00:00.001Z", ""),
                login("exit", "2023-05-01T18:00:00.250Z", "::1"),
                login("entry", "2023-05-01T18:00:00.250Z", "10.1.1.1"),
            ],
        )
    ]
    # v1/v2 never list events.
    assert details(client, t, V1, {"filter": {"dateFilter": {"date": "2023-05-01"}}})["data"] == [v12_row(BOB)]


# --- agents: filter, order, paging, isolation -----------------------------------------------------------------


@pytest.mark.parametrize("agents", [None, [], "omitted"])
def test_no_agent_filter_means_every_agent(client: TestClient, agents: Any) -> None:
    t = seed(client)
    body: dict[str, Any] = {"filter": {"dateFilter": {"date": "2023-03-10"}}}
    if agents != "omitted":
        body["filter"]["agents"] = agents
    data = details(client, t, V1, body)["data"]
    assert [r["userId"] for r in data] == [ANN.user_id, BOB.user_id, CAT.user_id]


def test_agent_filter_is_case_insensitive_and_skips_unknown_emails(client: TestClient) -> None:
    t = seed(client)
    body = {"filter": {"agents": ["nobody@x.io", "CAT@X.IO", "Ann@X.io"], "dateFilter": {"date": "2023-03-10"}}}
    assert details(client, t, V1, body) == page([v12_row(ANN, ANN_UTC), v12_row(CAT)])
    body["filter"]["agents"] = ["nobody@x.io"]
    assert details(client, t, V3, body) == page([])


@pytest.mark.parametrize("path", VERSIONS)
def test_paging_over_agents(client: TestClient, path: str) -> None:
    t = seed(client)
    ids = [ANN.user_id, BOB.user_id, CAT.user_id]

    def listed(**params: Any) -> tuple[list[str], bool, int, int]:
        body = details(client, t, path, DAY, **params)
        return [r["userId"] for r in body["data"]], body["hasMore"], body["limit"], body["offset"]

    assert listed() == (ids, False, 50, 0)
    assert listed(limit=2) == (ids[:2], True, 2, 0)
    assert listed(limit=2, offset=2) == (ids[2:], False, 2, 2)
    assert listed(limit=1, offset=1) == (ids[1:2], True, 1, 1)
    assert listed(offset=3) == ([], False, 50, 3)
    assert listed(limit=50, offset=2147483647) == ([], False, 50, 2147483647)


def test_another_accounts_agent_with_the_same_email_never_appears(client: TestClient) -> None:
    t = seed(client)
    body = {"filter": {"agents": ["ann@x.io"], "dateFilter": {"date": "2023-03-10"}}}
    assert details(client, t, V3, body) == page([v3_row(ANN, ANN_UTC, ANN_EVENTS_UTC)])


# --- refusals ------------------------------------------------------------------------------------------------

BAD_BODIES: list[Any] = [
    {},
    [],
    {"filter": {}},
    {"filter": {"dateFilter": {}}},
    date_filter(date="2023-03-10", startDate="2023-03-10", endDate="2023-03-10"),
    date_filter(startDate="2023-03-10"),
    date_filter(endDate="2023-03-10"),
    date_filter(date="2023-13-01"),
    date_filter(date="10/03/2023"),
    date_filter(date=20230310),
    date_filter(startDate="2023-03-11", endDate="2023-03-10"),
    date_filter(startDate="2023-03-10T10:00:00", endDate="2023-03-10T10:00:00"),  # empty window
    date_filter(startDate="2023-03-01", endDate="2023-04-01"),  # 32 days
    date_filter(startDate="2023-03-01T00:00:00Z", endDate="2023-04-01T00:00:01Z"),  # 31 days + 1 s
    date_filter(startDate="1969-12-31", endDate="1970-01-01"),
    date_filter(date="2023-03-10", timeZoneOffSet=841),
    date_filter(date="2023-03-10", timeZoneOffSet=-841),
    date_filter(date="2023-03-10", timeZoneOffSet="330"),
    date_filter(date="2023-03-10", timeZoneOffSet=1.5),
    {"filter": {"agents": [f"n{i}@x.io" for i in range(1001)], "dateFilter": {"date": "2023-03-10"}}},
    {"filter": {"agents": "ann@x.io", "dateFilter": {"date": "2023-03-10"}}},
    {"filter": {"dateFilter": {"date": "2023-03-10"}}, "foo": 1},
    {"filter": {"dateFilter": {"date": "2023-03-10"}, "bar": 1}},
    {"filter": {"dateFilter": {"date": "2023-03-10", "baz": 1}}},
]


@pytest.mark.parametrize("payload", BAD_BODIES)
def test_bad_bodies_are_400(client: TestClient, payload: Any) -> None:
    t = tenant(client)
    for path in VERSIONS:
        error(send(client, t, path, payload), 400)


@pytest.mark.parametrize(
    "date_fields",
    [
        {"startDate": "2023-03-01", "endDate": "2023-03-31"},  # exactly 31 days
        {"startDate": "2023-03-01T00:00:00Z", "endDate": "2023-04-01T00:00:00Z"},
        {"date": "2023-03-10", "timeZoneOffSet": 840},
        {"date": "2023-03-10", "timeZoneOffSet": -840},
    ],
)
def test_limits_themselves_are_accepted(client: TestClient, date_fields: dict[str, Any]) -> None:
    t = tenant(client)
    ingest_agents(client, t, BOB)
    assert details(client, t, V3, {"filter": {"dateFilter": date_fields}}) == page([v3_row(BOB)])


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 51}, {"limit": -1}, {"limit": "x"}, {"offset": -1}, {"offset": "x"}, {"offset": 2**31}],
)
def test_bad_paging_is_400(client: TestClient, params: dict[str, Any]) -> None:
    t = tenant(client)
    for path in VERSIONS:
        error(send(client, t, path, DAY, **params), 400)


def test_body_not_json_or_not_sent_as_json_is_400(client: TestClient) -> None:
    t = tenant(client)
    path = V1.format(t.account_id)
    error(client.post(path, content=b'{"filter": ', headers={**t.headers, "Content-Type": "application/json"}), 400)
    error(
        client.post(path, content=b'{"filter": {"dateFilter": {"date": "2023-03-10"}}}', headers=t.headers),
        400,
        "request body must be a JSON object, sent with Content-Type: application/json",
    )


@pytest.mark.parametrize("path", VERSIONS)
def test_authentication_scope_and_account(client: TestClient, path: str) -> None:
    t = seed(client)
    other = tenant(client, "Foreign")
    # No token.
    error(send(client, t, path, DAY, headers={}), 401)
    # Another account's token on this account's path; this token on the other account's path.
    error(send(client, t, path, DAY, headers=other.headers), 403)
    error(send(client, other, path, DAY, headers=t.headers), 403)
    # An app of the account without the Analytics scope.
    wfm_only = create_app(client, t.account_id, scopes=[WFM, INGEST])
    error(send(client, t, path, DAY, headers={"auth": token(wfm_only)}), 403, contains=f"scope {ANALYTICS} not granted")
    # accountId header: another account → 403; its own, with iId / IId, is fine.
    error(send(client, t, path, DAY, headers={**t.headers, "accountId": other.account_id}), 403)
    ok = send(client, t, path, DAY, headers={**t.headers, "accountId": t.account_id, "iId": "st-x", "IId": "st-x"})
    assert ok.status_code == 200, ok.text
    assert [r["userId"] for r in ok.json()["data"]] == [ANN.user_id, BOB.user_id, CAT.user_id]


def test_wrong_method_is_405(client: TestClient) -> None:
    t = tenant(client)
    error(client.get(V3.format(t.account_id), headers=t.headers), 405)
