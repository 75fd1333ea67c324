"""Call Details: a page of an account's conversation rows whose sessionStartTime falls in the window, rendered.

Query plan: `WHERE account_id = ? AND start_time >= ? AND start_time < ? ORDER BY start_time, contact_key
LIMIT ? OFFSET ?` is a range scan of ix_conversations_account_start (account_id, start_time, contact_key) in
index order on SQLite and PostgreSQL, so no sort and at most (offset + 1) x limit = 1,100 index entries are
read without filters. The channel and direction filters are checked on the rows scanned; the queue filter is
an EXISTS probe of ix_queue_entries_conversation per row, joined to the queue by its primary key.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, and_, exists, func, or_, select

from smartassist.analytics.conversations.request import CallDetailsQuery
from smartassist.contactcenter.call_rows import View, render_row
from smartassist.contactcenter.models import Conversation, Queue, QueueEntry


def call_details(
    connection: Connection, account_id: str, query: CallDetailsQuery, *, v2: bool, limit: int, offset_pages: int
) -> bytes:
    """The response body: `{"numResults": <rows in this page>, "data": [...]}`."""
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
                .join(Queue, Queue.id == QueueEntry.queue_pk)
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
    stmt = (
        select(Conversation.row)
        .where(and_(*conditions))
        .order_by(Conversation.start_time, Conversation.contact_key)
        .limit(limit)
        .offset(offset_pages * limit)
    )
    view = View(offset_minutes=query.offset_minutes, v2=v2, selected=query.selected)
    rows = [render_row(text, view) for text in connection.execute(stmt).scalars()]
    body = {"numResults": len(rows), "data": rows}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
