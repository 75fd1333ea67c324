"""Agent Status Details service: one page of agents, exactly the status (and, for v3, login) rows their
spans need, and the response as JSON bytes.

Four queries per request (five for v3) whatever the page size: the agent page, each agent's last status
event before the window, the events inside it, each agent's first event at or after its end (it closes the
span that crosses the end, shown whole), and for v3 the login events inside the window. Every query is
restricted to the caller's account: the agent page by account_id, the others through a semi-join on
agents of that account.

Query plans relied on (checked with EXPLAIN on SQLite 3.40 and PostgreSQL 15; tests/analytics/
test_agent_status_service.py asserts them):
- agents: analytics/agents.py (uq_agents_account_id_user_id, in userId order).
- last event before the window: a correlated `ORDER BY ts DESC, id DESC LIMIT 1` per agent, a backward
  range scan of ix_agent_status_events_agent_ts_id (SQLite: SEARCH ... USING COVERING INDEX (agent_id=?
  AND ts<?); PostgreSQL: SubPlan with Index Only Scan Backward), then a primary-key lookup for the row.
- first event at or after the window end: the same, forward (agent_id=? AND ts>?; Index Only Scan).
- events in the window: range scan of the same index (agent_id = ? AND ts >= ? AND ts < ?), in index
  order (SQLite: SEARCH ... USING INDEX, no temp b-tree for the ORDER BY); `reason` is not in the index,
  so each row is read from the table. PostgreSQL: Nested Loop over the page's agents (pk_agents, = ANY)
  with an Index Scan of the index each, under a Sort (or Incremental Sort) by agent of the page's rows.
- v3 login events: range scan of ix_agent_login_events_agent_at (agent_pk = ? AND at >= ? AND at < ?),
  the same shape (SQLite: no temp b-tree; PostgreSQL: Index Scan per agent under a Sort).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, bindparam, select

from smartassist.analytics.agent_status.render import LoginEvent, StatusEvent, agent_item, login_events, status_spans
from smartassist.analytics.agent_status.request import AgentStatusQuery
from smartassist.analytics.agents import agent_page, fetch_tuples, of_page
from smartassist.contactcenter.models import Agent, AgentLoginEvent, AgentStatusEvent

_agent = Agent.__table__.c
_event = AgentStatusEvent.__table__.c
_login = AgentLoginEvent.__table__.c


class _Statements(NamedTuple):
    event_before: Select[Any]
    events_inside: Select[Any]
    event_after: Select[Any]
    logins: Select[Any]


def _statements(array_parameter: bool) -> _Statements:
    page_agents = select(_agent.id).where(
        _agent.account_id == bindparam("account_id"), of_page(_agent.id, array_parameter)
    )

    def one_event(earlier: bool) -> Select[Any]:
        """Per page agent: its last event before `start` (earlier) or its first at or after `end`."""
        nearest = (
            select(_event.id)
            .where(
                _event.agent_id == _agent.id,
                _event.ts < bindparam("start") if earlier else _event.ts >= bindparam("end"),
            )
            .order_by(*((_event.ts.desc(), _event.id.desc()) if earlier else (_event.ts, _event.id)))
            .limit(1)
            .correlate(Agent.__table__)
            .scalar_subquery()
        )
        return (
            select(_event.ts, _event.status, _event.reason, _event.agent_id)
            .select_from(Agent.__table__)
            .join(AgentStatusEvent.__table__, _event.id == nearest)
            .where(_agent.account_id == bindparam("account_id"), of_page(_agent.id, array_parameter))
        )

    return _Statements(
        event_before=one_event(earlier=True),
        events_inside=(
            select(_event.ts, _event.status, _event.reason, _event.agent_id)
            .where(_event.agent_id.in_(page_agents), _event.ts >= bindparam("start"), _event.ts < bindparam("end"))
            .order_by(_event.agent_id, _event.ts, _event.id)
        ),
        event_after=one_event(earlier=False),
        logins=(
            select(_login.kind, _login.at, _login.ip, _login.agent_pk)
            .where(_login.agent_pk.in_(page_agents), _login.at >= bindparam("start"), _login.at < bindparam("end"))
            .order_by(_login.agent_pk, _login.at, _login.id)
        ),
    )


STATEMENTS = {"postgresql": _statements(array_parameter=True), "sqlite": _statements(array_parameter=False)}


def agent_status_details(
    connection: Connection, account_id: str, query: AgentStatusQuery, *, version: int, limit: int, offset: int
) -> bytes:
    """The response body as JSON (ASCII) bytes, keys in the vendor's order."""
    agents, has_more = agent_page(connection, account_id, query.emails, limit, offset)
    data: list[dict[str, Any]] = []
    if agents:
        params = {
            "account_id": account_id,
            "agent_ids": [agent.id for agent in agents],
            "start": query.start_ms,
            "end": query.end_ms,
        }
        statements = STATEMENTS[connection.dialect.name]
        events: defaultdict[int, list[StatusEvent]] = defaultdict(list)
        for statement in (statements.event_before, statements.events_inside, statements.event_after):
            for ts, status, reason, agent_id in fetch_tuples(connection, statement, params):
                events[agent_id].append((ts, status, reason))
        logins: defaultdict[int, list[LoginEvent]] = defaultdict(list)
        if version >= 3:
            for kind, at, ip, agent_id in fetch_tuples(connection, statements.logins, params):
                logins[agent_id].append((kind, at, ip))
        for agent in agents:
            spans = status_spans(events.get(agent.id, ()), query.start_ms, query.end_ms, query.offset_minutes)
            data.append(agent_item(agent, version, spans, login_events(logins.get(agent.id, ()))))
    page = {"hasMore": has_more, "limit": limit, "offset": offset, "data": data}
    return json.dumps(page, separators=(",", ":")).encode()
