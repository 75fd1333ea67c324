"""Data versions: every ingest transaction bumps its account's (a rejected one nothing), and what a worker
remembers at a version (Queue Size's queue state, Agent Activity's agentIds) answers only while it is current:
each kind of ingest shows at once on a warm worker, a contact or a status stamped later the same day shows when
its time comes without another read, and the memory is used (the statements a warm request sends)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from smartassist.contactcenter import data_versions, retention
from smartassist.contactcenter.data_versions import Remembered
from smartassist.reads import Reads
from tests.analytics.conversations.support import row
from tests.support.ingest import agent, event, interaction, ok, post, send
from tests.support.tenants import ANALYTICS, WFM, create_account, create_app
from tests.support.tokens import token

NOW = 1_759_320_000_000  # 2025-10-01T12:00:00Z
MINUTE = 60_000
QUEUE_SIZE = "/agentassist/api/v1/public/st-bot/monitor/queueStatsById/qu-1"


def iso(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"


def versions(engine: Engine, account: str) -> tuple[int, int] | None:
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT data, agents FROM data_versions WHERE account_id = :a"), {"a": account}
        ).first()
    return None if found is None else (found[0], found[1])


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL text of every statement the hot path's reads send, in order, but the token check's."""
    statements: list[str] = []
    coalesced: set[int] = set()  # a coalesced read is counted once, as its `one` statement, on either database
    original, original_coalesced = Reads.rows, Reads.coalesced_rows

    async def rows(self: Reads, statement: Any, params: Any) -> Any:
        if "FROM apps" not in str(statement) and id(statement) not in coalesced:
            statements.append(str(statement))
        return await original(self, statement, params)

    async def coalesced_rows(self: Reads, statement: Any, params: Any) -> Any:
        coalesced.add(id(statement.one))
        statements.append(str(statement.one))
        return await original_coalesced(self, statement, params)

    monkeypatch.setattr(Reads, "rows", rows)
    monkeypatch.setattr(Reads, "coalesced_rows", coalesced_rows)
    yield statements


