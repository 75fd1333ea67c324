"""The jti store: one row per used token id, unique per app, kept until the token expires (or its app is
deleted: the foreign key cascades)."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from smartassist.db import Base


class UsedJti(Base):
    __tablename__ = "used_jtis"

    client_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("apps.client_id", ondelete="CASCADE"), primary_key=True
    )
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[int] = mapped_column(index=True)
