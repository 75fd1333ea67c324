"""The index plans Queue Size and Contact Volume rely on (contactcenter/queue_contacts.py), by EXPLAIN on both
databases: today's entries by the queue's EnterTime range, the older open ones through the partial index of
open conversations, never a scan of the queue's whole history."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine

from smartassist.analytics.queues.service import QueueSizeQuery, queue_size
from smartassist.reads import Reads
from smartassist.wfm.intervals import Window
from smartassist.wfm.volume import VolumeQuery, call_volume
from tests.analytics.plans import explained, recorded
from tests.support.contacts import DAY, HOUR, JUNE_1, MINUTE, Entry, Seg, add_agent, add_bot, add_contact, add_queue
from tests.support.rows import add_account

# The app fixture empties every table after each test: rows written here must not reach the next module.
pytestmark = pytest.mark.usefixtures("app")
NOW = JUNE_1 + 12 * HOUR


def _plans(engine: Engine, statements: list[tuple[str, object]], needle: str) -> list[str]:
    chosen = [(sql, params) for sql, params in statements if needle in sql]
    assert chosen, needle
    return explained(engine, chosen)


def test_queue_contacts_use_their_indexes(db_engine: Engine, database_url: str) -> None:
    account = add_account(db_engine)
    add_bot(db_engine, account, "st-1")
    q = add_queue(db_engine, account, "qu-1", "Sales")
    agent = add_agent(db_engine, account, "a-1", queues=(q,))
    for n in range(40):
        t = NOW - 3 * DAY + n * HOUR
        add_contact(
            db_engine, account, "st-1", [Entry(q, t, [Seg(agent, t, t + MINUTE, t + 5 * MINUTE)])], end=t + HOUR
        )
    add_contact(db_engine, account, "st-1", [Entry(q, NOW - 2 * DAY)])  # open since two days
    # Reads without its pool (never opened): the same statements, run on db_engine, where they are recorded
    reads = Reads(database_url, db_engine)
    with recorded(db_engine) as statements, db_engine.connect() as connection:
        [stats] = asyncio.run(queue_size(reads, account, "st-1", "qu-1", QueueSizeQuery(), now=NOW))
        volume = call_volume(connection, account, VolumeQuery("o", Window(NOW - 3 * DAY, NOW), 0, 1000, False))
    assert stats["waiting"] == 1 and sum(r["offeredContacts"] for r in volume["CallVolumeUpdate"]) == 41
    sqlite = db_engine.dialect.name == "sqlite"
    # one statement per branch: the entries left-joined to their segments
    [open_entries] = _plans(db_engine, statements, "end_time IS NULL")
    window = [p for p in _plans(db_engine, statements, "queue_entries.enter_time >=")]
    assert len(window) == 2  # Queue Size's today, Contact Volume's window
    assert "ix_conversations_account_open" in open_entries and "ix_queue_entries_conversation" in open_entries
    assert "ix_agent_segments_conversation" in open_entries, open_entries
    assert "ix_agent_segments_account_assigned" not in open_entries  # not every segment of the account
    if sqlite:
        assert "SEARCH agent_segments USING INDEX ix_agent_segments_conversation" in open_entries
        assert all("SEARCH agent_segments USING INDEX ix_agent_segments_conversation" in p for p in window), window
        assert all("ix_queue_entries_queue_enter" in p or "ix_queue_entries_account_enter" in p for p in window)
        plans = [open_entries, *window]
        assert not any("SCAN queue_entries" in p or "SCAN agent_segments" in p for p in plans), plans
    else:
        assert all("ix_queue_entries_queue_enter" in p or "ix_queue_entries_account_enter" in p for p in window)
