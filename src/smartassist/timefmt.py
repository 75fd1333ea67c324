"""Conversions between stored epoch milliseconds and the contract's wire formats."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from functools import lru_cache

_DAY_S = 86_400
# "HH:MM:" for each minute of a day and "SSZ" for each second: a time of day is two lookups.
_MINUTES = tuple(f"{hour:02d}:{minute:02d}:" for hour in range(24) for minute in range(60))
_SECONDS_Z = tuple(f"{second:02d}Z" for second in range(60))


def ms_to_datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).replace(microsecond=(ms % 1000) * 1000)


def datetime_to_ms(dt: datetime) -> int:
    """Epoch milliseconds of an aware datetime; sub-millisecond digits are truncated."""
    delta = dt - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def iso_ms(ms: int) -> str:
    """`2022-01-06T14:07:08.185+00:00` (IntentRealtimeData, admin timestamps).

    Integer arithmetic, the day's prefix remembered (seconds_z): exact, and a fraction of a datetime's cost on
    the ingest of bot sessions, which renders two per ended session.
    """
    seconds, millis = divmod(ms, 1000)
    day, second = divmod(seconds, _DAY_S)
    minute, second = divmod(second, 60)
    return f"{_day_prefix(day)}{_MINUTES[minute]}{second:02d}.{millis:03d}+00:00"


def iso_seconds_z(ms: int) -> str:
    """`2022-12-12T00:30:00Z` (UserStatus); sub-second digits are dropped."""
    return seconds_z(ms // 1000)


def seconds_z(seconds: int) -> str:
    """`2022-12-12T00:30:00Z` of whole epoch seconds: the day's `YYYY-MM-DDT` remembered, the time of day looked up.
    A fifth of the cost of gmtime + strftime, which was 21 % of the simulator's model and rendering under py-spy
    (every record carries several times, most on a few days)."""
    day, second = divmod(seconds, _DAY_S)
    minute, second = divmod(second, 60)
    return _day_prefix(day) + _MINUTES[minute] + _SECONDS_Z[second]


@lru_cache(maxsize=1024)
def _day_prefix(day: int) -> str:
    return time.strftime("%Y-%m-%dT", time.gmtime(day * _DAY_S))
