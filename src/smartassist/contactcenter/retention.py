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

Agent by agent (conversations account by account), in batches of at most `batch` rows, each batch its own
transaction, so a prune never holds many locks nor a long transaction while the server runs. Every
statement names the account. Each batch's ids are a range scan of an index, in its order (agent_history):
ix_agent_status_events_agent_ts_id (agent_id = ? AND ts < ?; the kept event is one backward probe of it),
ix_agent_interactions_agent_end_start (agent_id = ? AND end_time < ?), ix_agent_login_events_agent_at
(agent_pk = ? AND at < ?), ix_conversations_account_start (account_id = ? AND start_time < ?, end_time checked
on the row); a conversation's queue entries and segments by their conversation indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine, Select, Table, delete, select

from smartassist.accounts.models import Account
from smartassist.contactcenter import data_versions
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
_tables = {table.name: table for table in (_event, _interaction, _login)}


def agent_history(account_id: str, agent_pk: int, cutoff: int) -> dict[str, Select[Any]]:
    """Per event table, the ids of one agent's rows a prune deletes, in the order of the index that finds them.

    Per agent rather than per account: each batch is then a range scan of the agent's index from its oldest
    entry (PostgreSQL marks the deleted entries dead as it passes them, so the next batch skips them cheaply).
    Per account, PostgreSQL chose a sequential scan (interactions, logins), which reads every row deleted by the
    batches before again, or for the events a hash join over the whole table (measured in bench_scale.py).
    """
    e, i, login = _event.c, _interaction.c, _login.c
    # The agent, if it is the account's: named so in each statement, rather than by the row's account_id, which
    # SQLite would answer from ix_agent_status_events_account_ts (every agent's events before the cutoff).
    agent = select(_agent.id).where(_agent.id == agent_pk, _agent.account_id == account_id).scalar_subquery()
    latest = (  # the agent's status at the cutoff: its last event before it, by (ts, id), is kept
        select(e.id).where(e.agent_id == agent, e.ts < cutoff).order_by(e.ts.desc(), e.id.desc()).limit(1)
    ).scalar_subquery()
    return {
        "agent_status_events": (select(e.id).where(e.agent_id == agent, e.ts < cutoff, e.id != latest).order_by(e.ts)),
        "agent_interactions": select(i.id).where(i.agent_id == agent, i.end_time < cutoff).order_by(i.end_time),
        "agent_login_events": select(login.id).where(login.agent_pk == agent, login.at < cutoff).order_by(login.at),
    }


def old_conversations(account_id: str, cutoff: int) -> Select[Any]:
    """The ids of the account's conversations a prune deletes (with their queue entries and segments)."""
    c = _conversation.c
    return (
        select(c.id)
        .where(c.account_id == account_id, c.start_time < cutoff, c.end_time < cutoff)
        .order_by(c.start_time)
    )


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
        with engine.connect() as connection:
            agents = list(connection.execute(select(_agent.id).where(_agent.account_id == account_id)).scalars())
        for agent_pk in agents:
            for name, ids in agent_history(account_id, agent_pk, cutoff_ms).items():
                table = _tables[name]
                for connection, found in _batches(engine, ids, batch):
                    statement = delete(table).where(table.c.account_id == account_id, table.c.id.in_(found))
                    deleted[name] += connection.execute(statement).rowcount
        for connection, found in _batches(engine, old_conversations(account_id, cutoff_ms), batch):
            # Children first: SQLite enforces the foreign keys, and a segment references its queue entry.
            for table, column in ((_segment, "conversation_pk"), (_entry, "conversation_pk"), (_conversation, "id")):
                statement = delete(table).where(table.c.account_id == account_id, table.c[column].in_(found))
                deleted[table.name] += connection.execute(statement).rowcount
            data_versions.bump(connection, account_id)  # what Queue Size remembers may hold them
    return deleted
