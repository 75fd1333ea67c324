"""Call Details: a page of an account's conversation rows whose sessionStartTime falls in the window, rendered.

Query plan (EXPLAIN on both databases in tests/analytics/conversations/test_call_details_plan.py):
`WHERE account_id = ? AND start_time >= ? AND start_time < ? ORDER BY start_time, contact_key LIMIT ? OFFSET ?`
is a range scan of ix_conversations_account_start (account_id, start_time, contact_key) in index order, so
no sort, and without filters at most (offset + 1) x limit = 1,100 index entries are read. The channel and
direction filters are checked on the rows scanned (the scan goes on until the page is full); the queue filter
is an EXISTS per row: the named queues by their unique (account_id, queue_id), the row's entries by
ix_queue_entries_conversation."""

from __future__ import annotations

import json

from sqlalchemy import Connection, Select, and_, exists, func, or_, select

from smartassist.analytics.conversations.request import CallDetailsQuery
from smartassist.contactcenter.call_rows import View, render_row
from smartassist.contactcenter.models import Conversation, Queue, QueueEntry


def call_details(
    connection: Connection, account_id: str, query: CallDetailsQuery, *, v2: bool, limit: int, offset_pages: int
) -> bytes:
    """The response body: `{"numResults": <rows in this page>, "data": [...]}`."""
    stmt = page_statement(account_id, query, v2=v2, limit=limit, offset_pages=offset_pages)
    view = View(offset_minutes=query.offset_minutes, v2=v2, selected=query.selected)
    rows = [render_row(text, view) for text in connection.execute(stmt).scalars()]
    body = {"numResults": len(rows), "data": rows}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def page_statement(account_id: str, query: CallDetailsQuery, *, v2: bool, limit: int, offset_pages: int) -> Select[str]:
    """The page's stored rows, in order (the plan in the module docstring)."""
    conditions = [
        Conversation.account_id == account_id,
        Conversation.start_time >= query.start_ms,
        Conversation.start_time < query.end_ms,
    ]
    if query.channels:
        conditions.append(
            or_(
                func.lower(Conversation.channel).in_(query.channels),
                func.lower(Conversation.source).in_(query.channels),
            )
        )
    if query.queues:
        conditions.append(
            exists(
                select(QueueEntry.id)
                # "+ 0": the entries are found by conversation (a few per row), never by queue (all of a
                # queue's history per row), which SQLite's planner picks on small tables otherwise.
                .join(Queue, Queue.id == QueueEntry.queue_pk + 0)
                .where(
                    QueueEntry.conversation_pk == Conversation.id,
                    Queue.account_id == account_id,
                    Queue.queue_id.in_(query.queues),
                )
            )
        )
    if v2 and query.direction == "Inbound":
        # A row without a Direction (bot-only sessions, v1-shaped rows) was started by the customer: inbound.
        conditions.append(or_(func.lower(Conversation.direction) == "inbound", Conversation.direction.is_(None)))
    elif v2 and query.direction == "Outbound":
        conditions.append(func.lower(Conversation.direction) == "outbound")
    return (
        select(Conversation.row)
        .where(and_(*conditions))
        .order_by(Conversation.start_time, Conversation.contact_key)
        .limit(limit)
        .offset(offset_pages * limit)
    )
