"""The conversations ingest's deletes: a changed conversation ingested again drops its queue entries, and the
database cascades each deleted entry to agent_segments. The cascade's lookup (the statement both databases run
for each deleted entry) must be an index search, not a scan of every account's segments."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.analytics.plans import explained


def test_the_cascade_of_a_deleted_queue_entry_searches_an_index(db_engine: Engine) -> None:
    [plan] = explained(db_engine, [("DELETE FROM agent_segments WHERE queue_entry_pk = 1", {})])
    if db_engine.dialect.name == "sqlite":
        assert "USING COVERING INDEX ix_agent_segments_queue_entry (queue_entry_pk=?)" in plan, plan
    else:
        assert "ix_agent_segments_queue_entry" in plan and "Seq Scan" not in plan, plan
