"""Contact-center data: bots, agents, bot sessions, agent status events, agent interactions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _account_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account_id"], ["accounts.id"], name=f"fk_{table}_account_id_accounts", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "bots",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        _account_fk("bots"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bots")),
    )
    op.create_index(op.f("ix_bots_account_id"), "bots", ["account_id"])
    op.create_table(
        "agents",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_norm", sa.String(320), nullable=False),
        sa.Column("first_name", sa.String(200), nullable=False),
        sa.Column("last_name", sa.String(200), nullable=False),
        sa.Column("custom_id", sa.String(128), nullable=True),
        _account_fk("agents"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("account_id", "email_norm", name="uq_agents_account_id_email_norm"),
        sa.UniqueConstraint("account_id", "user_id", name="uq_agents_account_id_user_id"),
    )
    op.create_table(
        "bot_sessions",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("bot_id", sa.String(128), nullable=False),
        sa.Column("session_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("intents", sa.JSON(), nullable=False),
        sa.Column("ani", sa.String(128), nullable=False),
        sa.Column("dni", sa.String(320), nullable=False),
        sa.Column("channel", sa.String(64), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("time_handled", sa.BigInteger(), nullable=False),
        sa.Column("deflected_to", sa.String(128), nullable=True),
        _account_fk("bot_sessions"),
        sa.ForeignKeyConstraint(["bot_id"], ["bots.id"], name=op.f("fk_bot_sessions_bot_id_bots"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bot_sessions")),
        sa.UniqueConstraint("bot_id", "session_id", name="uq_bot_sessions_bot_id_session_id"),
    )
    op.create_index("ix_bot_sessions_bot_end", "bot_sessions", ["bot_id", "end_time", "session_id"])
    op.create_table(
        "agent_status_events",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("agent_id", BIGINT_PK, nullable=False),
        sa.Column("event_id", sa.String(128), nullable=False),
        sa.Column("status", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(128), nullable=True),
        sa.Column("ts", sa.BigInteger(), nullable=False),
        _account_fk("agent_status_events"),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_status_events_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_status_events")),
        sa.UniqueConstraint("account_id", "event_id", name="uq_agent_status_events_account_id_event_id"),
    )
    op.create_index("ix_agent_status_events_agent_ts_id", "agent_status_events", ["agent_id", "ts", "id", "status"])
    op.create_table(
        "agent_interactions",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("account_id", sa.String(24), nullable=False),
        sa.Column("agent_id", BIGINT_PK, nullable=False),
        sa.Column("interaction_id", sa.String(128), nullable=False),
        sa.Column("start_time", sa.BigInteger(), nullable=False),
        sa.Column("end_time", sa.BigInteger(), nullable=True),
        _account_fk("agent_interactions"),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_agent_interactions_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent_interactions")),
        sa.UniqueConstraint("account_id", "interaction_id", name="uq_agent_interactions_account_id_interaction_id"),
    )
    op.create_index(
        "ix_agent_interactions_agent_end_start", "agent_interactions", ["agent_id", "end_time", "start_time"]
    )


def downgrade() -> None:
    op.drop_index("ix_agent_interactions_agent_end_start", table_name="agent_interactions")
    op.drop_table("agent_interactions")
    op.drop_index("ix_agent_status_events_agent_ts_id", table_name="agent_status_events")
    op.drop_table("agent_status_events")
    op.drop_index("ix_bot_sessions_bot_end", table_name="bot_sessions")
    op.drop_table("bot_sessions")
    op.drop_table("agents")
    op.drop_index(op.f("ix_bots_account_id"), table_name="bots")
    op.drop_table("bots")
