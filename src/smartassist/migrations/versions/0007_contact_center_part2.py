"""Contact-center data, part 2: agents' agentId (`a-...`), queues and queue membership, agent login events,
conversations (the vendor's Call Details rows) with their queue entries and agent segments.

Existing agents get a generated agentId (`a-` + UUID), as a new agent would.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
agents = sa.table("agents", sa.column("id", sa.BigInteger()), sa.column("agent_key", sa.String()))


def _account(table: str) -> list[SchemaItem]:
    return [
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=f"fk_{table}_account_id_accounts", ondelete="CASCADE"
        ),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE")


def _times(*names: str) -> list[sa.Column[int]]:
    return [sa.Column(name, sa.BigInteger(), nullable=True) for name in names]


def upgrade() -> None:
    op.add_column("agents", sa.Column("agent_key", sa.String(128), nullable=True))
    conn = op.get_bind()
    ids = conn.execute(sa.select(agents.c.id)).scalars().all()
    if ids:
        conn.execute(
            agents.update().where(agents.c.id == sa.bindparam("row_id")).values(agent_key=sa.bindparam("key")),
            [{"row_id": row_id, "key": f"a-{uuid.uuid4()}"} for row_id in ids],
        )
    with op.batch_alter_table("agents") as batch:
        batch.alter_column("agent_key", existing_type=sa.String(128), nullable=False)
        batch.create_unique_constraint("uq_agents_account_id_agent_key", ["account_id", "agent_key"])

    op.create_table(
        "queues",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        *_account("queues"),
        sa.Column("queue_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queues")),
        sa.UniqueConstraint("account_id", "queue_id", name="uq_queues_account_id_queue_id"),
    )
    op.create_index("ix_queues_account_name", "queues", ["account_id", "name", "queue_id"])

    op.create_table(
        "agent_queues",
        sa.Column("agent_pk", BIGINT_PK, nullable=False),
        sa.Column("queue_pk", BIGINT_PK, nullable=False),
        _fk("agent_queues", "agent_pk", "agents"),
        _fk("agent_queues", "queue_pk", "queues"),
        sa.PrimaryKeyConstraint("agent_pk", "queue_pk", name=op.f("pk_agent_queues")),
    )
    op.create_index("ix_agent_queues_queue_agent", "agent_queues", ["queue_pk", "agent_pk"])

    op.create_table(
        "agent_login_events",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        *_account("agent_login_events"),
        sa.Column("agent_pk", BIGINT_PK, nullable=False),
        sa.Column("event_id", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("ip", sa.String(64), nullable=True),
        _fk("agent_login_events", "agent_pk", "agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_login_events")),
        sa.UniqueConstraint("account_id", "event_id", name="uq_agent_login_events_account_id_event_id"),
    )
    op.create_index("ix_agent_login_events_agent_at", "agent_login_events", ["agent_pk", "at", "id"])

    op.create_table(
        "conversations",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        *_account("conversations"),
        sa.Column("contact_key", sa.String(300), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=True),
        sa.Column("bot_id", sa.String(128), nullable=False),
        sa.Column("session_id", sa.String(128), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("source", sa.String(64), nullable=True),
        sa.Column("language", sa.String(32), nullable=True),
        sa.Column("direction", sa.String(16), nullable=True),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("csat_score", sa.BigInteger(), nullable=True),
        sa.Column("hold_ms", sa.BigInteger(), nullable=True),
        sa.Column("message_count", sa.BigInteger(), nullable=True),
        sa.Column("saved_message_count", sa.BigInteger(), nullable=True),
        sa.Column("row", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("account_id", "contact_key", name="uq_conversations_account_id_contact_key"),
    )
    op.create_index("ix_conversations_account_start", "conversations", ["account_id", "start_time", "contact_key"])

    op.create_table(
        "queue_entries",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        *_account("queue_entries"),
        sa.Column("conversation_pk", BIGINT_PK, nullable=False),
        sa.Column("queue_pk", BIGINT_PK, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        *_times("enter_time", "accepted_time", "callback_opted_time", "callback_accept_time"),
        _fk("queue_entries", "conversation_pk", "conversations"),
        _fk("queue_entries", "queue_pk", "queues"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_entries")),
    )
    op.create_index("ix_queue_entries_queue_enter", "queue_entries", ["queue_pk", "enter_time"])
    op.create_index("ix_queue_entries_account_enter", "queue_entries", ["account_id", "enter_time"])
    op.create_index("ix_queue_entries_conversation", "queue_entries", ["conversation_pk", "position"])

    op.create_table(
        "agent_segments",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        *_account("agent_segments"),
        sa.Column("conversation_pk", BIGINT_PK, nullable=False),
        sa.Column("queue_entry_pk", BIGINT_PK, nullable=True),
        sa.Column("agent_pk", BIGINT_PK, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("responded", sa.Boolean(), nullable=False),
        sa.Column("transferred", sa.Boolean(), nullable=False),
        sa.Column("non_response_event", sa.String(64), nullable=True),
        *_times("assigned_at", "accepted_time", "first_response_time", "interaction_end_time", "acw_end_time"),
        *_times("interaction_duration_s", "first_response_duration_s", "acw_duration_s"),
        _fk("agent_segments", "conversation_pk", "conversations"),
        _fk("agent_segments", "queue_entry_pk", "queue_entries"),
        _fk("agent_segments", "agent_pk", "agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_segments")),
    )
    op.create_index("ix_agent_segments_agent_assigned", "agent_segments", ["agent_pk", "assigned_at"])
    op.create_index("ix_agent_segments_account_assigned", "agent_segments", ["account_id", "assigned_at"])
    op.create_index("ix_agent_segments_conversation", "agent_segments", ["conversation_pk", "position"])


def downgrade() -> None:
    for table in ("agent_segments", "queue_entries", "conversations", "agent_login_events", "agent_queues", "queues"):
        op.drop_table(table)
    with op.batch_alter_table("agents") as batch:
        batch.drop_constraint("uq_agents_account_id_agent_key", type_="unique")
        batch.drop_column("agent_key")
