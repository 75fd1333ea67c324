"""Set-based writes: many rows of one table in one statement (insert, upsert, insert-if-new), on either database.

On PostgreSQL the rows travel as one JSON document through json_to_recordset(): a single short statement with
one parameter, whatever the number of rows. The generic multi-row VALUES form (SQLAlchemy's insertmanyvalues)
costs SQLAlchemy and psycopg a pure-Python pass over statements with thousands of placeholders (psycopg's
query conversion alone was 18 % of the conversations route's time under py-spy). Measured on 8,358 simulated
conversations (with the deletes a new conversation does not need left out too): the statements' time 4.7 s ->
1.1 s. SQLite takes the plain executemany form (its driver binds rows in C).

Every row of a call has the same keys. RETURNING order is not the rows' order: return a key with the value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import orjson
from sqlalchemy import (
    JSON,
    ColumnElement,
    Table,
    Text,
    bindparam,
    cast,
    column,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from smartassist.db import dialect_insert

T = TypeVar("T")
IN_CHUNK = 1000  # keeps IN lists under SQLite's and PostgreSQL's bind-parameter limits


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
        source = (
            func.json_to_recordset(cast(bindparam("rows", json_document(rows), type_=Text), postgresql.JSON))
            .table_valued(*(column(name, table.c[name].type) for name in names))
            .render_derived(with_types=True)
        )
        stmt = stmt.from_select(names, select(*source.c))
    stmt = finish(stmt)
    if returning or extra:
        stmt = stmt.returning(*(table.c[name] for name in returning), *extra)
    result = session.execute(stmt) if dialect == "postgresql" else session.execute(stmt, rows)
    return [tuple(row) for row in result] if returning or extra else []
