"""API client apps (credentials, flags, JWE keys) and the audit trail of changes to them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from smartassist.db import Base, BigIntPK


class App(Base):
    __tablename__ = "apps"
    __table_args__ = (UniqueConstraint("account_id", "name", name="uq_apps_account_id_name"),)

    client_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    algorithms: Mapped[list[str]] = mapped_column(JSON)
    enforce_jti: Mapped[bool]
    enforce_jwe: Mapped[bool]
    secret_enc: Mapped[str] = mapped_column(Text)
    previous_secret_enc: Mapped[str | None] = mapped_column(Text)
    previous_secret_until: Mapped[int | None]
    jwe_private_key_enc: Mapped[str | None] = mapped_column(Text)
    jwe_public_jwk: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    jwe_kid: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[int]
    updated_at: Mapped[int]


class AuditEvent(Base):
    __tablename__ = "audit_events"
    # The audit list: WHERE account_id = ? ORDER BY at DESC, id DESC LIMIT ? OFFSET ? -> a backward scan of it.
    __table_args__ = (Index("ix_audit_events_account_at_id", "account_id", "at", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    account_id: Mapped[str] = mapped_column(String(24), ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[int]
    action: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Who made the change: "admin" (the admin token), or "app:<clientId>". Rows older than 0008 are "admin":
    # only the admin routes wrote the trail.
    actor: Mapped[str] = mapped_column(String(64), server_default="admin")
