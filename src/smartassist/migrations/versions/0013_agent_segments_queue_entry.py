"""ix_agent_segments_queue_entry: agent_segments.queue_entry_pk references queue_entries ON DELETE CASCADE, and
the conversations ingest deletes a changed conversation's queue entries before writing them again; with no
index on the column, the cascade of each deleted entry scanned every segment of every account.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_agent_segments_queue_entry", "agent_segments", ["queue_entry_pk"])


def downgrade() -> None:
    op.drop_index("ix_agent_segments_queue_entry", table_name="agent_segments")
