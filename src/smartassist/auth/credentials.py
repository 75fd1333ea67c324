"""What token checks read of an app, by clientId or JWE kid: one indexed query, remembered for at most a second.

Every authenticated request needs its app's credentials; reading them was a quarter of an IntentRealtimeData
request's time on the event loop (py-spy, wrk load). Each worker keeps what it read for `ttl_s`
(SMARTASSIST_CREDENTIALS_CACHE_SECONDS, at most 1 s): an app's scope or secret change, or its deletion, made
through any worker or instance, takes effect everywhere within that time, with no invalidation messages to
lose. The worker that made the change forgets at once (invalidate()). Misses (an appId naming no app) are
remembered too, so a flood of made-up appIds costs one query per name per second; the table is bounded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import bindparam, select

from smartassist.apps.models import App
from smartassist.reads import Reads

MAX_ENTRIES = 10_000


@dataclass(frozen=True, slots=True)
class StoredCredentials:
    """What token checks read of an app: a plain row, not an ORM object (read on every request)."""

    client_id: str
    account_id: str
    scopes: list[str]
    algorithms: list[str]
    enforce_jti: bool
    enforce_jwe: bool
    secret_enc: str
    previous_secret_enc: str | None
    previous_secret_until: int | None
    jwe_private_key_enc: str | None


# Built once, as Core statements with bound parameters (reads.Reads compiles each once).
_apps = App.__table__.c
_COLUMNS = (
    _apps.client_id,
    _apps.account_id,
    _apps.scopes,
    _apps.algorithms,
    _apps.enforce_jti,
    _apps.enforce_jwe,
    _apps.secret_enc,
    _apps.previous_secret_enc,
    _apps.previous_secret_until,
    _apps.jwe_private_key_enc,
)
BY_CLIENT_ID = select(*_COLUMNS).where(_apps.client_id == bindparam("key"))
BY_JWE_KID = select(*_COLUMNS).where(_apps.jwe_kid == bindparam("key"))


class CredentialStore:
    def __init__(self, reads: Reads, ttl_s: float) -> None:
        self._reads = reads
        self._ttl_s = ttl_s
        self._entries: dict[tuple[bool, str], tuple[float, StoredCredentials | None]] = {}

    async def lookup(self, by_kid: bool, key: str) -> StoredCredentials | None:
        """The app whose JWE kid (by_kid) or clientId is `key`, or None."""
        now = time.monotonic()
        entry = self._entries.get((by_kid, key))
        if entry is not None and now - entry[0] < self._ttl_s:
            return entry[1]
        rows = await self._reads.rows(BY_JWE_KID if by_kid else BY_CLIENT_ID, {"key": key})
        app = StoredCredentials(*rows[0]) if rows else None
        if self._ttl_s > 0:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[by_kid, key] = (now, app)
        return app

    def invalidate(self) -> None:
        """Forget everything (this worker changed an app)."""
        self._entries.clear()
