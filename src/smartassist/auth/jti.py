"""Single-use token ids: a row per (app, jti), the primary key making reuse fail in every process."""

from __future__ import annotations

import threading

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from smartassist.auth.errors import AuthFailure
from smartassist.auth.models import UsedJti

PURGE_EVERY_MS = 60_000
_purge_lock = threading.Lock()
_last_purge_ms = 0


def claim_jti(session: Session, client_id: str, jti: str, expires_at_ms: int, now: int) -> None:
    """Record the jti as used, or fail with 401 when any request (any process) already used it."""
    _maybe_purge(session, now)
    session.add(UsedJti(client_id=client_id, jti=jti, expires_at=expires_at_ms))
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise AuthFailure("jti_replayed", "jti already used") from exc


def _maybe_purge(session: Session, now: int) -> None:
    """Delete expired jti rows, at most once a minute per process."""
    global _last_purge_ms
    with _purge_lock:
        if now - _last_purge_ms < PURGE_EVERY_MS:
            return
        _last_purge_ms = now
    session.execute(delete(UsedJti).where(UsedJti.expires_at < now))
    session.commit()
