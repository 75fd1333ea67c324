"""Conversions between stored epoch milliseconds and the contract's wire formats."""

from __future__ import annotations

from datetime import UTC, datetime


def ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).replace(microsecond=(ms % 1000) * 1000)


def datetime_to_ms(dt: datetime) -> int:
    """Epoch milliseconds of an aware datetime; sub-millisecond digits are truncated."""
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def iso_ms(ms: int) -> str:
    """`2022-01-06T14:07:08.185+00:00` (IntentRealtimeData, admin timestamps)."""
    return ms_to_datetime(ms).isoformat(timespec="milliseconds")


def iso_seconds_z(ms: int) -> str:
    """`2022-12-12T00:30:00Z` (UserStatus)."""
    return ms_to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%SZ")
