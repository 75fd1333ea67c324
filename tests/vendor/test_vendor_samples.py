"""The vendor's documented requests, replayed as its docs write them, against the data each sample implies; our
answers compared with the documented samples key by key: names, order, casing, value types and formats.

The samples live in tests/vendor/samples/ (one file per vendor page, its source file named in it). Expected
values are the vendor's own; nothing here is computed by the code under test.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from smartassist.config import Settings
from tests.support.samples import assert_same_shape, sample
from tests.support.tenants import ADMIN, create_account, create_app
from tests.support.tokens import raw_jws

INTENTS = "get-intent-real-time-data"
USER_STATUS = "historical-agent-status-summary"
VENDOR_RATE_LIMIT = 60


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The vendor's limit (60 per minute per account); every test but the rate-limit one stays far below it."""
    return settings.model_copy(update={"rate_limit_per_minute": VENDOR_RATE_LIMIT})


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def vendor_token(app: dict[str, Any], **extra: Any) -> str:
    """The vendor's sample token re-signed for `app`: its header bytes as they are ({"alg":"HS256","typ":"JWT"})
    and its payload of only `sub` and `appId` (our clientId in place of the doc's), plus `extra` claims."""
    shape = sample(INTENTS)["sampleToken"]
    payload = json.loads(_b64decode(shape["payload"]))
    assert list(payload) == ["sub", "appId"]
    payload = {**payload, "appId": app["clientId"], **extra}
    return raw_jws(_b64decode(shape["header"]), json.dumps(payload, separators=(",", ":")), app["clientSecret"])


def documented_headers(headers: list[list[str]], **values: str) -> list[tuple[str, str]]:
    """The doc's headers in its order and casing, its placeholders filled in."""
    placeholders = {"<token>": "token", "{jwt-code}": "token", "{{accountId}}": "accountId", "{{IId}}": "IId"}
    return [(name, values[placeholders[v]] if v in placeholders else v) for name, v in headers]


def ordered(value: Any) -> str:
    """JSON text keeping key order, so equal texts mean equal names, order, values and types."""
    return json.dumps(value, ensure_ascii=False)


def ingest(client: TestClient, method: str, path: str, records: list[dict[str, Any]]) -> None:
    response = client.request(method, path, json=records, headers=ADMIN)
    assert response.status_code == 200, response.text


def tenant(client: TestClient) -> tuple[str, dict[str, Any]]:
    account = create_account(client)
    return account, create_app(client, account)


# --- IntentRealtimeData ----------------------------------------------------------------------------------------


def _ingest_intent_sample(client: TestClient, account: str, bot: str) -> list[dict[str, Any]]:
    """The two documented items as sessions; returns the items we must answer (the doc's, with the second one's
    own sessionId)."""
    doc = sample(INTENTS)
    expected = []
    records = []
    for item, seconds, session_id in zip(
        doc["response"], doc["ingest"]["timeHandledSeconds"], doc["ingest"]["sessionIds"], strict=True
    ):
        records.append({**item, "timeHandled": seconds, "sessionId": session_id})
        expected.append({**item, "sessionId": session_id})
    ingest(client, "POST", f"/ingest/accounts/{account}/bots/{bot}/sessions", records)
    return expected


def _intents_as_documented(client: TestClient, account: str, bot: str, tok: str, auth_header: str) -> Response:
    request = sample(INTENTS)["request"]
    headers = documented_headers(request["headers"], token=tok, accountId=account)
    if auth_header != "auth":  # the raw JWT in `authorization`, as an older vendor sample sends it
        headers = [(auth_header, v) if name == "auth" else (name, v) for name, v in headers]
    return client.request(request["method"], request["path"].replace("{{botId}}", bot), headers=headers)


@pytest.mark.parametrize("auth_header", ["auth", "authorization"])
def test_intent_realtime_data_sample(client: TestClient, auth_header: str) -> None:
    account, app = tenant(client)
    bot = f"st-{uuid.uuid4()}"
    expected = _ingest_intent_sample(client, account, bot)
    response = _intents_as_documented(client, account, bot, vendor_token(app), auth_header)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    ours = response.json()
    assert ordered(ours) == ordered(expected)
    for item, documented in zip(ours, sample(INTENTS)["response"], strict=True):
        assert_same_shape(item, documented)


def test_intent_realtime_data_of_a_bot_without_ended_sessions_is_an_empty_array(client: TestClient) -> None:
    account, app = tenant(client)
    bot = f"st-{uuid.uuid4()}"
    open_session = {**sample(INTENTS)["response"][0], "endTime": None, "timeHandled": 0}
    ingest(client, "POST", f"/ingest/accounts/{account}/bots/{bot}/sessions", [open_session])
    response = _intents_as_documented(client, account, bot, vendor_token(app), "auth")
    assert (response.status_code, response.text) == (200, "[]")


