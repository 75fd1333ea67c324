"""WFM Integration service: an account's agents (by agentId), its queues, and its agents' status events in a
time window, as plain JSON-ready values. Every query is restricted to the caller's account.

Query plans relied on (checked with EXPLAIN on SQLite 3.40 and PostgreSQL 15; tests/wfm/test_wfm.py asserts
them):
- agents: uq_agents_account_id_agent_key gives the account's agents in agentId order under LIMIT/OFFSET
  (SQLite: SEARCH agents USING INDEX sqlite_autoindex_agents_N (account_id=?), no temp b-tree; PostgreSQL:
  Index Scan using uq_agents_account_id_agent_key under the Limit).
- queues: ix_queues_account_name (account_id, name, queue_id) answers the query alone, in order (SQLite:
  SEARCH queues USING COVERING INDEX; PostgreSQL: Index Only Scan).
- agent activity: ix_agent_status_events_account_ts (account_id, ts) range-scans the window in time order;
  each event's agent is joined by primary key (SQLite: SEARCH ... USING INDEX (account_id=? AND ts>? AND
  ts<?), then USE TEMP B-TREE FOR RIGHT PART OF ORDER BY: only the ties within a millisecond are sorted by
  agentId; PostgreSQL: Index Scan using the index, joined to the account's agents, under a Sort). Without
  this index (migration 0009) the window was a scan of every event of every agent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, select

from smartassist.contactcenter.models import Agent, AgentStatusEvent, Queue
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


QUEUES = (
    select(Queue.queue_id, Queue.name)
    .where(Queue.account_id == bindparam("account_id"))
    .order_by(Queue.name, Queue.queue_id)
)


def queues_body(account_id: str, rows: Iterable[Sequence[Any]]) -> list[dict[str, str]]:
    """The response of `queues` from QUEUES' rows."""
    return [{"accountId": account_id, "collectionPointId": queue_id, "Description": name} for queue_id, name in rows]


def wfm_queues(connection: Connection, account_id: str) -> list[dict[str, str]]:
    return queues_body(account_id, connection.execute(QUEUES, {"account_id": account_id}))


# Built once: the WFM poll is a high-rate, tiny query, and building the statement cost as much as running it.
ACTIVITY = (
    select(AgentStatusEvent.ts, Agent.agent_key, AgentStatusEvent.status, AgentStatusEvent.reason)
    .join(Agent, Agent.id == AgentStatusEvent.agent_id)
    .where(
        AgentStatusEvent.account_id == bindparam("account_id"),
        Agent.account_id == bindparam("account_id"),
        AgentStatusEvent.ts >= bindparam("start"),
        AgentStatusEvent.ts < bindparam("end"),
    )
    .order_by(AgentStatusEvent.ts, Agent.agent_key, AgentStatusEvent.id)
)


def activity_params(account_id: str, *, start: int, end: int) -> dict[str, Any]:
    return {"account_id": account_id, "start": start, "end": end}


def activity_body(account_id: str, rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """The response of `agentactivity` from ACTIVITY's rows: every status event of the account's agents with
    start <= ts < end, by time, then agentId."""
    updates = [
        {"AgentId": key, "EventTime": event_time(ts), "Activity": activity(status), "ReasonCode": reason or ""}
        for ts, key, status, reason in rows
    ]
    return {"accountId": account_id, "AgentUpdates": updates}


def agent_activity(connection: Connection, account_id: str, *, start: int, end: int) -> dict[str, Any]:
    return activity_body(account_id, connection.execute(ACTIVITY, activity_params(account_id, start=start, end=end)))
