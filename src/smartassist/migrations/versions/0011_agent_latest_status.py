"""Queue Size: agent_latest_status, each agent's greatest status event by (ts, id), kept by the status-event
ingest (contactcenter/latest_status.py); filled here from the stored events.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TABLE = "agent_latest_status"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("agent_pk", BIGINT_PK, autoincrement=False, nullable=False),
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        sa.Column("event_pk", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f(f"fk_{TABLE}_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["agent_pk"], ["agents.id"], name=op.f(f"fk_{TABLE}_agent_pk_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("agent_pk", name=op.f(f"pk_{TABLE}")),
    )
    # Every agent's greatest event by (ts, id): one backward probe of ix_agent_status_events_agent_ts_id per agent.
    op.execute(
        "INSERT INTO agent_latest_status (agent_pk, account_id, ts, event_pk, status) "
        "SELECT a.id, e.account_id, e.ts, e.id, e.status FROM agents a "
        "JOIN agent_status_events e ON e.id = (SELECT g.id FROM agent_status_events g WHERE g.agent_id = a.id "
        "ORDER BY g.ts DESC, g.id DESC LIMIT 1) "
        "WHERE e.account_id = a.account_id"
    )


def downgrade() -> None:
    op.drop_table(TABLE)
