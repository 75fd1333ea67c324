"""Fixtures for robustness tests: a real server subprocess on a fresh PostgreSQL database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from tests.conftest import ADMIN_TOKEN, PG_URL, SERVER_KEY, fresh_database
from tests.server_process import ServerProcess


@pytest.fixture
def pg_database(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (skips with the reason when PostgreSQL doesn't answer)."""
    with fresh_database("postgresql", tmp_path) as url:
        yield url


@pytest.fixture
def pg_admin() -> Iterator[Engine]:
    """A superuser connection on the maintenance database, to terminate and block the server's sessions."""
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture
def server(pg_database: str, tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess(pg_database, tmp_path / "data", ADMIN_TOKEN, SERVER_KEY)
    process.start()
    try:
        yield process
    finally:
        process.stop()


def database_name(url: str) -> str:
    name = make_url(url).database
    assert name
    return name


def terminate_backends(admin: Engine, database: str) -> int:
    """Kill every session on `database` (as a DBA or a failover would); returns how many. Each call waits up to
    5 s for its backend to exit (PostgreSQL 14+), so the server's next request finds the connection closed
    rather than racing a backend still on its way out (readyz was a 503 then, now and again)."""
    with admin.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": database},
        ).scalar_one()
    return int(killed)


def allow_connections(admin: Engine, database: str, allowed: bool) -> None:
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS {"true" if allowed else "false"}'))
