"""The index plans wfm/service.py relies on, by EXPLAIN on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from smartassist.contactcenter.data_versions import Remembered
from smartassist.wfm import service
from tests.analytics.plans import explained, recorded, sqlite_index
from tests.support.rows import HOUR, MINUTE, T0, add_account, add_agent, add_events, add_queue

# The app fixture empties every table after each test: rows written here must not reach the next module.
pytestmark = pytest.mark.usefixtures("app")


def test_wfm_queries_use_their_indexes(db_engine: Engine) -> None:
    account = add_account(db_engine)
    agent = add_agent(db_engine, account, "a@x.com")
    add_events(db_engine, account, agent, [(T0 + m * MINUTE, "Busy") for m in range(-600, 600, 5)])
    add_queue(db_engine, account, "qu-1", "Sales")
    with recorded(db_engine) as statements, db_engine.connect() as connection:
        service.wfm_agents(connection, account, limit=100, offset=0)
        service.wfm_queues(connection, account)
        remembered: service.AgentKeys = Remembered()
        updates = service.agent_activity_in(connection, remembered, account, start=T0, end=T0 + HOUR)["AgentUpdates"]
    assert len(updates) == 12  # every 5 minutes in [T0, T0 + 1 h)
    sqlite = db_engine.dialect.name == "sqlite"
    agents, queues, activity, _agent_keys = explained(db_engine, statements)
    if sqlite:
        assert (
            f"SEARCH agents USING INDEX {sqlite_index(db_engine, 'agents', ['account_id', 'agent_key'])} (account_id=?)"
            in agents
        )
        assert "TEMP B-TREE" not in agents
        assert "SEARCH queues USING COVERING INDEX ix_queues_account_name (account_id=?)" in queues
        assert "TEMP B-TREE" not in queues
        assert "USING INDEX ix_agent_status_events_account_ts (account_id=? AND ts>? AND ts<?)" in activity
        assert "TEMP B-TREE" not in activity  # (ts, id): the index's own order (id is the rowid)
        assert "SEARCH data_versions USING INDEX sqlite_autoindex_data_versions_1 (account_id=?)" in activity
    else:
        assert "Index Scan using uq_agents_account_id_agent_key" in agents and "Sort" not in agents
        assert "Index Only Scan using ix_queues_account_name" in queues and "Sort" not in queues
        assert "Index Scan using ix_agent_status_events_account_ts" in activity
        assert "pk_data_versions" in activity and "agents" not in activity.replace("agents_version", "")
