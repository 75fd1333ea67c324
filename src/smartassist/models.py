"""Every table, imported in one place so Alembic and tests see the whole schema."""

from smartassist.accounts.models import Account
from smartassist.apps.models import App, AuditEvent
from smartassist.auth.models import UsedJti
from smartassist.auth.ratelimit import RateLimitWindow
from smartassist.contactcenter.models import (
    Agent,
    AgentInteraction,
    AgentLatestStatus,
    AgentLoginEvent,
    AgentQueue,
    AgentSegment,
    AgentStatusEvent,
    Bot,
    BotSession,
    Conversation,
    Queue,
    QueueEntry,
)
from smartassist.db import Base

__all__ = [
    "Account",
    "Agent",
    "AgentInteraction",
    "AgentLatestStatus",
    "AgentLoginEvent",
    "AgentQueue",
    "AgentSegment",
    "AgentStatusEvent",
    "App",
    "AuditEvent",
    "Base",
    "Bot",
    "BotSession",
    "Conversation",
    "Queue",
    "QueueEntry",
    "RateLimitWindow",
    "UsedJti",
]
