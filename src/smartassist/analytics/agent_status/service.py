"""Agent Status Details service: one page of agents, exactly the status (and, for v3, login) rows their
spans need, and the response as JSON bytes.

Four queries per request (five for v3) whatever the page size: the agent page, each agent's last status
event before the window, the events inside it, each agent's first event at or after its end (it closes the
span that crosses the end, shown whole), and for v3 the login events inside the window. Every query is
restricted to the caller's account: the agent page by account_id; the nearest events through a join on
agents of that account; the rows inside the window through a semi-join on them (SQLite) or by the page's
agent ids and the row's own account_id (PostgreSQL).

Query plans relied on (checked with EXPLAIN on SQLite 3.40 and PostgreSQL 15; tests/analytics/
test_agent_status_service.py asserts them):
- agents: analytics/agents.py (uq_agents_account_id_user_id, in userId order).
- last event before the window: a correlated `ORDER BY ts DESC, id DESC LIMIT 1` per agent, a backward
  range scan of ix_agent_status_events_agent_ts_id (SQLite: SEARCH ... USING COVERING INDEX (agent_id=?
  AND ts<?); PostgreSQL: SubPlan with Index Only Scan Backward), then a primary-key lookup for the row.
- first event at or after the window end: the same, forward (agent_id=? AND ts>?; Index Only Scan).
- events in the window: the same index by agent_id IN (the page) AND ts >= ? AND ts < ? (SQLite: SEARCH
  ... USING INDEX (agent_id=? AND ts>? AND ts<?), no temp b-tree for the ORDER BY; PostgreSQL: Bitmap Index
  Scan of the index for the page's array, Bitmap Heap Scan (reason is not in the index), Sort by agent).
  Why the two databases get different statements: _statements.of_account_page.
- v3 login events: ix_agent_login_events_agent_at the same way (agent_pk IN (the page) AND at >= ? AND
  at < ?; SQLite no temp b-tree).
"""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, and_, bindparam, select

from smartassist.analytics.agent_status.render import LoginEvent, agent_item, login_events, status_spans
from smartassist.analytics.agent_status.request import AgentStatusQuery
from smartassist.analytics.agents import AgentRow, agent_page, fetch_tuples, of_page, page_head, page_params, rows_of
from smartassist.analytics.heavy import DEFAULT_MAX_RESPONSE_BYTES, check_size
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
    def of_account_page(agent: ColumnElement[int], account: ColumnElement[str]) -> ColumnElement[bool]:
        """A row of one of the page's agents, and of the caller's account.

        PostgreSQL: the page's ids and the row's own account_id. A semi-join on agents (as UserStatus) made it
        choose a Parallel Seq Scan of every event here (reason is not in the index; measured 48 ms against
        16 ms on the 7-day bench page). SQLite: the semi-join, which it plans as index range scans per agent;
        given account_id = ? on the row it would range-scan ix_agent_status_events_account_ts instead, every
        agent's events in the window.
        """
        if array_parameter:
            return and_(of_page(agent, True), account == bindparam("account_id"))
        page = select(_agent.id).where(_agent.account_id == bindparam("account_id"), of_page(_agent.id, False))
        return agent.in_(page)

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
            .where(of_account_page(_event.agent_id, _event.account_id), _event.ts >= bindparam("start"))
            .where(_event.ts < bindparam("end"))
            .order_by(_event.agent_id, _event.ts, _event.id)
            .limit(bindparam("max_rows"))
        ),
        event_after=one_event(earlier=False),
        logins=(
            select(_login.kind, _login.at, _login.ip, _login.agent_pk)
            .where(of_account_page(_login.agent_pk, _login.account_id), _login.at >= bindparam("start"))
            .where(_login.at < bindparam("end"))
            .order_by(_login.agent_pk, _login.at, _login.id)
            .limit(bindparam("max_rows"))
        ),
    )


_by_agent = itemgetter(3)
# The fewest bytes a listed span or login event takes (`{"type":"entry","at":"2026-09-18T09:00:51.886Z","ip":""}`
# is 56 with its comma; a span is more).
MIN_ITEM_BYTES = 56
STATEMENTS = {"postgresql": _statements(array_parameter=True), "sqlite": _statements(array_parameter=False)}


def agent_status_details(
    connection: Connection,
    account_id: str,
    query: AgentStatusQuery,
    *,
    version: int,
    limit: int,
    offset: int,
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> bytes:
    """The response body as JSON (ASCII) bytes, keys in the vendor's order; spans written as text (render.py).

    At most `max_bytes`: the rows inside the window are fetched up to as many as that many bytes could list
    (a span or login event takes at least MIN_ITEM_BYTES), then the body is checked as rendered; beyond it a
    400 naming a smaller page or a shorter window."""
    agents, has_more = agent_page(connection, account_id, query.emails, limit, offset)
    parts = [page_head(has_more, limit, offset)]
    if agents:
        max_rows = max_bytes // MIN_ITEM_BYTES
        params = {**page_params(account_id, agents, query.start_ms, query.end_ms), "max_rows": max_rows + 1}
        statements = STATEMENTS[connection.dialect.name]
        # Rows are (ts, status, reason, agent id): the span writer reads the first three, so one agent's
        # events are its row before the window, a slice of the rows inside it (sorted by agent) and its row
        # after it, with no copy of each row.
        before = {row[3]: row for row in fetch_tuples(connection, statements.event_before, params)}
        inside = fetch_tuples(connection, statements.events_inside, params)
        check_size(len(inside) * MIN_ITEM_BYTES, max_bytes, _fix(agents))
        after = {row[3]: row for row in fetch_tuples(connection, statements.event_after, params)}
        logins: defaultdict[int, list[LoginEvent]] = defaultdict(list)
        if version >= 3:
            rows = fetch_tuples(connection, statements.logins, params)
            check_size((len(inside) + len(rows)) * MIN_ITEM_BYTES, max_bytes, _fix(agents))
            for kind, at, ip, agent_id in rows:
                logins[agent_id].append((kind, at, ip))
        for agent in agents:
            events = rows_of(inside, agent.id, _by_agent)
            if agent.id in before:
                events.insert(0, before[agent.id])
            if agent.id in after:
                events.append(after[agent.id])
            spans = status_spans(events, query.start_ms, query.end_ms, query.offset_minutes)
            if len(parts) > 1:
                parts.append(b",")
            parts += agent_item(agent, version, spans, login_events(logins.get(agent.id, ())))
    parts.append(b"]}")
    check_size(sum(map(len, parts)), max_bytes, _fix(agents))
    return b"".join(parts)


def _fix(agents: list[AgentRow]) -> str:
    fewer = f"fewer agents (limit={len(agents) // 2}) or " if len(agents) > 1 else ""
    return f"ask for {fewer}a shorter window"
