"""Queue Size: one queue's live statistics at request time, from the shared contact definitions.

Rules (docs/API.md "Queue Size"): the contacts counted are the bot's contacts of the queue, narrowed by
`channels` and `languages`, that entered it at or before now: today's (since 00:00 UTC: drop-offs, ASA)
and those still open however long ago they entered (waiting, engaged, waits).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Integer,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import aliased
from sqlalchemy.types import NullType

from smartassist.contactcenter import data_versions, latest_status
from smartassist.contactcenter.contact_metrics import (
    QueueContact,
    is_abandoned,
    is_answered,
    is_engaged,
    is_waiting,
    queue_hold_answered_ms,
    round_half_up,
)
from smartassist.contactcenter.models import Agent, AgentQueue, Bot, Queue
from smartassist.contactcenter.queue_contacts import (
    BRANCH_AT,
    LIVE_SORT_KEYS,
    LIVE_WIDTH,
    ContactFilter,
    Shape,
    live_contacts,
    live_members,
    params_of,
    shape_of,
)
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


# Built once, Core statements with bound parameters (reads.Reads compiles each once). The lookup: whether the bot is
# the account's, the queue, and its agents counted by (status at or before now from agent_latest_status, whether
# their latest event is after now), one row per pair (status NULL: no event by now; no agents: one row with agents
# NULL; no queue: its columns NULL); each agent is one probe of agent_latest_status's primary key
# (contactcenter/latest_status.py); and the account's data version, read in the same snapshot. It is a member of the
# live contacts' UNION ALL (statement_for): one round trip in all. Only if some agent's latest event is after now,
# LATER_STATUSES: those agents' statuses at now, one backward probe of their events each.
_account: BindParameter[str] = bindparam("account_id")
_now: BindParameter[int] = bindparam("now")
_bot_found = exists().where(Bot.account_id == _account, Bot.bot_id == bindparam("bot_id"))
_queue = aliased(Queue)
QUEUE_PK = select(_queue.id).where(_queue.account_id == _account, _queue.queue_id == bindparam("queue_id"))
_agents = (
    select(AgentQueue)
    .join(Agent, and_(Agent.id == AgentQueue.agent_pk, Agent.account_id == _account))
    .outerjoin(latest_status.LATEST, latest_status.latest_join(Agent.id, _account))
    .where(AgentQueue.queue_pk == QUEUE_PK.scalar_subquery())
)
_statuses = _agents.with_only_columns(
    latest_status.stored_status(_now).label("status"), latest_status.stored_later(_now).label("later")
).subquery("statuses")
_counts = (
    select(_statuses.c.status, _statuses.c.later, func.count().label("agents"))
    .group_by(_statuses.c.status, _statuses.c.later)
    .subquery("counts")
)
_bot = select(_bot_found.label("bot")).subquery("bot")
LOOKUP = (
    select(
        _bot.c.bot, Queue.id, Queue.queue_id, Queue.name, Queue.skills, _counts.c.status, _counts.c.later,
        _counts.c.agents, data_versions.DATA.label("version"),
    )
    .select_from(_bot)
    .outerjoin(Queue, and_(Queue.account_id == _account, Queue.queue_id == bindparam("queue_id")))
    .outerjoin(_counts, Queue.id.is_not(None))
)  # fmt: skip
LATER_STATUSES = _agents.with_only_columns(latest_status.status_probe(Agent.id, _account, _now)).where(
    latest_status.stored_later(_now)
)
_LOOKUP_AT = LIVE_WIDTH  # in a row of statement_for, LOOKUP's columns follow the live contacts' ones
_LOOKUP_BRANCH = -1  # the lookup's rows: first


def _null_like(column: Any) -> Any:
    """A NULL of the column's type (so PostgreSQL types the union's columns as its members' own)."""
    return null() if isinstance(column.type, NullType) else cast(null(), column.type)


@functools.cache
def statement_for(shape: Shape) -> CompoundSelect[*tuple[Any, ...]]:
    """The live contacts of the queue named by public id (queue_contacts.live_members) and LOOKUP as one UNION
    ALL: each member's columns padded with typed NULLs for the other's, LOOKUP's rows first (branch
    _LOOKUP_BRANCH), then the contacts in LIVE_SORT_KEYS order."""
    contacts = live_members(shape, QUEUE_PK.scalar_subquery())
    if any(len(member.selected_columns) != LIVE_WIDTH for member in contacts):
        raise ValueError("live_members' rows are not LIVE_WIDTH wide")
    lookup_columns = list(LOOKUP.selected_columns)
    padded = [member.add_columns(*(_null_like(c) for c in lookup_columns)) for member in contacts]
    contact_columns = list(contacts[0].selected_columns)
    lookup = LOOKUP.with_only_columns(
        *(
            literal_column(str(_LOOKUP_BRANCH), Integer) if n == BRANCH_AT else _null_like(c)
            for n, c in enumerate(contact_columns)
        ),
        *lookup_columns,
    )
    union = union_all(*padded, lookup)
    return union.order_by(*(union.selected_columns[key] for key in LIVE_SORT_KEYS))


