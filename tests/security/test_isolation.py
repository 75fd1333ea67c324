"""Account isolation as an attacker holding account A's credentials sees it: every id a caller chooses
(interactionId, sessionId, agent userId, agent email) is scoped to the caller's account, and nothing of
account B can be read, overwritten or referenced through A's routes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.support.errors import error
from tests.support.ingest import agent, counts, ok, post, session
from tests.support.tenants import ADMIN, create_account, create_app
from tests.support.tokens import token

USER_STATUS = "/agentassist/api/public/analytics/account/{}/userstatus"
DAY_BODY = {"filter": {"dateFilter": {"startDate": "2022-08-25", "endDate": "2022-08-25"}}, "granularity": "PT24H"}


def _event(event_id: str, agent_ref: str, ts: str = "2022-08-25T10:00:00Z") -> dict[str, Any]:
    return {"eventId": event_id, "agent": agent_ref, "status": "Available", "timestamp": ts}


def _interaction(interaction_id: str, agent_ref: str, end: str = "2022-08-25T10:30:00Z") -> dict[str, Any]:
    return {"interactionId": interaction_id, "agent": agent_ref, "startTime": "2022-08-25T10:00:00Z", "endTime": end}


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def _user_status(client: TestClient, account_id: str, body: dict[str, Any]) -> Any:
    headers = {"auth": token(create_app(client, account_id))}
    response = client.post(USER_STATUS.format(account_id), json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def two_accounts(client: TestClient) -> tuple[str, str]:
    return create_account(client, "A"), create_account(client, "B")


@pytest.mark.parametrize("route", ["agents", "bots/st-x/sessions", "agent-status-events", "agent-interactions"])
def test_admin_token_on_a_missing_account_is_404_and_stores_nothing(
    client: TestClient, db_engine: Engine, route: str
) -> None:
    records = {
        "agents": [agent(1)],
        "bots/st-x/sessions": [session(1)],
        "agent-status-events": [_event("e", "x")],
        "agent-interactions": [_interaction("i", "x")],
    }[route]
    for account in ("0" * 24, "f" * 24, "not-an-account"):
        error(post(client, account, route, records), 404, "account not found")
        error(post(client, account, route, []), 404, "account not found")
    assert set(counts(db_engine).values()) == {0}


def test_interaction_ids_are_per_account(client: TestClient, db_engine: Engine, two_accounts: tuple[str, str]) -> None:
    a, b = two_accounts
    ok(post(client, a, "agents", [agent(1)]), 1, 0)
    ok(post(client, b, "agents", [agent(2)]), 1, 0)
    ok(post(client, a, "agent-interactions", [_interaction("i-1", "agent1@example.com")]), 1, 0)
    # B reuses A's interactionId: a new row of B, not an update of A's (A's end time is unchanged).
    ok(post(client, b, "agent-interactions", [_interaction("i-1", "agent2@example.com", "2022-08-25T11:00:00Z")]), 1, 0)
    rows = _rows(
        db_engine,
        "SELECT i.account_id, a.email, i.end_time FROM agent_interactions i "
        "JOIN agents a ON a.id = i.agent_id ORDER BY i.end_time",
    )
    assert rows == [(a, "agent1@example.com", 1661423400000), (b, "agent2@example.com", 1661425200000)]


def test_status_event_ids_are_per_account(client: TestClient, db_engine: Engine, two_accounts: tuple[str, str]) -> None:
    a, b = two_accounts
    ok(post(client, a, "agents", [agent(1)]), 1, 0)
    ok(post(client, b, "agents", [agent(2)]), 1, 0)
    ok(post(client, a, "agent-status-events", [_event("e-1", "agent1@example.com")]), 1, 0)
    # Not a "duplicate" of A's event: B must not learn that A used this eventId.
    ok(post(client, b, "agent-status-events", [_event("e-1", "agent2@example.com")]), 1, 0)
    assert _rows(db_engine, "SELECT account_id FROM agent_status_events ORDER BY account_id") == sorted([(a,), (b,)])


def test_session_ids_are_per_bot_and_bots_per_account(
    client: TestClient, db_engine: Engine, two_accounts: tuple[str, str]
) -> None:
    a, b = two_accounts
    ok(post(client, a, "bots/st-a/sessions", [session(1, ANI="+1-A")]), 1, 0)
    ok(post(client, b, "bots/st-b/sessions", [session(1, ANI="+1-B")]), 1, 0)
    headers_a = {"auth": token(create_app(client, a))}
    items = client.get("/api/public/bot/st-a/intentrealtimedata", headers=headers_a).json()
    assert [(item["sessionId"], item["ANI"]) for item in items] == [("s-001", "+1-A")]
    assert client.get("/api/public/bot/st-b/intentrealtimedata", headers=headers_a).status_code == 404
    assert _rows(db_engine, "SELECT bot_id, ani FROM bot_sessions ORDER BY bot_id") == [
        ("st-a", "+1-A"),
        ("st-b", "+1-B"),
    ]


def test_the_same_bot_id_in_two_accounts_names_two_bots(
    client: TestClient, db_engine: Engine, two_accounts: tuple[str, str]
) -> None:
    """Contract §5: B claiming A's bot id neither blocks A nor touches A's sessions (it was a 404 for whoever
    came second, and an empty batch told B whether the id existed elsewhere)."""
    a, b = two_accounts
    ok(post(client, b, "bots/st-shared/sessions", []), 0, 0)  # before A: tells nothing
    ok(post(client, b, "bots/st-shared/sessions", [session(1, ANI="+1-B")]), 1, 0)
    ok(post(client, a, "bots/st-shared/sessions", [session(1, ANI="+1-A")]), 1, 0)  # the same sessionId too
    ok(post(client, a, "bots/st-shared/sessions", []), 0, 0)
    ok(post(client, b, "bots/st-shared/sessions", [session(1, ANI="+1-B")]), 0, 1)  # B's own row, unchanged
    for account, ani in ((a, "+1-A"), (b, "+1-B")):
        headers = {"auth": token(create_app(client, account))}
        items = client.get("/api/public/bot/st-shared/intentrealtimedata", headers=headers).json()
        assert [(item["sessionId"], item["ANI"]) for item in items] == [("s-001", ani)]
    assert sorted(_rows(db_engine, "SELECT account_id, bot_id FROM bots")) == sorted(
        [(a, "st-shared"), (b, "st-shared")]
    )
    assert sorted(_rows(db_engine, "SELECT account_id, ani FROM bot_sessions")) == sorted([(a, "+1-A"), (b, "+1-B")])
    c = create_account(client, "C")
    headers_c = {"auth": token(create_app(client, c))}
    assert client.get("/api/public/bot/st-shared/intentrealtimedata", headers=headers_c).status_code == 404


def test_same_user_id_in_two_accounts_stays_apart(
    client: TestClient, db_engine: Engine, two_accounts: tuple[str, str]
) -> None:
    a, b = two_accounts
    ok(post(client, a, "agents", [agent(1, userId="u-shared")]), 1, 0)
    ok(post(client, b, "agents", [agent(2, userId="u-shared")]), 1, 0)
    # B's events and interactions naming u-shared land on B's agent only.
    ok(post(client, b, "agent-status-events", [_event("e-1", "u-shared")]), 1, 0)
    ok(post(client, b, "agent-interactions", [_interaction("i-1", "u-shared")]), 1, 0)
    owners = _rows(
        db_engine,
        "SELECT a.email FROM agent_status_events e JOIN agents a ON a.id = e.agent_id "
        "UNION ALL SELECT a.email FROM agent_interactions i JOIN agents a ON a.id = i.agent_id",
    )
    assert owners == [("agent2@example.com",), ("agent2@example.com",)]
    page_a = _user_status(client, a, DAY_BODY)
    assert [(d["email"], d["timeInterval"]) for d in page_a["data"]] == [("agent1@example.com", [])]


@pytest.mark.parametrize("route", ["agent-status-events", "agent-interactions"])
@pytest.mark.parametrize("ref", ["agent2@example.com", "AGENT2@example.com", "u-of-b"])
def test_another_accounts_agent_cannot_be_referenced(
    client: TestClient, db_engine: Engine, two_accounts: tuple[str, str], route: str, ref: str
) -> None:
    a, b = two_accounts
    ok(post(client, b, "agents", [agent(2, userId="u-of-b")]), 1, 0)
    record = _event("e-1", ref) if route == "agent-status-events" else _interaction("i-1", ref)
    error(post(client, a, route, [record]), 400, "record 0: agent: ")
    assert counts(db_engine)["agent_status_events"] == counts(db_engine)["agent_interactions"] == 0


def test_user_status_filter_with_another_accounts_emails_shows_nothing(
    client: TestClient, two_accounts: tuple[str, str]
) -> None:
    a, b = two_accounts
    ok(post(client, b, "agents", [agent(2)]), 1, 0)
    ok(post(client, b, "agent-status-events", [_event("e-1", "agent2@example.com")]), 1, 0)
    body = {**DAY_BODY, "filter": {**DAY_BODY["filter"], "agents": ["agent2@example.com"]}}  # type: ignore[dict-item]
    assert _user_status(client, a, body) == {"hasMore": False, "limit": 50, "offset": 0, "data": []}
    assert _user_status(client, a, DAY_BODY)["data"] == []
    assert [d["email"] for d in _user_status(client, b, body)["data"]] == ["agent2@example.com"]


def test_app_of_one_account_cannot_touch_another(
    client: TestClient, db_engine: Engine, two_accounts: tuple[str, str]
) -> None:
    a, b = two_accounts
    headers_a = {"auth": token(create_app(client, a))}
    for route in ("agents", "bots/st-x/sessions", "agent-status-events", "agent-interactions"):
        error(post(client, b, route, [agent(1)], headers=headers_a), 403)
    response = client.post(USER_STATUS.format(b), json=DAY_BODY, headers=headers_a)
    assert response.status_code == 403
    # The accountId header may not point elsewhere either, and the admin token is no app token.
    response = client.post(USER_STATUS.format(a), json=DAY_BODY, headers={**headers_a, "accountId": b})
    assert response.status_code == 403
    response = client.post(USER_STATUS.format(a), json=DAY_BODY, headers=ADMIN)
    assert response.status_code == 401
    assert set(counts(db_engine).values()) == {0}
