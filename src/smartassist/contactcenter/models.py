"""Contact-center tables that ingest writes and the analytics read: bots, agents, bot sessions, status
events, interactions.

Every row carries its account; times are integer epoch milliseconds (UTC).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartassist.db import Base, BigIntPK


class Bot(Base):
    """A bot of one account: its botId names it only within the account (contract §5), so two accounts can
    each have a bot "st-1" and neither can learn of or block the other's."""

    __tablename__ = "bots"
    __table_args__ = (UniqueConstraint("account_id", "bot_id", name="uq_bots_account_id_bot_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    bot_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[int]


class Agent(Base):
    __tablename__ = "agents"
    __table_args__ = (
        UniqueConstraint("account_id", "email_norm", name="uq_agents_account_id_email_norm"),
        UniqueConstraint("account_id", "user_id", name="uq_agents_account_id_user_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(128))
    email: Mapped[str] = mapped_column(String(320))
    email_norm: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    custom_id: Mapped[str | None] = mapped_column(String(128))


class BotSession(Base):
    __tablename__ = "bot_sessions"
    __table_args__ = (
        # The bot is (account_id, bot_id): a session references its account's bot, never another's.
        ForeignKeyConstraint(
            ["account_id", "bot_id"],
            ["bots.account_id", "bots.bot_id"],
            name="fk_bot_sessions_account_id_bot_id_bots",
            ondelete="CASCADE",
        ),
        UniqueConstraint("account_id", "bot_id", "session_id", name="uq_bot_sessions_account_id_bot_id_session_id"),
        # IntentRealtimeData: WHERE account_id = ? AND bot_id = ? AND end_time IS NOT NULL ORDER BY end_time
        # DESC, session_id DESC LIMIT 25 -> a backward range scan of this index on SQLite and PostgreSQL.
        Index("ix_bot_sessions_bot_end", "account_id", "bot_id", "end_time", "session_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    bot_id: Mapped[str] = mapped_column(String(128))
    session_id: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[str] = mapped_column(String(128))
    intents: Mapped[list[Any]] = mapped_column(JSON)
    ani: Mapped[str] = mapped_column(String(128))
    dni: Mapped[str] = mapped_column(String(320))
    channel: Mapped[str] = mapped_column(String(64))
    start_time: Mapped[int]
    end_time: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(64))
    time_handled: Mapped[int]
    deflected_to: Mapped[str | None] = mapped_column(String(128))
    # The IntentRealtimeData item as served (contactcenter.intent_items), written with the row; None while
    # the session has not ended (such sessions are not served).
    wire: Mapped[str | None] = mapped_column(Text)


class AgentStatusEvent(Base):
    __tablename__ = "agent_status_events"
    __table_args__ = (
        UniqueConstraint("account_id", "event_id", name="uq_agent_status_events_account_id_event_id"),
        # UserStatus: per agent, the last event before the window (backward scan, ties by id) and the
        # events inside it; status is included so both are answered from the index alone (plans:
        # analytics/user_status.py).
        Index("ix_agent_status_events_agent_ts_id", "agent_id", "ts", "id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(128))
    ts: Mapped[int]


class AgentInteraction(Base):
    __tablename__ = "agent_interactions"
    __table_args__ = (
        UniqueConstraint("account_id", "interaction_id", name="uq_agent_interactions_account_id_interaction_id"),
        # UserStatus: interactions of an agent overlapping the window = end_time > window start (or open,
        # end_time IS NULL) and start_time < window end, answered from this index alone; a recent window
        # reads no older history (plans: analytics/user_status.py).
        Index("ix_agent_interactions_agent_end_start", "agent_id", "end_time", "start_time"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    interaction_id: Mapped[str] = mapped_column(String(128))
    start_time: Mapped[int]
    end_time: Mapped[int | None]
