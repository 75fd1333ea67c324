"""Queue Size: a partial index on conversations (account_id) WHERE end_time IS NULL, so the open contacts of
an account are found however long ago they entered a queue (plans: contactcenter/queue_contacts.py).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_conversations_account_open"


def upgrade() -> None:
    open_only = sa.text("end_time IS NULL")
    op.create_index(INDEX, "conversations", ["account_id"], postgresql_where=open_only, sqlite_where=open_only)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="conversations")
