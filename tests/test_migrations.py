"""Migrations are the only schema source: they upgrade, downgrade cleanly, and match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from smartassist import migrate
from smartassist.models import Base
from tests.conftest import migrated_to


def test_upgrade_downgrade_upgrade_matches_models(backend: str, tmp_path: Path) -> None:
    with migrated_to(backend, tmp_path) as (url, engine):
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        migrate.downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(url)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        assert migrate.at_head(engine, url)


def test_0004_renders_the_stored_ended_sessions_as_ingest_would(backend: str, tmp_path: Path) -> None:
    with migrated_to(backend, tmp_path, "0003") as (url, engine):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0)"))
            conn.execute(text("INSERT INTO bots (id, account_id, created_at) VALUES ('st-1', 'a1', 0)"))
            insert = text(
                "INSERT INTO bot_sessions (account_id, bot_id, session_id, user_id, intents, ani, dni, channel, "
                "start_time, end_time, status, time_handled, deflected_to) VALUES ('a1', 'st-1', :sid, 'u-1', "
                "'[\"Book a Flight\"]', '+1555', 'dni@x', 'rtm', 1641478028185, :end, 'completed', 788, NULL)"
            )
            conn.execute(insert, [{"sid": "s-ended", "end": 1641478816185}, {"sid": "s-open", "end": None}])
        migrate.upgrade(url)
        with engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT session_id, wire FROM bot_sessions")).all())
    # 1641478028185 ms = 2022-01-06T14:07:08.185Z; +788 s = 14:20:16.185; 788 s = 13m:8s.
    assert stored == {
        "s-ended": '{"intent":["Book a Flight"],"ANI":"+1555","DNI":"dni@x","channel":"rtm",'
        '"startTime":"2022-01-06T14:07:08.185+00:00","endTime":"2022-01-06T14:20:16.185+00:00",'
        '"status":"completed","timeHandled":"13m:8s","deflectedTo":null,"userId":"u-1",'
        '"sessionId":"s-ended"}',
        "s-open": None,
    }


def test_0011_fills_agent_latest_status_from_the_stored_events(backend: str, tmp_path: Path) -> None:
    """Each agent's greatest event by (ts, id), whatever order the ids were given in; an agent without events
    has no row; down drops the table, up fills it again."""
    with migrated_to(backend, tmp_path, "0010") as (url, engine):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0), ('a2', 'B', 0)"))
            agents = (
                "INSERT INTO agents (id, account_id, user_id, email, email_norm, first_name, last_name, agent_key) "
                "VALUES (:id, :acc, :id, :email, :email, 'F', 'L', :email)"
            )
            conn.execute(
                text(agents),
                [
                    {"id": 1, "acc": "a1", "email": "one@x"},
                    {"id": 2, "acc": "a1", "email": "two@x"},
                    {"id": 3, "acc": "a1", "email": "none@x"},
                    {"id": 4, "acc": "a2", "email": "one@x"},
                ],
            )
            events = (
                "INSERT INTO agent_status_events (id, account_id, agent_id, event_id, status, ts) "
                "VALUES (:id, :acc, :agent, :id, :status, :ts)"
            )
            conn.execute(
                text(events),
                [
                    {"id": 10, "acc": "a1", "agent": 1, "status": "Busy", "ts": 3000},  # the newest, first id
                    {"id": 11, "acc": "a1", "agent": 1, "status": "Available", "ts": 1000},
                    {"id": 12, "acc": "a1", "agent": 2, "status": "Away", "ts": 2000},
                    {"id": 13, "acc": "a1", "agent": 2, "status": "Lunch", "ts": 2000},  # same ts, greater id
                    {"id": 14, "acc": "a1", "agent": 2, "status": "Busy", "ts": 1500},
                    {"id": 15, "acc": "a2", "agent": 4, "status": "Offline", "ts": 500},
                ],
            )
        expected = [(1, "a1", 3000, 10, "Busy"), (2, "a1", 2000, 13, "Lunch"), (4, "a2", 500, 15, "Offline")]
        query = text("SELECT agent_pk, account_id, ts, event_pk, status FROM agent_latest_status ORDER BY agent_pk")
        migrate.upgrade(url, "0011")
        with engine.connect() as conn:
            assert [tuple(row) for row in conn.execute(query)] == expected
        migrate.downgrade(url, "0010")
        assert "agent_latest_status" not in inspect(engine).get_table_names()
        migrate.upgrade(url)
        with engine.connect() as conn:
            assert [tuple(row) for row in conn.execute(query)] == expected


def test_0014_writes_the_layout_of_each_stored_conversation(backend: str, tmp_path: Path) -> None:
    with migrated_to(backend, tmp_path, "0013") as (url, engine):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0)"))
            insert = text(
                "INSERT INTO conversations (account_id, contact_key, bot_id, session_id, channel, start_time, "
                "skills, row) VALUES ('a1', :key, 'st-1', :key, 'voice', 1759284636000, '[]', :row)"
            )
            conn.execute(
                insert,
                [
                    {"key": "laid", "row": '{"sessionStartTime":1759284636000}'},
                    {"key": "walked", "row": '{"sessionStartTime":1759284636000,"a":1.50}'},  # not encode_row's
                ],
            )
        migrate.upgrade(url)
        with engine.connect() as conn:
            stored = dict(conn.execute(text("SELECT contact_key, row_layout FROM conversations")).all())
        migrate.downgrade(url, "0013")
        assert "row_layout" not in {c["name"] for c in inspect(engine).get_columns("conversations")}
    # version 1, 34 bytes of text, a naive instant at byte 20 of 13 digits; no layout for a text the walk refuses
    assert {key: None if value is None else bytes(value) for key, value in stored.items()} == {
        "laid": bytes([1, 34, 0, 20, 13]),
        "walked": None,
    }


IMPLIED_ACCOUNT_KEYS = ("bot_sessions", "agent_interactions", "queue_entries", "agent_segments")
ROWS_0015 = (
    "INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0)",
    "INSERT INTO agents (id, account_id, user_id, email, email_norm, first_name, last_name, agent_key) "
    "VALUES (1, 'a1', 'u-1', 'a@x.com', 'a@x.com', 'A', 'B', 'a-1')",
    "INSERT INTO queues (id, account_id, queue_id, name, skills) VALUES (1, 'a1', 'qu-1', 'Q', '[]')",
    "INSERT INTO bots (id, bot_id, account_id, created_at) VALUES (1, 'st-1', 'a1', 0)",
    "INSERT INTO bot_sessions (account_id, bot_id, session_id, user_id, intents, ani, dni, channel, start_time, "
    "status, time_handled) VALUES ('a1', 'st-1', 's-1', 'c-1', '[]', '1', '2', 'voice', 0, 'closed', 0)",
    "INSERT INTO conversations (id, account_id, contact_key, bot_id, session_id, channel, start_time, skills, row) "
    "VALUES (1, 'a1', 'k-1', 'st-1', 's-1', 'voice', 0, '[]', '{}')",
    "INSERT INTO queue_entries (id, account_id, conversation_pk, queue_pk, position) VALUES (1, 'a1', 1, 1, 0)",
    "INSERT INTO agent_segments (account_id, conversation_pk, queue_entry_pk, agent_pk, position, responded, "
    "transferred) VALUES ('a1', 1, 1, 1, 0, true, false)",
    "INSERT INTO agent_interactions (account_id, agent_id, interaction_id, start_time) VALUES ('a1', 1, 'i-1', 0)",
)


def _row_counts(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in IMPLIED_ACCOUNT_KEYS]  # noqa: S608 - the module's own table names


def _account_keyed(engine: Engine) -> set[str]:
    return {
        table
        for table in IMPLIED_ACCOUNT_KEYS
        if any(key["referred_table"] == "accounts" for key in inspect(engine).get_foreign_keys(table))
    }


def test_0015_drops_the_implied_account_keys_and_keeps_every_row(backend: str, tmp_path: Path) -> None:
    """On SQLite each table is rebuilt: with foreign keys on, dropping the old queue_entries would have deleted
    its agent segments by their cascade. The account's deletion still reaches every row, through the parents."""
    with migrated_to(backend, tmp_path, "0014") as (url, engine):
        with engine.begin() as conn:
            for statement in ROWS_0015:
                conn.execute(text(statement))
        assert _account_keyed(engine) == set(IMPLIED_ACCOUNT_KEYS)
        migrate.upgrade(url)
        assert _account_keyed(engine) == set()
        assert _row_counts(engine) == [1, 1, 1, 1]
        migrate.downgrade(url, "0014")
        assert _account_keyed(engine) == set(IMPLIED_ACCOUNT_KEYS)
        assert _row_counts(engine) == [1, 1, 1, 1]
        migrate.upgrade(url)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM accounts WHERE id = 'a1'"))
        assert _row_counts(engine) == [0, 0, 0, 0]


BYTE_ORDERED = {
    ("agents", "user_id"),
    ("agents", "agent_key"),
    ("queues", "queue_id"),
    ("queues", "name"),
    ("conversations", "contact_key"),
    ("bot_sessions", "session_id"),
}


def _collated_c(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND collation_name = 'C'"
            )
        )
        return {(table, column) for table, column in rows}


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # SQLite compares bytes already
def test_0016_collates_the_ordered_keys_by_byte_and_back(backend: str, tmp_path: Path) -> None:
    with migrated_to(backend, tmp_path, "0015") as (url, engine):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0)"))
            conn.execute(text("INSERT INTO queues (account_id, queue_id, name, skills) VALUES ('a1', 'q', 'Q', '[]')"))
        assert _collated_c(engine) == set()
        migrate.upgrade(url)
        assert _collated_c(engine) == BYTE_ORDERED
        migrate.downgrade(url, "0015")
        assert _collated_c(engine) == set()
        migrate.upgrade(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT queue_id, name FROM queues")).all() == [("q", "Q")]
