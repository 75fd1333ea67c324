"""The jti store: one row per used token id, unique per app, kept until the token expires."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from smartassist.db import Base


class UsedJti(Base):
    __tablename__ = "used_jtis"

    client_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    jti: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[int] = mapped_column(index=True)
