"""The page of agents the per-agent analytics routes (UserStatus, Agent Status Details) answer for.

Query plan (checked with EXPLAIN on SQLite and PostgreSQL): uq_agents_account_id_user_id gives the page
in userId order (SQLite: SEARCH agents USING INDEX (account_id=?), no temp b-tree; PostgreSQL: Index Scan
under the Limit); with filter.agents, the same index with email_norm checked per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, select

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
