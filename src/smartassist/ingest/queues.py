"""Ingest of queues: upsert by queueId within the account."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import Session

from smartassist.accounts.service import get_account
from smartassist.contactcenter.models import Queue
from smartassist.ingest import bulk
from smartassist.ingest.schemas import QueueIn
from smartassist.ingest.service import IngestResult, _diff, _stored, _transaction

QUEUES: Table = Queue.__table__  # type: ignore[assignment]


def upsert_queues(session: Session, account_id: str, records: list[QueueIn]) -> IngestResult:
    """Upsert by queueId within the account; a record equal to the stored queue (name, skills in order) is a
    duplicate."""
    get_account(session, account_id)
    return _transaction(session, account_id, records, lambda: _upsert_queues(session, account_id, records))


def _upsert_queues(session: Session, account_id: str, records: list[QueueIn]) -> IngestResult:
    columns = ("name", "skills")
    stored = _stored(
        session, QUEUES.c.queue_id, [r.queueId for r in records], columns, QUEUES.c.account_id == account_id
    )
    incoming = [(r.queueId, (r.name, [skill.model_dump() for skill in r.skills])) for r in records]
    changed, duplicates = _diff(stored, incoming)
    rows = [
        {"account_id": account_id, "queue_id": key, **dict(zip(columns, values, strict=True))}
        for key, values in changed
    ]
    bulk.upsert(session, QUEUES, rows, ("account_id", "queue_id"))
    return IngestResult(len(records) - duplicates, duplicates)
