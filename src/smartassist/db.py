"""Engine and session factory per app instance, and the `get_session` dependency."""

from __future__ import annotations

import logging
import select
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request
from sqlalchemy import BigInteger, Connection, Engine, Integer, MetaData, String, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

log = logging.getLogger("smartassist.db")

CONNECT_TIMEOUT_S = 5

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {int: BigInteger}


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    kwargs.setdefault("pool_size", 5)
    kwargs.setdefault("max_overflow", 10)
    # Token checks wait for the database on the event loop (auth/deps.py): an unreachable server must fail
    # a connection attempt quickly rather than stall every request of the worker.
    engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT_S}, **kwargs)
    event.listen(engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
    """Drop a pooled PostgreSQL connection the server has closed, before it is used (the pool then opens
    a new one): what pool_pre_ping does, without its round trip on every checkout.

    An idle connection's socket has nothing to read unless the server ended the session (a terminated
    backend or a restart sends an error and closes): the same check as Go's MySQL driver's connCheck.
    Anything unexpected to read also counts as closed, which at worst replaces a healthy connection.
    """
    if dbapi_conn.closed:
        raise DisconnectionError("connection closed")
    poller = select.poll()
    poller.register(dbapi_conn.fileno(), select.POLLIN | select.POLLPRI)
    if poller.poll(0):
        raise DisconnectionError("the server closed the connection")


def dialect_insert(dialect_name: str, table: Any) -> postgresql.Insert | sqlite.Insert:
    """The dialect's INSERT, which has ON CONFLICT on both backends (the generic one has not)."""
    return postgresql.insert(table) if dialect_name == "postgresql" else sqlite.insert(table)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_engine(url: str) -> Engine:
    """An engine whose connections commit each statement on their own (AUTOCOMMIT), with its own pool.

    For the public read routes and token checks, whose writes (a jti row) are single statements: no
    BEGIN and no ROLLBACK round trip per request, two of the five a PostgreSQL read would otherwise make.
    Its own pool of connections set to autocommit once, rather than the transactional engine's pool with
    the isolation level switched at every checkout and back at every return (and a no-op rollback
    there): that switching was a tenth of an IntentRealtimeData request's CPU.
    """
    return make_engine(url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transactional session per request; services commit explicitly, the rest is rolled back.

    Async although the session is sync (no I/O here; see docs/ARCHITECTURE.md, Concurrency model).
    """
    session = request.app.state.runtime.sessionmaker()
    try:
        yield session
    finally:
        _close(session)


@contextmanager
def read_connection(read_engine: Engine) -> Iterator[Connection]:
    """A connection of the autocommit engine (make_read_engine), held only while the block runs (so a request
    waiting for a thread holds none; docs/ARCHITECTURE.md). A Core connection, not an ORM session: these routes
    read rows, never objects, and a session's bookkeeping cost ~5% of an IntentRealtimeData request.
    """
    connection = read_engine.connect()
    try:
        yield connection
    finally:
        _close(connection)


def _close(resource: Session | Connection) -> None:
    """Close, rolling back what is uncommitted. If the connection died meanwhile that ROLLBACK fails, though
    the server has already discarded the transaction; the response is sent by then, so don't turn it into an
    error: invalidate the connection (the pool replaces it) and go on."""
    try:
        resource.close()
    except (OperationalError, InterfaceError) as exc:
        log.warning("closing on a lost connection: %s", type(exc.orig).__name__)
        resource.invalidate()


# Autoincrementing 64-bit key; SQLite only autoincrements a column declared INTEGER.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def byte_ordered(length: int) -> String:
    """A string column that PostgreSQL compares and sorts by its bytes (COLLATE "C": code point order for UTF-8),
    as SQLite always does: the ids and names the routes order by (docs/API.md §1) come in the same order, and
    their indexes still serve that order, whatever collation the database was created with (an English locale's
    folds case and skips punctuation). Migration 0016."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")
