"""What one app instance holds at runtime, and dependencies that hand it to routes."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from smartassist.config import Settings
from smartassist.crypto import SecretBox

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

    def dispose(self) -> None:
        """Close every pooled connection (at shutdown)."""
        self.engine.dispose()
        self.read_engine.dispose()


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_secret_box(request: Request) -> SecretBox:
    return get_runtime(request).secret_box
