"""Ingest of the contact-center records: queues, agents' agentId and queue membership, agent login events.

What was stored is read back from the database (no read route serves these tables yet); every expected value
is written out by hand.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.support.errors import error
from tests.support.ingest import agent, ok, post
from tests.support.tenants import create_account

QUEUES = "queues"
LOGINS = "agent-login-events"
KEY_A = "a-0b03c008-bd13-4a06-9c2e-1f0a2b2a8a9d"
KEY_B = "a-11111111-2222-4333-8444-555555555555"
SALES = {"skillId": "sk-1", "skillName": "Sales"}
FRENCH = {"skillId": "sk-2", "skillName": "French"}
CC_TABLES = ("agents", "queues", "agent_queues", "agent_login_events")


def _rows(engine: Engine, sql: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in CC_TABLES}  # noqa: S608


def _queue(n: int, **fields: object) -> dict[str, object]:
    return {"queueId": f"qu-{n}", "name": f"Queue {n}", **fields}


def _login(n: int, agent_ref: str = "agent1@example.com", **fields: object) -> dict[str, object]:
    return {"eventId": f"li-{n}", "agent": agent_ref, "type": "entry", "at": "2023-01-07T09:45:00.000Z", **fields}


def _membership(engine: Engine) -> list[tuple[object, ...]]:
    """(agent email, queueId) pairs of agent_queues, sorted."""
    return _rows(
        engine,
        "SELECT a.email_norm, q.queue_id FROM agent_queues m JOIN agents a ON a.id = m.agent_pk "
        "JOIN queues q ON q.id = m.queue_pk ORDER BY a.email_norm, q.queue_id",
    )


# --- queues ---------------------------------------------------------------------------------------------------


def test_queues_upsert_by_queue_id(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    batch = [_queue(1, skills=[SALES, FRENCH]), _queue(2)]
    ok(post(client, account, QUEUES, batch), 2, 0)
    ok(post(client, account, QUEUES, batch), 0, 2)
    ok(post(client, account, QUEUES, batch, ndjson=True), 0, 2)
    # a new name is a change; so is the same skills in another order; absent skills clear them
    ok(post(client, account, QUEUES, [_queue(1, name="Renamed", skills=[FRENCH, SALES]), _queue(2)]), 1, 1)
    ok(post(client, account, QUEUES, [_queue(1, name="Renamed")]), 1, 0)
    rows = _rows(db_engine, "SELECT account_id, queue_id, name FROM queues ORDER BY queue_id")
    assert rows == [(account, "qu-1", "Renamed"), (account, "qu-2", "Queue 2")]


def test_queue_skills_are_stored_as_given_in_order(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, QUEUES, [_queue(1, skills=[FRENCH, SALES])]), 1, 0)
    with db_engine.connect() as conn:
        skills = conn.execute(text("SELECT skills FROM queues")).scalar_one()
    stored = skills if isinstance(skills, list) else json.loads(skills)
    assert stored == [{"skillId": "sk-2", "skillName": "French"}, {"skillId": "sk-1", "skillName": "Sales"}]


def test_queues_within_one_batch_last_record_wins(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, QUEUES, [_queue(1), _queue(1), _queue(1, name="Late")]), 2, 1)
    assert _rows(db_engine, "SELECT name FROM queues") == [("Late",)]


def test_same_queue_id_in_two_accounts_is_two_queues(client: TestClient, db_engine: Engine) -> None:
    a, b = create_account(client), create_account(client)
    ok(post(client, a, QUEUES, [_queue(1)]), 1, 0)
    ok(post(client, b, QUEUES, [_queue(1, name="B's")]), 1, 0)
    rows = _rows(db_engine, "SELECT account_id, name FROM queues ORDER BY name")
    assert sorted(rows) == sorted([(a, "Queue 1"), (b, "B's")])


# --- agents: agentId ------------------------------------------------------------------------------------------


def test_agent_id_given_is_kept_and_generated_one_survives_upserts(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, agentId=KEY_A), agent(2)]), 2, 0)
    [(generated,)] = _rows(db_engine, "SELECT agent_key FROM agents WHERE email_norm = 'agent2@example.com'")
    assert re.fullmatch(r"a-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", str(generated))
    # without agentId, a later upsert keeps the stored one: identical records are duplicates
    ok(post(client, account, "agents", [agent(1), agent(2)]), 0, 2)
    ok(post(client, account, "agents", [agent(1, agentId=KEY_A), agent(2, agentId=generated)]), 0, 2)
    rows = _rows(db_engine, "SELECT email_norm, agent_key FROM agents ORDER BY email_norm")
    assert rows == [("agent1@example.com", KEY_A), ("agent2@example.com", generated)]


def test_agent_id_may_be_changed_by_its_agent(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, agentId=KEY_A)]), 1, 0)
    ok(post(client, account, "agents", [agent(1, agentId=KEY_B)]), 1, 0)
    # KEY_A is free again: another agent may take it
    ok(post(client, account, "agents", [agent(2, agentId=KEY_A)]), 1, 0)
    rows = _rows(db_engine, "SELECT email_norm, agent_key FROM agents ORDER BY email_norm")
    assert rows == [("agent1@example.com", KEY_B), ("agent2@example.com", KEY_A)]


@pytest.mark.parametrize(
    "batch",
    [
        [agent(3), agent(2, agentId=KEY_A)],  # held by a stored agent
        [agent(3), agent(2, agentId=KEY_B), agent(4, agentId=KEY_B)],  # taken earlier in the same batch
    ],
)
def test_agent_id_held_by_another_agent_is_400(
    client: TestClient, db_engine: Engine, batch: list[dict[str, object]]
) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, agentId=KEY_A)]), 1, 0)
    before = _rows(db_engine, "SELECT email_norm, agent_key FROM agents")
    msg = error(post(client, account, "agents", batch), 400, f"record {len(batch) - 1}: agentId: ")
    assert KEY_A not in msg and KEY_B not in msg
    assert _rows(db_engine, "SELECT email_norm, agent_key FROM agents") == before


def test_agent_id_of_another_account_is_free(client: TestClient, db_engine: Engine) -> None:
    a, b = create_account(client), create_account(client)
    ok(post(client, a, "agents", [agent(1, agentId=KEY_A)]), 1, 0)
    ok(post(client, b, "agents", [agent(2, agentId=KEY_A)]), 1, 0)
    rows = _rows(db_engine, "SELECT account_id, agent_key FROM agents")
    assert sorted(rows) == sorted([(a, KEY_A), (b, KEY_A)])


# --- agents: queue membership ---------------------------------------------------------------------------------


def test_queues_replace_membership_absent_keeps_it_empty_clears_it(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, QUEUES, [_queue(1), _queue(2), _queue(3)]), 3, 0)
    ok(post(client, account, "agents", [agent(1, queues=["qu-1", "qu-2"]), agent(2, queues=["qu-3"])]), 2, 0)
    assert _membership(db_engine) == [
        ("agent1@example.com", "qu-1"),
        ("agent1@example.com", "qu-2"),
        ("agent2@example.com", "qu-3"),
    ]
    # the same set in another order is no change; absent leaves membership as it is
    ok(post(client, account, "agents", [agent(1, queues=["qu-2", "qu-1"]), agent(2)]), 0, 2)
    # only membership changes: accepted
    ok(post(client, account, "agents", [agent(1, queues=["qu-3"]), agent(2, queues=[])]), 2, 0)
    assert _membership(db_engine) == [("agent1@example.com", "qu-3")]
    ok(post(client, account, "agents", [agent(1, queues=["qu-3"]), agent(2, queues=[])]), 0, 2)
    assert _counts(db_engine) == {"agents": 2, "queues": 3, "agent_queues": 1, "agent_login_events": 0}


def test_membership_within_one_batch_last_record_wins(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, QUEUES, [_queue(1), _queue(2)]), 2, 0)
    batch = [agent(1, queues=["qu-1"]), agent(1, queues=["qu-1"]), agent(1, queues=["qu-2"]), agent(1)]
    # new agent, duplicate, membership change, duplicate (absent = unchanged)
    ok(post(client, account, "agents", batch), 2, 2)
    assert _membership(db_engine) == [("agent1@example.com", "qu-2")]


def test_unknown_or_foreign_queue_refuses_the_batch(client: TestClient, db_engine: Engine) -> None:
    account, other = create_account(client), create_account(client)
    ok(post(client, account, QUEUES, [_queue(1)]), 1, 0)
    ok(post(client, other, QUEUES, [_queue(9)]), 1, 0)
    ok(post(client, account, "agents", [agent(1, queues=["qu-1"])]), 1, 0)
    before = _counts(db_engine)
    for missing in ("qu-404", "qu-9"):
        batch = [agent(1, queues=[]), agent(2, queues=["qu-1", missing])]
        msg = error(post(client, account, "agents", batch), 400, "record 1: queues.1: ")
        assert missing not in msg
    assert _counts(db_engine) == before
    assert _membership(db_engine) == [("agent1@example.com", "qu-1")]


def test_a_refused_agent_batch_leaves_membership(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, QUEUES, [_queue(1), _queue(2)]), 2, 0)
    ok(post(client, account, "agents", [agent(1, userId="u-one", queues=["qu-1"])]), 1, 0)
    clash = agent(2, userId="u-one")
    error(post(client, account, "agents", [agent(1, queues=["qu-2"]), clash]), 400, "record 1: userId: ")
    assert _membership(db_engine) == [("agent1@example.com", "qu-1")]
    assert _counts(db_engine) == {"agents": 1, "queues": 2, "agent_queues": 1, "agent_login_events": 0}


# --- agent login events ---------------------------------------------------------------------------------------


def test_login_events_dedupe_by_event_id(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1, userId="u-one"), agent(2)]), 2, 0)
    batch = [
        _login(1, ip="10.32.130.10"),
        _login(2, agent_ref="u-one", type="exit", at="2023-01-07T11:45:00.250+02:00"),
        _login(3, agent_ref="Agent2@Example.com", ip="2001:db8::1"),
        _login(1, type="exit"),
    ]
    ok(post(client, account, LOGINS, batch), 3, 1)
    ok(post(client, account, LOGINS, batch), 0, 4)
    ok(post(client, account, LOGINS, [_login(4, ip="103.172.203.85:32689")], ndjson=True), 1, 0)
    rows = _rows(
        db_engine,
        "SELECT e.event_id, a.email_norm, e.kind, e.at, e.ip FROM agent_login_events e "
        "JOIN agents a ON a.id = e.agent_pk ORDER BY e.event_id",
    )
    # 2023-01-07T09:45:00Z = 1673084700 s; 11:45:00.250+02:00 = 09:45:00.250Z
    assert rows == [
        ("li-1", "agent1@example.com", "entry", 1673084700000, "10.32.130.10"),
        ("li-2", "agent1@example.com", "exit", 1673084700250, None),
        ("li-3", "agent2@example.com", "entry", 1673084700000, "2001:db8::1"),
        ("li-4", "agent1@example.com", "entry", 1673084700000, "103.172.203.85:32689"),
    ]


def test_login_event_of_unknown_agent_refuses_the_batch(client: TestClient, db_engine: Engine) -> None:
    account, other = create_account(client), create_account(client)
    ok(post(client, account, "agents", [agent(1)]), 1, 0)
    ok(post(client, other, "agents", [agent(2)]), 1, 0)
    for ghost in ("ghost@example.com", "agent2@example.com", "u-nobody"):
        msg = error(post(client, account, LOGINS, [_login(1), _login(2, agent_ref=ghost)]), 400, "record 1: agent: ")
        assert ghost not in msg
    assert _counts(db_engine)["agent_login_events"] == 0
    ok(post(client, account, LOGINS, [_login(1)]), 1, 0)


def test_same_event_id_in_two_accounts_is_two_events(client: TestClient, db_engine: Engine) -> None:
    a, b = create_account(client), create_account(client)
    ok(post(client, a, "agents", [agent(1)]), 1, 0)
    ok(post(client, b, "agents", [agent(1)]), 1, 0)
    ok(post(client, a, LOGINS, [_login(1)]), 1, 0)
    ok(post(client, b, LOGINS, [_login(1, type="exit")]), 1, 0)
    assert sorted(_rows(db_engine, "SELECT account_id, kind FROM agent_login_events")) == sorted(
        [(a, "entry"), (b, "exit")]
    )
