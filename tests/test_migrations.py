"""Migrations are the only schema source: they upgrade, downgrade cleanly, and match the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from smartassist import migrate
from smartassist.db import make_engine
from smartassist.models import Base
from tests.conftest import fresh_database


def test_upgrade_downgrade_upgrade_matches_models(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            assert diff == []
            migrate.downgrade(url, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
            migrate.upgrade(url)
            assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
            assert migrate.at_head(engine, url)
        finally:
            engine.dispose()


def test_0004_renders_the_stored_ended_sessions_as_ingest_would(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        migrate.upgrade(url, "0003")
        engine = make_engine(url)
        try:
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
        finally:
            engine.dispose()
    # 1641478028185 ms = 2022-01-06T14:07:08.185Z; +788 s = 14:20:16.185; 788 s = 13m:8s.
    assert stored == {
        "s-ended": '{"intent":["Book a Flight"],"ANI":"+1555","DNI":"dni@x","channel":"rtm",'
        '"startTime":"2022-01-06T14:07:08.185+00:00","endTime":"2022-01-06T14:20:16.185+00:00",'
        '"status":"completed","timeHandled":"13m:8s","deflectedTo":null,"userId":"u-1",'
        '"sessionId":"s-ended"}',
        "s-open": None,
    }
