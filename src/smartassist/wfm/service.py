"""WFM Integration service: an account's agents (by agentId), its queues, and its agents' status events in a
time window, as plain JSON-ready values. Every query is restricted to the caller's account.

Query plans relied on (checked with EXPLAIN on SQLite 3.40 and PostgreSQL 15; tests/wfm/test_wfm.py asserts
them):
- agents: uq_agents_account_id_agent_key gives the account's agents in agentId order under LIMIT/OFFSET
  (SQLite: SEARCH agents USING INDEX sqlite_autoindex_agents_N (account_id=?), no temp b-tree; PostgreSQL:
  Index Scan using uq_agents_account_id_agent_key under the Limit).
- queues: ix_queues_account_name (account_id, name, queue_id) answers the query alone, in order (SQLite:
  SEARCH queues USING COVERING INDEX; PostgreSQL: Index Only Scan).
- agent activity: ix_agent_status_events_account_ts (account_id, ts) range-scans the window in time order
  (SQLite: SEARCH ... USING INDEX (account_id=? AND ts>? AND ts<?) in the index's own (ts, id) order, id being
  the rowid; PostgreSQL: Index Scan using the index under a Sort); the agents version is one probe of
  pk_data_versions. Without this index (migration 0009) the
  window was a scan of every event of every agent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Connection, Select, String, bindparam, select

from smartassist.contactcenter import data_versions
from smartassist.contactcenter.models import Agent, AgentStatusEvent, Queue
from smartassist.read_batches import coalesced
from smartassist.reads import Reads
from smartassist.wfm.render import activity, event_time


def wfm_agents(connection: Connection, account_id: str, *, limit: int, offset: int) -> list[dict[str, str]]:
    stmt = (
        select(Agent.agent_key, Agent.first_name, Agent.last_name)
        .where(Agent.account_id == account_id)
        .order_by(Agent.agent_key)
        .limit(limit)
        .offset(offset)
    )
    return [
        {"accountId": account_id, "agentId": key, "firstName": first, "lastName": last}
        for key, first, last in connection.execute(stmt)
    ]


# Coalesced (read_batches.py), as the poll: a WFM tool reads its queues with its agents' activity.
QUEUES = coalesced(
    lambda account_id: select(Queue.queue_id, Queue.name).where(Queue.account_id == account_id),
    ("name", "queue_id"),
    account_id=String(),
)


def queues_body(account_id: str, rows: Iterable[Sequence[Any]]) -> list[dict[str, str]]:
    """The response of `queues` from QUEUES' rows."""
    return [{"accountId": account_id, "collectionPointId": queue_id, "Description": name} for queue_id, name in rows]


def wfm_queues(connection: Connection, account_id: str) -> list[dict[str, str]]:
    return queues_body(account_id, connection.execute(QUEUES.one, {"account_id": account_id}))


# Built once: the WFM poll is a high-rate, tiny query, and building the statement cost as much as running it.
# The window's events by (ts, id), each with the account's agents version (contactcenter/data_versions.py): the
# agentId of each agent comes from AGENT_KEYS as read at that version, which a worker remembers. Joined to the
# agents instead, both PostgreSQL plans hashed every agent of the account for a handful of events (~0.06 ms of
# the backend's ~0.13 ms per poll, measured from /proc). Coalesced (read_batches.py): polls arriving together on a
# worker are one statement on PostgreSQL, each its own window's rows.
def _activity(
    account_id: ColumnElement[str], start: ColumnElement[int], end: ColumnElement[int]
) -> Select[*tuple[Any, ...]]:
    return select(
        AgentStatusEvent.ts,
        AgentStatusEvent.agent_id,
        AgentStatusEvent.status,
        AgentStatusEvent.reason,
        data_versions.agents_of(account_id).label("agents_version"),
        AgentStatusEvent.id,
    ).where(AgentStatusEvent.account_id == account_id, AgentStatusEvent.ts >= start, AgentStatusEvent.ts < end)


ACTIVITY = coalesced(
    _activity,
    ("ts", "id"),
    account_id=String(),  # unbounded: a VARCHAR(24) cast would cut a longer value instead of matching nothing
    start=BigInteger(),
    end=BigInteger(),
)
# Every agent of the account with its agentId, and the agents version they were read at.
AGENT_KEYS = select(Agent.id, Agent.agent_key, data_versions.AGENTS).where(Agent.account_id == bindparam("account_id"))


def activity_params(account_id: str, *, start: int, end: int) -> dict[str, Any]:
    return {"account_id": account_id, "start": start, "end": end}


AgentKeys = data_versions.Remembered[str, dict[int, str]]


def remembered_keys(remembered: AgentKeys, account_id: str, rows: Sequence[Sequence[Any]]) -> dict[int, str] | None:
    """The agentIds this worker read at the agents version of ACTIVITY's rows, if they name every row's agent
    (an agent written by other means than the ingest is not counted by the version); None: read AGENT_KEYS."""
    if not rows:
        return {}
    known = remembered.recall(account_id)
    if known is None or known[0] != (rows[0][4] or 0) or any(row[1] not in known[1] for row in rows):
        return None
    return known[1]


def remember_keys(remembered: AgentKeys, account_id: str, rows: Iterable[Sequence[Any]]) -> dict[int, str]:
    """AGENT_KEYS' rows as agentId by agent, remembered at the agents version they were read at."""
    version = 0
    keys: dict[int, str] = {}
    for pk, key, at in rows:
        keys[pk] = key
        version = at or 0
    remembered.remember(account_id, version, keys)
    return keys


def activity_body(account_id: str, rows: Iterable[Sequence[Any]], keys: dict[int, str]) -> dict[str, Any]:
    """The response of `agentactivity` from ACTIVITY's rows and the agents' agentIds: every status event of the
    account's agents with start <= ts < end, by time, then agentId (in code-point order), then ingest order (the
    rows' order, kept by the stable sort). An event of an agent gone since it was read is left out, as the join
    of one snapshot would have."""
    named = ((ts, keys.get(pk), status, reason) for ts, pk, status, reason, _v, _id in rows)
    events = sorted((event for event in named if event[1] is not None), key=itemgetter(0, 1))
    updates = [
        {"AgentId": key, "EventTime": event_time(ts), "Activity": activity(status), "ReasonCode": reason or ""}
        for ts, key, status, reason in events
    ]
    return {"accountId": account_id, "AgentUpdates": updates}


async def agent_activity(
    reads: Reads, remembered: AgentKeys, account_id: str, *, start: int, end: int
) -> dict[str, Any]:
    """The WFM poll on the event loop (reads.Reads): ACTIVITY, and AGENT_KEYS only when the agents changed."""
    rows = await reads.coalesced_rows(ACTIVITY, activity_params(account_id, start=start, end=end))
    keys = remembered_keys(remembered, account_id, rows)
    if keys is None:
        keys = remember_keys(remembered, account_id, await reads.rows(AGENT_KEYS, {"account_id": account_id}))
    return activity_body(account_id, rows, keys)


def agent_activity_in(
    connection: Connection, remembered: AgentKeys, account_id: str, *, start: int, end: int
) -> dict[str, Any]:
    """agent_activity on a connection (a long window, in the thread pool)."""
    rows = connection.execute(ACTIVITY.one, activity_params(account_id, start=start, end=end)).all()
    keys = remembered_keys(remembered, account_id, rows)
    if keys is None:
        keys = remember_keys(remembered, account_id, connection.execute(AGENT_KEYS, {"account_id": account_id}))
    return activity_body(account_id, rows, keys)
