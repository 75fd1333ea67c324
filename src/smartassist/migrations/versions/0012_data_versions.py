"""data_versions: per account, how many ingest transactions changed its data and its agents; read by Queue Size
and Agent Activity to tell whether what a worker remembers is still current (contactcenter/data_versions.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "data_versions"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("data", sa.BigInteger(), nullable=False),
        sa.Column("agents", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f(f"fk_{TABLE}_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f(f"pk_{TABLE}")),
    )


def downgrade() -> None:
    op.drop_table(TABLE)
