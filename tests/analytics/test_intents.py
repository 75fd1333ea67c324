"""IntentRealtimeData end to end: wire format, ordering, the 25 cut-off, isolation and auth."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.errors import error
from tests.support.ingest import ok, post, session
from tests.support.tenants import ANALYTICS, INGEST, create_account, create_app
from tests.support.tokens import token

URL = "/api/public/bot/{}/intentrealtimedata"


def _analytics(client: TestClient, account: str) -> dict[str, str]:
    return {"auth": token(create_app(client, account, scopes=[ANALYTICS]))}


def _get(client: TestClient, bot: str, headers: dict[str, str], method: str = "GET", **kw: Any) -> Any:
    response = client.request(method, URL.format(bot), headers=headers, **kw)
    assert response.status_code == 200, response.text
    return response.json()


def test_wire_format_matches_the_vendor_sample(client: TestClient) -> None:
    account = create_account(client)
    ok(
        post(
            client,
            account,
            "bots/st-1/sessions",
            [
                session(
                    1,
                    sessionId="6364a8616d8e6a6a0eff",
                    userId="u-6b184e56-1",
                    intent=["Book a Ticket", "Book a Flight"],
                    startTime="2022-01-06T14:07:08.185+00:00",
                    endTime="2022-01-06T19:44:17.527+05:00",
                    timeHandled=788,
                ),
                session(
                    2,
                    sessionId="short",
                    intent=[],
                    ANI="",
                    channel="voice",
                    status="abandoned",
                    timeHandled=50,
                    startTime="2022-01-06T14:00:00Z",
                    endTime="2022-01-06T14:00:50Z",
                    deflectedTo="agent",
                ),
                session(
                    3,
                    sessionId="long",
                    timeHandled=3605,
                    startTime="2022-01-05T23:59:59.999-01:00",
                    endTime="2022-01-06T01:00:04.999Z",
                ),
            ],
        ),
        3,
        0,
    )
    expected = [
        {
            "intent": ["Book a Ticket", "Book a Flight"],
            "ANI": "+126529865",
            "DNI": "username@domain.com",
            "channel": "rtm",
            "startTime": "2022-01-06T14:07:08.185+00:00",
            "endTime": "2022-01-06T14:44:17.527+00:00",
            "status": "completed",
            "timeHandled": "13m:8s",
            "deflectedTo": None,
            "userId": "u-6b184e56-1",
            "sessionId": "6364a8616d8e6a6a0eff",
        },
        {
            "intent": [],
            "ANI": "",
            "DNI": "username@domain.com",
            "channel": "voice",
            "startTime": "2022-01-06T14:00:00.000+00:00",
            "endTime": "2022-01-06T14:00:50.000+00:00",
            "status": "abandoned",
            "timeHandled": "50s",
            "deflectedTo": "agent",
            "userId": "caller-2",
            "sessionId": "short",
        },
        {
            "intent": ["Book a Flight"],
            "ANI": "+126529865",
            "DNI": "username@domain.com",
            "channel": "rtm",
            "startTime": "2022-01-06T00:59:59.999+00:00",
            "endTime": "2022-01-06T01:00:04.999+00:00",
            "status": "completed",
            "timeHandled": "1h:0m:5s",
            "deflectedTo": None,
            "userId": "caller-3",
            "sessionId": "long",
        },
    ]
    headers = _analytics(client, account)
    body = _get(client, "st-1", headers)
    assert body == expected
    assert [list(item) for item in body] == [list(expected[0])] * 3  # the vendor's field order
    assert _get(client, "st-1", headers, "POST") == expected
    assert (
        _get(
            client,
            "st-1",
            headers,
            "POST",
            content=b"{not json",
        )
        == expected
    )
    assert (
        _get(client, "st-1", {**headers, "accountId": account, "Format": "json"}, "POST", json={"anything": 1})
        == expected
    )


def test_order_ties_and_the_25_cut_off(client: TestClient) -> None:
    account = create_account(client)
    # 30 sessions: s-000..s-029; end minute = n // 2, so pairs tie on endTime (s-028/s-029 end last).
    sessions = [session(n, endTime=f"2022-01-06T15:{n // 2:02d}:00Z") for n in range(30)]
    ok(post(client, account, "bots/bot-1/sessions", sessions[::-1]), 30, 0)
    ids = [item["sessionId"] for item in _get(client, "bot-1", _analytics(client, account))]
    assert ids == [
        "s-029",
        "s-028",
        "s-027",
        "s-026",
        "s-025",
        "s-024",
        "s-023",
        "s-022",
        "s-021",
        "s-020",
        "s-019",
        "s-018",
        "s-017",
        "s-016",
        "s-015",
        "s-014",
        "s-013",
        "s-012",
        "s-011",
        "s-010",
        "s-009",
        "s-008",
        "s-007",
        "s-006",
        "s-005",
    ]


def test_unfinished_sessions_excluded_until_an_upsert_ends_them(client: TestClient) -> None:
    account = create_account(client)
    headers = _analytics(client, account)
    ok(post(client, account, "bots/bot-1/sessions", [session(1, endTime=None), session(2, endTime=None)]), 2, 0)
    assert _get(client, "bot-1", headers) == []
    ok(post(client, account, "bots/bot-1/sessions", [session(2, endTime="2022-01-06T16:00:00Z")]), 1, 0)
    body = _get(client, "bot-1", headers)
    assert [(item["sessionId"], item["endTime"]) for item in body] == [("s-002", "2022-01-06T16:00:00.000+00:00")]


def test_isolation_between_accounts_and_bots(client: TestClient) -> None:
    acme, other = create_account(client, "Acme"), create_account(client, "Other")
    ok(post(client, acme, "bots/acme-a/sessions", [session(1, sessionId="a-1")]), 1, 0)
    ok(post(client, acme, "bots/acme-b/sessions", [session(1, sessionId="b-1")]), 1, 0)
    ok(post(client, other, "bots/other-a/sessions", [session(1, sessionId="o-1")]), 1, 0)
    acme_headers, other_headers = _analytics(client, acme), _analytics(client, other)
    assert [i["sessionId"] for i in _get(client, "acme-a", acme_headers)] == ["a-1"]
    assert [i["sessionId"] for i in _get(client, "acme-b", acme_headers)] == ["b-1"]
    assert [i["sessionId"] for i in _get(client, "other-a", other_headers)] == ["o-1"]
    foreign = client.get(URL.format("acme-a"), headers=other_headers)
    missing = client.get(URL.format("no-such-bot"), headers=other_headers)
    assert error(foreign, 404) == error(missing, 404) == "bot not found"
    assert foreign.json() == missing.json()
    for odd in ("bad%00id", "x" * 129, "%C3%A9"):
        assert error(client.get(URL.format(odd), headers=other_headers), 404) == "bot not found"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_auth_failures(client: TestClient, method: str) -> None:
    account, other = create_account(client), create_account(client, "Other")
    ok(post(client, account, "bots/bot-1/sessions", [session(1)]), 1, 0)
    url = URL.format("bot-1")
    error(client.request(method, url), 401)
    error(client.request(method, url, headers={"auth": "not-a-token"}), 401)
    ingest_only = {"auth": token(create_app(client, account, scopes=[INGEST]))}
    error(client.request(method, url, headers=ingest_only), 403, "scope SmartAssist Analytics")
    mismatch = {**_analytics(client, account), "accountId": other}
    error(client.request(method, url, headers=mismatch), 403)
