"""Reads of the hot path (token checks, IntentRealtimeData, the live routes) that never block the event loop.

On PostgreSQL they go through psycopg's own async connections (a psycopg_pool AsyncConnectionPool per worker,
autocommit): while one request waits for the server the worker serves others. With the blocking driver on the
event loop, a worker stood still for every round trip (IntentRealtimeData at 0.20 of /healthz under wrk on
PostgreSQL, see bench/README.md). The statements are SQLAlchemy Core statements compiled once to psycopg's SQL
(one definition of each query for both backends); SQLAlchemy's own async engine would need greenlet and adds
its execution layer's CPU to a request that is mostly that.

On SQLite the same statements run on the sync autocommit connection (db.read_connection): a read of a local
file has no network wait to overlap, and the event loop would only add a thread hop.
"""

from __future__ import annotations

import asyncio
import re
import select as io_select
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import CompoundSelect, Engine, Select, make_url
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg

from smartassist.db import CONNECT_TIMEOUT_S, read_connection

_DIALECT = pg_psycopg.dialect()  # type: ignore[no-untyped-call]
POOL_MAX = 15  # per worker, as the sync read pool (5 + 10 overflow)
POOL_TIMEOUT_S = 10.0
_EXPANDING_IN = re.compile(r"IN \(__\[POSTCOMPILE_(\w+)\]\)")
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")
Statement = Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]


class Reads:
    """Runs prebuilt Core statements and returns their rows as tuples; one per app instance."""

    def __init__(self, database_url: str, read_engine: Engine) -> None:
        self._read_engine = read_engine
        self._sql: dict[int, tuple[bytes, tuple[str, ...], dict[str, Any]]] = {}
        self._conninfo: str | None = None
        if make_url(database_url).get_backend_name() == "postgresql":
            self._conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        # One pool per event loop, opened by the app's lifespan in the loop that serves it (a psycopg pool
        # belongs to one loop and runs worker tasks there). A loop the lifespan did not run in (a test client
        # used without `with`: one short-lived loop per request) gets the sync read instead of a pool whose
        # workers would outlive it.
        self._pools: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncConnectionPool] = (
            weakref.WeakKeyDictionary()
        )

    async def rows(self, statement: Statement, params: Mapping[str, Any]) -> Sequence[tuple[Any, ...]]:
        pool = self._pools.get(asyncio.get_running_loop())
        if pool is None:
            with read_connection(self._read_engine) as connection:
                return [tuple(row) for row in connection.execute(statement, dict(params))]
        sql, names, defaults = self._compiled(statement)
        values = [params[name] if name in params else defaults[name] for name in names]
        async with pool.connection() as connection:
            cursor = psycopg.AsyncRawCursor(connection)
            await cursor.execute(sql, values)
            return await cursor.fetchall()

    async def open(self) -> None:
        """Open the running loop's pool (PostgreSQL only; the app's lifespan calls this at startup)."""
        if self._conninfo is None or asyncio.get_running_loop() in self._pools:
            return
        pool = AsyncConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=POOL_MAX,
            timeout=POOL_TIMEOUT_S,
            kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S},
            check=_refuse_closed_connection,
            open=False,
        )
        await pool.open()
        self._pools[asyncio.get_running_loop()] = pool

    async def close(self) -> None:
        """Close the running loop's pool (the app's lifespan, at shutdown)."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def _compiled(self, statement: Statement) -> tuple[bytes, tuple[str, ...], dict[str, Any]]:
        """PostgreSQL's SQL text (`$n` placeholders), the parameter name of each placeholder and the
        statement's literal parameters (its LIMIT).

        The text is converted once here and run through a raw cursor (values by position): psycopg converts
        `%(name)s` placeholders on every execute and caches the conversion only for texts under 4,096 bytes,
        so Queue Size's one UNION ALL (~9,000) was split again by its regular expression on every request (~7 %
        of a request's samples under py-spy).

        Statements are module constants (or built once per shape and kept), so id() names each for good. An
        expanding IN (`bindparam(name, expanding=True)`, a list of values) becomes `= ANY(%(name)s)`, the list
        sent as one array: the same rows (the lists are never empty: their shape omits the condition then),
        and one SQL text, prepared once, for any number of values.
        """
        cached = self._sql.get(id(statement))
        if cached is None:
            compiled = statement.compile(dialect=_DIALECT)
            names: list[str] = []

            def placeholder(match: re.Match[str]) -> str:
                if match.group(1) is None:
                    return "%"  # a literal %, which the pyformat text writes %%
                if match.group(1) not in names:
                    names.append(match.group(1))
                return f"${names.index(match.group(1)) + 1}"

            sql = _PLACEHOLDER.sub(placeholder, _EXPANDING_IN.sub(r"= ANY(%(\1)s)", str(compiled)))
            cached = self._sql[id(statement)] = (sql.encode(), tuple(names), dict(compiled.params))
        return cached


async def _refuse_closed_connection(connection: psycopg.AsyncConnection[Any]) -> None:
    """Discard a pooled connection the server has closed, before it is used: the socket check of
    db._refuse_closed_connection, without a round trip per checkout."""
    if connection.closed:
        raise psycopg.OperationalError("connection closed")
    poller = io_select.poll()
    poller.register(connection.fileno(), io_select.POLLIN | io_select.POLLPRI)
    if poller.poll(0):
        raise psycopg.OperationalError("the server closed the connection")
