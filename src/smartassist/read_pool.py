"""ReadPool: the hot path's PostgreSQL connections of one worker's event loop (reads.Reads), a stack of idle ones.

The driver here is asyncpg, not psycopg, for CPU, measured (bench/README.md, issue 16): a 25-row read (the
IntentRealtimeData query), 8 concurrent tasks on uvloop, client CPU per query: psycopg's async connection
taken from psycopg_pool 112–114 µs, the same connection taken from a plain list 82–84 µs, asyncpg's
connection from a plain list 33–37 µs (asyncpg's own pool, in a run of 16 tasks where psycopg_pool's took
126 µs: 91–96 µs). Everything else (ingest, the heavy routes, migrations) stays on SQLAlchemy with psycopg;
only these reads, each a prebuilt statement, use asyncpg.

So the pool is hand-written too, with what a read needs:
- at most `max_size` connections, out or idle: an asyncio.Semaphore counts the ones out, and a request waits
  at most `timeout_s` for one (then ReadUnavailable: 503, as a dead database);
- the idle connection used last is reused first, so few stay warm;
- a connection the server closed (a restart, a failover, pg_terminate_backend) is seen closed by then (asyncpg
  reads its socket on the loop) and dropped, the next one tried; one given back after a failed or cancelled
  read is closed, not reused;
- every connection uses generic plans (`plan_cache_mode = force_generic_plan`): a driver prepares each
  statement, but PostgreSQL kept planning each execution anew (a custom plan per call, its cost estimate for the
  generic one being higher), ~0.08 ms of the backend's ~0.19 ms CPU per IntentRealtimeData request (perf). The
  hot path's statements are index reads whose plan does not depend on the values; tests/test_read_plans.py
  holds each generic plan to its index;
- json columns decoded (as psycopg does), so a row reads the same on either driver.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg

SETUP = "SET plan_cache_mode = force_generic_plan"
# What says the database, not the statement, failed: a connection error (SQLSTATE class 08), an operator's
# intervention (57: admin shutdown, a terminated backend), a closed connection, the network.
UNAVAILABLE = (
    OSError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.InterfaceError,
)


class ReadUnavailable(Exception):
    """No read connection: the database is down, unreachable, or every connection stayed busy (503)."""


class ReadPool:
    def __init__(self, dsn: str, *, max_size: int, timeout_s: float, connect_timeout_s: float) -> None:
        self._dsn = dsn
        self._timeout_s = timeout_s
        self._connect_timeout_s = connect_timeout_s
        self._out = asyncio.Semaphore(max_size)
        self._idle: list[asyncpg.Connection] = []
        self._closed = False

    async def fetch(self, sql: str, args: list[Any]) -> list[asyncpg.Record]:
        """The statement's rows, on a pooled connection."""
        connection = await self._get()
        reusable = False
        try:
            rows: list[asyncpg.Record] = await connection.fetch(sql, *args)
            reusable = True
            return rows
        except UNAVAILABLE as exc:
            raise ReadUnavailable(type(exc).__name__) from exc
        finally:
            self._put(connection, reusable)

    async def close(self) -> None:
        """Close the idle connections now, the ones out when they are given back."""
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()

    async def _get(self) -> asyncpg.Connection:
        if self._out.locked():
            try:
                async with asyncio.timeout(self._timeout_s):
                    await self._out.acquire()
            except TimeoutError:
                raise ReadUnavailable(f"no read connection free within {self._timeout_s:g} s") from None
        else:
            await self._out.acquire()
        try:
            while self._idle:
                connection = self._idle.pop()
                if not connection.is_closed():
                    return connection
            return await self._connect()
        except BaseException:
            self._out.release()
            raise

    def _put(self, connection: asyncpg.Connection, reusable: bool) -> None:
        if reusable and not self._closed and not connection.is_closed():
            self._idle.append(connection)
        else:
            connection.terminate()
        self._out.release()

    async def _connect(self) -> asyncpg.Connection:
        try:
            connection = await asyncpg.connect(self._dsn, timeout=self._connect_timeout_s)
        except (*UNAVAILABLE, asyncpg.PostgresError) as exc:  # also too many clients, starting up, refused
            raise ReadUnavailable(type(exc).__name__) from exc
        try:
            await connection.execute(SETUP)
            for name in ("json", "jsonb"):
                await connection.set_type_codec(name, encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        except BaseException:
            connection.terminate()
            raise
        return connection
