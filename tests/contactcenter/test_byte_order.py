"""Every order a route promises by an id or a name is code-point order (byte order of the UTF-8), as on SQLite,
also on a PostgreSQL database whose default collation sorts by a locale: case folded first, punctuation ignored
(here ICU's en-US; libc's en_US.UTF-8, what `initdb` picks on a system with an English locale, sorts alike). The
ids differ only where the two orders disagree: `B` < `Z` < `_c` < `a` by code point, `_c` < `a` < `B` < `Z` in
en-US."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from smartassist import migrate
from smartassist.app import create_app
from smartassist.config import Settings
from tests.conftest import ADMIN_TOKEN, SERVER_KEY, _pg_unavailable_reason
from tests.databases import PG_URL, temporary_postgres_database
from tests.support.ingest import ok, post
from tests.support.tenants import ANALYTICS, INGEST, WFM, tenant

LOCALE_ORDERED = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'"
SUFFIXES = ("B", "a", "_c", "Z")  # by code point: B, Z, _c, a
BASE = "/agentassist/api/public/analytics/account/{}"


@pytest.fixture
def locale_client(tmp_path: Path) -> Iterator[TestClient]:
    reason = _pg_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with ExitStack() as stack:
        try:
            url = stack.enter_context(temporary_postgres_database(PG_URL, "smartassist_icu", LOCALE_ORDERED))
        except DBAPIError as exc:  # a server built without ICU
            pytest.skip(f"PostgreSQL cannot create an ICU en-US database here: {exc.orig!r}"[:300])
        engine = create_engine(url)
        with engine.connect() as conn:  # the premise: this database's own order is not byte order
            ordered = conn.execute(text("SELECT string_agg(x, ' ' ORDER BY x) FROM unnest(ARRAY['a', 'B']) x"))
            assert ordered.scalar_one() == "a B"
        engine.dispose()
        migrate.upgrade(url)
        settings = Settings(database_url=url, admin_token=ADMIN_TOKEN, secret_key=SERVER_KEY, data_dir=tmp_path)
        app = create_app(settings)
        stack.callback(app.state.runtime.dispose)
        yield stack.enter_context(TestClient(app, raise_server_exceptions=False))


def _get(client: TestClient, path: str, headers: dict[str, str], body: Any = None) -> Any:
    response = client.post(path, json=body, headers=headers) if body is not None else client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_ids_and_names_are_in_code_point_order_whatever_the_database_collation(locale_client: TestClient) -> None:
    client = locale_client
    t = tenant(client, "Orders", scopes=[ANALYTICS, INGEST, WFM])
    account, headers = t.account_id, t.headers
    ok(post(client, account, "queues", [{"queueId": f"qu-{s}", "name": f"{s} queue"} for s in SUFFIXES], headers), 4, 0)
    agents = [
        {"userId": f"u-{s}", "agentId": f"a-{s}", "email": f"{s.strip('_')}@x.io", "firstName": s, "lastName": "L"}
        for s in SUFFIXES
    ]
    ok(post(client, account, "agents", agents, headers), 4, 0)
    bot = "st-orders"
    sessions = [
        {
            "sessionId": f"s-{s}",
            "userId": "caller",
            "intent": ["Book a Flight"],
            "ANI": "+1",
            "DNI": "d",
            "channel": "rtm",
            "startTime": "2022-01-06T14:00:00.000+00:00",
            "endTime": "2022-01-06T14:13:08.000+00:00",  # all end together: sessionId decides
            "status": "completed",
            "timeHandled": 788,
        }
        for s in SUFFIXES
    ]
    ok(post(client, account, f"bots/{bot}/sessions", sessions, headers), 4, 0)
    rows = [
        {"conversationId": f"c-{s}", "sessionId": f"cs-{s}", "channel": "rtm", "botId": bot,
         "sessionStartTime": "2022-01-06T14:00:00Z"}  # all start together: conversationId decides
        for s in SUFFIXES
    ]  # fmt: skip
    ok(post(client, account, "conversations", rows, headers), 4, 0)
    by_code_point = sorted(SUFFIXES)
    assert by_code_point == ["B", "Z", "_c", "a"]

    user_status = _get(
        client,
        BASE.format(account) + "/userstatus",
        headers,
        {"filter": {"dateFilter": {"startDate": "2022-01-06", "endDate": "2022-01-06"}}, "granularity": "PT24H"},
    )
    assert [a["userId"] for a in user_status["data"]] == [f"u-{s}" for s in by_code_point]
    details = _get(
        client,
        BASE.format(account) + "/v3/agentstatusdetails",
        headers,
        {"filter": {"dateFilter": {"date": "2022-01-06"}}},
    )
    assert [a["userId"] for a in details["data"]] == [f"u-{s}" for s in by_code_point]
    assert [a["agentId"] for a in _get(client, BASE.format(account) + "/agents", headers)] == [
        f"a-{s}" for s in by_code_point
    ]
    assert [q["Description"] for q in _get(client, BASE.format(account) + "/queues", headers)] == [
        f"{s} queue" for s in by_code_point
    ]
    call_details = _get(
        client,
        BASE.format(account) + "/v2/calldetails",
        headers,
        {"startDate": "2022-01-06", "endDate": "2022-01-06", "timeZoneOffset": 0},
    )
    assert [r["conversationId"] for r in call_details["data"]] == [f"c-{s}" for s in by_code_point]
    latest = _get(client, f"/api/public/bot/{bot}/intentrealtimedata", headers, {})
    assert [item["sessionId"] for item in latest] == [f"s-{s}" for s in reversed(by_code_point)]
