"""Reads of the hot path (token checks, IntentRealtimeData, the live routes) that never block the event loop.

On PostgreSQL they go through asyncpg's connections (read_pool.ReadPool, one per worker's event loop, generic
plans; why asyncpg there, measured, in read_pool.py): while one request waits for the server the worker serves
others. With the blocking driver on the event loop, a worker stood still for every round trip
(IntentRealtimeData at 0.20 of /healthz under wrk on PostgreSQL, see bench/README.md). The statements are
SQLAlchemy Core statements compiled once to PostgreSQL's SQL with `$n` parameters (one definition of each query
for both backends); SQLAlchemy's own async engine would need greenlet and adds its execution layer's CPU to a
request that is mostly that.

On SQLite the same statements run on the sync autocommit connection (db.read_connection): a read of a local
file has no network wait to overlap, and the event loop would only add a thread hop.
"""

from __future__ import annotations

import asyncio
import re
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import CompoundSelect, Engine, Select, make_url
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg

from smartassist.db import CONNECT_TIMEOUT_S, read_connection
from smartassist.read_batches import INDEX, Batcher, Coalesced
from smartassist.read_pool import ReadPool

_DIALECT = pg_psycopg.dialect()  # type: ignore[no-untyped-call]
POOL_MAX = 15  # per worker, as the sync read pool (5 + 10 overflow)
POOL_TIMEOUT_S = 10.0
_EXPANDING_IN = re.compile(r"IN \(__\[POSTCOMPILE_(\w+)\]\)")
_PARAMETER = re.compile(r"%\((\w+)\)s|%%")
Statement = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]


class Reads:
    """Runs prebuilt Core statements and returns their rows, one per app instance: tuples on SQLite, asyncpg
    Records on PostgreSQL (which index, slice and unpack as tuples do; compare them as tuple(row))."""

    def __init__(self, database_url: str, read_engine: Engine) -> None:
        self._read_engine = read_engine
        self._sql: dict[int, tuple[str, tuple[str, ...], dict[str, Any]]] = {}
        self._dsn: str | None = None
        if make_url(database_url).get_backend_name() == "postgresql":
            # asyncpg reads a query parameter it does not know as a server setting: connect_timeout is the
            # client's (ReadPool passes its own), so it is not sent.
            url = make_url(database_url).set(drivername="postgresql").difference_update_query(["connect_timeout"])
            self._dsn = url.render_as_string(hide_password=False)
        # One pool per event loop, opened by the app's lifespan in the loop that serves it (its connections and
        # semaphore belong to that loop). A loop the lifespan did not run in (a test client used without `with`:
        # one short-lived loop per request) gets the sync read instead of connections that would outlive it.
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ReadPool] = weakref.WeakKeyDictionary()
        # Each loop's batchers (read_batches.py), by coalesced statement: futures and tasks belong to one loop.
        self._batchers: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[int, Batcher[Mapping[str, Any], list[tuple[Any, ...]]]]
        ] = weakref.WeakKeyDictionary()

    async def rows(self, statement: Statement, params: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
        pool = self._pools.get(asyncio.get_running_loop())
        if pool is None:
            with read_connection(self._read_engine) as connection:
                return [tuple(row) for row in connection.execute(statement, dict(params))]
        sql, names, defaults = self._compiled(statement)
        return await pool.fetch(sql, [params[name] if name in params else defaults[name] for name in names])

    async def coalesced_rows(self, statement: Coalesced, params: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
        """`statement.one`'s rows for `params`; on PostgreSQL sent with the requests that wait for the same
        statement on this loop, as one `statement.many` (read_batches.py: the rule that keeps it exact)."""
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            return await self.rows(statement.one, params)
        batchers = self._batchers.get(loop)
        if batchers is None:
            batchers = self._batchers[loop] = {}
        batcher = batchers.get(id(statement))
        if batcher is None:
            batcher = batchers[id(statement)] = Batcher(lambda batch: self._many(pool, statement, batch))
        return await batcher(params)

    async def _many(
        self, pool: ReadPool, statement: Coalesced, batch: list[Mapping[str, Any]]
    ) -> list[list[tuple[Any, ...]]]:
        """One `many` statement for the batch, its rows handed back to each request (without the index)."""
        sql, names, defaults = self._compiled(statement.many)
        arrays = {name: [params[name] for params in batch] for name in statement.names}
        arrays[INDEX] = list(range(len(batch)))
        rows: list[list[tuple[Any, ...]]] = [[] for _ in batch]
        for row in await pool.fetch(sql, [arrays[name] if name in arrays else defaults[name] for name in names]):
            rows[row[0]].append(row[1:])
        return rows

    async def open(self) -> None:
        """Open the running loop's pool (PostgreSQL only; the app's lifespan calls this at startup)."""
        if self._dsn is None or asyncio.get_running_loop() in self._pools:
            return
        self._pools[asyncio.get_running_loop()] = ReadPool(
            self._dsn, max_size=POOL_MAX, timeout_s=POOL_TIMEOUT_S, connect_timeout_s=CONNECT_TIMEOUT_S
        )

    async def close(self) -> None:
        """Close the running loop's pool (the app's lifespan, at shutdown)."""
        self._batchers.pop(asyncio.get_running_loop(), None)
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def _compiled(self, statement: Statement) -> tuple[str, tuple[str, ...], dict[str, Any]]:
        """PostgreSQL's SQL text (`$n` parameters), the parameter names in `$n` order, and the statement's literal
        parameters (its LIMIT).

        Statements are module constants (or built once per shape and kept), so id() names each for good. An
        expanding IN (`bindparam(name, expanding=True)`, a list of values) becomes `= ANY($n)`, the list sent as
        one array: the same rows (the lists are never empty: their shape omits the condition then), and one SQL
        text, prepared once, for any number of values. A name used twice is one parameter.
        """
        cached = self._sql.get(id(statement))
        if cached is None:
            compiled = statement.compile(dialect=_DIALECT)
            names: dict[str, int] = {}

            def number(match: re.Match[str]) -> str:
                if match.group(0) == "%%":
                    return "%"
                return f"${names.setdefault(match.group(1), len(names) + 1)}"

            sql = _PARAMETER.sub(number, _EXPANDING_IN.sub(r"= ANY(%(\1)s)", str(compiled)))
            cached = self._sql[id(statement)] = (sql, tuple(names), dict(compiled.params))
        return cached
