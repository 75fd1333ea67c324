"""Rows written straight to the database with the ORM models (not via the ingest routes), and the time
constants the UserStatus tests count in."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from smartassist.accounts.models import Account
from smartassist.contactcenter.models import Agent, AgentInteraction, AgentStatusEvent

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
        agent_key=f"a-{uuid.uuid4()}",
    )
    with Session(engine) as session:
        session.add(agent)
        session.commit()
        return agent.id


def add_events(engine: Engine, account_id: str, agent_id: int, events: Iterable[tuple[int, str]]) -> None:
    with Session(engine) as session:
        session.add_all(
            AgentStatusEvent(
                account_id=account_id, agent_id=agent_id, event_id=uuid.uuid4().hex, status=status, reason=None, ts=ts
            )
            for ts, status in events
        )
        session.commit()


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
