"""Coalesced reads: on one worker's event loop, requests that run the same hot statement at the same time are sent
to PostgreSQL as one statement, each getting its own rows back.

Why, measured (bench/README.md, Agent Activity): under wrk (32 connections, `serve --workers 2`), the WFM poll
cost PostgreSQL ~90 µs of CPU and its worker ~20-30 µs in asyncpg, for a statement that reads five rows: the
cost is a statement's own (its round trip, its backend's wakeup, its executor start), not its rows. Sent
together, a batch of n requests pays that once (asyncpg, 32 tasks on uvloop: ~25 000 polls/s one statement each,
~75 000 coalesced, client CPU per poll ~23 -> ~6 µs).

The rule that keeps a coalesced read exact: a request's rows come from a statement sent after the request was
made. A request never joins a statement already on its way; it waits for the next one. So it sees every
transaction committed before it began, as a read of its own would (an ingest shows on the very next request,
docs/API.md). At most MAX_IN_FLIGHT statements of a kind are out at once per worker; requests arriving
meanwhile wait and go together in the next, at most MAX_BATCH a statement. With no load, a request goes alone
at once (one task hop later). A failed statement fails each of its requests with its error; a request whose
client went away (its wait cancelled) is dropped from the batch, not sent.

Statements: `coalesced(build, order, **types)` builds both forms from one definition, the `one` statement (one
request's parameters bound by name: SQLite and the sync paths run it) and the `many` one (PostgreSQL only):
`unnest` of one array per parameter, the request's index first, each request's rows by a LATERAL subquery
(`OFFSET 0`, so the planner runs it per request through the index, rather than flattening it into one hash join
over the whole table: EXPLAIN), in the `one` statement's order within each request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Integer, Select, column, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlalchemy.types import TypeEngine

MAX_IN_FLIGHT = 2
MAX_BATCH = 64
Statement = Select[*tuple[Any, ...]]
INDEX = "n"  # the `many` statement's first column and array: the request's place in the batch

P = TypeVar("P")
R = TypeVar("R")


@dataclass(frozen=True, eq=False)
class Coalesced:
    """A statement in its two forms: `one` (parameters by name) and `many` (first column the request's index,
    then `one`'s columns; its parameters `n` and one array per name of `names`)."""

    one: Statement
    many: Statement
    names: tuple[str, ...]


def coalesced(build: Callable[..., Statement], order: Sequence[str], **types: TypeEngine[Any]) -> Coalesced:
    """`build(**parameters)`: the statement, unordered, for parameters given as SQL expressions (the names and
    types of `types`); `order`: the names of its columns that order its rows (a unique order: they end in a key)."""
    params: dict[str, ColumnElement[Any]] = {name: BindParameter(name, type_=kind) for name, kind in types.items()}
    one = build(**params)
    one = one.order_by(*(one.selected_columns[name] for name in order))
    arrays = [BindParameter(INDEX, type_=ARRAY(Integer))]
    arrays += [BindParameter(name, type_=ARRAY(kind)) for name, kind in types.items()]
    batch = (
        func.unnest(*arrays)
        .table_valued(column(INDEX, Integer), *(column(name, kind) for name, kind in types.items()))
        .render_derived(name="batch")
    )
    each = build(**{name: batch.c[name] for name in types}).offset(0).lateral("each")
    many = (
        select(batch.c[INDEX], *each.c)
        .select_from(batch.join(each, true()))
        .order_by(batch.c[INDEX], *(each.c[name] for name in order))
    )
    return Coalesced(one, many, tuple(types))


class Batcher(Generic[P, R]):
    """Requests of one kind on one event loop, sent `send(items) -> results` (one result per item, in order) in
    batches, by the rule of the module docstring."""

    def __init__(
        self,
        send: Callable[[list[P]], Awaitable[list[R]]],
        *,
        max_in_flight: int = MAX_IN_FLIGHT,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._send = send
        self._max_in_flight = max_in_flight
        self._max_batch = max_batch
        self._waiting: list[tuple[P, asyncio.Future[R]]] = []
        self._in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()  # held: the loop keeps only weak references to tasks

    async def __call__(self, item: P) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        if self._in_flight < self._max_in_flight:
            self._in_flight += 1
            task = loop.create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        """Send what waits, batch after batch, until nothing does."""
        try:
            while self._waiting:
                batch = [entry for entry in self._waiting[: self._max_batch] if not entry[1].done()]
                del self._waiting[: self._max_batch]
                if not batch:
                    continue
                try:
                    results = await self._send([item for item, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                except BaseException:  # the task cancelled (the loop closing): so are its requests' waits
                    for _, future in batch:
                        future.cancel()
                    raise
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            self._in_flight -= 1