class Center:
    """An account with a queue qu-1 of two agents and the bot st-bot, all through the ingest routes."""

    def __init__(self, client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
        self.client = client
        self.now = NOW
        monkeypatch.setattr("smartassist.analytics.queues.router.now_ms", lambda: self.now)
        self.account = create_account(client)
        self.headers = {"auth": token(create_app(client, self.account, scopes=[ANALYTICS, WFM]))}
        ok(send(client, f"/ingest/accounts/{self.account}/queues", [{"queueId": "qu-1", "name": "Sales"}]), 1, 0)
        agents = [agent(1, queues=["qu-1"], agentId="a-one"), agent(2, queues=["qu-1"], agentId="a-two")]
        ok(send(client, f"/ingest/accounts/{self.account}/agents", agents), 2, 0)
        self.conversations = 0

    def contact(self, enter: int) -> None:
        """An open conversation of st-bot entering qu-1 at `enter`."""
        self.conversations += 1
        n = self.conversations
        entry = {"destinationType": "QueueEntry", "queueId": "qu-1", "EnterTime": iso(enter)}
        ok(post(self.client, self.account, "conversations", [row(n, start=iso(enter), destinations=[entry])]), 1, 0)

    def status(self, n: int, agent_n: int, at: int, status: str) -> None:
        record = event(n, f"agent{agent_n}@example.com", status=status, timestamp=iso(at))
        ok(post(self.client, self.account, "agent-status-events", [record]), 1, 0)

    def queue_size(self) -> dict[str, Any]:
        response = self.client.post(QUEUE_SIZE, headers=self.headers)
        assert response.status_code == 200, response.text
        [item] = response.json()
        return dict(item)

    def activity(self, start: int, end: int) -> list[dict[str, Any]]:
        path = f"/agentassist/api/public/analytics/account/{self.account}/agentactivity"
        response = self.client.get(
            path, params={"fromTimeStamp": iso(start), "toTimeStamp": iso(end)}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return list(response.json()["AgentUpdates"])


@pytest.fixture
def center(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Center:
    return Center(client, monkeypatch)


def test_each_ingest_route_bumps_its_account_and_a_rejected_batch_nothing(
    client: TestClient, db_engine: Engine
) -> None:
    account = create_account(client)
    other = create_account(client, "Other")
    assert versions(db_engine, account) is None
    ok(send(client, f"/ingest/accounts/{account}/agents", [agent(1)]), 1, 0)
    assert versions(db_engine, account) == (1, 1)
    ok(send(client, f"/ingest/accounts/{account}/queues", [{"queueId": "qu-1", "name": "Sales"}]), 1, 0)
    assert versions(db_engine, account) == (2, 1)
    steps: list[tuple[str, list[dict[str, Any]]]] = [
        ("agent-status-events", [event(1)]),
        ("agent-interactions", [interaction(1)]),
        ("agent-login-events", [{"eventId": "l-1", "agent": "agent1@example.com", "type": "entry",
                                 "at": "2022-01-06T14:00:00Z"}]),
        ("conversations", [row(1)]),
        ("bots/st-bot/sessions", [{"sessionId": "s-1", "userId": "caller-1", "ANI": "+1", "DNI": "d",
                                   "channel": "rtm", "startTime": "2022-01-06T14:00:00Z", "status": "completed",
                                   "timeHandled": 1}]),
    ]  # fmt: skip
    for n, (route, records) in enumerate(steps, start=3):
        response = post(client, account, route, records)
        assert response.status_code == 200, (route, response.text)
        assert versions(db_engine, account) == (n, 1), route
    rejected = post(client, account, "agent-status-events", [event(9), event(10, agent_ref="nobody@example.com")])
    assert rejected.status_code == 400
    assert versions(db_engine, account) == (7, 1)
    ok(send(client, f"/ingest/accounts/{account}/agents", [agent(1, firstName="Renamed")]), 1, 0)
    assert versions(db_engine, account) == (8, 2)
    assert versions(db_engine, other) is None  # another account's batches bump only their own


def test_prune_bumps_the_accounts_whose_conversations_it_deletes(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "conversations", [row(1, start="2020-01-01T10:00:00Z",
                                                     sessionEndTime="2020-01-01T10:05:00Z")]), 1, 0)  # fmt: skip
    assert versions(db_engine, account) == (1, 0)
    deleted = retention.prune(db_engine, NOW)
    assert deleted["conversations"] == 1
    assert versions(db_engine, account) == (2, 0)


def test_a_warm_worker_sees_every_kind_of_ingest_at_once(center: Center, sent: list[str]) -> None:
    center.contact(NOW - MINUTE)
    first = center.queue_size()
    assert (first["waiting"], first["noOfAgents"], first["agentStatus"]["offline"]) == (1, 2, 2)
    assert first["queueSummary"]["maxWait"] == MINUTE
    sent.clear()
    center.now = NOW + 1000
    again = center.queue_size()
    assert again["queueSummary"]["maxWait"] == MINUTE + 1000  # computed at its own now
    assert sent == [str(data_versions.DATA_ONLY.one)]  # from memory: only the version was read

    center.status(1, 1, NOW - 30 * MINUTE, "Available")
    assert center.queue_size()["agentStatus"] == {"available": 1, "offline": 1, "busy": 0, "away": 0}
    center.contact(NOW - 2 * MINUTE)
    assert center.queue_size()["waiting"] == 2
    ok(send(center.client, f"/ingest/accounts/{center.account}/queues", [{"queueId": "qu-1", "name": "Desk"}]), 1, 0)
    assert center.queue_size()["queueName"] == "Desk"
    ok(send(center.client, f"/ingest/accounts/{center.account}/agents", [agent(2, queues=[])]), 1, 0)
    final = center.queue_size()
    assert (final["noOfAgents"], final["agentStatus"]["available"], final["waiting"]) == (1, 1, 2)


def test_a_contact_entering_later_today_counts_from_its_time_on(center: Center, sent: list[str]) -> None:
    center.contact(NOW + 30_000)  # stamped ahead of the request's clock
    assert center.queue_size()["waiting"] == 0
    sent.clear()
    center.now = NOW + 29_999
    assert center.queue_size()["waiting"] == 0
    center.now = NOW + 30_000
    item = center.queue_size()
    assert (item["waiting"], item["queueSummary"]["maxWait"]) == (1, 0)
    center.now = NOW + 31_000
    assert center.queue_size()["queueSummary"]["maxWait"] == 1000
    assert sent == [str(data_versions.DATA_ONLY.one)] * 3  # no read but the version's


def test_a_status_stamped_ahead_is_read_again_until_its_time(center: Center, sent: list[str]) -> None:
    center.contact(NOW - MINUTE)
    center.status(1, 1, NOW - 30 * MINUTE, "Available")
    center.status(2, 1, NOW + MINUTE, "Busy")
    assert center.queue_size()["agentStatus"]["available"] == 1
    center.now = NOW + MINUTE
    assert center.queue_size()["agentStatus"]["busy"] == 1
    assert str(data_versions.DATA_ONLY.one) not in sent  # nothing remembered while a status was ahead of the clock


def test_the_next_day_is_read_anew(center: Center) -> None:
    center.contact(NOW - MINUTE)
    entry = {"destinationType": "QueueEntry", "queueId": "qu-1", "EnterTime": iso(NOW - 2 * MINUTE)}
    done = row(99, start=iso(NOW - 2 * MINUTE), sessionEndTime=iso(NOW - MINUTE), destinations=[entry])
    ok(post(center.client, center.account, "conversations", [done]), 1, 0)
    assert center.queue_size()["dropOff"] == 1
    center.now = NOW + 12 * 60 * MINUTE  # 00:00 UTC the next day
    item = center.queue_size()
    assert (item["dropOff"], item["waiting"]) == (0, 1)  # yesterday's drop-off no longer counts; the open one waits


def test_agent_activity_names_agents_as_the_latest_agents_batch_does(center: Center, sent: list[str]) -> None:
    center.status(1, 1, NOW, "Available")
    center.status(2, 2, NOW, "Busy")
    center.status(3, 1, NOW + 1000, "Away")
    expected = [("a-one", "ready"), ("a-two", "notready"), ("a-one", "notready")]
    assert [(u["AgentId"], u["Activity"]) for u in center.activity(NOW, NOW + 30_000)] == expected
    sent.clear()
    center.activity(NOW, NOW + 30_000)
    assert len(sent) == 1  # the agentIds from memory: the window's events only
    ok(send(center.client, f"/ingest/accounts/{center.account}/agents", [agent(1, agentId="a-zed")]), 1, 0)
    updates = center.activity(NOW, NOW + 30_000)
    # a-zed now sorts after a-two within the same millisecond
    assert [(u["AgentId"], u["Activity"]) for u in updates] == [
        ("a-two", "notready"),
        ("a-zed", "ready"),
        ("a-zed", "notready"),
    ]


def test_remembered_keeps_the_most_recent_entries_for_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(data_versions.time, "monotonic", lambda: clock[0])
    remembered: Remembered[str, str] = Remembered(max_entries=2, max_age_s=10.0)
    remembered.remember("a", 1, "A")
    remembered.remember("b", 2, "B")
    remembered.remember("a", 3, "A3")  # stored again: now the most recent
    remembered.remember("c", 4, "C")  # over the bound: b, the least recently stored, goes
    assert (remembered.recall("a"), remembered.recall("b"), remembered.recall("c")) == ((3, "A3"), None, (4, "C"))
    clock[0] = 110.0
    assert remembered.recall("a") == (3, "A3")  # 10 s old: still kept
    clock[0] = 110.001
    assert remembered.recall("a") is None
