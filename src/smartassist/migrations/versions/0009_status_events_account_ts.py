"""WFM Agent Activity: an index on agent_status_events (account_id, ts), so every status event of an
account in a time window is one range scan (plans: wfm/service.py).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_agent_status_events_account_ts"


def upgrade() -> None:
    op.create_index(INDEX, "agent_status_events", ["account_id", "ts"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="agent_status_events")
