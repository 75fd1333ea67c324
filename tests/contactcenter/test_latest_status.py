"""agent_latest_status, kept by the status-event ingest (contactcenter/latest_status.py): each agent's greatest
event by (ts, id) whatever order the events arrive in, a re-sent eventId changing nothing, an event stamped
after now read from the events instead, `db prune` leaving every row as it was, other accounts untouched.
Every expected row and count is worked out by hand, on both databases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from smartassist.contactcenter import latest_status
from smartassist.contactcenter.retention import prune
from tests.support.ingest import agent, event, ok, post, session
from tests.support.rows import add_account, add_agent, add_events
from tests.support.tenants import ANALYTICS, create_account, create_app
from tests.support.tokens import token

# The app fixture empties every table after each test.
pytestmark = pytest.mark.usefixtures("app")

T = 1_641_477_600_000  # 2022-01-06T14:00:00Z
MINUTE = 60_000
EVENTS = "agent-status-events"


def at(minutes: int) -> str:
    """T + minutes, as an ingest timestamp (minutes < 600)."""
    return f"2022-01-06T{14 + minutes // 60:02d}:{minutes % 60:02d}:00.000+00:00"


def latest(engine: Engine) -> dict[str, tuple[int, str]]:
    """email -> (ts, status) of each agent_latest_status row."""
    sql = "SELECT a.email_norm, l.ts, l.status FROM agent_latest_status l JOIN agents a ON a.id = l.agent_pk"
    with engine.connect() as conn:
        return {email: (ts, status) for email, ts, status in conn.execute(text(sql))}


def test_the_greatest_event_by_time_then_arrival_whatever_the_order(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1), agent(2)]), 2, 0)
    a1 = "agent1@example.com"
    # one batch, the later event first
    ok(post(client, account, EVENTS, [event(1, status="Busy", timestamp=at(60)), event(2, timestamp=at(30))]), 2, 0)
    assert latest(db_engine) == {a1: (T + 60 * MINUTE, "Busy")}
    # an older event, ingested later: changes nothing
    ok(post(client, account, EVENTS, [event(3, status="Lunch", timestamp=at(10))]), 1, 0)
    assert latest(db_engine) == {a1: (T + 60 * MINUTE, "Busy")}
    # the same time as the latest, stored after it (a greater id): it is the latest now
    ok(post(client, account, EVENTS, [event(4, status="Away", timestamp=at(60))]), 1, 0)
    assert latest(db_engine) == {a1: (T + 60 * MINUTE, "Away")}
    # ev-1 sent again, with another status and a later time: a duplicate, stored once, nothing changes
    ok(post(client, account, EVENTS, [event(1, status="Offline", timestamp=at(120))]), 0, 1)
    assert latest(db_engine) == {a1: (T + 60 * MINUTE, "Away")}
    # the other agent's first event: its own row, agent 1's unchanged
    ok(post(client, account, EVENTS, [event(5, agent_ref="agent2@example.com", status="Busy", timestamp=at(5))]), 1, 0)
    assert latest(db_engine) == {a1: (T + 60 * MINUTE, "Away"), "agent2@example.com": (T + 5 * MINUTE, "Busy")}


QUEUE_PATH = "/agentassist/api/v1/public/bot-1/monitor/queueStatsById/qu-1"


@pytest.fixture
def queue_world(client: TestClient) -> dict[str, Any]:
    """bot-1, queue qu-1 of agents 1..4: agent 1 Available at T+30 and Busy at T+120; agent 2 Lunch at T+60;
    agent 3 no event; agent 4 Offline at T+10 and Busy at T+80."""
    account = create_account(client)
    ok(post(client, account, "bots/bot-1/sessions", [session(1)]), 1, 0)
    ok(post(client, account, "queues", [{"queueId": "qu-1", "name": "Sales"}]), 1, 0)
    ok(post(client, account, "agents", [agent(n, queues=["qu-1"]) for n in (1, 2, 3, 4)]), 4, 0)
    events = [
        event(1, timestamp=at(30)),
        event(2, status="Busy", timestamp=at(120)),
        event(3, agent_ref="agent2@example.com", status="Lunch", timestamp=at(60)),
        event(4, agent_ref="agent4@example.com", status="Offline", timestamp=at(10)),
        event(5, agent_ref="agent4@example.com", status="Busy", timestamp=at(80)),
    ]
    ok(post(client, account, EVENTS, events), 5, 0)
    headers = {"auth": token(create_app(client, account, scopes=[ANALYTICS]))}
    return {"account": account, "headers": headers}


def _agent_status(client: TestClient, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch, now: int) -> Any:
    monkeypatch.setattr("smartassist.analytics.queues.router.now_ms", lambda: now)
    response = client.post(QUEUE_PATH, json={}, headers=world["headers"])
    assert response.status_code == 200, response.text
    [item] = response.json()
    return item["agentStatus"], item["noOfAgents"]


def test_queue_size_reads_the_rows_and_the_events_after_now(
    client: TestClient, db_engine: Engine, queue_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # agent 1's row is its Busy at T+120, after now (T+90): its status at now is its Available of T+30
    assert latest(db_engine)["agent1@example.com"] == (T + 120 * MINUTE, "Busy")
    at_90 = {"available": 1, "offline": 1, "busy": 1, "away": 1}  # a1 Available, a3 none, a4 Busy, a2 Lunch
    assert _agent_status(client, queue_world, monkeypatch, T + 90 * MINUTE) == (at_90, 4)
    at_150 = {"available": 0, "offline": 1, "busy": 2, "away": 1}  # a1 Busy since T+120
    assert _agent_status(client, queue_world, monkeypatch, T + 150 * MINUTE) == (at_150, 4)
    # before any event but agent 4's Offline (T+10): a1 and a2 have none yet, a3 none: 4 offline
    at_20 = {"available": 0, "offline": 4, "busy": 0, "away": 0}
    assert _agent_status(client, queue_world, monkeypatch, T + 20 * MINUTE) == (at_20, 4)


def test_prune_leaves_every_row_and_answer_as_it_was(
    client: TestClient, db_engine: Engine, queue_world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = latest(db_engine)
    assert rows == {
        "agent1@example.com": (T + 120 * MINUTE, "Busy"),
        "agent2@example.com": (T + 60 * MINUTE, "Lunch"),
        "agent4@example.com": (T + 80 * MINUTE, "Busy"),
    }
    now = T + 150 * MINUTE
    before = _agent_status(client, queue_world, monkeypatch, now)
    # cutoff T+100: a1's Available (T+30) is its latest before the cutoff and stays, as does its Busy (T+120)
    # after it; a2's only event stays; a4's Offline (T+10) goes, its Busy (T+80, its latest before) stays
    deleted = prune(db_engine, T + 100 * MINUTE)
    assert deleted["agent_status_events"] == 1
    assert latest(db_engine) == rows
    sql = (
        "SELECT count(*) FROM agent_latest_status l JOIN agent_status_events e ON e.id = l.event_pk "
        "AND e.agent_id = l.agent_pk AND e.ts = l.ts AND e.status = l.status"
    )
    with db_engine.connect() as conn:
        assert conn.execute(text(sql)).scalar_one() == 3  # each row's event is still stored
    assert _agent_status(client, queue_world, monkeypatch, now) == before


def test_a_refresh_names_the_account(client: TestClient, db_engine: Engine) -> None:
    """Another account's agent is never written under this account, nor its row changed."""
    mine, theirs = add_account(db_engine), add_account(db_engine, "Other")
    their_agent = add_agent(db_engine, theirs, "a@x.com")
    add_events(db_engine, theirs, their_agent, [(T, "Busy")])
    with Session(db_engine) as session_:
        add = (
            "INSERT INTO agent_status_events (account_id, agent_id, event_id, status, ts) "
            "VALUES (:a, :g, 'e', 'Away', :t)"
        )
        session_.execute(text(add), {"a": theirs, "g": their_agent, "t": T + MINUTE})
        latest_status.refresh(session_, mine, [their_agent])
        session_.commit()
    sql = "SELECT account_id, ts, status FROM agent_latest_status"
    with db_engine.connect() as conn:
        assert [tuple(row) for row in conn.execute(text(sql))] == [(theirs, T, "Busy")]


