"""Agent Status Details database side: a fixed number of queries whatever the page size, the event that
closes a span crossing the window end, and the index plans agent_status/service.py relies on."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine

from smartassist.analytics.agent_status.request import AgentStatusQuery
from smartassist.analytics.agent_status.service import agent_status_details
from tests.analytics.plans import explained, recorded
from tests.support.rows import DAY, HOUR, MINUTE, T0, add_account, add_agent, add_events, add_logins

WINDOW = AgentStatusQuery(start_ms=T0, end_ms=T0 + DAY, offset_minutes=0, emails=None)

# The app fixture empties every table after each test: rows written here must not reach the next module.
pytestmark = pytest.mark.usefixtures("app")


def run(
    engine: Engine, account_id: str, version: int = 3, limit: int = 50, query: AgentStatusQuery = WINDOW
) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The response as data, and the SQL statements it took (with their parameters)."""
    with recorded(engine) as statements, engine.connect() as connection:
        body = agent_status_details(connection, account_id, query, version=version, limit=limit, offset=0)
    return json.loads(body), statements


def test_a_fixed_number_of_queries_whatever_the_page_size(db_engine: Engine) -> None:
    account = add_account(db_engine)
    for n in range(5):
        agent = add_agent(db_engine, account, f"a{n}@x.com", user_id=f"u-{n}")
        add_events(db_engine, account, agent, [(T0 - HOUR + m * MINUTE, "Busy") for m in range(0, 120, 7)])
        add_logins(db_engine, account, agent, [("entry", T0 + m * MINUTE, None) for m in range(0, 60, 9)])
    body, statements = run(db_engine, account, limit=3)
    assert [a["userId"] for a in body["data"]] == ["u-0", "u-1", "u-2"] and body["hasMore"] is True
    assert len(statements) == 5
    assert len(run(db_engine, account, limit=50)[1]) == 5
    assert len(run(db_engine, account, version=1)[1]) == 4  # no login events before v3


def test_the_span_crossing_the_end_is_closed_by_the_first_event_after_it(db_engine: Engine) -> None:
    """Only the first event at or after the end is read, the earliest by (ts, id), however many follow."""
    account = add_account(db_engine)
    agent = add_agent(db_engine, account, "a@x.com", user_id="u-1")
    later = [(T0 + DAY + HOUR, "Available"), (T0 + DAY + HOUR, "Offline"), (T0 + DAY, "Away")]
    add_events(db_engine, account, agent, [(T0 + 23 * HOUR, "Busy"), *later])
    body, _ = run(db_engine, account)
    assert body["data"][0]["status"] == [
        {
            "primaryStatus": "BUSY",
            "secondaryStatus": "BUSY",
            "startTime": "2022-12-12T23:00:00",
            "endTime": "2022-12-13T00:00:00",
            "duration": "01:00:00",
        }
    ]


def test_queries_use_the_indexes_the_service_names(db_engine: Engine) -> None:
    account = add_account(db_engine)
    agent = add_agent(db_engine, account, "a@x.com")
    add_events(db_engine, account, agent, [(T0 - m * MINUTE, "Busy") for m in range(-600, 600, 5)])
    add_logins(db_engine, account, agent, [("entry", T0 + m * MINUTE, None) for m in range(0, 600, 5)])
    _, statements = run(db_engine, account)
    sqlite = db_engine.dialect.name == "sqlite"
    plans = explained(db_engine, statements)
    _page, before, inside, after, logins = plans
    if sqlite:
        assert "USING COVERING INDEX ix_agent_status_events_agent_ts_id (agent_id=? AND ts<?)" in before
        assert "USING COVERING INDEX ix_agent_status_events_agent_ts_id (agent_id=? AND ts>?)" in after
        assert "USING INDEX ix_agent_status_events_agent_ts_id (agent_id=? AND ts>? AND ts<?)" in inside
        assert "USING INDEX ix_agent_login_events_agent_at (agent_pk=? AND at>? AND at<?)" in logins
        assert "TEMP B-TREE" not in before + inside + after + logins
    else:
        assert "Index Only Scan Backward using ix_agent_status_events_agent_ts_id" in before
        assert "Index Only Scan using ix_agent_status_events_agent_ts_id" in after
        assert "ix_agent_status_events_agent_ts_id" in inside
        assert "ix_agent_login_events_agent_at" in logins
