"""Queue Size: one queue's live statistics at request time, from the shared contact definitions.

Rules (docs/API.md "Queue Size"): the contacts counted are the bot's contacts of the queue, narrowed by
`channels` and `languages`, that entered it at or before now: today's (since 00:00 UTC: drop-offs, ASA)
and those still open however long ago they entered (waiting, engaged, waits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from smartassist.contactcenter.contact_metrics import (
    QueueContact,
    is_abandoned,
    is_answered,
    is_engaged,
    is_waiting,
    queue_hold_answered_ms,
    round_half_up,
)
from smartassist.contactcenter.models import Agent, AgentQueue, AgentStatusEvent, Bot, Queue
from smartassist.contactcenter.queue_contacts import ContactFilter, read_queue_contacts
from smartassist.errors import bad_request, not_found
from smartassist.ids import is_caller_id
from smartassist.reads import Reads

DAY_MS = 86_400_000
MAX_FILTER_ITEMS = 100
MAX_FILTER_CHARS = 64
STATUS_BUCKETS = {"available": "available", "busy": "busy", "offline": "offline"}  # any other -> away


@dataclass(frozen=True)
class QueueSizeQuery:
    channels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


def _string_list(body: dict[str, Any], key: str) -> tuple[str, ...]:
    value = body.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_FILTER_ITEMS:
        raise bad_request(f"{key} must be a list of at most {MAX_FILTER_ITEMS} strings")
    items: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or not 0 < len(item) <= MAX_FILTER_CHARS or not item.isprintable():
            raise bad_request(f"{key} must hold strings of 1..{MAX_FILTER_CHARS} printable characters")
        items[item.strip().lower()] = None
    return tuple(items)


def parse_queue_size_body(body: object) -> QueueSizeQuery:
    """No body or {} -> no filter; otherwise only `channels` and `languages`, each a list of strings."""
    if body is None:
        return QueueSizeQuery()
    if not isinstance(body, dict):
        raise bad_request("request body must be a JSON object")
    unknown = sorted(set(body) - {"channels", "languages"})
    if unknown:
        raise bad_request(f"request body: unknown field {unknown[0][:40]!r}")
    return QueueSizeQuery(channels=_string_list(body, "channels"), languages=_string_list(body, "languages"))


def status_bucket(status: str | None) -> str:
    """Available -> available, Busy -> busy, Offline or no status -> offline, any other -> away (any case)."""
    if status is None:
        return "offline"
    return STATUS_BUCKETS.get(status.strip().lower(), "away")


def summarize(contacts: list[QueueContact], *, now: int) -> dict[str, int]:
    """waiting, engaged, dropOff, avgWait, maxWait, ASA over the queue's live contacts (pure)."""
    today = now - now % DAY_MS
    waits = [max(0, now - c.enter_time) for c in contacts if is_waiting(c)]
    todays = [c for c in contacts if c.enter_time >= today]
    answered_holds = [queue_hold_answered_ms(c) for c in todays if is_answered(c)]
    return {
        "waiting": len(waits),
        "engaged": sum(1 for c in contacts if is_engaged(c)),
        "dropOff": sum(1 for c in todays if is_abandoned(c)),
        "avgWait": round_half_up(sum(waits), len(waits)),
        "maxWait": max(waits, default=0),
        "ASA": round_half_up(sum(answered_holds), len(answered_holds)),
    }


# Built once, Core statements with bound parameters (reads.Reads compiles each once).
BOT = select(Bot.id).where(Bot.account_id == bindparam("account_id"), Bot.bot_id == bindparam("bot_id"))
QUEUE = select(Queue.id, Queue.queue_id, Queue.name, Queue.skills).where(
    Queue.account_id == bindparam("account_id"), Queue.queue_id == bindparam("queue_id")
)
# The queue's agents' latest status event at or before now: one probe of ix_agent_status_events_agent_ts_id,
# read backwards, per agent.
_LATEST_STATUS = (
    select(AgentStatusEvent.status)
    .where(
        AgentStatusEvent.agent_id == Agent.id,
        AgentStatusEvent.account_id == bindparam("account_id"),
        AgentStatusEvent.ts <= bindparam("now"),
    )
    .order_by(AgentStatusEvent.ts.desc(), AgentStatusEvent.id.desc())
    .limit(1)
    .correlate(Agent)
    .scalar_subquery()
)
AGENT_STATUSES = (
    select(_LATEST_STATUS)
    .select_from(AgentQueue)
    .join(Agent, Agent.id == AgentQueue.agent_pk)
    .where(AgentQueue.queue_pk == bindparam("queue_pk"), Agent.account_id == bindparam("account_id"))
)


async def queue_size(
    reads: Reads, account_id: str, bot_id: str, queue_id: str, query: QueueSizeQuery, *, now: int
) -> list[dict[str, Any]]:
    """The response: a one-element array. A bot or queue that is not the account's is 404 (as a missing one).

    Every read goes through reads.Reads (awaited on PostgreSQL, on the event loop): a few indexed reads of
    one queue's live contacts, cheaper there than a thread-pool hop."""
    if not is_caller_id(bot_id) or not await reads.rows(BOT, {"account_id": account_id, "bot_id": bot_id}):
        raise not_found("bot")
    queues = await reads.rows(QUEUE, {"account_id": account_id, "queue_id": queue_id}) if is_caller_id(queue_id) else []
    if not queues:
        raise not_found("queue")
    queue_pk, public_id, name, skills = queues[0]
    rows = await read_queue_contacts(
        reads,
        ContactFilter(
            account_id=account_id,
            enter_from=now - now % DAY_MS,
            enter_to=now + 1,
            queue_pk=queue_pk,
            bot_id=bot_id,
            channels=query.channels,
            languages=query.languages,
            with_open=True,
        ),
    )
    stats = summarize([row.contact for row in rows], now=now)
    statuses = await reads.rows(AGENT_STATUSES, {"account_id": account_id, "queue_pk": queue_pk, "now": now})
    agents = agent_status_counts(status for (status,) in statuses)
    return [
        {
            "queueId": public_id,
            "queueName": name,
            "skills": skills if isinstance(skills, list) else [],
            "waiting": stats["waiting"],
            "engaged": stats["engaged"],
            "dropOff": stats["dropOff"],
            "agentStatus": agents,
            "noOfAgents": sum(agents.values()),
            "queueSummary": {"avgWait": stats["avgWait"], "maxWait": stats["maxWait"], "ASA": stats["ASA"]},
        }
    ]


def agent_status_counts(statuses: Iterable[str | None]) -> dict[str, int]:
    """The queue's agents by their latest status (pure)."""
    counts = {"available": 0, "offline": 0, "busy": 0, "away": 0}
    for status in statuses:
        counts[status_bucket(status)] += 1
    return counts