# --- UserStatus ---------------------------------------------------------------------------------------------------


def _ingest_user_status_agents(client: TestClient, account: str) -> list[dict[str, Any]]:
    """The three documented agents (customId omitted where the doc shows ""); returns the doc's rows."""
    doc = sample(USER_STATUS)
    rows = doc["response"]["data"]
    records = []
    for row in rows:
        record = {key: row[key] for key in ("userId", "firstName", "lastName", "email")}
        if row["customId"]:
            record["customId"] = row["customId"]
        records.append(record)
    records[2]["email"] = doc["ingest"]["thirdAgentEmail"]
    ingest(client, "PUT", f"/ingest/accounts/{account}/agents", records)
    return list(rows)


def _ingest_activity(
    client: TestClient, account: str, agent: str, statuses: list[list[str]], spans: list[list[str]]
) -> None:
    events = [{"eventId": uuid.uuid4().hex, "agent": agent, "status": s, "timestamp": at} for s, at in statuses]
    ingest(client, "POST", f"/ingest/accounts/{account}/agent-status-events", events)
    items = [{"interactionId": uuid.uuid4().hex, "agent": agent, "startTime": s, "endTime": e} for s, e in spans]
    ingest(client, "POST", f"/ingest/accounts/{account}/agent-interactions", items)


def _user_status_as_documented(
    client: TestClient, path: str, account: str, tok: str, body: dict[str, Any], iid_header: str = "IId"
) -> Response:
    request = sample(USER_STATUS)["request"]
    headers = documented_headers(request["headers"], token=tok, IId=f"st-{uuid.uuid4()}")
    headers = [(iid_header if name == "IId" else name, v) for name, v in headers]
    return client.request(
        request["method"], path.replace("{{accountId}}", account), content=json.dumps(body), headers=headers
    )


def _bucket_at(intervals: list[dict[str, Any]], start: str) -> dict[str, Any]:
    return next(bucket for bucket in intervals if bucket["startTime"] == start)


@pytest.mark.parametrize("path", sample(USER_STATUS)["request"]["paths"])
@pytest.mark.parametrize("iid_header", ["IId", "iId"])
def test_user_status_documented_request(client: TestClient, path: str, iid_header: str) -> None:
    """The doc's request exactly (two agents, 2022-08-25..26 at −330, PT30M), with John Doe active for the
    documented bucket's 919 s at 10:00–10:30 UTC of the 25th."""
    account, app = tenant(client)
    doc_rows = _ingest_user_status_agents(client, account)
    john = doc_rows[0]["userId"]
    _ingest_activity(
        client,
        account,
        john,
        [["Available", "2022-08-25T10:00:00Z"], ["Offline", "2022-08-25T10:15:19Z"]],
        [["2022-08-25T10:05:00Z", "2022-08-25T10:10:54Z"]],
    )
    doc_request = sample(USER_STATUS)["request"]
    response = _user_status_as_documented(client, path, account, vendor_token(app), doc_request["body"], iid_header)
    assert response.status_code == 200, response.text
    ours = response.json()
    doc = sample(USER_STATUS)["response"]
    assert_same_shape({**ours, "data": []}, {**doc, "data": []})
    assert (ours["hasMore"], ours["limit"], ours["offset"]) == (False, 50, 0)
    assert [row["userId"] for row in ours["data"]] == [john, doc_rows[1]["userId"]]  # ascending userId
    john_row, jane_row = ours["data"]
    assert ordered(jane_row) == ordered(doc_rows[1])  # no status time: "customId": "", "timeInterval": []
    assert ordered({**john_row, "timeInterval": []}) == ordered(doc_rows[0])
    assert_same_shape(john_row, doc["data"][2])
    # Local midnight of 2022-08-25 at UTC+05:30 is 2022-08-24T18:30Z; two local days of 30-minute buckets.
    intervals = john_row["timeInterval"]
    assert len(intervals) == 96
    assert ordered(intervals[0]) == ordered(
        {"startTime": "2022-08-24T18:30:00Z", "endTime": "2022-08-24T19:00:00Z", "status": []}
    )
    assert intervals[-1]["endTime"] == "2022-08-26T18:30:00Z"
    documented = _bucket_at(doc["data"][2]["timeInterval"], "2022-12-12T15:30:00Z")
    moved = {**documented, "startTime": "2022-08-25T10:00:00Z", "endTime": "2022-08-25T10:30:00Z"}
    assert ordered(_bucket_at(intervals, "2022-08-25T10:00:00Z")) == ordered(moved)


