"""Set-based writes: many rows of one table in one statement (insert, upsert, insert-if-new), on either database.

On PostgreSQL the rows are copied (COPY FROM STDIN, psycopg's C row formatting) into a temporary table of the
statement's columns, which the one INSERT … SELECT (… ON CONFLICT …) then reads; the table is dropped after
it (or by a rollback). Before, the rows travelled as one JSON document through json_to_recordset(), which
PostgreSQL parsed twice (the cast to json while planning, then the function) and lexed character by character
(every quote of a conversation's stored row text escaped): perf on the backends during bench_simulate_http
7 x 100 put 19 % of their CPU in that parsing and 9 % in planning it. Measured in that bench, against the
previous commit in the same half hour (load average 3.6-4.6): the backends' CPU 3.4 / 4.3 s against 4.7 /
6.1 s, the server's 4.2 / 5.3 s against 5.3 / 7.0 s (the document's encoding and the statement's one big
parameter gone). The temporary table costs ~0.8 ms to create, a few per batch of thousands of rows. (The
generic multi-row VALUES form, SQLAlchemy's insertmanyvalues, cost SQLAlchemy and psycopg a pure-Python pass
over statements with thousands of placeholders: 4.7 s for 8,358 simulated conversations, against 1.1 s as a
JSON document.) SQLite takes the plain executemany form (its driver binds rows in C).

Every row of a call has the same keys. RETURNING order is not the rows' order: return a key with the value.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator, Sequence
from operator import itemgetter
from typing import Any, TypeVar

import orjson
import psycopg
from sqlalchemy import (
    JSON,
    ColumnElement,
    Engine,
    Table,
    cast,
    column,
    false,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import TableClause

from smartassist.db import dialect_insert

T = TypeVar("T")
IN_CHUNK = 1000  # keeps IN lists under SQLite's and PostgreSQL's bind-parameter limits


# Whether a PostgreSQL server compresses with lz4 (built with it, version 14 or newer), by engine.
_LZ4: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()


def compress_with_lz4(session: Session) -> None:
    """Values over TOAST's ~2 kB (a conversation's stored row with many segments) compressed with lz4, in this
    transaction (SET LOCAL), where the server has it; else PostgreSQL's default pglz. pglz_compress was 2.2 %
    of the machine's CPU during bench_simulate_http (perf -a), the backends' CPU 18.2 s with it against
    17.1 / 17.6 s with lz4. Rows already stored with pglz read as before. SQLite compresses nothing."""
    engine = session.get_bind().engine
    if engine.dialect.name != "postgresql":
        return
    if engine not in _LZ4:
        query = text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        _LZ4[engine] = bool(session.execute(query).scalar())
    if _LZ4[engine]:
        session.execute(text("SET LOCAL default_toast_compression = lz4"))


def chunks(values: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def insert(
    session: Session, table: Table, rows: list[dict[str, Any]], returning: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """Insert the rows; the `returning` columns of each inserted row."""
    return _write(session, table, rows, returning, lambda stmt: stmt)


def upsert(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    keys: tuple[str, ...],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert the rows, or update every other column of the stored row with the same `keys` (unique)."""

    def on_conflict(stmt: Any) -> Any:
        updates = {name: stmt.excluded[name] for name in rows[0] if name not in keys}
        return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)

    return _write(session, table, rows, returning, on_conflict)


