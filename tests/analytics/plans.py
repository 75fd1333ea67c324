"""Helpers for the query-plan tests: record the SQL a call sends, then EXPLAIN each statement."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def recorded(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The (statement, parameters) sent on the engine while the block runs."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explained(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    """Each statement's plan as text: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL with sequential
    scans disabled (test tables are tiny: this asks for the index path the planner takes on real volumes)."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if not sqlite:
            conn.exec_driver_sql("SET enable_seqscan = off")
        return [
            "\n".join(
                str(row[-1] if sqlite else row[0])
                for row in conn.exec_driver_sql(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, params)
            )
            for statement, params in statements
        ]


def sqlite_index(engine: Engine, table: str, columns: list[str]) -> str:
    """SQLite's name for the index of a table constraint on `columns`: it names them by their position in the
    table (sqlite_autoindex_<table>_N), which a table rebuild by a migration changes."""
    with engine.connect() as conn:
        for row in conn.exec_driver_sql(f"PRAGMA index_list({table})"):
            if [info[2] for info in conn.exec_driver_sql(f"PRAGMA index_info({row[1]})")] == columns:
                return str(row[1])
    raise AssertionError(f"no index on {table} {columns}")
