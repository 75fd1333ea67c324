"""IntentRealtimeData (API.md §2, §1) as a client sees it: exact items, order, the 25 cut-off, isolation and
refusals. Sessions go in through the ingest route (§5); expected JSON is written out by hand."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.contract.ingest_support import intents, new_bot, realtime, session, session_ids, sessions_path
from tests.contract.support import Tenant, error, tenant
from tests.support.ingest import accepted
from tests.support.tenants import ANALYTICS, INGEST, create_account, create_app
from tests.support.tokens import token


def test_item_is_exactly_the_documented_one(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    record = {
        "sessionId": "6364a8616d8e6a6a0eff0001",
        "userId": "u-6b184e56-aaaa-4bbb-8ccc-0123456789ab",
        "intent": ["Book a Ticket", "Book a Flight"],
        "ANI": "+126529865",
        "DNI": "username@domain.com",
        "channel": "rtm",
        "startTime": "2022-01-06T14:07:08.185+00:00",
        "endTime": "2022-01-06T14:44:17.527+00:00",
        "status": "completed",
        "timeHandled": 788,
        "deflectedTo": None,
    }
    assert accepted(client, sessions_path(t.account_id, bot), [record]) == {"accepted": 1, "duplicates": 0}

    assert realtime(client, t, bot) == [
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
            "userId": "u-6b184e56-aaaa-4bbb-8ccc-0123456789ab",
            "sessionId": "6364a8616d8e6a6a0eff0001",
        }
    ]


@pytest.mark.parametrize(
    ("start_in", "end_in", "start_out", "end_out"),
    [
        (
            "2022-01-06T19:37:08.185+05:30",
            "2022-01-06T20:14:17.527+05:30",
            "2022-01-06T14:07:08.185+00:00",
            "2022-01-06T14:44:17.527+00:00",
        ),
        (
            "2022-01-06T14:07:08.185400+00:00",
            "2022-01-06T14:44:17.527100Z",
            "2022-01-06T14:07:08.185+00:00",
            "2022-01-06T14:44:17.527+00:00",
        ),
        (
            "2022-01-06T14:07:08Z",
            "2022-01-06T14:44:17.5Z",
            "2022-01-06T14:07:08.000+00:00",
            "2022-01-06T14:44:17.500+00:00",
        ),
        (
            "2022-01-07T02:00:00.001+05:30",
            "2022-01-06T19:00:00.002-05:00",  # both cross midnight into UTC
            "2022-01-06T20:30:00.001+00:00",
            "2022-01-07T00:00:00.002+00:00",
        ),
        (
            "2022-01-06T14:07:08.185-00:00",
            "2022-01-06T15:44:17.527+01:00",
            "2022-01-06T14:07:08.185+00:00",
            "2022-01-06T14:44:17.527+00:00",
        ),
    ],
)
def test_times_come_out_in_utc_with_milliseconds(
    client: TestClient, start_in: str, end_in: str, start_out: str, end_out: str
) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1", startTime=start_in, end=end_in)])

    [item] = realtime(client, t, bot)
    assert (item["startTime"], item["endTime"]) == (start_out, end_out)


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "0s"),
        (1, "1s"),
        (59, "59s"),
        (60, "1m:0s"),
        (61, "1m:1s"),
        (788, "13m:8s"),
        (3599, "59m:59s"),
        (3600, "1h:0m:0s"),
        (3661, "1h:1m:1s"),
        (36000, "10h:0m:0s"),
        (90061, "25h:1m:1s"),
    ],
)
def test_time_handled_is_h_m_s_without_padding(client: TestClient, seconds: int, shown: str) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1", timeHandled=seconds)])

    assert realtime(client, t, bot)[0]["timeHandled"] == shown


def test_intent_order_deflection_and_empty_intents_are_kept(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(
        client,
        sessions_path(t.account_id, bot),
        [
            session("a", end="2022-01-06T15:00:00.000Z", intent=["Zeta", "Alpha", "Mid", "Alpha"], deflectedTo=None),
            session("b", end="2022-01-06T16:00:00.000Z", intent=[], deflectedTo="voice"),
        ],
    )

    items = realtime(client, t, bot)
    assert [(i["sessionId"], i["intent"], i["deflectedTo"]) for i in items] == [
        ("b", [], "voice"),
        ("a", ["Zeta", "Alpha", "Mid", "Alpha"], None),
    ]


def test_deflected_to_omitted_is_null(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    record = session("s1")
    del record["deflectedTo"]
    accepted(client, sessions_path(t.account_id, bot), [record])

    [item] = realtime(client, t, bot)
    assert "deflectedTo" in item and item["deflectedTo"] is None


def test_newest_end_first_ties_by_session_id_descending(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(
        client,
        sessions_path(t.account_id, bot),
        [
            session("s-b", end="2022-01-06T15:00:00.000Z"),
            session("s-d", end="2022-01-06T15:00:00.000Z"),
            # Same instant as the two above, written in another zone.
            session("s-c", end="2022-01-06T20:30:00.000+05:30"),
            # Latest instant, though its text sorts first.
            session("s-a", end="2022-01-06T10:00:00.001-05:00"),
            session("s-z", end="2022-01-06T14:59:59.999Z"),
            session("s-e", end="2022-01-05T23:00:00.000Z", startTime="2022-01-05T22:00:00Z"),
        ],
    )

    assert session_ids(client, t, bot) == ["s-a", "s-d", "s-c", "s-b", "s-z", "s-e"]


def test_at_most_the_newest_25(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    # Inserted oldest-last so that insertion order cannot pass for endTime order.
    records = [session(f"s{i:02d}", end=f"2022-01-06T15:{i:02d}:00.000+00:00") for i in range(29, -1, -1)]
    assert accepted(client, sessions_path(t.account_id, bot), records) == {"accepted": 30, "duplicates": 0}

    items = realtime(client, t, bot)
    assert [i["sessionId"] for i in items] == [f"s{i:02d}" for i in range(29, 4, -1)]
    assert items[0]["endTime"] == "2022-01-06T15:29:00.000+00:00"
    assert items[-1]["endTime"] == "2022-01-06T15:05:00.000+00:00"


def test_open_sessions_are_left_out_until_an_upsert_ends_them(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    path = sessions_path(t.account_id, bot)
    accepted(client, path, [session("open-1", end=None), session("open-2", end=None)])
    assert realtime(client, t, bot) == []

    accepted(client, path, [session("done", end="2022-01-06T15:00:00.000Z")])
    assert session_ids(client, t, bot) == ["done"]

    assert accepted(client, path, [session("open-2", end="2022-01-06T14:50:00.000Z", timeHandled=60)]) == {
        "accepted": 1,
        "duplicates": 0,
    }
    items = realtime(client, t, bot)
    assert [(i["sessionId"], i["endTime"], i["timeHandled"]) for i in items] == [
        ("done", "2022-01-06T15:00:00.000+00:00", "13m:8s"),
        ("open-2", "2022-01-06T14:50:00.000+00:00", "1m:0s"),
    ]


def test_bots_and_accounts_are_isolated(client: TestClient) -> None:
    a, b = tenant(client), tenant(client)
    a1, a2, b1 = new_bot(), new_bot(), new_bot()
    accepted(client, sessions_path(a.account_id, a1), [session("x1"), session("shared-id-a1")])
    accepted(client, sessions_path(a.account_id, a2), [session("x2")])
    unknown_before = intents(client, b1, a.headers)  # b1 does not exist yet
    accepted(client, sessions_path(b.account_id, b1), [session("y1")])

    assert session_ids(client, a, a1) == ["x1", "shared-id-a1"]
    assert session_ids(client, a, a2) == ["x2"]
    assert session_ids(client, b, b1) == ["y1"]

    # Another account reusing a session id leaves this account's session as it was.
    before = realtime(client, a, a1)
    client.post(sessions_path(b.account_id, b1), json=[session("x1", status="theirs")], headers=b.headers)
    assert realtime(client, a, a1) == before

    error(unknown_before, 404)
    for method in ("POST", "GET"):
        foreign = intents(client, b1, a.headers, method=method)
        error(foreign, 404)
        assert foreign.json() == unknown_before.json()  # no existence leak
        error(intents(client, a1, b.headers, method=method), 404)


def test_authorization_bearer_is_accepted_like_auth(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1")])
    via_auth = realtime(client, t, bot)
    jwt = token(t.app)

    bearer = Tenant(t.account_id, {"Authorization": f"Bearer {jwt}"})
    assert realtime(client, bearer, bot) == via_auth
    both_same = Tenant(t.account_id, {"auth": jwt, "Authorization": f"Bearer {jwt}"})
    assert realtime(client, both_same, bot) == via_auth


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"auth": "not-a-token"},
        {"Authorization": "Bearer"},
    ],
)
def test_missing_or_bad_token_is_401(client: TestClient, headers: dict[str, str]) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1")])

    for method in ("POST", "GET"):
        error(intents(client, bot, headers, method=method), 401)


def test_auth_and_bearer_with_different_tokens_is_401(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1")])
    other = token(t.app, sub="someone-else")

    error(intents(client, bot, {**t.headers, "Authorization": f"Bearer {other}"}), 401)


def test_account_id_header_must_be_the_apps_account(client: TestClient) -> None:
    t = tenant(client)
    other_account = create_account(client, "Other")
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1")])

    assert session_ids(client, Tenant(t.account_id, {**t.headers, "accountId": t.account_id}), bot) == ["s1"]
    assert session_ids(client, Tenant(t.account_id, {**t.headers, "Format": "json"}), bot) == ["s1"]
    for wrong in (other_account, "0" * 24):
        for method in ("POST", "GET"):
            error(intents(client, bot, {**t.headers, "accountId": wrong}, method=method), 403)


def test_app_without_analytics_scope_is_403(client: TestClient) -> None:
    account_id = create_account(client)
    ingest_only = create_app(client, account_id, scopes=[INGEST])
    bot = new_bot()
    accepted(client, sessions_path(account_id, bot), [session("s1")])

    for method in ("POST", "GET"):
        response = intents(client, bot, {"auth": token(ingest_only)}, method=method)
        error(response, 403)
        assert ANALYTICS in response.json()["errors"][0]["msg"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"limit": 1, "botId": "st-other"}', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b"hello", "text/plain"),
        (b"\xff\xfe\x00", "application/octet-stream"),
    ],
)
def test_post_body_is_ignored(client: TestClient, content: bytes, content_type: str) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1"), session("s2", end="2022-01-06T15:00:00Z")])
    expected = realtime(client, t, bot)

    response = client.post(
        f"/api/public/bot/{bot}/intentrealtimedata",
        content=content,
        headers={**t.headers, "Content-Type": content_type},
    )
    assert response.status_code == 200, response.text
    assert response.json() == expected
    assert [i["sessionId"] for i in expected] == ["s2", "s1"]


def test_empty_array_when_the_bot_has_no_ended_session(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("open", end=None)])

    response = intents(client, bot, t.headers)
    assert response.status_code == 200
    assert response.content.strip() == b"[]"
    assert response.headers["content-type"].startswith("application/json")


def test_user_id_is_kept_as_ingested(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(t.account_id, bot), [session("s1", userId="caller:42@example.com")])

    assert realtime(client, t, bot)[0]["userId"] == "caller:42@example.com"
