"""Agent Performance (POST .../agentperformance): per agent, per 15-minute UTC interval of the segments'
assignedAt, per queue, the metrics of contactcenter.contact_metrics (AgentMetrics), paged over agents.

Rules the contract leaves open (docs/API.md "Agent Performance"): a segment counts when it has an
assignedAt and belongs to a queue entry (a bare agent-to-agent segment has no queue to report under);
agents are those with such a segment in the window, ordered by agentId; intervals ascending, queues
within an interval by queueId.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from smartassist.collector import collector_paused
from smartassist.contactcenter.contact_metrics import AgentContact, AgentMetrics, ContactTotals
from smartassist.contactcenter.models import Agent, AgentSegment, Conversation, Queue, QueueEntry
from smartassist.contactcenter.queue_contacts import SEGMENT_COLUMNS, driver_batches, segment_of
from smartassist.wfm.intervals import (
    INTERVAL_MS,
    MAX_SKIP,
    Window,
    check_fields,
    floor_interval,
    parse_int,
    parse_window,
)
from smartassist.wfm.render import interval_time

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_FIELDS = {"fromTimeStamp", "toTimeStamp", "skip", "limit"}


@dataclass(frozen=True)
class PerformanceQuery:
    window: Window
    skip: int
    limit: int


def parse_performance_body(connection: Connection, account_id: str, body: object) -> PerformanceQuery:
    fields = check_fields(body, _FIELDS)
    skip = parse_int(fields, "skip", default=0, low=0, high=MAX_SKIP)
    limit = parse_int(fields, "limit", default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    window = parse_window(fields, lambda end: first_assignment(connection, account_id, end))
    return PerformanceQuery(window=window, skip=skip, limit=limit)


def _counted(account_id: str, window: Window) -> list[ColumnElement[bool]]:
    """The segments Agent Performance counts: the account's, assigned in the window, of a queue entry."""
    return [
        AgentSegment.account_id == account_id,
        AgentSegment.assigned_at >= window.start,
        AgentSegment.assigned_at < window.end,
        AgentSegment.queue_entry_pk.is_not(None),
    ]


def first_assignment(connection: Connection, account_id: str, before: int) -> int | None:
    """The earliest assignedAt of a queue's segment before `before` (ix_agent_segments_account_assigned)."""
    return connection.scalar(
        select(func.min(AgentSegment.assigned_at)).where(
            AgentSegment.account_id == account_id,
            AgentSegment.assigned_at < before,
            AgentSegment.queue_entry_pk.is_not(None),
        )
    )


def _active_agents(connection: Connection, account_id: str, window: Window) -> list[tuple[int, str]]:
    """(agent pk, agentId) of every agent with a counted segment, ordered by agentId."""
    active = exists().where(AgentSegment.agent_pk == Agent.id, *_counted(account_id, window))
    rows = connection.execute(
        select(Agent.id, Agent.agent_key).where(Agent.account_id == account_id, active).order_by(Agent.agent_key)
    ).all()
    return [(pk, key) for pk, key in rows]