@pytest.mark.parametrize("first", ["newer", "older"])
def test_two_batches_at_once_leave_the_greater(db_engine: Engine, first: str) -> None:
    """Two transactions on one agent with no row yet keep the greater event of the two, whichever committed
    first (ts 200 over ts 100). On PostgreSQL they overlap: the second one's upsert waits for the first to
    commit; SQLite has one writer at a time, so there they commit one after the other."""
    account = add_account(db_engine)
    pk = add_agent(db_engine, account, "a@x.com")
    stamps = {"newer": (T + 200, "Busy"), "older": (T + 100, "Away")}
    second = "older" if first == "newer" else "newer"
    add = (
        "INSERT INTO agent_status_events (account_id, agent_id, event_id, status, ts) VALUES (:a, :g, :e, :status, :ts)"
    )

    def write(session_: Session, which: str) -> None:
        ts, status = stamps[which]
        session_.execute(text(add), {"a": account, "g": pk, "e": which, "status": status, "ts": ts})
        latest_status.refresh(session_, account, [pk])

    if db_engine.dialect.name == "sqlite":
        for which in (first, second):
            with Session(db_engine) as session_:
                write(session_, which)
                session_.commit()
    else:
        _overlapping(db_engine, write, first, second)
    sql = "SELECT ts, status FROM agent_latest_status WHERE agent_pk = :pk"
    with db_engine.connect() as conn:
        assert [tuple(row) for row in conn.execute(text(sql), {"pk": pk})] == [(T + 200, "Busy")]


def _overlapping(db_engine: Engine, write: Callable[[Session, str], None], first: str, second: str) -> None:
    failures: list[BaseException] = []

    def later() -> None:
        try:
            with Session(db_engine) as session_:
                write(session_, second)  # blocks on the first transaction's row until it commits
                session_.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    with Session(db_engine) as session_:
        write(session_, first)
        thread = threading.Thread(target=later)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive()  # waiting for the first transaction's row
        session_.commit()
    thread.join(timeout=10)
    assert not thread.is_alive() and not failures, failures
