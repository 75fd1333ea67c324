"""Conversions between stored epoch milliseconds and the contract's wire formats."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).replace(microsecond=(ms % 1000) * 1000)


def datetime_to_ms(dt: datetime) -> int:
    """Epoch milliseconds of an aware datetime; sub-millisecond digits are truncated."""
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def iso_ms(ms: int) -> str:
    """`2022-01-06T14:07:08.185+00:00` (IntentRealtimeData, admin timestamps).

    Integer arithmetic and gmtime: exact, and half the cost of a datetime on this hot path (25 sessions
    x 2 timestamps per IntentRealtimeData response).
    """
    seconds, millis = divmod(ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}+00:00"


def iso_seconds_z(ms: int) -> str:
    """`2022-12-12T00:30:00Z` (UserStatus); sub-second digits are dropped."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))