def upsert_changed(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    keys: tuple[str, ...],
    compared: Sequence[str],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """Insert the rows, or update the stored row with the same `keys` where one of the `compared` columns differs
    (a row equal in those is left as stored, and not returned): the `returning` columns of each row inserted or
    updated, then, on PostgreSQL, True for a row inserted and False for one updated (None on SQLite, which cannot
    tell). The rows' keys must be distinct.

    Why the database compares, not a read before the write: a read of the stored rows by key (`key IN (…1000
    keys…)` within the account) was planned as a scan of all of the account's rows (a sequential scan, or the
    range of another index on the account, with the keys as a filter) once every row shares the account and the
    bot, so each batch's read cost grew with the table: at 7 days x 100 agents 26 session reads took 3.9 s of
    the run's 12.8 s, and at 30 x 200 the sessions route took 2,167 s (EXPLAIN ANALYZE: 23,464 rows filtered out
    to find 1,000). ON CONFLICT finds each row's stored version through the unique index, one probe per row,
    whatever the plan of any query, and saves the read's round trip."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name

    def differs(stmt: Any) -> ColumnElement[bool]:
        def value(expr: Any, name: str) -> Any:
            # PostgreSQL's json has no equality; jsonb compares values (key order and spacing aside), as the
            # Python equality of the decoded values did.
            return (
                cast(expr, postgresql.JSONB)
                if dialect == "postgresql" and isinstance(table.c[name].type, JSON)
                else expr
            )

        return or_(
            false(),
            *(value(table.c[name], name).is_distinct_from(value(stmt.excluded[name], name)) for name in compared),
        )

    def on_conflict(stmt: Any) -> Any:
        updates = {name: stmt.excluded[name] for name in rows[0] if name not in keys}
        return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates, where=differs(stmt))

    extra: list[Any] = [literal_column("xmax = 0")] if dialect == "postgresql" else []
    written = _write(session, table, rows, returning, on_conflict, extra)
    if dialect == "postgresql":
        return written
    return [(*row, None) for row in written]


def insert_new(session: Session, table: Table, rows: list[dict[str, Any]], keys: tuple[str, ...]) -> int:
    """Insert the rows whose `keys` are not stored yet; how many were inserted (exact, also under concurrency)."""
    inserted = _write(
        session, table, rows, ("id",), lambda stmt: stmt.on_conflict_do_nothing(index_elements=list(keys))
    )
    return len(inserted)


def json_document(rows: list[dict[str, Any]]) -> str:
    """The rows as one JSON text: orjson (psycopg's json.dumps of this document was 12 % of the conversations
    route's CPU), else the standard library for what orjson refuses (integers beyond 64 bits, lone surrogates),
    as before."""
    try:
        return orjson.dumps(rows).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(rows)


def _json_text(value: Any) -> str | None:
    """A JSON column's value as the text json_document wrote for it (None stays SQL NULL)."""
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def _write(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    returning: Sequence[str],
    finish: Any,
    extra: Sequence[Any] = (),
) -> list[tuple[Any, ...]]:
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    stmt = dialect_insert(dialect, table)
    if dialect == "postgresql":
        names = list(rows[0])
        staging = _stage(session, table, rows, names)
        stmt = stmt.from_select(names, select(*(staging.c[name] for name in names)))
    stmt = finish(stmt)
    if returning or extra:
        stmt = stmt.returning(*(table.c[name] for name in returning), *extra)
    result = session.execute(stmt) if dialect == "postgresql" else session.execute(stmt, rows)
    written = [tuple(row) for row in result] if returning or extra else []
    if dialect == "postgresql":
        session.execute(text(f"DROP TABLE {staging.name}"))
    return written


def _stage(session: Session, table: Table, rows: list[dict[str, Any]], names: list[str]) -> TableClause:
    """A temporary table of the rows' columns (the target's types), filled by COPY: the rows the INSERT then
    reads, in this transaction (dropped after the INSERT, or by the rollback)."""
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    name = f"_bulk_{table.name}"
    columns = ", ".join(f"{quote(n)} {table.c[n].type.compile(dialect=dialect)}" for n in names)
    connection.execute(text(f"CREATE TEMPORARY TABLE {name} ({columns}) ON COMMIT DROP"))
    as_json = [isinstance(table.c[n].type, JSON) for n in names]
    raw: psycopg.Connection[Any] = connection.connection.driver_connection  # type: ignore[assignment]
    # The values by name, in C (a row's keys need not be in the first row's order); a 1-tuple for one name.
    values = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    with raw.cursor() as cursor, cursor.copy(f"COPY {name} ({', '.join(quote(n) for n in names)}) FROM STDIN") as copy:
        write = copy.write_row
        if any(as_json):
            for row in rows:
                write([_json_text(v) if j else v for v, j in zip(values(row), as_json, strict=True)])
        else:
            for row in rows:
                write(values(row))
    return sql_table(name, *(column(n, table.c[n].type) for n in names))