@dataclass(frozen=True)
class QueueState:
    """What a Queue Size response is computed from, as read at `read_at`: the queue, its agents by status bucket,
    and its contacts of the read's day that had entered by the day's end (the response keeps those entered by
    its own now). `lasting`: it holds for any later now of the same day at the same data version (no agent's
    latest event was stamped after `read_at`)."""

    public_id: str
    name: str
    skills: list[Any]
    agents: dict[str, int]
    contacts: list[QueueContact] = field(repr=False)
    read_at: int
    lasting: bool


StateKey = tuple[str, str, str, QueueSizeQuery, int]  # account, bot, queue, filters, the day (ms)


async def queue_size(
    reads: Reads,
    remembered: data_versions.Remembered[StateKey, QueueState],
    account_id: str,
    bot_id: str,
    queue_id: str,
    query: QueueSizeQuery,
    *,
    now: int,
) -> list[dict[str, Any]]:
    """The response: a one-element array. A bot or queue that is not the account's is 404 (as a missing one).

    A queue state this worker read earlier the same day, still lasting, answers when the account's data version
    is the one it was read at (one primary-key read; contactcenter/data_versions.py); else read_state."""
    today = now - now % DAY_MS
    key = (account_id, bot_id, queue_id, query, today)
    known = remembered.recall(key)
    if known is not None and known[1].read_at <= now:
        rows = await reads.coalesced_rows(data_versions.DATA_ONLY, {"account_id": account_id})
        if (rows[0][0] if rows else 0) == known[0]:
            return response(known[1], now=now)
    version, state = await read_state(reads, account_id, bot_id, queue_id, query, now=now)
    if state.lasting:
        remembered.remember(key, version, state)
    return response(state, now=now)


async def read_state(
    reads: Reads, account_id: str, bot_id: str, queue_id: str, query: QueueSizeQuery, *, now: int
) -> tuple[int, QueueState]:
    """The account's data version and the queue's state at `now`, in one read through reads.Reads (awaited on
    PostgreSQL, on the event loop; cheaper there than a thread-pool hop): statement_for, and LATER_STATUSES only
    when an agent's latest event is after now (a state that does not last, then)."""
    if not is_caller_id(bot_id):
        raise not_found("bot")
    today = now - now % DAY_MS
    contacts_filter = ContactFilter(
        account_id=account_id,
        enter_from=today,
        enter_to=today + DAY_MS,  # the whole day: response() keeps those entered by its now
        queue_pk=0,  # named by queue_id in the statement (QUEUE_PK)
        bot_id=bot_id,
        channels=query.channels,
        languages=query.languages,
        with_open=True,
    )
    params = {
        **params_of(contacts_filter),
        "queue_id": queue_id if is_caller_id(queue_id) else None,
        "now": now,
    }
    rows = await reads.rows(statement_for(shape_of(contacts_filter)), params)
    lookups = [row[_LOOKUP_AT:] for row in rows if row[BRANCH_AT] == _LOOKUP_BRANCH]
    if not lookups[0][0]:
        raise not_found("bot")
    queue_pk, public_id, name, skills = lookups[0][1:5]
    if queue_pk is None:
        raise not_found("queue")
    version = lookups[0][8] or 0
    statuses = [(status, agents) for *_, status, later, agents, _v in lookups if agents is not None and not later]
    later = any(later for *_, later, _agents, _v in lookups)
    if later:
        statuses += [(status, 1) for (status,) in await reads.rows(LATER_STATUSES, params)]
    contacts = live_contacts((row for row in rows if row[BRANCH_AT] != _LOOKUP_BRANCH), contacts_filter)
    state = QueueState(
        public_id=public_id,
        name=name,
        skills=skills if isinstance(skills, list) else [],
        agents=agent_status_counts(statuses),
        contacts=[row.contact for row in contacts],
        read_at=now,
        lasting=not later,
    )
    return version, state


def response(state: QueueState, *, now: int) -> list[dict[str, Any]]:
    """The one-element array for `now` (pure): the state's contacts that had entered by now."""
    stats = summarize([c for c in state.contacts if c.enter_time <= now], now=now)
    agents = state.agents
    return [
        {
            "queueId": state.public_id,
            "queueName": state.name,
            "skills": state.skills,
            "waiting": stats["waiting"],
            "engaged": stats["engaged"],
            "dropOff": stats["dropOff"],
            "agentStatus": dict(agents),
            "noOfAgents": sum(agents.values()),
            "queueSummary": {"avgWait": stats["avgWait"], "maxWait": stats["maxWait"], "ASA": stats["ASA"]},
        }
    ]


def agent_status_counts(statuses: Iterable[tuple[str | None, int]]) -> dict[str, int]:
    """The queue's agents by their latest status, from (status, how many agents have it) (pure)."""
    counts = {"available": 0, "offline": 0, "busy": 0, "away": 0}
    for status, agents in statuses:
        counts[status_bucket(status)] += agents
    return counts
