"""The page of agents the per-agent analytics routes (UserStatus, Agent Status Details) answer for.

Query plan (checked with EXPLAIN on SQLite and PostgreSQL): uq_agents_account_id_user_id gives the page
in userId order (SQLite: SEARCH agents USING INDEX (account_id=?), no temp b-tree; PostgreSQL: Index Scan
under the Limit); with filter.agents, the same index with email_norm checked per row.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, ColumnElement, CompoundSelect, Connection, Select, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY

from smartassist.contactcenter.models import Agent


@dataclass(frozen=True)
class AgentRow:
    id: int
    user_id: str
    first_name: str
    last_name: str
    email: str
    custom_id: str | None
    agent_key: str


def agent_page(
    connection: Connection, account_id: str, emails: Sequence[str] | None, limit: int, offset: int
) -> tuple[list[AgentRow], bool]:
    """The page of the account's agents in userId order, and whether more follow (one extra row is fetched)."""
    stmt = select(
        Agent.id, Agent.user_id, Agent.first_name, Agent.last_name, Agent.email, Agent.custom_id, Agent.agent_key
    ).where(Agent.account_id == account_id)
    if emails is not None:
        stmt = stmt.where(Agent.email_norm.in_(emails))
    rows = connection.execute(stmt.order_by(Agent.user_id).limit(limit + 1).offset(offset)).all()
    return [AgentRow(*row) for row in rows[:limit]], len(rows) > limit


def of_page(column: ColumnElement[int], array_parameter: bool) -> ColumnElement[bool]:
    """`column` is one of the page's agent ids (bound parameter `agent_ids`).

    One array parameter on PostgreSQL (`= ANY(...)`: an expanded IN list of 50 parameters made psycopg parse
    the statement on every execution, its statement cache stopping at 50); an expanded IN list on SQLite.
    """
    if array_parameter:
        return column == any_(bindparam("agent_ids", type_=ARRAY(BigInteger)))
    return column.in_(bindparam("agent_ids", expanding=True))


def fetch_tuples(
    connection: Connection, statement: Select[Any] | CompoundSelect[Any], params: dict[str, Any]
) -> list[tuple[Any, ...]]:
    """The rows as the driver's plain tuples: SQLAlchemy Row objects cost more than the query for tens of
    thousands of rows, and tuples of ints and strings are untracked by the garbage collector."""
    result = connection.execute(statement, params)
    rows = cast(list[tuple[Any, ...]], result.cursor.fetchall())  # DB-API: a list of tuples
    result.close()
    return rows


def page_params(account_id: str, agents: Sequence[AgentRow], start: int, end: int) -> dict[str, Any]:
    """The bound parameters of the per-page statements (built with of_page)."""
    return {"account_id": account_id, "agent_ids": [agent.id for agent in agents], "start": start, "end": end}


def page_head(has_more: bool, limit: int, offset: int) -> bytes:
    """`{"hasMore":…,"limit":…,"offset":…,"data":[` — the page envelope both per-agent routes share."""
    return f'{{"hasMore":{"true" if has_more else "false"},"limit":{limit},"offset":{offset},"data":['.encode()


def rows_of(rows: list[tuple[Any, ...]], agent_id: int, key: Callable[[tuple[Any, ...]], int]) -> list[tuple[Any, ...]]:
    """The rows of one agent from rows sorted by agent id (`key`)."""
    return rows[bisect_left(rows, agent_id, key=key) : bisect_right(rows, agent_id, key=key)]