def test_user_status_documented_response_values(client: TestClient) -> None:
    """The documented response's agents and buckets, from the activity worked out in the sample file."""
    account, app = tenant(client)
    doc = sample(USER_STATUS)
    doc_rows = _ingest_user_status_agents(client, account)
    _ingest_activity(client, account, doc_rows[2]["userId"], doc["ingest"]["statuses"], doc["ingest"]["interactions"])
    body = {"filter": {"dateFilter": doc["ingest"]["dateFilter"]}, "granularity": doc["request"]["body"]["granularity"]}
    response = _user_status_as_documented(client, doc["request"]["paths"][1], account, vendor_token(app), body)
    assert response.status_code == 200, response.text
    ours = response.json()
    assert [row["userId"] for row in ours["data"]] == [row["userId"] for row in doc_rows]
    assert ordered(ours["data"][:2]) == ordered(doc_rows[:2])
    active = ours["data"][2]
    assert ordered({**active, "timeInterval": [], "email": ""}) == ordered(
        {**doc_rows[2], "timeInterval": [], "email": ""}
    )
    assert active["email"] == doc["ingest"]["thirdAgentEmail"]
    assert len(active["timeInterval"]) == 96  # 2022-12-12T00:00Z to 2022-12-14T00:00Z
    for documented in doc_rows[2]["timeInterval"]:
        assert ordered(_bucket_at(active["timeInterval"], documented["startTime"])) == ordered(documented)
    assert_same_shape(active, doc_rows[2])


# --- error bodies ------------------------------------------------------------------------------------------------


def test_jti_error_bodies_are_the_documented_ones(client: TestClient) -> None:
    """The SDK security page's two samples, byte for byte once parsed: a replay, and a jti token living > 1 h."""
    account, app = tenant(client)
    bot = f"st-{uuid.uuid4()}"
    doc = sample("sdk-security")
    _ingest_intent_sample(client, account, bot)
    now = int(time.time())
    once = vendor_token(app, jti=uuid.uuid4().hex, iat=now, exp=now + 600)
    assert _intents_as_documented(client, account, bot, once, "auth").status_code == 200
    replayed = _intents_as_documented(client, account, bot, once, "auth")
    assert replayed.status_code == 401
    assert ordered(replayed.json()) == ordered(doc["jtiReplay"])
    too_long = vendor_token(app, jti=uuid.uuid4().hex, iat=now, exp=now + 3601)
    refused = _intents_as_documented(client, account, bot, too_long, "auth")
    assert refused.status_code == 401
    assert ordered(refused.json()) == ordered(doc["jtiExpiryOverOneHour"])


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("no_token", 401),
        ("other_account_header", 403),
        ("unknown_bot", 404),
        ("unknown_route", 404),
        ("get_on_post", 405),
    ],
)
def test_other_error_bodies_have_the_documented_shape(client: TestClient, case: str, status: int) -> None:
    account, app = tenant(client)
    headers = {"auth": vendor_token(app)}
    bot_path = sample(INTENTS)["request"]["path"].replace("{{botId}}", f"st-{uuid.uuid4()}")
    user_status_path = sample(USER_STATUS)["request"]["paths"][1].replace("{{accountId}}", account)
    if case == "no_token":
        response = client.post(bot_path)
    elif case == "other_account_header":
        response = client.post(bot_path, headers={**headers, "accountId": create_account(client, "Globex")})
    elif case == "unknown_bot":
        response = client.post(bot_path, headers=headers)
    elif case == "unknown_route":
        response = client.post("/api/public/bot/x/intentrealtimedatas", headers=headers)
    else:
        response = client.get(user_status_path, headers=headers)
    assert response.status_code == status, response.text
    body = response.json()
    assert_same_shape(body, sample("sdk-security")["jtiReplay"])
    assert body["errors"][0]["code"] == status


def test_rate_limit_is_per_account_with_the_documented_message(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """60 requests a minute for the account, whichever of its apps sends them; the 61st is refused."""
    monkeypatch.setattr("smartassist.auth.ratelimit.now_ms", lambda: 1_700_000_040_000 + 1_000)  # 59 s left
    account, app = tenant(client)
    sibling = create_app(client, account)
    doc = sample("rate-limit-ccai")
    assert (doc["enforcementLevel"], doc["perMinute"]) == ("account", VENDOR_RATE_LIMIT)
    body = sample(USER_STATUS)["request"]["body"]
    path = sample(USER_STATUS)["request"]["paths"][0]
    statuses = [
        _user_status_as_documented(client, path, account, vendor_token(app if n % 2 else sibling), body).status_code
        for n in range(doc["perMinute"])
    ]
    assert statuses == [200] * VENDOR_RATE_LIMIT
    limited = _user_status_as_documented(client, path, account, vendor_token(app), body)
    assert limited.status_code == 429
    assert ordered(limited.json()) == ordered({"errors": [{"msg": doc["message"], "code": 429}]})
    assert limited.headers["Retry-After"] == "59"
