"""EXPLAIN of the Call Details page query: the range scan of ix_conversations_account_start in index order that
analytics/conversations/service.py relies on (no sort of the window), with and without filters."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from smartassist.analytics.conversations.request import CallDetailsQuery
from smartassist.analytics.conversations.service import page_params, page_statement, shape_of


@pytest.mark.parametrize(
    ("channels", "queues", "direction"),
    [((), (), "Both"), (("voice",), (), "Inbound"), ((), ("qu-1",), "Outbound")],
)
def test_page_is_an_index_range_scan_without_a_sort(
    db_engine: Engine, channels: tuple[str, ...], queues: tuple[str, ...], direction: str
) -> None:
    query = CallDetailsQuery(0, 7 * 86_400_000, 0, channels, queues, None, direction)
    stmt = page_statement(shape_of(query, v2=True)).params(page_params("a" * 24, query, limit=100, offset_pages=10))
    sql = str(stmt.compile(db_engine, compile_kwargs={"literal_binds": True}))
    sqlite = db_engine.dialect.name == "sqlite"
    with db_engine.connect() as conn:
        if not sqlite:  # empty tables: ask for the path the planner takes on real volumes
            conn.exec_driver_sql("SET enable_seqscan = off")
        prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
        plan = "\n".join(str(row[-1] if sqlite else row[0]) for row in conn.exec_driver_sql(prefix + sql))
    if sqlite:
        scan = "USING INDEX ix_conversations_account_start (account_id=? AND start_time>? AND start_time<?)"
        assert f"SEARCH conversations {scan}" in plan
        # The page's subquery reads in index order; SQLite sorts its at most `limit` rows again for the outer
        # ORDER BY (PostgreSQL knows them sorted), never the window.
        inner, _, outer = plan.partition("SCAN page")
        assert "TEMP B-TREE" not in inner, plan
        assert outer.strip() in ("", "USE TEMP B-TREE FOR ORDER BY"), plan
    else:
        assert "Index Scan using ix_conversations_account_start on conversations" in plan
        assert "Sort" not in plan
    if queues:
        assert "ix_queue_entries_conversation" in plan
