"""Rate limiting: a fixed one-minute window per subject, counted where every worker sees it.

The subject is the caller's account (`SMARTASSIST_RATE_LIMIT_SCOPE=account`, the default: the vendor
limits "at account level", 60 per minute) or its app (`app`). The count lives in the database (one row
per subject and window, incremented by an atomic upsert) or, when `SMARTASSIST_REDIS_URL` is set, in
Redis (INCR + EXPIRE). Either way all worker processes share it, so the limit holds for the subject, not
per process.
"""

from __future__ import annotations

import functools
import logging

import redis
from sqlalchemy import Engine, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from smartassist.clock import now_ms
from smartassist.db import Base, dialect_insert
from smartassist.errors import ApiError
from smartassist.periodic import Every
from smartassist.state import Runtime

log = logging.getLogger("smartassist.auth.ratelimit")

WINDOW_MS = 60_000
PURGE = Every(60_000)
REDIS_KEY_PREFIX = "smartassist:ratelimit:"
REDIS_TIMEOUT_S = 0.5


# The vendor's message, verbatim (rate-limit page of its contact-center APIs).
RATE_LIMIT_MSG = "You've exceeded the per-minute rate limit. Please wait for sometime before retrying."


class RateLimitWindow(Base):
    """Requests a subject (an account id, or an app's client id) made in the minute starting at `window_start`
    (epoch ms), or failed authentications of a client address (`fa:` + 32 hex, auth/failed_auth.py). The
    kinds of id never collide: 24 hex characters, `cs-` + UUID, `fa:` + 32 hex."""

    __tablename__ = "rate_limit_windows"

    subject: Mapped[str] = mapped_column(String(40), primary_key=True)
    window_start: Mapped[int] = mapped_column(primary_key=True, index=True)
    count: Mapped[int]


def window_start_of(now: int) -> int:
    return now - now % WINDOW_MS


def retry_after_seconds(now: int) -> int:
    """Whole seconds until the current window ends, at least 1 (so a client never retries at once)."""
    remaining_ms = window_start_of(now) + WINDOW_MS - now
    return max(1, -(-remaining_ms // 1000))


def rate_limit_subject(scope: str, account_id: str, client_id: str) -> str:
    """What a request is counted against under the configured scope: its account, or its app."""
    return client_id if scope == "app" else account_id


def enforce_rate_limit(runtime: Runtime, subject: str) -> None:
    """Count one request of the subject; over the configured per-minute limit → 429 with Retry-After."""
    limit = runtime.settings.rate_limit_per_minute
    if limit <= 0:
        return
    now = now_ms()
    count = shared_count(runtime, subject, window_start_of(now))
    if count is not None and count > limit:
        raise ApiError(429, RATE_LIMIT_MSG, headers={"Retry-After": str(retry_after_seconds(now))})


def shared_count(runtime: Runtime, subject: str, window_start: int) -> int | None:
    """Add one to the subject's count in the window, where every worker sees it (Redis when configured, else
    the database); the new count, or None when Redis is unreachable. Also used for failed authentications
    (auth/failed_auth.py), whose subjects are their own."""
    redis_url = runtime.settings.redis_url
    if redis_url:
        return count_in_redis(redis_url, subject, window_start)
    count = count_in_database(runtime.engine, subject, window_start)
    _maybe_purge(runtime.engine, now_ms())
    return count


def count_in_database(engine: Engine, subject: str, window_start: int) -> int:
    """Add one to the subject's window row and return the new count, in one atomic statement."""
    insert = dialect_insert(engine.dialect.name, RateLimitWindow)
    stmt = (
        insert.values(subject=subject, window_start=window_start, count=1)
        .on_conflict_do_update(
            index_elements=[RateLimitWindow.subject, RateLimitWindow.window_start],
            set_={"count": RateLimitWindow.count + 1},
        )
        .returning(RateLimitWindow.count)
    )
    with engine.begin() as conn:
        return int(conn.execute(stmt).scalar_one())


def count_in_redis(url: str, subject: str, window_start: int) -> int | None:
    """Add one to the subject's window key and return the new count; None when Redis is unreachable.

    Fails open: the limiter protects the service, so its own outage must not take the API down.
    """
    key = f"{REDIS_KEY_PREFIX}{subject}:{window_start}"
    try:
        pipe = _redis_client(url).pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, 2 * WINDOW_MS // 1000)
        count, _ = pipe.execute()
    except redis.RedisError as exc:
        log.warning("rate limiter: redis unavailable (%s); request not counted", type(exc).__name__)
        return None
    return int(count)


@functools.cache
def _redis_client(url: str) -> redis.Redis:
    """One connection pool per Redis URL per process (redis-py clients are thread-safe)."""
    return redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)


def _maybe_purge(engine: Engine, now: int) -> None:
    """Delete windows that ended before the current one, at most once a minute per process."""
    if not PURGE.due(now):
        return
    with engine.begin() as conn:
        conn.execute(delete(RateLimitWindow).where(RateLimitWindow.window_start < window_start_of(now) - WINDOW_MS))
