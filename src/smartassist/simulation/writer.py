"""Posting simulated records through the ingest routes (contract §5), in batches, over any httpx client.

The writer knows nothing of the model: it takes records of one kind and sends them, with up to `in_flight`
requests at once (the client encodes and the server works on the next batch meanwhile: over HTTP the client,
the server and the database then share the cores), and lets the caller queue up to `ahead` more batches
(sent in order as requests end); `flush` waits for them all. Queues and agents, which the other
kinds reference, are sent alone, after everything before them. A server that lacks a
kind's route (404 or 405 on it) gets that kind skipped, with one warning, so the simulator still fills what
the server can hold. Agents' `agentId` and `queues` are newer fields: a server whose agent route refuses
them as unknown gets the agents without them (one warning), rather than no agents at all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

Record = dict[str, Any]
MAX_BATCH = 5000
MAX_IN_FLIGHT = 4
MAX_AHEAD = 64
_NEWER_AGENT_FIELDS = ("agentId", "queues")


@dataclass(frozen=True)
class Kind:
    name: str
    method: str
    path: str  # below /ingest/accounts/{accountId}; may hold {botId}


QUEUES = Kind("queues", "PUT", "/queues")
AGENTS = Kind("agents", "PUT", "/agents")
SESSIONS = Kind("sessions", "POST", "/bots/{botId}/sessions")
CONVERSATIONS = Kind("conversations", "POST", "/conversations")
STATUS_EVENTS = Kind("status events", "POST", "/agent-status-events")
LOGIN_EVENTS = Kind("login events", "POST", "/agent-login-events")
KINDS = (QUEUES, AGENTS, SESSIONS, CONVERSATIONS, STATUS_EVENTS, LOGIN_EVENTS)


class IngestError(Exception):
    """The server refused a batch (anything but success or a missing route)."""


@dataclass
class Tally:
    accepted: int = 0
    duplicates: int = 0
    skipped: int = 0


@dataclass
class Writer:
    client: httpx.Client
    account_id: str
    bot_id: str
    headers: Mapping[str, str]
    warn: Callable[[str], None]
    on_progress: Callable[[int], None] = lambda _: None
    batch_size: int = MAX_BATCH
    in_flight: int = 1
    # Send from a background thread even with one request in flight, so the caller simulates and renders the
    # next batch while the server stores this one (requests still go one at a time, in order, when in_flight is
    # 1); a refusal is then raised by a later write or flush.
    overlap: bool = False
    # Batches the caller may queue beyond those in flight (sent in order as the requests in flight end), so it
    # simulates the next day while the server stores this one's. With none queued, the caller waited for the
    # day's last requests before simulating the next day, and nothing was on the wire meanwhile: a timeline of
    # bench_simulate_http (7 days x 200 agents, 2 in flight) had no request in flight for 1.7 of its 9.1 s
    # (0.3 of 5.4 s with 12 queued).
    ahead: int = 0
    tallies: dict[str, Tally] = field(default_factory=dict)
    unsupported: set[str] = field(default_factory=set)
    _strip_agent_fields: bool = False
    _pool: ThreadPoolExecutor | None = None
    _pending: deque[tuple[Kind, list[Record], Future[httpx.Response]]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be 1..{MAX_BATCH}")
        if not 1 <= self.in_flight <= MAX_IN_FLIGHT:
            raise ValueError(f"in_flight must be 1..{MAX_IN_FLIGHT}")
        if not 0 <= self.ahead <= MAX_AHEAD:
            raise ValueError(f"ahead must be 0..{MAX_AHEAD}")

    def url(self, kind: Kind) -> str:
        return f"/ingest/accounts/{self.account_id}" + kind.path.format(botId=self.bot_id)

    def write(self, kind: Kind, records: Sequence[Record]) -> None:
        alone = (self.in_flight == 1 and not self.overlap) or kind in (QUEUES, AGENTS)
        if alone:
            self.flush()
        for start in range(0, len(records), self.batch_size):
            batch = list(records[start : start + self.batch_size])
            if kind.name in self.unsupported:
                self.tallies.setdefault(kind.name, Tally()).skipped += len(batch)
                self.on_progress(len(batch))
            elif alone:
                self._handle(kind, batch, self._request(kind, batch))
            else:
                while self._pending and (
                    len(self._pending) >= self.in_flight + self.ahead or self._pending[0][2].done()
                ):
                    self._finish_oldest()
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.in_flight, thread_name_prefix="simulate-writer")
                self._pending.append((kind, batch, self._pool.submit(self._request, kind, batch)))

    def flush(self) -> None:
        """Wait for the requests in flight (an IngestError or HTTP error of one of them is raised here)."""
        while self._pending:
            self._finish_oldest()

    def close(self) -> None:
        """Wait for the requests in flight and stop the sending threads."""
        try:
            self.flush()
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _finish_oldest(self) -> None:
        kind, batch, future = self._pending.popleft()
        try:
            self._handle(kind, batch, future.result())
        except BaseException:
            # The run stops here: the batches still queued are not sent (those on the wire end on their own).
            for _, _, later in self._pending:
                later.cancel()
            self._pending.clear()
            raise

    def _request(self, kind: Kind, batch: list[Record]) -> httpx.Response:
        if kind is AGENTS and self._strip_agent_fields:
            batch = [{k: v for k, v in record.items() if k not in _NEWER_AGENT_FIELDS} for record in batch]
        # orjson: the standard library's encoder was 14 % of the simulator's CPU (py-spy), orjson a tenth of that
        headers = {**self.headers, "Content-Type": "application/json"}
        return self.client.request(kind.method, self.url(kind), content=orjson.dumps(batch), headers=headers)

    def _handle(self, kind: Kind, batch: list[Record], response: httpx.Response) -> None:
        """Count a batch's answer (in the calling thread: tallies and warnings are never shared)."""
        tally = self.tallies.setdefault(kind.name, Tally())
        if response.status_code in (404, 405):
            tally.skipped += len(batch)
            if kind.name not in self.unsupported:
                self.unsupported.add(kind.name)
                self.warn(
                    f"warning: the server has no {kind.method} {self.url(kind)} ({response.status_code}); "
                    f"{kind.name} are skipped"
                )
            self.on_progress(len(batch))
            return
        if kind is AGENTS and not self._strip_agent_fields and _refuses_newer_agent_fields(response):
            self._strip_agent_fields = True
            self.warn("warning: the server's agent route does not take agentId/queues; agents are sent without them")
            self._handle(kind, batch, self._request(kind, batch))
            return
        if response.status_code != 200:
            raise IngestError(f"{kind.method} {self.url(kind)} -> {response.status_code}: {response.text[:500]}")
        body = response.json()
        tally.accepted += int(body["accepted"])
        tally.duplicates += int(body["duplicates"])
        self.on_progress(len(batch))


def _refuses_newer_agent_fields(response: httpx.Response) -> bool:
    if response.status_code != 400:
        return False
    text = response.text
    return "Extra inputs" in text and any(f"{name}:" in text or f"{name}'" in text for name in _NEWER_AGENT_FIELDS)
