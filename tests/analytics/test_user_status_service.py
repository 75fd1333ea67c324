"""UserStatus database side: a fixed number of queries, the right event at the window start, interactions
that overlap the window however long ago they began."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, event

from smartassist.analytics.user_status import service as user_status
from smartassist.analytics.user_status.request import UserStatusQuery
from smartassist.analytics.user_status.service import user_status_chunks
from tests.support.rows import DAY, HOUR, MINUTE, T0, add_account, add_agent, add_events, add_interactions

WINDOW = UserStatusQuery(start_ms=T0, end_ms=T0 + HOUR, granularity_ms=HOUR, emails=None)


def run(
    engine: Engine, account_id: str, query: UserStatusQuery = WINDOW, now: int = T0 + DAY, limit: int = 50
) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The response as data, and the SQL statements it took (with their parameters)."""
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.connect() as connection:
            body = json.loads(
                b"".join(user_status_chunks(connection, account_id, query, limit=limit, offset=0, now=now))
            )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return body, statements


def status_sums(body: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """userId -> [(value, sum)] of the first bucket."""
    return {
        agent["userId"]: [(e["value"], e["stats"]["sum"]) for e in agent["timeInterval"][0]["status"]]
        for agent in body["data"]
        if agent["timeInterval"]
    }


def test_four_queries_whatever_the_page_size(db_engine: Engine) -> None:
    account = add_account(db_engine)
    for n in range(5):
        agent = add_agent(db_engine, account, f"a{n}@x.com", user_id=f"u-{n}")
        add_events(db_engine, account, agent, [(T0 - HOUR + m * MINUTE, "Busy") for m in range(0, 120, 7)])
        add_interactions(db_engine, account, agent, [(T0 + m * MINUTE, T0 + (m + 3) * MINUTE) for m in range(0, 60, 9)])

    body, statements = run(db_engine, account, limit=3)

    assert [a["userId"] for a in body["data"]] == ["u-0", "u-1", "u-2"] and body["hasMore"] is True
    assert len(statements) == 4
    assert len(run(db_engine, account, limit=50)[1]) == 4
    nobody = UserStatusQuery(start_ms=T0, end_ms=T0 + HOUR, granularity_ms=HOUR, emails=("nobody@x.com",))
    empty, only_page = run(db_engine, account, nobody)
    assert empty == {"hasMore": False, "limit": 50, "offset": 0, "data": []}
    assert len(only_page) == 1


def test_status_at_window_start_is_the_last_event_before_it_ties_by_insertion(db_engine: Engine) -> None:
    account = add_account(db_engine)
    old = add_agent(db_engine, account, "old@x.com", user_id="u-old")
    tie = add_agent(db_engine, account, "tie@x.com", user_id="u-tie")
    add_events(db_engine, account, old, [(T0 - 20 * DAY, "Away"), (T0 + 2 * HOUR, "Busy")])
    add_events(db_engine, account, tie, [(T0 - 2 * HOUR, "Busy"), (T0 - 30 * MINUTE, "Away")])
    add_events(
        db_engine,
        account,
        tie,
        [
            (T0 - 30 * MINUTE, "Available"),  # same instant, stored later: wins
            (T0 + 30 * MINUTE, "On Break"),
            (T0 + 30 * MINUTE, "Busy"),
        ],
    )

    body, _ = run(db_engine, account)

    assert status_sums(body) == {
        "u-old": [("Away", "3600 sec"), ("Away:Idle", "3600 sec"), ("AWAY:Interacting", "0 sec")],
        "u-tie": [
            ("Available", "1800 sec"),
            ("Available:Idle", "1800 sec"),
            ("AVAILABLE:Interacting", "0 sec"),
            ("Busy", "1800 sec"),
            ("Busy:Idle", "1800 sec"),
            ("BUSY:Interacting", "0 sec"),
        ],
    }


def test_interactions_overlapping_the_window_from_long_before_or_still_open(db_engine: Engine) -> None:
    account = add_account(db_engine)
    agents = {
        name: add_agent(db_engine, account, f"{name}@x.com", user_id=f"u-{name}")
        for name in ("open", "edges", "spanning")
    }
    for agent in agents.values():
        add_events(db_engine, account, agent, [(T0 - 10 * DAY, "Available")])
    add_interactions(db_engine, account, agents["open"], [(T0 - 5 * DAY, None)])
    # ends exactly at the window start (not counted); starts 10 min before the end, ends after it
    add_interactions(db_engine, account, agents["edges"], [(T0 - HOUR, T0), (T0 + 50 * MINUTE, T0 + 3 * HOUR)])
    add_interactions(
        db_engine, account, agents["spanning"], [(T0 - 2 * DAY, T0 + 2 * DAY), (T0 + 5 * MINUTE, T0 + 6 * MINUTE)]
    )

    body, _ = run(db_engine, account, now=T0 + 40 * MINUTE)

    assert status_sums(body) == {
        "u-edges": [("Available", "2400 sec"), ("Available:Idle", "2400 sec"), ("AVAILABLE:Interacting", "0 sec")],
        "u-open": [("Available", "2400 sec"), ("Available:Idle", "0 sec"), ("AVAILABLE:Interacting", "2400 sec")],
        "u-spanning": [("Available", "2400 sec"), ("Available:Idle", "0 sec"), ("AVAILABLE:Interacting", "2400 sec")],
    }
    assert status_sums(run(db_engine, account)[0])["u-edges"] == [
        ("Available", "3600 sec"),
        ("Available:Idle", "3000 sec"),
        ("AVAILABLE:Interacting", "600 sec"),
    ]


def test_window_queries_use_the_user_status_indexes(db_engine: Engine) -> None:
    """EXPLAIN of the statements a request runs: the index range scans user_status.py relies on."""
    account = add_account(db_engine)
    agent = add_agent(db_engine, account, "a@x.com")
    add_events(db_engine, account, agent, [(T0 - m * MINUTE, "Busy") for m in range(0, 600, 5)])
    add_interactions(db_engine, account, agent, [(T0 - m * MINUTE, T0 - m * MINUTE + MINUTE) for m in range(0, 600, 5)])
    _, statements = run(db_engine, account)
    sqlite = db_engine.dialect.name == "sqlite"
    with db_engine.connect() as conn:
        if not sqlite:  # tiny tables: ask for the index path the planner takes on real volumes
            conn.exec_driver_sql("SET enable_seqscan = off")
        plans = [
            "\n".join(
                str(row[-1] if sqlite else row[0])
                for row in conn.exec_driver_sql(
                    ("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + statement, parameters
                )
            )
            for statement, parameters in statements
        ]
    page, before, inside, interactions = plans
    assert _user_id_index(db_engine) in page
    assert "ix_agent_status_events_agent_ts_id" in before
    assert (
        "USING COVERING INDEX ix_agent_status_events_agent_ts_id (agent_id=? AND ts<?)" in before
        if sqlite
        else "Index Only Scan Backward using ix_agent_status_events_agent_ts_id" in before
    )
    assert "ix_agent_status_events_agent_ts_id" in inside
    assert interactions.count("ix_agent_interactions_agent_end_start") == 2
    if sqlite:
        assert "TEMP B-TREE" not in page + before + inside


def test_the_body_comes_in_chunks_of_about_the_chunk_size_that_join_to_the_page(
    db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = add_account(db_engine)
    for n in range(3):
        agent = add_agent(db_engine, account, f"a{n}@x.com", user_id=f"u-{n}")
        add_events(db_engine, account, agent, [(T0, "Busy")])

    def chunks(chunk_bytes: int) -> list[bytes]:
        monkeypatch.setattr(user_status, "CHUNK_BYTES", chunk_bytes)
        with db_engine.connect() as connection:
            return list(user_status.user_status_chunks(connection, account, WINDOW, limit=50, offset=0, now=T0 + DAY))

    whole = chunks(1 << 20)
    assert len(whole) == 1  # three one-bucket agents: far below a megabyte
    # Busy over the whole hour bucket, nothing interacting: 3600 s each.
    busy = [
        {"metric": "AgentStatus", "value": "Busy", "stats": {"sum": "3600 sec"}},
        {"metric": "AgentState", "value": "Busy:Idle", "stats": {"sum": "3600 sec"}},
        {"metric": "AgentState", "value": "BUSY:Interacting", "stats": {"sum": "0 sec"}},
    ]
    assert [agent["timeInterval"][0]["status"] for agent in json.loads(whole[0])["data"]] == [busy] * 3
    tiny = chunks(1)  # every agent's text reaches the size: a chunk per agent, then the page's tail
    assert len(tiny) == 4 and tiny[-1] == b"]}"
    assert b"".join(tiny) == whole[0]


def _user_id_index(engine: Engine) -> str:
    """The name of the (account_id, user_id) unique index: SQLite names the indexes of table constraints by
    their position in the table (sqlite_autoindex_agents_N), which a table rebuild by a migration changes."""
    if engine.dialect.name != "sqlite":
        return "uq_agents_account_id_user_id"
    with engine.connect() as conn:
        for row in conn.exec_driver_sql("PRAGMA index_list(agents)"):
            columns = [info[2] for info in conn.exec_driver_sql(f"PRAGMA index_info({row[1]})")]
            if columns == ["account_id", "user_id"]:
                return str(row[1])
    raise AssertionError("no (account_id, user_id) index on agents")
