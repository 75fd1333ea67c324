"""What one app instance holds at runtime, and dependencies that hand it to routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from smartassist.auth.credentials import CredentialStore
from smartassist.auth.genuine import GenuineTokens
from smartassist.config import Settings
from smartassist.contactcenter.data_versions import Remembered
from smartassist.crypto import SecretBox
from smartassist.reads import Reads

SessionFactory = sessionmaker[Session]


@dataclass
class Runtime:
    settings: Settings
    database_url: str
    engine: Engine
    sessionmaker: SessionFactory
    read_engine: Engine
    secret_box: SecretBox
    admin_token: str
    reads: Reads
    credentials: CredentialStore
    genuine_tokens: GenuineTokens
    # What this worker read at an account's data version (contactcenter/data_versions.py): Queue Size's queue
    # states, Agent Activity's agentId of each agent.
    queue_states: Remembered[Any, Any] = field(default_factory=Remembered)
    agent_keys: Remembered[str, dict[int, str]] = field(default_factory=Remembered)

    def dispose(self) -> None:
        """Close the engines' pooled connections (at shutdown; the async reads' pool is closed by the app's
        lifespan, in the event loop it belongs to)."""
        self.engine.dispose()
        self.read_engine.dispose()


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_secret_box(request: Request) -> SecretBox:
    return get_runtime(request).secret_box


def get_credentials(request: Request) -> CredentialStore:
    """The worker's app credentials store; admin routes that change an app make it forget (invalidate)."""
    return get_runtime(request).credentials
