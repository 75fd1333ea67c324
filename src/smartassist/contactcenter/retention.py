"""Retention (`smartassist db prune`): the contact-center history older than a cutoff, deleted in batches.

What goes (a row is older than the cutoff when its time is before it):
- status events with ts before the cutoff, except each agent's latest one before it: that event is the
  agent's status at the cutoff, which UserStatus and Agent Status Details read as "the last event before
  the window". So every answer about a window starting at or after the cutoff is the same after a prune;
- interactions that ended before the cutoff (open ones, end_time NULL, stay);
- login events before the cutoff;
- conversations that ended before the cutoff, with their queue entries and agent segments (open ones stay:
  Queue Size counts them however old they are).
Kept whatever their age: accounts, apps, agents, queues, bots, bot sessions (IntentRealtimeData serves a
bot's 25 latest ended sessions, however old) and the audit trail.

Account by account, in batches of at most `batch` rows, each batch its own transaction, so a prune never
holds many locks nor a long transaction while the server runs. Every statement names the account. Each
batch's ids are read through an index (PostgreSQL and SQLite): status events by
ix_agent_status_events_account_ts (account_id = ? AND ts < ?; the newer event that spares the latest one is
a probe of ix_agent_status_events_agent_ts_id); interactions and login events per agent of the account
by ix_agent_interactions_agent_end_start (agent_id = ? AND end_time < ?) and ix_agent_login_events_agent_at
(agent_pk = ? AND at < ?); conversations by ix_conversations_account_start (account_id = ? AND start_time
< ?, end_time checked on the row), their queue entries and segments by conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, Select, Table, and_, delete, exists, or_, select

from smartassist.accounts.models import Account
from smartassist.contactcenter.models import (
    Agent,
    AgentInteraction,
    AgentLoginEvent,
    AgentSegment,
    AgentStatusEvent,
    Conversation,
    QueueEntry,
)

DEFAULT_BATCH = 5000
TABLES = (
    "agent_status_events",
    "agent_interactions",
    "agent_login_events",
    "agent_segments",
    "queue_entries",
    "conversations",
)

_agent = Agent.__table__.c
_event: Table = AgentStatusEvent.__table__  # type: ignore[assignment]
_interaction: Table = AgentInteraction.__table__  # type: ignore[assignment]
_login: Table = AgentLoginEvent.__table__  # type: ignore[assignment]
_conversation: Table = Conversation.__table__  # type: ignore[assignment]
_segment: Table = AgentSegment.__table__  # type: ignore[assignment]
_entry: Table = QueueEntry.__table__  # type: ignore[assignment]


def _old_events(account_id: str, cutoff: int) -> Select[Any]:
    """Status events before the cutoff that a newer event, also before it, of the same agent supersedes."""
    newer = _event.alias("newer")
    superseded = exists().where(
        newer.c.agent_id == _event.c.agent_id,
        newer.c.ts < cutoff,
        or_(newer.c.ts > _event.c.ts, and_(newer.c.ts == _event.c.ts, newer.c.id > _event.c.id)),
    )
    return (
        select(_event.c.id)
        .where(_event.c.account_id == account_id, _event.c.ts < cutoff, superseded)
        .order_by(_event.c.ts)
    )


def _account_agents(account_id: str) -> Select[Any]:
    return select(_agent.id).where(_agent.account_id == account_id)


def _old_interactions(account_id: str, cutoff: int) -> Select[Any]:
    c = _interaction.c
    return select(c.id).where(
        c.account_id == account_id, c.agent_id.in_(_account_agents(account_id)), c.end_time < cutoff
    )


def _old_logins(account_id: str, cutoff: int) -> Select[Any]:
    c = _login.c
    return select(c.id).where(c.account_id == account_id, c.agent_pk.in_(_account_agents(account_id)), c.at < cutoff)


def _old_conversations(account_id: str, cutoff: int) -> Select[Any]:
    c = _conversation.c
    return select(c.id).where(c.account_id == account_id, c.start_time < cutoff, c.end_time < cutoff)


def _batches(engine: Engine, ids: Select[Any], batch: int) -> Iterator[tuple[Connection, list[int]]]:
    """Transactions, each with the ids of at most `batch` rows still to delete, until none are left."""
    while True:
        with engine.begin() as connection:
            found = list(connection.execute(ids.limit(batch)).scalars())
            if found:
                yield connection, found
        if len(found) < batch:
            return


def prune(engine: Engine, cutoff_ms: int, *, batch: int = DEFAULT_BATCH) -> dict[str, int]:
    """Delete every account's rows older than `cutoff_ms` (module docstring); the number deleted per table."""
    deleted = dict.fromkeys(TABLES, 0)
    with engine.connect() as connection:
        accounts = list(connection.execute(select(Account.id).order_by(Account.id)).scalars())
    for account_id in accounts:
        for table, ids in (
            (_event, _old_events(account_id, cutoff_ms)),
            (_interaction, _old_interactions(account_id, cutoff_ms)),
            (_login, _old_logins(account_id, cutoff_ms)),
        ):
            for connection, found in _batches(engine, ids, batch):
                rows = connection.execute(delete(table).where(table.c.account_id == account_id, table.c.id.in_(found)))
                deleted[table.name] += rows.rowcount
        for connection, found in _batches(engine, _old_conversations(account_id, cutoff_ms), batch):
            # Children first: SQLite enforces the foreign keys, and a segment references its queue entry.
            for table, column in ((_segment, "conversation_pk"), (_entry, "conversation_pk"), (_conversation, "id")):
                statement = delete(table).where(table.c.account_id == account_id, table.c[column].in_(found))
                deleted[table.name] += connection.execute(statement).rowcount
    return deleted
