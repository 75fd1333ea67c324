"""conversations.row_layout: each stored Call Details row's layout (contactcenter/call_rows.py, Layouts), written
by the conversations ingest with the row, so that Call Details renders the row by copies and time formatting.

The rows stored before this revision get theirs here, by the application's own call_rows.layout_of rather than a
frozen copy: a layout carries its format's version, and the renderer walks any row whose layout is missing or of
another version, so what this migration writes can never be rendered wrongly by a later application.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from smartassist.contactcenter.call_rows import layout_of

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000

conversations = sa.table(
    "conversations",
    sa.column("id", sa.BigInteger()),
    sa.column("row", sa.Text()),
    sa.column("row_layout", sa.LargeBinary()),
)


def upgrade() -> None:
    op.add_column("conversations", sa.Column("row_layout", sa.LargeBinary(), nullable=True))
    conn = op.get_bind()
    c = conversations.c
    last_id = 0
    while True:  # keyset batches: bounded memory however many rows are stored
        rows = conn.execute(sa.select(c.id, c.row).where(c.id > last_id).order_by(c.id).limit(BATCH)).all()
        if not rows:
            return
        laid = [{"row_id": pk, "layout": layout} for pk, text in rows if (layout := layout_of(text)) is not None]
        if laid:
            conn.execute(
                conversations.update().where(c.id == sa.bindparam("row_id")).values(row_layout=sa.bindparam("layout")),
                laid,
            )
        last_id = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("row_layout")
