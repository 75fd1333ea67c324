"""Agents' queue membership (agent_queues), replaced by an agent upsert that carries `queues`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from smartassist.contactcenter.models import Agent, AgentQueue, Queue
from smartassist.errors import bad_request
from smartassist.ingest.bulk import chunks
from smartassist.ingest.schemas import AgentIn

AGENT_QUEUES: Table = AgentQueue.__table__  # type: ignore[assignment]


class Memberships:
    """The queue membership an agent batch asks for, against what is stored, by agent (normalised email).

    Built before the agent rows are written (an unknown queueId refuses the batch); `assign` tells whether a
    record changes its agent's membership (so a record changing only that is accepted, not a duplicate);
    `write` replaces the changed memberships once the agents exist.
    """

    def __init__(self, session: Session, account_id: str, records: list[AgentIn], norms: list[str]) -> None:
        self._account_id = account_id
        wanted = sorted({queue_id for r in records for queue_id in r.queues or ()})
        self._queue_pks: dict[str, int] = {}
        for chunk in chunks(wanted):
            query = select(Queue.queue_id, Queue.id).where(Queue.account_id == account_id, Queue.queue_id.in_(chunk))
            self._queue_pks.update((queue_id, pk) for queue_id, pk in session.execute(query))
        for index, record in enumerate(records):
            for position, queue_id in enumerate(record.queues or ()):
                if queue_id not in self._queue_pks:
                    raise bad_request(f"record {index}: queues.{position}: no queue of this account has this queueId")
        self._state: dict[str, frozenset[int]] = {}
        if any(r.queues is not None for r in records):
            for chunk in chunks(norms):
                for norm, queue_pk in session.execute(
                    select(Agent.email_norm, AgentQueue.queue_pk)
                    .join(AgentQueue, AgentQueue.agent_pk == Agent.id)
                    .where(Agent.account_id == account_id, Agent.email_norm.in_(chunk))
                ):
                    self._state[norm] = self._state.get(norm, frozenset()) | {queue_pk}
        self._changed: set[str] = set()

    def assign(self, norm: str, queues: list[str] | None) -> bool:
        """Record the agent's membership as `queues` (None: unchanged); True when that changes it."""
        if queues is None:
            return False
        new = frozenset(self._queue_pks[queue_id] for queue_id in queues)
        if self._state.get(norm, frozenset()) == new:
            return False
        self._state[norm] = new
        self._changed.add(norm)
        return True

    def write(self, session: Session) -> None:
        """Replace the membership of every agent whose membership changed (its agent row is written by now)."""
        rows: list[dict[str, Any]] = []
        for chunk in chunks(sorted(self._changed)):
            query = select(Agent.email_norm, Agent.id).where(
                Agent.account_id == self._account_id, Agent.email_norm.in_(chunk)
            )
            agent_pks = {norm: pk for norm, pk in session.execute(query)}
            session.execute(delete(AGENT_QUEUES).where(AGENT_QUEUES.c.agent_pk.in_(list(agent_pks.values()))))
            rows.extend(
                {"agent_pk": agent_pks[norm], "queue_pk": queue_pk}
                for norm in chunk
                for queue_pk in sorted(self._state[norm])
            )
        if rows:
            session.execute(AGENT_QUEUES.insert(), rows)
