"""Throwaway PostgreSQL databases, shared by the test harness and the benchmarks (so no pytest here).

Each user gets its own database on the server, named with the process id and a random suffix, so parallel
test sessions and benchmark runs never collide; it is dropped WITH (FORCE) even if connections remain.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, make_url, text

PG_URL = os.environ.get("SMARTASSIST_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextmanager
def temporary_postgres_database(server_url: str, prefix: str, options: str = "") -> Iterator[str]:
    """An empty database `<prefix>_<pid>_<random>` on the server of `server_url` (CREATE DATABASE's `options`
    after its name: a template, a locale), dropped afterwards; yields its URL (password kept, since the user must
    connect with it)."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" {options}'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
