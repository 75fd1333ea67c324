"""Single-use token ids: a row per (app, jti) whose primary key makes a second use fail in every process."""

from __future__ import annotations

import logging

from sqlalchemy import Connection, delete, insert
from sqlalchemy.exc import IntegrityError, OperationalError

from smartassist.auth.errors import AuthFailure
from smartassist.auth.models import UsedJti
from smartassist.periodic import Every

log = logging.getLogger("smartassist.auth")

PURGE = Every(60_000)
# A row outlives its token by this much, so a worker whose clock runs behind (and so still accepts the
# token) finds the row; only rows older than that are purged or replaced.
KEEP_AFTER_EXPIRY_MS = 60_000
REPLAY_MSG = "error verifying the jwt: possibly a replay"  # the vendor's message, verbatim


def claim_jti(connection: Connection, client_id: str, jti: str, expires_at_ms: int, now: int) -> None:
    """Record the jti as used, or fail with 401 when any request (any process) already used it.

    `expires_at_ms` is the last instant the token is accepted (exp plus leeway). The database decides
    races: of two concurrent inserts of one (client_id, jti), exactly one commits. A conflicting row
    whose token is long expired protects nothing (the old token is refused as expired), so it is
    deleted — only while still stale, so a concurrent fresh claim wins — and the insert tried once more.
    """
    if not _insert(connection, client_id, jti, expires_at_ms):
        stale = connection.execute(
            delete(UsedJti).where(
                UsedJti.client_id == client_id, UsedJti.jti == jti, UsedJti.expires_at < now - KEEP_AFTER_EXPIRY_MS
            )
        )
        connection.commit()
        if stale.rowcount != 1 or not _insert(connection, client_id, jti, expires_at_ms):
            raise AuthFailure("jti_replayed", REPLAY_MSG)
    _maybe_purge(connection, now)


def _insert(connection: Connection, client_id: str, jti: str, expires_at_ms: int) -> bool:
    try:
        connection.execute(insert(UsedJti).values(client_id=client_id, jti=jti, expires_at=expires_at_ms))
        connection.commit()
    except IntegrityError:
        connection.rollback()
        return False
    return True


def purge_expired(connection: Connection, now: int) -> int:
    """Delete the rows no token can match any more; returns how many."""
    deleted = connection.execute(delete(UsedJti).where(UsedJti.expires_at < now - KEEP_AFTER_EXPIRY_MS))
    connection.commit()
    return deleted.rowcount


def _maybe_purge(connection: Connection, now: int) -> None:
    """Purge at most once a minute per process, after the claim so a slow purge never decides a claim.

    A failed purge (lock timeout, deadlock between two workers' purges) only delays cleanup, so it is
    logged and the request goes on.
    """
    if not PURGE.due(now):
        return
    try:
        purge_expired(connection, now)
    except OperationalError as exc:
        connection.rollback()
        log.warning("jti purge failed: %s", type(exc.orig).__name__)
