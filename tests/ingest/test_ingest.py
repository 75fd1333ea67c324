"""Ingest routes that succeed: upserts, dedupe, idempotent retries, NDJSON, agents by email or userId."""

from __future__ import annotations

import re
import threading

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Engine, text

from tests.support.ingest import agent, counts, event, interaction, ok, post, session
from tests.support.tenants import ADMIN, INGEST, create_account, create_app
from tests.support.tokens import token

SESSIONS = "bots/bot-1/sessions"
EVENTS = "agent-status-events"
INTERACTIONS = "agent-interactions"


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_empty_batch_stores_nothing(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    for route in ("agents", SESSIONS, EVENTS, INTERACTIONS):
        ok(post(client, account, route, []), 0, 0)
        ok(post(client, account, route, [], ndjson=True), 0, 0)
    assert counts(db_engine)["bots"] == 0


def test_agents_upsert_by_email_case_insensitive(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1), agent(2, userId="u-given-2", customId="c2")]), 2, 0)
    ok(post(client, account, "agents", [agent(1), agent(2, userId="u-given-2", customId="c2")]), 0, 2)
    # same email in other case, new last name: the same agent, updated; its generated userId is kept
    ok(post(client, account, "agents", [agent(1, email="AGENT1@example.com", lastName="Changed")]), 1, 0)
    rows = _rows(db_engine, "SELECT email, email_norm, user_id, last_name, custom_id FROM agents ORDER BY email_norm")
    assert len(rows) == 2
    assert rows[0][:2] == ("AGENT1@example.com", "agent1@example.com") and rows[0][3] == "Changed"
    assert re.fullmatch(r"u-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", str(rows[0][2]))
    assert rows[1] == ("agent2@example.com", "agent2@example.com", "u-given-2", "Last2", "c2")


def test_agents_within_one_batch_last_record_wins(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1), agent(1), agent(1, firstName="Late")]), 2, 1)
    assert _rows(db_engine, "SELECT first_name FROM agents") == [("Late",)]


def test_sessions_upsert_and_bot_created_on_first_use(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    open_session = session(1, endTime=None)
    ok(post(client, account, SESSIONS, [open_session, session(2)]), 2, 0)
    ok(post(client, account, SESSIONS, [open_session, session(2)]), 0, 2)
    ok(post(client, account, SESSIONS, [session(1, endTime="2022-01-06T15:00:00.001+01:00")]), 1, 0)
    assert _rows(db_engine, "SELECT bot_id, account_id FROM bots") == [("bot-1", account)]
    rows = _rows(
        db_engine, "SELECT session_id, start_time, end_time, time_handled FROM bot_sessions ORDER BY session_id"
    )
    # 2022-01-06T14:00:00Z = 1641477600 s; 14:13:08Z = +788 s; 15:00:00.001+01:00 = 14:00:00.001Z
    assert rows == [("s-001", 1641477600000, 1641477600001, 788), ("s-002", 1641477600000, 1641478388000, 788)]


def test_status_events_dedupe_by_event_id(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, userId="u-one"), agent(2)]), 2, 0)
    batch = [
        event(1),
        event(2, agent_ref="u-one"),
        event(3, agent_ref="Agent2@Example.com", status="Busy", reason="NBK"),
        event(1, status="Away"),
    ]
    ok(post(client, account, EVENTS, batch), 3, 1)
    ok(post(client, account, EVENTS, batch), 0, 4)
    ok(post(client, account, EVENTS, [event(4, timestamp="2022-01-06T19:37:08.185+05:30")], ndjson=True), 1, 0)
    rows = _rows(
        db_engine,
        "SELECT e.event_id, a.email_norm, e.status, e.reason, e.ts FROM agent_status_events e "
        "JOIN agents a ON a.id = e.agent_id ORDER BY e.event_id",
    )
    assert rows == [
        ("ev-1", "agent1@example.com", "Available", None, 1641478028185),
        ("ev-2", "agent1@example.com", "Available", None, 1641478028185),
        ("ev-3", "agent2@example.com", "Busy", "NBK", 1641478028185),
        ("ev-4", "agent1@example.com", "Available", None, 1641478028185),
    ]


def test_an_empty_optional_text_is_stored_as_none(client: TestClient, db_engine: Engine) -> None:
    """The vendor writes `"customId": ""` for an agent without one: `""` is accepted and stored as none, for
    customId, an event's reason and a session's deflectedTo alike."""
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, customId="")]), 1, 0)
    ok(post(client, account, EVENTS, [event(1, reason="")]), 1, 0)
    ok(post(client, account, SESSIONS, [session(1, deflectedTo="")]), 1, 0)
    assert _rows(db_engine, "SELECT custom_id FROM agents") == [(None,)]
    assert _rows(db_engine, "SELECT reason FROM agent_status_events") == [(None,)]
    assert _rows(db_engine, "SELECT deflected_to FROM bot_sessions") == [(None,)]


def test_interactions_upsert_sets_end_time_later(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1)]), 1, 0)
    ok(post(client, account, INTERACTIONS, [interaction(1, endTime=None)]), 1, 0)
    ok(post(client, account, INTERACTIONS, [interaction(1, endTime=None)]), 0, 1)
    ok(post(client, account, INTERACTIONS, [interaction(1)], ndjson=True), 1, 0)
    assert _rows(db_engine, "SELECT interaction_id, start_time, end_time FROM agent_interactions") == [
        ("ix-1", 1641477600000, 1641477900000)
    ]


def test_ndjson_skips_blank_lines(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    body = (
        '\n{"email": "a@b.c", "firstName": "A", "lastName": "B"}\r\n\n{"email": "d@e.f", "firstName": "D", '
        '"lastName": "E"}'
    )
    response = client.put(
        f"/ingest/accounts/{account}/agents",
        content=body,
        headers={"Content-Type": "application/x-ndjson; charset=utf-8", **ADMIN},
    )
    ok(response, 2, 0)
    assert counts(db_engine)["agents"] == 2


def test_app_token_with_ingest_scope(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    app = create_app(client, account, scopes=[INGEST])
    ok(post(client, account, "agents", [agent(1)], headers={"auth": token(app)}), 1, 0)
    ok(post(client, account, SESSIONS, [session(1)], headers={"auth": token(app), "accountId": account}), 1, 0)
    assert counts(db_engine)["bot_sessions"] == 1


def test_concurrent_identical_batches_store_once(app: FastAPI, client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(n) for n in range(5)]), 5, 0)
    events = [event(n, agent_ref=f"agent{n % 5}@example.com") for n in range(300)]
    responses: list[Response] = []

    def send(route: str, batch: list[dict[str, object]]) -> None:
        with TestClient(app) as own_client:
            responses.append(post(own_client, account, route, batch))

    for route, batch in (
        (EVENTS, events),
        (SESSIONS, [session(n) for n in range(300)]),
        ("agents", [agent(n) for n in range(5, 50)]),
    ):
        responses.clear()
        threads = [threading.Thread(target=send, args=(route, batch)) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [r.status_code for r in responses] == [200, 200, 200], [r.text for r in responses]
        if route == EVENTS:
            assert sum(r.json()["accepted"] for r in responses) == 300
            assert sum(r.json()["duplicates"] for r in responses) == 600
    assert counts(db_engine) == {
        "bots": 1,
        "agents": 50,
        "bot_sessions": 300,
        "agent_status_events": 300,
        "agent_interactions": 0,
    }
