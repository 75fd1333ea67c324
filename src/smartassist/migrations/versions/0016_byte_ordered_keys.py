"""The ids and names the routes order by compare by their bytes on PostgreSQL (COLLATE "C"), as on SQLite: an
agent's userId and agentId, a queue's id and name, a conversation's key (its conversationId or sessionId) and a
bot session's id. Under the database's default collation, a database created under an English locale ordered
them folding case and skipping punctuation (`_c`, `a`, `B`, `Z` where code points give `B`, `Z`, `_c`, `a`),
unlike SQLite and unlike the order docs/API.md promises (tests/contactcenter/test_byte_order.py, on an ICU en-US
database). Their indexes are rebuilt with the new collation, so the orders are still index scans. SQLite compares
bytes already: nothing to do there.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("agents", "user_id", 128),
    ("agents", "agent_key", 128),
    ("queues", "queue_id", 128),
    ("queues", "name", 200),
    ("conversations", "contact_key", 300),
    ("bot_sessions", "session_id", 128),
)


def _collate(collation: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE {collation}")


def upgrade() -> None:
    _collate('"C"')


def downgrade() -> None:
    _collate('"default"')
