"""A used jti belongs to its app: foreign key with ON DELETE CASCADE, so deleting an app removes its jtis.

Rows of apps that no longer exist (deleted before this revision, when the rows were removed by hand) are
removed first, since the new key would refuse them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_used_jtis_client_id_apps"


def upgrade() -> None:
    op.execute("DELETE FROM used_jtis WHERE client_id NOT IN (SELECT client_id FROM apps)")
    with op.batch_alter_table("used_jtis") as batch:
        batch.create_foreign_key(FK, "apps", ["client_id"], ["client_id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("used_jtis") as batch:
        batch.drop_constraint(FK, type_="foreignkey")
