"""Migrations are the only schema source: they upgrade, downgrade cleanly, and match the models."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

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
