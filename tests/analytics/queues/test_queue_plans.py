"""The index plans Queue Size and Contact Volume rely on (contactcenter/queue_contacts.py), by EXPLAIN on both
databases: today's entries by the queue's EnterTime range, the older open ones through the partial index of
open conversations, never a scan of the queue's whole history."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Engine, text

from smartassist.analytics.queues.service import QueueSizeQuery, queue_size
from smartassist.contactcenter.data_versions import Remembered
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


def _members(plan: str, sqlite: bool) -> list[str]:
    """The plans of a UNION ALL's members, in order (a UNION ALL of three is planned as two nested ones):
    under SQLite's MERGE, its LEFT and RIGHT parts; under PostgreSQL's Append, its children that hold no
    Append themselves."""
    lines = plan.splitlines()
    if sqlite:

        def node(at: int) -> tuple[list[str], int]:  # (the leaves' plans, where the node ends)
            if lines[at] != "MERGE (UNION ALL)":
                end = next((n for n in range(at, len(lines)) if lines[n] == "RIGHT"), len(lines))
                return ["\n".join(lines[at:end])], end
            assert lines[at + 1] == "LEFT", plan
            left, at = node(at + 2)
            assert lines[at] == "RIGHT", plan
            right, at = node(at + 1)
            return left + right, at

        return node(0)[0]

    def block(at: int) -> list[str]:  # the node's line and those indented below it
        column = lines[at].index("->")
        rest = (n for n in range(at + 1, len(lines)) if len(lines[n]) - len(lines[n].lstrip()) <= column)
        return lines[at : next(rest, len(lines))]

    leaves: list[tuple[int, str]] = []
    for at, line in enumerate(lines):
        if line.strip().startswith("->  Append"):
            child = " " * (line.index("->") + 6) + "->"
            for n, inner in enumerate(block(at)[1:], start=at + 1):
                if inner.startswith(child) and not any("->  Append" in x for x in block(n)):
                    leaves.append((n, "\n".join(block(n))))
    return [leaf for _, leaf in sorted(leaves)]


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
    if db_engine.dialect.name == "postgresql":  # the planner sees that one conversation of 41 is open
        with db_engine.connect() as conn:
            conn.execute(text("ANALYZE conversations, queue_entries, agent_segments, queues"))
    # Reads without its pool (never opened): the same statements, run on db_engine, where they are recorded
    reads = Reads(database_url, db_engine)
    with recorded(db_engine) as statements, db_engine.connect() as connection:
        [stats] = asyncio.run(queue_size(reads, Remembered(), account, "st-1", "qu-1", QueueSizeQuery(), now=NOW))
        volume = call_volume(connection, account, VolumeQuery("o", Window(NOW - 3 * DAY, NOW), 0, 1000, False))
    assert stats["waiting"] == 1 and sum(r["offeredContacts"] for r in volume["CallVolumeUpdate"]) == 41
    sqlite = db_engine.dialect.name == "sqlite"
    # Queue Size: one statement, the UNION ALL of its two branches (the open conversations' entries, today's),
    # each the entries left-joined to their segments, and its lookup; Contact Volume: one statement, the window's
    [live] = _plans(db_engine, statements, "end_time IS NULL")
    open_entries, today, lookup = _members(live, sqlite)
    # the agents' statuses: one primary-key probe of agent_latest_status each, never their events
    assert "agent_status_events" not in lookup, lookup
    if sqlite:
        assert "SEARCH agent_latest_status USING INTEGER PRIMARY KEY (rowid=?)" in lookup, lookup
        assert "SEARCH agent_queues USING COVERING INDEX ix_agent_queues_queue_agent (queue_pk=?)" in lookup
    else:
        assert "pk_agent_latest_status" in lookup and "ix_agent_queues_queue_agent" in lookup, lookup
    volume_sql = [(sql, params) for sql, params in statements if "enter_time >=" in sql and "UNION ALL" not in sql]
    window = [today, *explained(db_engine, volume_sql)]
    assert len(window) == 2  # Queue Size's today, Contact Volume's window
    assert "ix_conversations_account_open" in open_entries and "ix_queue_entries_conversation" in open_entries
    # each entry's segments: one probe of its conversation's (or, on PostgreSQL, its queue entry's) index
    assert "ix_agent_segments_conversation" in open_entries or (
        not sqlite and "Index Cond: (queue_entry_pk = queue_entries.id)" in open_entries
    ), open_entries
    assert "ix_agent_segments_account_assigned" not in open_entries  # not every segment of the account
    if sqlite:
        assert "SEARCH agent_segments USING INDEX ix_agent_segments_conversation" in open_entries
        assert all("SEARCH agent_segments USING INDEX ix_agent_segments_conversation" in p for p in window), window
        assert all("ix_queue_entries_queue_enter" in p or "ix_queue_entries_account_enter" in p for p in window)
        plans = [open_entries, *window]
        assert not any("SCAN queue_entries" in p or "SCAN agent_segments" in p for p in plans), plans
    else:
        assert all("ix_queue_entries_queue_enter" in p or "ix_queue_entries_account_enter" in p for p in window)
