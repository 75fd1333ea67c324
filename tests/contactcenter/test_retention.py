"""Retention: which rows a prune deletes (survivors worked out by hand, around one cutoff), in batches of any
size, on both databases; every answer about a window after the cutoff is unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from smartassist.analytics.agent_status.request import AgentStatusQuery
from smartassist.analytics.agent_status.service import agent_status_details
from smartassist.contactcenter.models import (
    AgentInteraction,
    AgentLoginEvent,
    AgentSegment,
    Conversation,
    QueueEntry,
)
from smartassist.contactcenter.retention import prune
from tests.analytics.plans import explained, recorded
from tests.support.contacts import Entry, Seg, add_bot, add_contact, add_queue
from tests.support.rows import (
    DAY,
    HOUR,
    MINUTE,
    T0,
    add_account,
    add_agent,
    add_events,
    add_interactions,
    add_logins,
    status_events,
)

# The app fixture empties every table after each test.
pytestmark = pytest.mark.usefixtures("app")

CUTOFF = T0 + 40 * DAY


def test_status_events_before_the_cutoff_go_except_each_agents_latest_one(db_engine: Engine) -> None:
    account = add_account(db_engine)
    before_and_after = add_agent(db_engine, account, "a@x.com")
    add_events(
        db_engine,
        account,
        before_and_after,
        [(CUTOFF - 3 * DAY, "Available"), (CUTOFF - 2 * DAY, "Busy"), (CUTOFF - HOUR, "Away"), (CUTOFF + HOUR, "Busy")],
    )
    only_after = add_agent(db_engine, account, "b@x.com")
    add_events(db_engine, account, only_after, [(CUTOFF, "Available"), (CUTOFF + MINUTE, "Offline")])
    only_before = add_agent(db_engine, account, "c@x.com")
    add_events(db_engine, account, only_before, [(CUTOFF - 5 * DAY, "Available"), (CUTOFF - 4 * DAY, "Offline")])
    tie = add_agent(db_engine, account, "d@x.com")  # same ts: the later id is the latest (ORDER BY ts, id)
    add_events(db_engine, account, tie, [(CUTOFF - DAY, "Busy"), (CUTOFF - DAY, "Away"), (CUTOFF - 9 * DAY, "Busy")])
    other = add_account(db_engine, "Other")  # another account's agent, pruned by the same rule, on its own events
    theirs = add_agent(db_engine, other, "a@x.com")
    add_events(db_engine, other, theirs, [(CUTOFF - 7 * DAY, "Busy"), (CUTOFF - 6 * DAY, "Away")])

    deleted = prune(db_engine, CUTOFF)

    assert status_events(db_engine, before_and_after) == [(CUTOFF - HOUR, "Away"), (CUTOFF + HOUR, "Busy")]
    assert status_events(db_engine, only_after) == [(CUTOFF, "Available"), (CUTOFF + MINUTE, "Offline")]
    assert status_events(db_engine, only_before) == [(CUTOFF - 4 * DAY, "Offline")]
    assert status_events(db_engine, tie) == [(CUTOFF - DAY, "Away")]
    assert status_events(db_engine, theirs) == [(CUTOFF - 6 * DAY, "Away")]
    assert deleted["agent_status_events"] == 2 + 0 + 1 + 2 + 1


def test_interactions_logins_and_conversations_that_ended_before_the_cutoff_go(db_engine: Engine) -> None:
    account = add_account(db_engine)
    agent = add_agent(db_engine, account, "a@x.com")
    add_interactions(
        db_engine,
        account,
        agent,
        [
            (CUTOFF - 2 * DAY, CUTOFF - DAY),  # goes
            (CUTOFF - 10 * MINUTE, CUTOFF - 1),  # goes: ended 1 ms before
            (CUTOFF - HOUR, CUTOFF),  # stays: ended at the cutoff
            (CUTOFF - 2 * HOUR, CUTOFF + HOUR),  # stays: crosses it
            (CUTOFF - 3 * DAY, None),  # stays: still open
        ],
    )
    add_logins(db_engine, account, agent, [("entry", CUTOFF - DAY, None), ("exit", CUTOFF - 1, None)])
    add_logins(db_engine, account, agent, [("entry", CUTOFF, "10.0.0.1")])
    add_bot(db_engine, account, "st-1")
    queue = add_queue(db_engine, account, "qu-1", "Sales")

    def contact(start: int, end: int | None) -> int:
        segment = Seg(agent, assigned_at=start + MINUTE, accepted_time=start + 2 * MINUTE)
        return add_contact(db_engine, account, "st-1", [Entry(queue, start + MINUTE, [segment])], start=start, end=end)

    ended_before = contact(CUTOFF - 2 * DAY, CUTOFF - DAY)
    crossing = contact(CUTOFF - HOUR, CUTOFF + HOUR)
    open_since_long = contact(CUTOFF - 10 * DAY, None)
    ended_at_cutoff = contact(CUTOFF - HOUR, CUTOFF)

    deleted = prune(db_engine, CUTOFF)

    i, login = AgentInteraction.__table__.c, AgentLoginEvent.__table__.c
    with db_engine.connect() as conn:
        assert sorted(conn.execute(select(i.start_time, i.end_time)), key=lambda r: r[0]) == [
            (CUTOFF - 3 * DAY, None),
            (CUTOFF - 2 * HOUR, CUTOFF + HOUR),
            (CUTOFF - HOUR, CUTOFF),
        ]
        assert list(conn.execute(select(login.kind, login.at))) == [("entry", CUTOFF)]
        kept = {ended_at_cutoff, crossing, open_since_long}
        assert set(conn.execute(select(Conversation.id)).scalars()) == kept
        assert set(conn.execute(select(QueueEntry.conversation_pk)).scalars()) == kept
        assert set(conn.execute(select(AgentSegment.conversation_pk)).scalars()) == kept
    assert ended_before not in kept
    assert deleted == {
        "agent_status_events": 0,
        "agent_interactions": 2,
        "agent_login_events": 2,
        "agent_segments": 1,
        "queue_entries": 1,
        "conversations": 1,
    }


@pytest.mark.parametrize("batch", [1, 2, 3, 5000])
def test_every_batch_size_deletes_the_same_rows(db_engine: Engine, batch: int) -> None:
    account = add_account(db_engine)
    agents = [add_agent(db_engine, account, f"{n}@x.com") for n in range(2)]
    for agent in agents:  # 7 superseded events each, then the latest before the cutoff, then one after it
        add_events(db_engine, account, agent, [(CUTOFF - (9 - n) * HOUR, "Busy") for n in range(8)])
        add_events(db_engine, account, agent, [(CUTOFF + HOUR, "Away")])
        add_interactions(db_engine, account, agent, [(CUTOFF - n * DAY, CUTOFF - n * DAY + MINUTE) for n in (1, 2, 3)])
    deleted = prune(db_engine, CUTOFF, batch=batch)
    assert deleted["agent_status_events"] == 14 and deleted["agent_interactions"] == 6
    for agent in agents:
        assert status_events(db_engine, agent) == [(CUTOFF - 2 * HOUR, "Busy"), (CUTOFF + HOUR, "Away")]


def test_a_window_after_the_cutoff_is_answered_the_same_after_a_prune(db_engine: Engine) -> None:
    account = add_account(db_engine)
    for n in range(3):
        agent = add_agent(db_engine, account, f"{n}@x.com", user_id=f"u-{n}")
        add_events(
            db_engine, account, agent, [(CUTOFF - DAY + m * 97 * MINUTE, ("Busy", "Away")[m % 2]) for m in range(25)]
        )
        add_logins(
            db_engine, account, agent, [("entry", CUTOFF - DAY + n * HOUR, None), ("exit", CUTOFF + n * HOUR, None)]
        )
    query = AgentStatusQuery(start_ms=CUTOFF, end_ms=CUTOFF + DAY, offset_minutes=0, emails=None)

    def answer() -> bytes:
        with db_engine.connect() as conn:
            return agent_status_details(conn, account, query, version=3, limit=50, offset=0)

    before = answer()
    assert prune(db_engine, CUTOFF)["agent_status_events"] == 3 * 14  # 15 of each agent's 25 are before it
    assert answer() == before


def test_each_batch_is_found_through_an_index(db_engine: Engine) -> None:
    account = add_account(db_engine)
    agent = add_agent(db_engine, account, "a@x.com")
    add_events(db_engine, account, agent, [(CUTOFF - n * HOUR, "Busy") for n in range(1, 4)])
    add_interactions(db_engine, account, agent, [(CUTOFF - DAY, CUTOFF - DAY + MINUTE)])
    add_logins(db_engine, account, agent, [("entry", CUTOFF - DAY, None)])
    with recorded(db_engine) as statements:
        prune(db_engine, CUTOFF)
    batches = [(sql, params) for sql, params in statements if sql.lstrip().startswith("SELECT") and "LIMIT" in sql]
    tables = ["agent_status_events", "agent_interactions", "agent_login_events", "conversations"]
    plans = explained(db_engine, batches)
    found = {
        table: plan
        for (sql, _), plan in zip(batches, plans, strict=True)
        for table in tables
        if f"FROM {table} " in sql
    }
    assert set(found) == set(tables)
    if db_engine.dialect.name == "sqlite":
        assert "INDEX ix_agent_status_events_agent_ts_id (agent_id=? AND ts<?)" in found["agent_status_events"]
        assert "INDEX ix_agent_interactions_agent_end_start (agent_id=? AND end_time<?)" in found["agent_interactions"]
        assert "INDEX ix_agent_login_events_agent_at (agent_pk=? AND at<?)" in found["agent_login_events"]
        assert "INDEX ix_conversations_account_start (account_id=? AND start_time<?)" in found["conversations"]
        assert all("TEMP B-TREE" not in plan for plan in found.values())  # read in the index's order
    else:
        assert "ix_agent_status_events_agent_ts_id" in found["agent_status_events"]
        assert "ix_agent_interactions_agent_end_start" in found["agent_interactions"]
        assert "ix_agent_login_events_agent_at" in found["agent_login_events"]
        assert "ix_conversations_account_start" in found["conversations"]
