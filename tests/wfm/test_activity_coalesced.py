"""The WFM poll's coalesced read (read_batches.py) on both databases: polls of two accounts sent at once each get
exactly their own account's events in their own window, by hand; on PostgreSQL they went as fewer statements."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import Engine, make_url

from smartassist.read_pool import ReadPool
from smartassist.reads import Reads
from smartassist.wfm.service import ACTIVITY, activity_params
from tests.support.rows import T0, add_account, add_agent, add_events


def test_polls_sent_together_get_their_own_rows(
    database_url: str, db_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two = add_account(db_engine, "One"), add_account(db_engine, "Two")
    agent_one = add_agent(db_engine, one, "one@example.com")
    agent_two = add_agent(db_engine, two, "two@example.com")
    add_events(db_engine, one, agent_one, [(T0, "Available"), (T0 + 1000, "Busy"), (T0 + 2000, "Available")])
    add_events(db_engine, two, agent_two, [(T0 + 500, "Busy"), (T0 + 1500, "Available")])
    # (account, start, end) -> its events (ts, status), worked out by hand: start <= ts < end.
    polls = {
        (one, T0, T0 + 1500): [(T0, "Available"), (T0 + 1000, "Busy")],
        (two, T0, T0 + 3000): [(T0 + 500, "Busy"), (T0 + 1500, "Available")],
        (one, T0 + 1000, T0 + 3000): [(T0 + 1000, "Busy"), (T0 + 2000, "Available")],
        (two, T0 + 2000, T0 + 3000): [],
        (one, T0 + 2000, T0 + 2001): [(T0 + 2000, "Available")],
        (two, T0 + 500, T0 + 500 + 1): [(T0 + 500, "Busy")],
    }
    asked = [key for key in polls for _ in range(4)]
    statements: list[str] = []
    fetch = ReadPool.fetch

    async def counted(self: ReadPool, sql: str, args: list[Any]) -> list[Any]:
        statements.append(sql)
        return await fetch(self, sql, args)

    monkeypatch.setattr(ReadPool, "fetch", counted)
    reads = Reads(database_url, db_engine)

    async def poll_all() -> list[Sequence[tuple[Any, ...]]]:
        await reads.open()
        try:
            return await asyncio.gather(
                *(reads.coalesced_rows(ACTIVITY, activity_params(a, start=s, end=e)) for a, s, e in asked)
            )
        finally:
            await reads.close()

    results = asyncio.run(poll_all())
    for key, rows in zip(asked, results, strict=True):
        assert [(row[0], row[2]) for row in rows] == polls[key], key
        assert {row[1] for row in rows} <= {agent_one if key[0] == one else agent_two}
    if make_url(database_url).get_backend_name() == "postgresql":
        assert 0 < len(statements) <= 2, statements  # 24 polls at once: one statement, two at most (in flight)
    else:
        assert statements == []  # SQLite reads run on the sync connection, one by one
