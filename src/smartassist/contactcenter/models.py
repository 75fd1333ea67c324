"""Contact-center tables that ingest writes and the analytics read: bots, agents, queues, bot sessions,
status and login events, interactions, conversations with their queue entries and agent segments.

Every row carries its account; times are integer epoch milliseconds (UTC). Columns named `*_pk` in the
newer tables reference another table's surrogate `id`; `agent_id` in the older ones does too (a
vendor-visible id is always `user_id`, `agent_key`, `queue_id`, `conversation_id` or `session_id`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from smartassist.db import Base, BigIntPK, byte_ordered


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
        # WFM routes name agents by this id and page over them ordered by it.
        UniqueConstraint("account_id", "agent_key", name="uq_agents_account_id_agent_key"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(byte_ordered(128))
    email: Mapped[str] = mapped_column(String(320))
    email_norm: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    custom_id: Mapped[str | None] = mapped_column(String(128))
    # The vendor's `aId` / WFM `agentId` (`a-` + UUID): generated when not given, kept on later upserts.
    agent_key: Mapped[str] = mapped_column(byte_ordered(128))


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
    # No key of its own to accounts: the bot's key implies it (migration 0015).
    account_id: Mapped[str] = mapped_column(String(24))
    bot_id: Mapped[str] = mapped_column(String(128))
    session_id: Mapped[str] = mapped_column(byte_ordered(128))
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
        # WFM Agent Activity: every event of an account in a time window (plans: wfm/service.py).
        Index("ix_agent_status_events_account_ts", "account_id", "ts"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(128))
    ts: Mapped[int]


class AgentLatestStatus(Base):
    """Each agent's latest status event by (ts, id), kept by the status-event ingest in the batch's transaction
    (contactcenter/latest_status.py), so Queue Size reads an agent's current status as one primary-key probe
    instead of a backward scan of its events. Derived: always the greatest (ts, id) of the agent's stored
    events, whatever order they arrived in; `db prune` keeps that event (contactcenter/retention.py)."""

    __tablename__ = "agent_latest_status"

    agent_pk: Mapped[int] = mapped_column(
        BigIntPK, ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    ts: Mapped[int]
    event_pk: Mapped[int]  # the event's id: the tie-break between events of the same ts
    status: Mapped[str] = mapped_column(String(64))


class DataVersion(Base):
    """How many ingest transactions have changed an account's contact-center data (`data`) and its agents
    (`agents`): bumped in each batch's own transaction (contactcenter/data_versions.py), so a worker that
    remembers what it read at a version knows, by reading this one row, whether it may answer from memory."""

    __tablename__ = "data_versions"

    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[int]
    agents: Mapped[int]


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
    # No key of its own to accounts: the agent's key implies it (migration 0015).
    account_id: Mapped[str] = mapped_column(String(24))
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    interaction_id: Mapped[str] = mapped_column(String(128))
    start_time: Mapped[int]
    end_time: Mapped[int | None]


class Queue(Base):
    __tablename__ = "queues"
    __table_args__ = (
        UniqueConstraint("account_id", "queue_id", name="uq_queues_account_id_queue_id"),
        # WFM queues: an account's queues ordered by name, then id.
        Index("ix_queues_account_name", "account_id", "name", "queue_id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    queue_id: Mapped[str] = mapped_column(byte_ordered(128))  # `qu-...`, as given
    name: Mapped[str] = mapped_column(byte_ordered(200))
    skills: Mapped[list[Any]] = mapped_column(JSON)  # [{"skillId", "skillName"}], as given


class AgentQueue(Base):
    """Queue membership: which agents serve which queues (replaced whole by an agent upsert with `queues`)."""

    __tablename__ = "agent_queues"
    __table_args__ = (Index("ix_agent_queues_queue_agent", "queue_pk", "agent_pk"),)

    agent_pk: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True)
    queue_pk: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True)


class AgentLoginEvent(Base):
    __tablename__ = "agent_login_events"
    __table_args__ = (
        UniqueConstraint("account_id", "event_id", name="uq_agent_login_events_account_id_event_id"),
        # Agent Status Details v3 `events`: an agent's logins in a window, oldest first.
        Index("ix_agent_login_events_agent_at", "agent_pk", "at", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    agent_pk: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    event_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(8))  # "entry" | "exit"
    at: Mapped[int]
    ip: Mapped[str | None] = mapped_column(String(64))


class Conversation(Base):
    """One contact: a bot-only session (no conversation_id) or a conversation that reached the contact center.

    `row` keeps the vendor's Call Details row as ingested (fields this server only echoes, in their order), and
    `row_layout` where in it Call Details has more to do than copy (call_rows.layout_of; None for a row the
    renderer walks); the typed columns and the queue_entries / agent_segments tables hold what the routes compute
    on.
    """

    __tablename__ = "conversations"
    __table_args__ = (
        # Upsert key: conversationId, else "<botId>/<sessionId>" for a bot-only row.
        UniqueConstraint("account_id", "contact_key", name="uq_conversations_account_id_contact_key"),
        # Call Details: an account's rows whose sessionStartTime falls in the window, in order.
        Index("ix_conversations_account_start", "account_id", "start_time", "contact_key"),
        # Queue Size: an account's conversations still open (few at any time), however old (0010).
        Index(
            "ix_conversations_account_open",
            "account_id",
            postgresql_where=text("end_time IS NULL"),
            sqlite_where=text("end_time IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    contact_key: Mapped[str] = mapped_column(byte_ordered(300))
    conversation_id: Mapped[str | None] = mapped_column(String(128))
    bot_id: Mapped[str] = mapped_column(String(128))
    session_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(32))
    direction: Mapped[str | None] = mapped_column(String(16))
    start_time: Mapped[int]
    end_time: Mapped[int | None]
    skills: Mapped[list[Any]] = mapped_column(JSON)
    csat_score: Mapped[int | None]
    hold_ms: Mapped[int | None]
    message_count: Mapped[int | None]
    saved_message_count: Mapped[int | None]
    row: Mapped[str] = mapped_column(Text)
    row_layout: Mapped[bytes | None] = mapped_column(LargeBinary)


class QueueEntry(Base):
    """A `QueueEntry` of a conversation's `destinations`: the contact entered this queue."""

    __tablename__ = "queue_entries"
    __table_args__ = (
        # Contact Volume and Queue Size: a queue's entries by EnterTime.
        Index("ix_queue_entries_queue_enter", "queue_pk", "enter_time"),
        Index("ix_queue_entries_account_enter", "account_id", "enter_time"),
        Index("ix_queue_entries_conversation", "conversation_pk", "position"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # No key of its own to accounts: the conversation's key implies it (migration 0015).
    account_id: Mapped[str] = mapped_column(String(24))
    conversation_pk: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    queue_pk: Mapped[int] = mapped_column(ForeignKey("queues.id", ondelete="CASCADE"))
    position: Mapped[int]  # index in `destinations`
    enter_time: Mapped[int | None]
    accepted_time: Mapped[int | None]  # the responding agent's acceptedTime, when one answered
    callback_opted_time: Mapped[int | None]
    callback_accept_time: Mapped[int | None]


class AgentSegment(Base):
    """An agent's part in a conversation: a responding or non-responding agent of a queue entry, or a bare
    top-level `AgentSegment` of `destinations`."""

    __tablename__ = "agent_segments"
    __table_args__ = (
        # Agent Performance: an agent's segments by assignedAt; all of an account's by assignedAt.
        Index("ix_agent_segments_agent_assigned", "agent_pk", "assigned_at"),
        Index("ix_agent_segments_account_assigned", "account_id", "assigned_at"),
        Index("ix_agent_segments_conversation", "conversation_pk", "position"),
        # The cascade of a deleted queue entry (a changed conversation ingested again drops its entries): without
        # it, each deleted entry was a scan of every segment (migration 0013).
        Index("ix_agent_segments_queue_entry", "queue_entry_pk"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    # No key of its own to accounts: the conversation's key implies it (migration 0015).
    account_id: Mapped[str] = mapped_column(String(24))
    conversation_pk: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    queue_entry_pk: Mapped[int | None] = mapped_column(ForeignKey("queue_entries.id", ondelete="CASCADE"))
    agent_pk: Mapped[int] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"))
    position: Mapped[int]  # order of the segment within the conversation
    responded: Mapped[bool]  # accepted the contact (respondingAgent / status Answered)
    transferred: Mapped[bool]  # answered, and another destination followed
    non_response_event: Mapped[str | None] = mapped_column(String(64))
    assigned_at: Mapped[int | None]
    accepted_time: Mapped[int | None]
    first_response_time: Mapped[int | None]
    interaction_end_time: Mapped[int | None]
    acw_end_time: Mapped[int | None]
    interaction_duration_s: Mapped[int | None]  # as ingested; computed from the times when absent
    first_response_duration_s: Mapped[int | None]
    acw_duration_s: Mapped[int | None]
