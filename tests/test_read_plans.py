"""The hot path's reads run with generic plans (read_pool.py: `plan_cache_mode = force_generic_plan`): each
statement they send, recorded as the routes run, reads through the same indexes in its generic plan as in the
plan PostgreSQL makes for the values at hand (which the query-plan tests of each route hold to their index)."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import asyncpg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url

from smartassist.read_pool import ReadPool
from tests.support.contacts import MINUTE, Entry, Seg, add_agent, add_bot, add_contact, add_queue
from tests.support.tenants import ANALYTICS, WFM, tenant

_INDEX = re.compile(r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)")


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):  # an array literal of no type yet: the parameter's cast types it
        items = ",".join('"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"' for item in value)
        return _literal("{" + items + "}")
    raise AssertionError(f"no literal for {value!r}")


async def _indexes(database_url: str, sql: str, args: list[Any], mode: str) -> list[str]:
    """The indexes of the statement's plan under plan_cache_mode `mode`, sequential scans off (tiny tables)."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"SET plan_cache_mode = {mode}; SET enable_seqscan = off")
        await connection.execute(f"PREPARE recorded AS {sql}")
        values = ", ".join(_literal(arg) for arg in args)
        plan = "\n".join(row[0] for row in await connection.fetch(f"EXPLAIN EXECUTE recorded({values})"))
    finally:
        await connection.close()
    return sorted(_INDEX.findall(plan))


def test_generic_plans_read_the_indexes_of_the_custom_ones(
    client: TestClient, db_engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: dict[str, list[Any]] = {}
    fetch = ReadPool.fetch

    async def recording(self: ReadPool, sql: str, args: list[Any]) -> list[Any]:
        sent[sql] = args
        return await fetch(self, sql, args)

    monkeypatch.setattr(ReadPool, "fetch", recording)
    caller = tenant(client, scopes=[ANALYTICS, WFM])
    account = caller.account_id
    add_bot(db_engine, account, "st-1")
    queue = add_queue(db_engine, account, "qu-1", "Sales")
    now = int(time.time() * 1000)
    add_agent(db_engine, account, "a-1", queues=(queue,), statuses=((now - 9 * MINUTE, "Available"),))
    add_contact(db_engine, account, "st-1", [Entry(queue, now - 5 * MINUTE, [Seg(1, now - 4 * MINUTE)])])
    add_contact(db_engine, account, "st-1", [Entry(queue, now - 3 * MINUTE)])
    wfm = f"/agentassist/api/public/analytics/account/{account}"
    stats = "/agentassist/api/v1/public/st-1/monitor/queueStatsById/qu-1"
    for method, path, body in (
        ("GET", "/api/public/bot/st-1/intentrealtimedata", None),
        ("GET", "/api/public/bot/st-unknown/intentrealtimedata", None),
        ("GET", f"{wfm}/queues", None),
        ("GET", f"{wfm}/agentactivity?fromTimeStamp=2024-01-01T00:00:00Z&toTimeStamp=2024-01-01T00:00:30Z", None),
        ("POST", stats, {}),
        ("POST", stats, {"channels": ["rtm"], "languages": ["en"]}),
    ):
        response = client.request(method, path, json=body, headers=caller.headers)
        assert response.status_code in (200, 404), response.text
    if db_engine.dialect.name == "sqlite":
        assert sent == {}  # SQLite's reads run on the sync connection (reads.py): no pool, no plan cache
        return
    assert len(sent) >= 7  # credentials, sessions, bot, queues, activity, and Queue Size's reads
    for sql, args in sent.items():
        custom = asyncio.run(_indexes(database_url, sql, args, "force_custom_plan"))
        generic = asyncio.run(_indexes(database_url, sql, args, "force_generic_plan"))
        assert custom, sql
        assert generic == custom, sql