def _agent_contacts(
    connection: Connection, account_id: str, window: Window, agent_pks: list[int]
) -> Iterator[tuple[int, int, str, str, AgentContact]]:
    """(agent pk, assignedAt, queueId, queueName, contact) of the page's agents' counted segments, as the rows
    arrive (driver_batches): summed as they come, none of the ~18,000 of a 7-day page is kept, so the cyclic
    collector has none to promote and walk (two full collections were a third of the request when they were
    listed first; bench/bench_queues.py)."""
    other = aliased(AgentSegment)
    same_entry = and_(
        other.conversation_pk == AgentSegment.conversation_pk, other.queue_entry_pk == AgentSegment.queue_entry_pk
    )
    entry_answered = or_(QueueEntry.accepted_time.is_not(None), exists().where(same_entry, other.responded))
    last_in_entry = ~exists().where(same_entry, other.position > AgentSegment.position)
    later_entry = aliased(QueueEntry)
    entry_moved_on = exists().where(
        later_entry.conversation_pk == QueueEntry.conversation_pk, later_entry.position > QueueEntry.position
    )
    later_answer = exists().where(
        other.conversation_pk == AgentSegment.conversation_pk,
        other.queue_entry_pk.is_not(None),
        other.responded,
        other.position > AgentSegment.position,
    )
    batches = driver_batches(
        connection,
        select(
            AgentSegment.agent_pk,
            AgentSegment.assigned_at,
            Queue.queue_id,
            Queue.name,
            *SEGMENT_COLUMNS,
            entry_answered.label("entry_answered"),
            last_in_entry.label("last_in_entry"),
            later_answer.label("later_answer"),
            entry_moved_on.label("entry_moved_on"),
            Conversation.end_time,
            Conversation.hold_ms,
            Conversation.csat_score,
        )
        .join(QueueEntry, and_(QueueEntry.id == AgentSegment.queue_entry_pk, QueueEntry.account_id == account_id))
        .join(Queue, and_(Queue.id == QueueEntry.queue_pk, Queue.account_id == account_id))
        .join(
            Conversation,
            and_(Conversation.id == AgentSegment.conversation_pk, Conversation.account_id == account_id),
        )
        .where(*_counted(account_id, window), AgentSegment.agent_pk.in_(agent_pks)),
    )
    for row in chain.from_iterable(batches):
        agent_pk, assigned_at, queue_id, queue_name = row[:4]
        segment = segment_of(row[4:11])
        answered, last, later, moved_on, session_end, hold, csat = row[11:]
        contact = AgentContact(
            segment=segment,
            entry_answered=bool(answered),
            session_end=session_end,
            last_in_entry=bool(last),
            entry_moved_on=bool(moved_on),
            totals=ContactTotals(owner=segment.responded and not later, hold_ms=hold, csat_score=csat),
        )
        yield agent_pk, assigned_at, queue_id, queue_name, contact


def _queue_item(queue_id: str, queue_name: str, m: AgentMetrics) -> dict[str, Any]:
    return {
        "queueId": queue_id,
        "queueName": queue_name,
        "offeredContacts": m.offered,
        "answeredContacts": m.answered,
        "abandonedContacts": m.abandoned,
        "completedContacts": m.completed,
        "transferredContacts": m.transferred,
        "conversationHandleTime": m.handle,
        "conversationTalkTime": m.talk,
        "acwDuration": m.acw,
        "holdDuration": m.hold,
        "csatScore": m.csat_score,
    }


def agent_performance(connection: Connection, account_id: str, query: PerformanceQuery) -> dict[str, Any]:
    """The response: {"hasMore", "totalCount", "AgentPerformance"}."""
    with collector_paused():  # tens of thousands of sums and dicts built at once (smartassist.collector)
        return _page(connection, account_id, query)


def _page(connection: Connection, account_id: str, query: PerformanceQuery) -> dict[str, Any]:
    window = query.window
    agents = _active_agents(connection, account_id, window) if window.end > window.start else []
    page = agents[query.skip : query.skip + query.limit]
    metrics: defaultdict[int, dict[tuple[int, str], tuple[str, AgentMetrics]]] = defaultdict(dict)
    if page:
        for agent_pk, assigned_at, queue_id, queue_name, contact in _agent_contacts(
            connection, account_id, window, [pk for pk, _ in page]
        ):
            key = (floor_interval(assigned_at), queue_id)
            if key not in metrics[agent_pk]:
                metrics[agent_pk][key] = (queue_name, AgentMetrics())
            metrics[agent_pk][key][1].add(contact)
    result = []
    for agent_pk, agent_key in page:
        by_interval: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
        for (start, queue_id), (queue_name, m) in sorted(metrics[agent_pk].items()):
            by_interval[start].append(_queue_item(queue_id, queue_name, m))
        result.append(
            {
                "agentId": agent_key,
                "intervals": [
                    {
                        "intervalStartTimeStamp": interval_time(start),
                        "intervalEndTimeStamp": interval_time(start + INTERVAL_MS),
                        "queues": queues,
                    }
                    for start, queues in sorted(by_interval.items())
                ],
            }
        )
    return {
        "hasMore": query.skip + len(page) < len(agents),
        "totalCount": len(agents),
        "AgentPerformance": result,
    }
