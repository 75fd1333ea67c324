"""Rate limits count per subject: the account (the vendor's level, the default) or the app, by configuration.

The counter column `client_id` becomes `subject` (an account id or a client id; the two never look alike:
24 hex characters vs `cs-` + UUID). Existing rows keep counting the app they named; they expire within two
minutes either way.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rate_limit_windows") as batch:
        batch.alter_column("client_id", new_column_name="subject")


def downgrade() -> None:
    with op.batch_alter_table("rate_limit_windows") as batch:
        batch.alter_column("subject", new_column_name="client_id")
