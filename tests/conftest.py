"""Test harness: every database test runs on SQLite and on PostgreSQL, against the real app over HTTP.

PostgreSQL: SMARTASSIST_TEST_DATABASE_URL (default the local server). Each test session creates its own
database there and drops it at the end, so parallel runs don't collide. When no server answers, the
PostgreSQL half is skipped with the reason shown in the summary (pytest -ra).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text

from smartassist import migrate
from smartassist.app import create_app
from smartassist.config import Settings
from smartassist.db import make_engine
from smartassist.models import Base
from tests.databases import PG_URL, temporary_postgres_database

ADMIN_TOKEN = "test-admin-token-" + "x" * 24
SERVER_KEY = "test-server-key"


def _pg_unavailable_reason() -> str | None:
    engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "no server answers"
        return f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}: {exc!r}"[:300]
    finally:
        engine.dispose()
    return None


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """An empty database of the backend, dropped afterwards; yields its URL."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'sa-{secrets.token_hex(4)}.db'}"
        return
    reason = _pg_unavailable_reason()
    if reason:
        pytest.skip(reason)
    with temporary_postgres_database(PG_URL, "smartassist_test") as url:
        yield url


@contextmanager
def migrated_to(backend: str, tmp_dir: Path, revision: str = "head") -> Iterator[tuple[str, Engine]]:
    """A fresh database of the backend migrated to `revision`: its URL and an engine on it (disposed after)."""
    with fresh_database(backend, tmp_dir) as url:
        migrate.upgrade(url, revision)
        engine = make_engine(url)
        try:
            yield url, engine
        finally:
            engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database shared by the session's tests of one backend (emptied after each test)."""
    with fresh_database(backend, tmp_path_factory.mktemp(backend)) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def _empty_all_tables(engine: Engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Tests change apps behind the server's back (straight in the database), so token checks read the
    # credentials every time; tests/auth/test_credentials_cache.py covers the cache the server runs with.
    return Settings(
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        secret_key=SERVER_KEY,
        data_dir=tmp_path / "data",
        credentials_cache_seconds=0,
    )


@pytest.fixture
def app(settings: Settings, db_engine: Engine) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.runtime.dispose()
    _empty_all_tables(db_engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
