"""Each agent's latest status (agent_latest_status): how it is kept, and how a reader gets an agent's status at
a time from it.

Kept by the status-event ingest, in the batch's own transaction, right after the batch's events are stored:
for every agent the batch names, the agent's greatest stored event by (ts, id) is upserted, and a stored row
is only ever replaced by a greater one. So the row is the agent's greatest event whatever order the events
arrived in (an older event ingested later changes nothing), a re-sent eventId (stored once) changes nothing,
and two batches committing at once leave the greater of their two answers (PostgreSQL re-checks the
replacement condition against the row as committed by the other). `db prune` never deletes an agent's
greatest event (it keeps the latest before its cutoff and everything after), and an agent's row goes with the
agent (ON DELETE CASCADE).

A reader wants the status at or before a time `at` (Queue Size: now). The row answers when its ts is at or
before `at`; an agent with no row has no event. Only when the row's event is stamped after `at` (a feed whose
clock runs ahead) must the reader probe the agent's events backwards from `at` (status_probe), the scan the row
saves otherwise. Whatever writes agent_status_events other than the ingest (a test's or a bench's direct
insert) calls refresh() too; migration 0011 filled the table from the events stored before it.

The condition on `at` is in the select list, never in a scan or a subquery the plan always holds: PostgreSQL
then finds the generic plan of a prepared statement as cheap as a custom one and keeps it (a probe under a
CASE made it plan every execution again, ~0.5 ms, measured with pg_prepared_statements).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, and_, case, select, tuple_
from sqlalchemy.orm import Session

from smartassist.contactcenter.models import Agent, AgentLatestStatus, AgentStatusEvent
from smartassist.db import dialect_insert

LATEST: Table = AgentLatestStatus.__table__  # type: ignore[assignment]
_events: Table = AgentStatusEvent.__table__  # type: ignore[assignment]
_event = _events.c
_CHUNK = 1000  # agents per statement: under SQLite's and PostgreSQL's bind-parameter limits


def refresh(session: Session | Connection, account_id: str, agent_pks: Iterable[int]) -> None:
    """Bring the named agents' rows up to their greatest stored event (module docstring); agents of another
    account are left alone. In agent order, so concurrent batches lock the rows in one order (no deadlock)."""
    pks = sorted(set(agent_pks))
    if not pks:
        return
    dialect = session.get_bind().dialect.name if isinstance(session, Session) else session.dialect.name
    for start in range(0, len(pks), _CHUNK):
        greatest = (
            select(_event.id)
            .where(_event.agent_id == Agent.id)
            .order_by(_event.ts.desc(), _event.id.desc())
            .limit(1)
            .correlate(Agent)
            .scalar_subquery()
        )
        # per agent (its primary key), one backward probe of ix_agent_status_events_agent_ts_id, then the event
        source = (
            select(Agent.id, _event.account_id, _event.ts, _event.id, _event.status)
            .select_from(Agent)
            .join(_events, _event.id == greatest)
            .where(
                Agent.account_id == account_id,
                Agent.id.in_(pks[start : start + _CHUNK]),
                _event.account_id == account_id,
            )
            .order_by(Agent.id)
        )
        insert = dialect_insert(dialect, LATEST).from_select(
            ["agent_pk", "account_id", "ts", "event_pk", "status"], source
        )
        upsert = insert.on_conflict_do_update(
            index_elements=["agent_pk"],
            set_={"ts": insert.excluded.ts, "event_pk": insert.excluded.event_pk, "status": insert.excluded.status},
            where=tuple_(insert.excluded.ts, insert.excluded.event_pk) > tuple_(LATEST.c.ts, LATEST.c.event_pk),
        )
        session.execute(upsert)


def stored_status(at: Any) -> Any:
    """The agent's status from its row when the row answers for `at` (its ts at or before it), else None: for a
    query that left-joins agent_latest_status on latest_join. With stored_later, what a reader needs to tell
    "no event" (no row) from "read it by status_probe" (an event stamped after `at`)."""
    return case((LATEST.c.ts <= at, LATEST.c.status))


def stored_later(at: Any) -> Any:
    """True when the agent's greatest event is after `at` (then status_probe answers), else NULL or false."""
    return LATEST.c.ts > at


def status_probe(agent_pk: Any, account_id: Any, at: Any) -> Any:
    """The agent's status at or before `at` from its events (None: none by then): one backward probe of
    ix_agent_status_events_agent_ts_id."""
    return (
        select(_event.status)
        .where(_event.agent_id == agent_pk, _event.account_id == account_id, _event.ts <= at)
        .order_by(_event.ts.desc(), _event.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_join(agent_pk: Any, account_id: Any) -> ColumnElement[bool]:
    """The ON clause of the left join of agent_latest_status that stored_status and stored_later read."""
    return and_(LATEST.c.agent_pk == agent_pk, LATEST.c.account_id == account_id)
