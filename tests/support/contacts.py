"""Contact-center rows (bots, queues, agents with queues and statuses, conversations with queue entries and
agent segments) written straight to the database (the conversations ingest route is not here yet),
following the model comments of contactcenter/models.py: a QueueEntry's `position` is its index in the
conversation's destinations and its `accepted_time` the responding agent's acceptedTime; an AgentSegment's
`position` orders it within the conversation, `responded` = accepted, `transferred` = answered and another
destination followed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from smartassist.contactcenter import latest_status
from smartassist.contactcenter.models import (
    Agent,
    AgentQueue,
    AgentSegment,
    AgentStatusEvent,
    Bot,
    Conversation,
    Queue,
    QueueEntry,
)

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
# 2023-06-01T00:00:00Z = 19509 days x 86 400 000 ms.
JUNE_1 = 1_685_577_600_000


def add_bot(engine: Engine, account_id: str, bot_id: str) -> None:
    with Session(engine) as session:
        session.add(Bot(account_id=account_id, bot_id=bot_id, created_at=JUNE_1))
        session.commit()


def add_queue(engine: Engine, account_id: str, queue_id: str, name: str, skills: list[Any] | None = None) -> int:
    with Session(engine) as session:
        queue = Queue(account_id=account_id, queue_id=queue_id, name=name, skills=skills or [])
        session.add(queue)
        session.commit()
        return queue.id


def add_agent(
    engine: Engine,
    account_id: str,
    agent_key: str,
    *,
    queues: tuple[int, ...] = (),
    statuses: tuple[tuple[int, str], ...] = (),
) -> int:
    """An agent (WFM agentId `agent_key`) serving `queues`, with status events (ts, status)."""
    email = f"{uuid.uuid4().hex[:8]}@example.com"
    with Session(engine) as session:
        agent = Agent(
            account_id=account_id,
            user_id=f"u-{uuid.uuid4()}",
            email=email,
            email_norm=email,
            first_name="A",
            last_name="Gent",
            custom_id=None,
            agent_key=agent_key,
        )
        session.add(agent)
        session.flush()
        session.add_all(AgentQueue(agent_pk=agent.id, queue_pk=queue_pk) for queue_pk in queues)
        session.add_all(
            AgentStatusEvent(
                account_id=account_id, agent_id=agent.id, event_id=uuid.uuid4().hex, status=status, reason=None, ts=ts
            )
            for ts, status in statuses
        )
        session.flush()
        latest_status.refresh(session, account_id, [agent.id])  # as the status-event ingest keeps it
        session.commit()
        return agent.id


@dataclass
class Seg:
    """One agent of a queue entry; `responded` (accepted) when accepted_time is given unless said otherwise."""

    agent_pk: int
    assigned_at: int
    accepted_time: int | None = None
    interaction_end_time: int | None = None
    acw_end_time: int | None = None
    transferred: bool = False
    non_response_event: str | None = None
    interaction_duration_s: int | None = None
    acw_duration_s: int | None = None

    @property
    def responded(self) -> bool:
        return self.accepted_time is not None


@dataclass
class Entry:
    queue_pk: int
    enter_time: int
    segments: list[Seg] = field(default_factory=list)


def add_contact(
    engine: Engine,
    account_id: str,
    bot_id: str,
    entries: list[Entry],
    *,
    start: int | None = None,
    end: int | None = None,
    source: str | None = "rtm",
    channel: str = "rtm",
    language: str | None = "en",
    skills: list[Any] | None = None,
    csat_score: int | None = None,
    hold_ms: int | None = None,
    message_count: int | None = None,
    saved_message_count: int | None = None,
) -> int:
    """A conversation whose destinations are `entries` in order; `end` None = the session is still open."""
    for index, entry in enumerate(entries):
        for seg in entry.segments:
            assert not seg.transferred or (seg.responded and index < len(entries) - 1), "transferred: answered, then on"
    conversation_id = f"c-{uuid.uuid4()}"
    with Session(engine) as session:
        conversation = Conversation(
            account_id=account_id,
            contact_key=conversation_id,
            conversation_id=conversation_id,
            bot_id=bot_id,
            session_id=uuid.uuid4().hex[:24],
            channel=channel,
            source=source,
            language=language,
            direction="Inbound",
            start_time=start if start is not None else min(e.enter_time for e in entries) - 30 * SECOND,
            end_time=end,
            skills=skills or [],
            csat_score=csat_score,
            hold_ms=hold_ms,
            message_count=message_count,
            saved_message_count=saved_message_count,
            row="{}",
        )
        session.add(conversation)
        session.flush()
        position = 0
        for index, entry in enumerate(entries):
            responding = [s for s in entry.segments if s.responded]
            queue_entry = QueueEntry(
                account_id=account_id,
                conversation_pk=conversation.id,
                queue_pk=entry.queue_pk,
                position=index,
                enter_time=entry.enter_time,
                accepted_time=responding[-1].accepted_time if responding else None,
                callback_opted_time=None,
                callback_accept_time=None,
            )
            session.add(queue_entry)
            session.flush()
            for seg in entry.segments:
                session.add(
                    AgentSegment(
                        account_id=account_id,
                        conversation_pk=conversation.id,
                        queue_entry_pk=queue_entry.id,
                        agent_pk=seg.agent_pk,
                        position=position,
                        responded=seg.responded,
                        transferred=seg.transferred,
                        non_response_event=seg.non_response_event,
                        assigned_at=seg.assigned_at,
                        accepted_time=seg.accepted_time,
                        first_response_time=None,
                        interaction_end_time=seg.interaction_end_time,
                        acw_end_time=seg.acw_end_time,
                        interaction_duration_s=seg.interaction_duration_s,
                        first_response_duration_s=None,
                        acw_duration_s=seg.acw_duration_s,
                    )
                )
                position += 1
        session.commit()
        return conversation.id
