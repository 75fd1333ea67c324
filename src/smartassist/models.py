"""Every table, imported in one place so Alembic and tests see the whole schema."""

from smartassist.accounts.models import Account
from smartassist.apps.models import App, AuditEvent
from smartassist.auth.models import UsedJti
from smartassist.db import Base
from smartassist.ingest.models import Agent, AgentInteraction, AgentStatusEvent, Bot, BotSession
from smartassist.ratelimit import RateLimitWindow

__all__ = [
    "Account",
    "Agent",
    "AgentInteraction",
    "AgentStatusEvent",
    "App",
    "AuditEvent",
    "Base",
    "Bot",
    "BotSession",
    "RateLimitWindow",
    "UsedJti",
]
