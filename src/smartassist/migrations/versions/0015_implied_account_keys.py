"""Drop the account foreign keys that another key of the same row implies: a bot session's (account_id, bot_id)
key to its bot, an interaction's key to its agent, a queue entry's and an agent segment's keys to their
conversation. Each of those parents is its account's and is deleted with it (ON DELETE CASCADE all the way
down), and ingest writes each child with its parent's account; so the account key checked nothing the other
did not, at one more lookup per row: 4 µs of PostgreSQL's CPU each, about 550,000 a simulated month of 200
agents (bench/README.md, bench_simulate_http).

On SQLite each table is rebuilt (batch mode) with foreign keys off for the migration (migrations/env.py), so
that the rebuilt tables' old copies are dropped without cascading into their children.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("bot_sessions", "agent_interactions", "queue_entries", "agent_segments")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f"fk_{table}_account_id_accounts", type_="foreignkey")


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                f"fk_{table}_account_id_accounts", "accounts", ["account_id"], ["id"], ondelete="CASCADE"
            )
