"""Call Details: a page of an account's conversation rows whose sessionStartTime falls in the window, rendered.

Query plan (EXPLAIN on both databases in tests/analytics/conversations/test_call_details_plan.py):
`WHERE account_id = ? AND start_time >= ? AND start_time < ? ORDER BY start_time, contact_key LIMIT ? OFFSET ?`
is a range scan of ix_conversations_account_start (account_id, start_time, contact_key) in index order, so
no sort, and without filters at most (offset + 1) x limit = 1,100 index entries are read. The channel and
direction filters are checked on the rows scanned (the scan goes on until the page is full); the queue filter
is an EXISTS per row: the named queues by their unique (account_id, queue_id), the row's entries by
ix_queue_entries_conversation. That select is a subquery whose at most `limit` rows the outer select reads with
their layouts and turns into UTF-8 (Utf8), in the subquery's order (PostgreSQL: no sort; SQLite sorts those rows
again).

One statement per request, read through reads.Reads (on PostgreSQL awaited on the event loop, asyncpg's
connections; see docs/ARCHITECTURE.md), built once per filter shape with every value bound. The rows (layout,
UTF-8) go straight to call_rows.render_page (C), each replayed from its layout: a page of 100 simulated rows
(~92 kB, 2.7 kB of layouts) renders in ~10 us (timeit; ~55-65 us when each row's JSON is walked instead), so on the
loop; a page of larger rows (up to 100 x 256 KiB) renders in a worker thread instead, so the loop never stands
still for more than a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import anyio.to_thread
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    LargeBinary,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from smartassist.analytics.conversations.request import CallDetailsQuery
from smartassist.contactcenter.call_rows import View, render_page
from smartassist.contactcenter.models import Conversation, Queue, QueueEntry
from smartassist.reads import Reads

# Stored text rendered on the event loop at most (~2 ms in C); a larger page renders in a worker thread.
RENDER_ON_LOOP_BYTES = 1 << 20


class Utf8(FunctionElement[bytes]):
    """A text column's UTF-8, as bytes: the rows go to the renderer without being decoded into str objects and
    encoded back (a tenth of a page's rendering instructions with a tenth of its rows non-ASCII, callgrind).
    PostgreSQL: convert_to(), a copy in a UTF8 database (a cast to bytea would read backslashes as escapes);
    SQLite: a cast to BLOB, the stored UTF-8 as it is."""

    type = LargeBinary()
    name = "utf8"
    inherit_cache = True


@compiles(Utf8, "postgresql")
def _utf8_postgresql(element: Utf8, compiler: SQLCompiler, **kw: Any) -> str:
    return f"convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')"


@compiles(Utf8)
def _utf8_default(element: Utf8, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


@dataclass(frozen=True)
class Shape:
    """What decides the page statement's SQL (the values are bound): which filters are given."""

    channels: bool
    queues: bool
    direction: str  # Inbound | Outbound | Both (v1: Both)


def shape_of(query: CallDetailsQuery, *, v2: bool) -> Shape:
    return Shape(bool(query.channels), bool(query.queues), query.direction if v2 else "Both")


async def call_details(
    reads: Reads, account_id: str, query: CallDetailsQuery, *, v2: bool, limit: int, offset_pages: int
) -> bytes:
    """The response body: `{"numResults": <rows in this page>, "data": [...]}`."""
    statement = page_statement(shape_of(query, v2=v2))
    rows = await reads.rows(statement, page_params(account_id, query, limit, offset_pages))
    view = View(offset_minutes=query.offset_minutes, v2=v2, selected=query.selected)
    if sum(len(text) for _, text in rows) <= RENDER_ON_LOOP_BYTES:
        return page_body(rows, view)
    return await anyio.to_thread.run_sync(page_body, rows, view)


def page_body(rows: Sequence[tuple[bytes | None, bytes]], view: View) -> bytes:
    """The body of a page of (layout, UTF-8 text) rows."""
    return render_page(rows, view, b'{"numResults":%d,"data":[' % len(rows), b"]}")


def page_params(account_id: str, query: CallDetailsQuery, limit: int, offset_pages: int) -> dict[str, Any]:
    """The bound values of page_statement (those its shape does not use are ignored)."""
    return {
        "account_id": account_id,
        "start": query.start_ms,
        "end": query.end_ms,
        "channels": list(query.channels),
        "queues": list(query.queues),
        "limit": limit,
        "offset": offset_pages * limit,
    }


@cache
def page_statement(shape: Shape) -> Select[tuple[bytes | None, bytes]]:
    """The page's stored rows, in order (the plan in the module docstring); one statement per shape, kept (Reads
    names a statement by its id)."""
    account_id: BindParameter[Any] = bindparam("account_id")
    conditions: list[ColumnElement[bool]] = [
        Conversation.account_id == account_id,
        Conversation.start_time >= bindparam("start"),
        Conversation.start_time < bindparam("end"),
    ]
    if shape.channels:
        channels: BindParameter[Any] = bindparam("channels", expanding=True, type_=String)
        conditions.append(
            or_(func.lower(Conversation.channel).in_(channels), func.lower(Conversation.source).in_(channels))
        )
    if shape.queues:
        conditions.append(
            exists(
                select(QueueEntry.id)
                # "+ 0": the entries are found by conversation (a few per row), never by queue (all of a
                # queue's history per row), which SQLite's planner picks on small tables otherwise.
                .join(Queue, Queue.id == QueueEntry.queue_pk + 0)
                .where(
                    QueueEntry.conversation_pk == Conversation.id,
                    Queue.account_id == account_id,
                    Queue.queue_id.in_(bindparam("queues", expanding=True)),
                )
            )
        )
    if shape.direction == "Inbound":
        # A row without a Direction (bot-only sessions, v1-shaped rows) was started by the customer: inbound.
        conditions.append(or_(func.lower(Conversation.direction) == "inbound", Conversation.direction.is_(None)))
    elif shape.direction == "Outbound":
        conditions.append(func.lower(Conversation.direction) == "outbound")
    page = (
        select(Conversation.row_layout, Conversation.row, Conversation.start_time, Conversation.contact_key)
        .where(and_(*conditions))
        .order_by(Conversation.start_time, Conversation.contact_key)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    # The UTF-8 of the page's rows only: in the same select, PostgreSQL computes it (detoasting each text) for
    # every row the offset skips too (the last page, offset 1,000: 1.56 against 0.64 ms, bench_call_details.py).
    # The order is the subquery's (its pathkeys: no sort in the plan).
    return select(page.c.row_layout, Utf8(page.c.row)).order_by(page.c.start_time, page.c.contact_key)
