"""The writer: batches per kind, kinds the server lacks skipped with one warning, and the real ingest routes."""

from __future__ import annotations

import json
import threading
from datetime import date

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from smartassist.contactcenter.models import Agent, AgentStatusEvent, BotSession
from smartassist.simulation.model import day_start
from smartassist.simulation.run import Days, backfill_batches, send
from smartassist.simulation.world import build_world
from smartassist.simulation.writer import (
    AGENTS,
    CONVERSATIONS,
    SESSIONS,
    STATUS_EVENTS,
    IngestError,
    Record,
    Writer,
)
from tests.conftest import ADMIN_TOKEN

MONDAY = date(2025, 3, 10)


class FakeServer:
    """Answers like an ingest server without some routes; remembers every request."""

    def __init__(self, missing: tuple[str, ...] = (), strict_agents: bool = False) -> None:
        self.missing = missing
        self.strict_agents = strict_agents
        self.requests: list[tuple[str, str, list[Record]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append((request.method, request.url.path, body))
        if request.url.path.endswith(self.missing):
            return httpx.Response(404, json={"errors": [{"msg": "route not found", "code": 404}]})
        if self.strict_agents and request.url.path.endswith("/agents") and "queues" in body[0]:
            msg = "record 0: queues: Extra inputs are not permitted"
            return httpx.Response(400, json={"errors": [{"msg": msg, "code": 400}]})
        if any(record.get("bad") for record in body):
            return httpx.Response(400, json={"errors": [{"msg": "record 0: bad", "code": 400}]})
        return httpx.Response(200, json={"accepted": len(body), "duplicates": 0})


class MeetingServer(FakeServer):
    """Holds each status-event batch until another one has arrived too: only two requests at once get through."""

    def __init__(self) -> None:
        super().__init__()
        self.meeting = threading.Barrier(2, timeout=10)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/agent-status-events"):
            self.meeting.wait()
        return super().__call__(request)


def writer_for(
    server: FakeServer, warnings: list[str], progress: list[int], batch_size: int = 3, in_flight: int = 1
) -> Writer:
    return Writer(
        client=httpx.Client(transport=httpx.MockTransport(server), base_url="http://fake"),
        account_id="acc",
        bot_id="st-bot",
        headers={"Authorization": "Bearer x"},
        warn=warnings.append,
        on_progress=progress.append,
        batch_size=batch_size,
        in_flight=in_flight,
    )


def records(n: int) -> list[Record]:
    return [{"eventId": f"e{i}"} for i in range(n)]


def test_batches_are_split_to_the_batch_size_and_counted() -> None:
    server, warnings, progress = FakeServer(), list[str](), list[int]()
    writer = writer_for(server, warnings, progress)
    writer.write(STATUS_EVENTS, records(7))
    writer.write(SESSIONS, records(2))
    assert [(m, p, len(b)) for m, p, b in server.requests] == [
        ("POST", "/ingest/accounts/acc/agent-status-events", 3),
        ("POST", "/ingest/accounts/acc/agent-status-events", 3),
        ("POST", "/ingest/accounts/acc/agent-status-events", 1),
        ("POST", "/ingest/accounts/acc/bots/st-bot/sessions", 2),
    ]
    assert [r["eventId"] for _, _, batch in server.requests[:3] for r in batch] == [f"e{i}" for i in range(7)]
    assert progress == [3, 3, 1, 2] and warnings == []
    assert writer.tallies["status events"].accepted == 7


def test_a_kind_the_server_lacks_is_skipped_after_one_request_and_one_warning() -> None:
    server, warnings, progress = FakeServer(missing=("/conversations",)), list[str](), list[int]()
    writer = writer_for(server, warnings, progress)
    writer.write(CONVERSATIONS, records(7))
    writer.write(CONVERSATIONS, records(4))
    writer.write(STATUS_EVENTS, records(2))
    assert [p for _, p, _ in server.requests] == [
        "/ingest/accounts/acc/conversations",
        "/ingest/accounts/acc/agent-status-events",
    ]
    assert len(warnings) == 1 and "conversations" in warnings[0] and "404" in warnings[0]
    assert "\n" not in warnings[0]
    assert writer.tallies["conversations"].skipped == 11 and writer.unsupported == {"conversations"}
    assert sum(progress) == 13  # skipped records still move the progress bar


def test_agents_go_without_the_newer_fields_to_a_server_that_refuses_them() -> None:
    server, warnings, progress = FakeServer(strict_agents=True), list[str](), list[int]()
    writer = writer_for(server, warnings, progress, batch_size=2)
    agents = [{"email": f"a{i}@x", "agentId": f"a-{i}", "queues": ["qu-1"]} for i in range(3)]
    writer.write(AGENTS, agents)
    bodies = [body for _, _, body in server.requests]
    assert bodies == [agents[:2], [{"email": "a0@x"}, {"email": "a1@x"}], [{"email": "a2@x"}]]
    assert len(warnings) == 1 and writer.tallies["agents"].accepted == 3


def test_any_other_refusal_stops_the_run() -> None:
    writer = writer_for(FakeServer(), [], [])
    with pytest.raises(IngestError, match="400"):
        writer.write(STATUS_EVENTS, [{"bad": True}])


def test_two_batches_are_in_flight_at_once_and_all_are_counted() -> None:
    server, progress = MeetingServer(), list[int]()
    writer = writer_for(server, [], progress, in_flight=2)
    writer.write(STATUS_EVENTS, records(12))  # 4 batches of 3; each waits at the server for a second one
    writer.flush()
    assert writer.tallies["status events"].accepted == 12
    assert sorted(len(body) for _, _, body in server.requests) == [3, 3, 3, 3]
    assert progress == [3, 3, 3, 3]


def test_agents_wait_for_the_batches_in_flight_and_go_alone() -> None:
    server = MeetingServer()
    writer = writer_for(server, [], [], in_flight=2)
    writer.write(STATUS_EVENTS, records(6))
    writer.write(AGENTS, [{"email": "a@x"}])
    writer.write(STATUS_EVENTS, records(6))
    writer.flush()
    assert [path.rsplit("/", 1)[1] for _, path, _ in server.requests] == [
        "agent-status-events",
        "agent-status-events",
        "agents",
        "agent-status-events",
        "agent-status-events",
    ]


def test_a_refusal_in_flight_stops_the_run_when_it_is_collected() -> None:
    writer = writer_for(FakeServer(), [], [], in_flight=2)
    writer.write(STATUS_EVENTS, [{"bad": True}])
    with pytest.raises(IngestError, match="400"):
        writer.close()


class HeldServer(FakeServer):
    """Holds each request until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Semaphore(0)
        self.release = threading.Event()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.arrived.release()
        assert self.release.wait(timeout=10)
        return super().__call__(request)


def test_with_overlap_the_caller_goes_on_while_its_one_request_is_in_flight() -> None:
    server, progress = HeldServer(), list[int]()
    writer = writer_for(server, [], progress, in_flight=1)
    writer.overlap = True
    writer.write(STATUS_EVENTS, records(2))  # returns while the server holds the request
    assert server.arrived.acquire(timeout=10)
    assert progress == [] and len(server.requests) == 0
    server.release.set()
    writer.write(STATUS_EVENTS, records(1))  # waits for the first request: never two at once
    writer.close()
    assert [len(body) for _, _, body in server.requests] == [2, 1]
    assert progress == [2, 1] and writer.tallies["status events"].accepted == 3


def test_with_overlap_a_refusal_stops_the_run_at_the_next_write() -> None:
    writer = writer_for(FakeServer(), [], [], in_flight=1)
    writer.overlap = True
    writer.write(STATUS_EVENTS, [{"bad": True}])
    with pytest.raises(IngestError, match="400"):
        writer.write(STATUS_EVENTS, records(1))
    writer.close()


class CountingHeldServer(HeldServer):
    """HeldServer that also records the most requests it held at once."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.now = self.most = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        try:
            return super().__call__(request)
        finally:
            with self.lock:
                self.now -= 1


def test_ahead_the_caller_queues_batches_while_one_request_is_in_flight() -> None:
    server, progress = CountingHeldServer(), list[int]()
    writer = writer_for(server, [], progress, batch_size=1, in_flight=1)
    writer.overlap, writer.ahead = True, 2
    writer.write(STATUS_EVENTS, records(3))  # one on the wire, two queued: returns while the server holds the first
    assert server.arrived.acquire(timeout=10)
    assert progress == [] and len(server.requests) == 0
    server.release.set()
    writer.write(STATUS_EVENTS, records(2))
    writer.close()
    assert [body[0]["eventId"] for _, _, body in server.requests] == ["e0", "e1", "e2", "e0", "e1"]  # in order
    assert server.most == 1  # never two at once
    assert progress == [1] * 5 and writer.tallies["status events"].accepted == 5


def test_ahead_a_refusal_is_raised_once_and_drops_the_queued_batches() -> None:
    server = HeldServer()
    writer = writer_for(server, [], [], batch_size=1, in_flight=1)
    writer.overlap, writer.ahead = True, 4
    writer.write(STATUS_EVENTS, [{"bad": True}, {"eventId": "e1"}, {"eventId": "e2"}])
    assert server.arrived.acquire(timeout=10)
    server.release.set()
    with pytest.raises(IngestError, match="400"):
        writer.flush()
    writer.close()  # the refusal is raised once; what was queued behind it is dropped, not counted
    assert writer.tallies["status events"].accepted == 0


def test_batch_size_is_bounded() -> None:
    with pytest.raises(ValueError):
        writer_for(FakeServer(), [], [], batch_size=5001)
    with pytest.raises(ValueError):
        writer_for(FakeServer(), [], [], in_flight=5)
    with pytest.raises(ValueError):
        Writer(client=httpx.Client(), account_id="a", bot_id="b", headers={}, warn=print, ahead=65)


def count(engine: Engine, model: type[Agent] | type[BotSession] | type[AgentStatusEvent]) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


def test_a_backfill_through_the_real_routes_is_stored_once(client: TestClient, db_engine: Engine) -> None:
    account = client.post("/admin/accounts", json={"name": "Sim"}, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    account_id = account.json()["accountId"]
    world = build_world(4, 5)
    end = day_start(MONDAY) + 15 * 3600
    batches = backfill_batches(world, Days(world), MONDAY, end)
    expected = {kind.name: sum(len(r) for k, r in batches if k is kind) for kind, _ in batches}

    def run() -> Writer:
        writer = Writer(
            client=client,
            account_id=account_id,
            bot_id=world.bot_id,
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            warn=lambda _: None,
        )
        send(writer, batches)
        return writer

    first = run()
    assert count(db_engine, Agent) == len(world.agents)
    assert count(db_engine, BotSession) == expected["sessions"] > 0
    assert count(db_engine, AgentStatusEvent) == expected["status events"] > 0
    for name, tally in first.tallies.items():
        assert tally.accepted + tally.skipped == expected[name], name
    second = run()
    for name, tally in second.tallies.items():
        if name not in second.unsupported:
            assert (tally.accepted, tally.duplicates) == (0, expected[name]), name
    assert count(db_engine, BotSession) == expected["sessions"]
    assert count(db_engine, AgentStatusEvent) == expected["status events"]
