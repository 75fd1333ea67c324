"""Rows written straight to the database with the ORM models (not via the ingest routes), for the analytics
and WFM tests, and the time constants the UserStatus tests count in."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from smartassist.accounts.models import Account
from smartassist.contactcenter import latest_status
from smartassist.contactcenter.models import Agent, AgentInteraction, AgentLoginEvent, AgentStatusEvent, Queue

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# 2022-12-12T00:00:00Z: 19338 days after the epoch x 86 400 000 ms.
T0 = 1_670_803_200_000


def add_account(engine: Engine, name: str = "Acme") -> str:
    account_id = secrets.token_hex(12)
    with Session(engine) as session:
        session.add(Account(id=account_id, name=name, created_at=T0))
        session.commit()
    return account_id


def add_agent(
    engine: Engine,
    account_id: str,
    email: str,
    *,
    user_id: str | None = None,
    first_name: str = "Joce",
    last_name: str = "Tay",
    custom_id: str | None = None,
    agent_key: str | None = None,
) -> int:
    """An agent row; returns its primary key (the events' agent_id)."""
    agent = Agent(
        account_id=account_id,
        user_id=user_id or f"u-{uuid.uuid4()}",
        email=email,
        email_norm=email.lower(),
        first_name=first_name,
        last_name=last_name,
        custom_id=custom_id,
        agent_key=agent_key or f"a-{uuid.uuid4()}",
    )
    with Session(engine) as session:
        session.add(agent)
        session.commit()
        return agent.id


def add_events(
    engine: Engine, account_id: str, agent_id: int, events: Iterable[tuple[int, str] | tuple[int, str, str | None]]
) -> None:
    """Status events given as (ts, status) or (ts, status, reason), inserted in the order given."""
    with Session(engine) as session:
        session.add_all(
            AgentStatusEvent(
                account_id=account_id,
                agent_id=agent_id,
                event_id=uuid.uuid4().hex,
                status=event[1],
                reason=event[2] if len(event) > 2 else None,
                ts=event[0],
            )
            for event in events
        )
        session.flush()
        latest_status.refresh(session, account_id, [agent_id])  # as the status-event ingest keeps it
        session.commit()


def add_logins(engine: Engine, account_id: str, agent_id: int, events: Iterable[tuple[str, int, str | None]]) -> None:
    """Login events given as (kind "entry"|"exit", at, ip)."""
    with Session(engine) as session:
        session.add_all(
            AgentLoginEvent(
                account_id=account_id, agent_pk=agent_id, event_id=uuid.uuid4().hex, kind=kind, at=at, ip=ip
            )
            for kind, at, ip in events
        )
        session.commit()


def add_queue(engine: Engine, account_id: str, queue_id: str, name: str) -> int:
    queue = Queue(account_id=account_id, queue_id=queue_id, name=name, skills=[])
    with Session(engine) as session:
        session.add(queue)
        session.commit()
        return queue.id


def add_interactions(
    engine: Engine, account_id: str, agent_id: int, intervals: Iterable[tuple[int, int | None]]
) -> None:
    with Session(engine) as session:
        session.add_all(
            AgentInteraction(
                account_id=account_id,
                agent_id=agent_id,
                interaction_id=uuid.uuid4().hex,
                start_time=start,
                end_time=end,
            )
            for start, end in intervals
        )
        session.commit()


def status_events(engine: Engine, agent_id: int) -> list[tuple[int, str]]:
    """An agent's stored status events as (ts, status), in insertion order."""
    c = AgentStatusEvent.__table__.c
    with engine.connect() as conn:
        return [
            (ts, status)
            for ts, status in conn.execute(select(c.ts, c.status).where(c.agent_id == agent_id).order_by(c.id))
        ]
