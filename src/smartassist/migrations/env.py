"""Alembic environment: the URL comes from the caller's config, else from Settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from smartassist.config import Settings
from smartassist.db import make_engine
from smartassist.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_foreign_keys(connection, on=False)
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        # Alembic commits each SQLite migration on its own (no transactional DDL there): a broken key fails the
        # run here, loudly, rather than being undone.
        if connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
            raise RuntimeError("a migration left rows whose foreign keys match no row (PRAGMA foreign_key_check)")
        _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite's own procedure for rebuilding a table (batch mode): foreign keys off, then checked once the
    migrations have run. With them on, dropping the old copy of a rebuilt table deletes its children by their ON DELETE
    CASCADE. The pragma is ignored inside a transaction, so it is set outside one."""
    if connection.in_transaction():
        connection.commit()
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or Settings().resolved_database_url()
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run against a database")
run_migrations_online()
