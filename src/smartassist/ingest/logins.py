"""Ingest of agent login events (entry/exit, Agent Status Details v3 `events`): deduplicated by eventId."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session

from smartassist.accounts.service import get_account
from smartassist.contactcenter.models import AgentLoginEvent
from smartassist.ingest import bulk
from smartassist.ingest.schemas import LoginEventIn
from smartassist.ingest.service import IngestResult, _resolve_agents, _transaction
from smartassist.timefmt import datetime_to_ms

LOGINS: Table = AgentLoginEvent.__table__  # type: ignore[assignment]


def add_login_events(session: Session, account_id: str, records: list[LoginEventIn]) -> IngestResult:
    """Insert events; an eventId already stored (or earlier in the batch) is a duplicate and left as it was,
    as for status events."""
    get_account(session, account_id)
    return _transaction(session, account_id, records, lambda: _add_login_events(session, account_id, records))


def _add_login_events(session: Session, account_id: str, records: list[LoginEventIn]) -> IngestResult:
    agents = _resolve_agents(session, account_id, [r.agent for r in records])
    # Built from the last record back, so the first record of an eventId is the one kept.
    rows = {r.eventId: _row(account_id, agents[r.agent], r) for r in reversed(records)}
    inserted = bulk.insert_new(session, LOGINS, [rows[key] for key in sorted(rows)], ("account_id", "event_id"))
    return IngestResult(inserted, len(records) - inserted)


def _row(account_id: str, agent_pk: int, record: LoginEventIn) -> dict[str, Any]:
    return {
        "account_id": account_id,
        "agent_pk": agent_pk,
        "event_id": record.eventId,
        "kind": record.type,
        "at": datetime_to_ms(record.at),
        "ip": record.ip,
    }
