"""UserStatus service: fetch one page of agents and exactly the rows their buckets need, return the JSON.

Four queries per request whatever the page size or bucket count: the agent page, each agent's last
status event before the window, the events inside the window, the interactions overlapping it. Every
query is restricted to the caller's account (the agent page by account_id, the others through a
semi-join on agents of that account). Rows come back as the driver's plain tuples, and the body is written
as JSON text by buckets.IntervalRenderer: a full page is tens of thousands of buckets.

Query plans relied on (indexes in ingest/models.py; checked with EXPLAIN on SQLite 3.40 and PostgreSQL 15):
- agents: analytics/agents.py (uq_agents_account_id_user_id, in userId order).
- last event before the window: a correlated `ORDER BY ts DESC, id DESC LIMIT 1` per agent, a backward
  range scan of ix_agent_status_events_agent_ts_id (SQLite: SEARCH ... USING COVERING INDEX (agent_id=?
  AND ts<?); PostgreSQL: SubPlan with Index Only Scan Backward), then a primary-key lookup.
- events in the window: range scan of the same index (agent_id = ? AND ts >= ? AND ts < ?), which also
  holds status: SQLite SEARCH ... USING COVERING INDEX with no temp b-tree for the ORDER BY; PostgreSQL
  Nested Loop over the page's agents with an Index Only Scan each (Heap Fetches: 0 after VACUUM) and an
  Incremental Sort that only confirms each agent's already-ordered run.
- interactions: ix_agent_interactions_agent_end_start covers (agent_id, end_time, start_time); one
  range scan for end_time > window start (with start_time < window end checked inside the index) and
  one for end_time IS NULL (open interactions), UNION ALL (SQLite: COVERING INDEX (agent_id=? AND
  end_time>?); PostgreSQL: Index Only Scan per agent, Heap Fetches: 0). Only interactions ending after
  the window start are read: a recent window reads no older history however long the account has
  existed (an old window also scans the newer entries of the index, filtered inside it).
Plain tuples also matter to the garbage collector: tens of thousands of SQLAlchemy Row objects alive at
once were promoted to its oldest generation and triggered full collections (measured: ~90 ms pauses on a
7-day page); tuples of ints and strings are untracked at their first collection.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, CompoundSelect, Connection, Select, bindparam, select, union_all

from smartassist.analytics.agents import AgentRow, agent_page, fetch_tuples, page_head, page_params, rows_of
from smartassist.analytics.agents import of_page as page_filter
from smartassist.analytics.heavy import DEFAULT_MAX_RESPONSE_BYTES, check_size
from smartassist.analytics.user_status.buckets import MIN_ENTRIES_BYTES, IntervalRenderer
from smartassist.analytics.user_status.request import UserStatusQuery
from smartassist.contactcenter.models import Agent, AgentInteraction, AgentStatusEvent
from smartassist.errors import bad_request

# The statements below are built once, with bound parameters, for each dialect: the page's agent ids are one
# array parameter on PostgreSQL (`= ANY(...)`; an expanded IN list of 50 parameters made psycopg parse the
# statement on every execution, its statement cache stopping at 50) and an expanded IN list on SQLite.
# Every one is restricted to the caller's account through a semi-join on its agents. Rows are read as the
# driver's plain tuples (_tuples): SQLAlchemy Row objects cost more than the query for tens of thousands of
# rows. Each row ends with the agent id, so one agent's rows are a slice of a list sorted by agent.
_agent = Agent.__table__.c
_event = AgentStatusEvent.__table__.c
_item = AgentInteraction.__table__.c


class _Statements(NamedTuple):
    events_before: Select[Any]
    events_inside: Select[Any]
    interactions: CompoundSelect[Any]


def _statements(array_parameter: bool) -> _Statements:
    def of_page(column: ColumnElement[int]) -> ColumnElement[bool]:
        return page_filter(column, array_parameter)

    page_agents = select(_agent.id).where(_agent.account_id == bindparam("account_id"), of_page(_agent.id))
    latest_before = (
        select(_event.id)
        .where(_event.agent_id == _agent.id, _event.ts < bindparam("start"))
        .order_by(_event.ts.desc(), _event.id.desc())
        .limit(1)
        .correlate(Agent.__table__)
        .scalar_subquery()
    )
    columns = (_item.start_time, _item.end_time, _item.agent_id)
    return _Statements(
        events_before=(
            select(_event.ts, _event.status, _event.agent_id)
            .select_from(Agent.__table__)
            .join(AgentStatusEvent.__table__, _event.id == latest_before)
            .where(_agent.account_id == bindparam("account_id"), of_page(_agent.id))
        ),
        events_inside=(
            select(_event.ts, _event.status, _event.agent_id)
            .where(_event.agent_id.in_(page_agents), _event.ts >= bindparam("start"), _event.ts < bindparam("end"))
            .order_by(_event.agent_id, _event.ts, _event.id)
            .limit(bindparam("max_rows"))
        ),
        interactions=union_all(
            select(*columns).where(
                _item.agent_id.in_(page_agents),
                _item.end_time > bindparam("start"),
                _item.start_time < bindparam("end"),
            ),
            select(*columns).where(
                _item.agent_id.in_(page_agents), _item.end_time.is_(None), _item.start_time < bindparam("end")
            ),
        ).limit(bindparam("max_rows")),
    )


STATEMENTS = {"postgresql": _statements(array_parameter=True), "sqlite": _statements(array_parameter=False)}
_by_agent = itemgetter(2)


_tuples = fetch_tuples


def _slice(rows: list[tuple[Any, ...]], agent_id: int) -> list[tuple[Any, ...]]:
    """The rows of one agent from rows sorted by agent id (last item)."""
    return rows_of(rows, agent_id, _by_agent)


CHUNK_BYTES = 1 << 20


class PageBody:
    """The body's chunks (rendered as they are iterated), and whether it is sure to fit in one: its size bound
    is at most CHUNK_BYTES. A body that may not is streamed without rendering any of it ahead: a peek at its
    second chunk would keep two chunks in memory for a client that stops reading."""

    def __init__(self, chunks: Iterator[bytes], one_chunk: bool) -> None:
        self._chunks, self.one_chunk = chunks, one_chunk

    def __iter__(self) -> Iterator[bytes]:
        return self._chunks


AGENT_HEAD_BYTES = 4096  # userId, names, email and customId at their stored widths, each character escaped


def user_status_chunks(
    connection: Connection,
    account_id: str,
    query: UserStatusQuery,
    *,
    limit: int,
    offset: int,
    now: int,
    max_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
) -> PageBody:
    """The response body, JSON as ASCII bytes (keys in the contract's order), in chunks of about a megabyte.

    Every row is fetched now, so the connection can be returned at once; the body is rendered as it is
    iterated. A 28-day page is 45 MB: rendered and kept whole, its fresh memory cost ~10k page faults
    (~20 ms); chunk by chunk, each reuses the memory of the one sent before, and nothing joins the whole.
    The rows are bounded too: a page whose rows alone would render more than the slot's size cap fetches only
    that many (`max_rows`) and is refused by the size check (`max_bytes`), before anything is rendered.
    """
    agents, has_more = agent_page(connection, account_id, query.emails, limit, offset)
    head = page_head(has_more, limit, offset)
    if not agents:
        return PageBody(iter((head + b"]}",)), one_chunk=True)
    max_rows = max_bytes // MIN_ENTRIES_BYTES
    params = {**page_params(account_id, agents, query.start_ms, query.end_ms), "max_rows": max_rows + 1}
    statements = STATEMENTS[connection.dialect.name]
    before = {row[2]: row for row in _tuples(connection, statements.events_before, params)}
    inside = _tuples(connection, statements.events_inside, params)
    renderer = IntervalRenderer(query.start_ms, query.end_ms, query.granularity_ms, now)
    active = len(before.keys() | {row[2] for row in inside})
    statuses = chain((row[1] for row in before.values()), (row[1] for row in inside))
    size = len(head) + len(agents) * AGENT_HEAD_BYTES + renderer.size_bound(active, len(before) + len(inside), statuses)
    check_size(size, max_bytes, _smaller_page(size, max_bytes, len(agents)))
    busy = _tuples(connection, statements.interactions, params)
    if len(busy) > max_rows:
        raise bad_request(f"more than {max_rows} agent interactions on this page: {_smaller_page(0, 0, len(agents))}")
    busy.sort(key=_by_agent)
    return PageBody(_rendered(head, agents, before, inside, busy, renderer), one_chunk=size <= CHUNK_BYTES)


def _smaller_page(size: int, cap: int, agents: int) -> str:
    """What to ask for instead: fewer agents a page, when fewer would fit, else a shorter window or coarser
    granularity."""
    fewer = agents * cap // size if size else agents // 2
    if 1 <= fewer < agents:
        return f"ask for fewer agents (limit={fewer}), a shorter window or a coarser granularity"
    return "ask for a shorter window or a coarser granularity"


def _rendered(
    page_head: bytes,
    agents: list[AgentRow],
    before: dict[int, tuple[Any, ...]],
    inside: list[tuple[Any, ...]],
    busy: list[tuple[Any, ...]],
    renderer: IntervalRenderer,
) -> Iterator[bytes]:
    parts, size = [page_head], len(page_head)
    for index, agent in enumerate(agents):
        events = _slice(inside, agent.id)
        if agent.id in before:
            events.insert(0, before[agent.id])
        head = json.dumps(
            {
                "userId": agent.user_id,
                "firstName": agent.first_name,
                "lastName": agent.last_name,
                "email": agent.email,
                "customId": agent.custom_id or "",  # the vendor's sample: "" for an agent without one
            },
            separators=(",", ":"),
        )
        intervals = renderer.render(events, _slice(busy, agent.id))
        parts += (b"," if index else b"", head[:-1].encode(), b',"timeInterval":', intervals, b"}")
        size += len(intervals)
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts, size = [], 0
    parts.append(b"]}")
    yield b"".join(parts)
