"""call_rows' pure functions on hand-made cases, and its calendar arithmetic against datetime's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartassist.contactcenter.call_rows import (
    TimeError,
    View,
    encode_row,
    naive_text,
    parse_time,
    render_row,
    seconds_between,
    store_times,
    zulu_text,
)

# 2025-10-01T02:10:36Z
T = 1_759_284_636_000


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("2025-10-01T07:40:36", -330, T),
        ("2025-10-01 07:40:36", -330, T),
        ("2025-10-01T07:40", -330, T - 36_000),
        ("2025-10-01T7:40:36", -330, T),  # "2023-01-10T2:25:54", the vendor table's example form
        ("2025-09-30T21:10:36", 300, T),  # New York (EDT is 240, but the offset is what the caller says)
        ("2025-10-01T02:10:36Z", None, T),
        ("2025-10-01T02:10:36.7Z", None, T + 700),
        ("2025-10-01T02:10:36.123999Z", None, T + 123),
        ("2025-10-01T07:40:36+05:30", 999, T),
        ("2025-10-01T07:40:36+0530", None, T),
        ("2025-09-30T21:10:36-05:00", None, T),
        ("1970-01-01T00:00:00Z", None, 0),
        ("2024-02-29T00:00:00Z", None, 1_709_164_800_000),
        ("9999-12-31T09:59:59.999Z", None, 253_402_300_799_999 - 14 * 3_600_000),
    ],
)
def test_parse_time(text: str, offset: int | None, expected: int) -> None:
    assert parse_time(text, offset) == expected


@pytest.mark.parametrize(
    ("text", "offset", "reason"),
    [
        ("2025-10-01T07:40:36", None, "has no zone"),
        ("2025-10-01", 0, "must be a time like"),
        ("2025-10-01T07:40:36.Z", 0, "must be a time like"),
        ("2025-10-01T07:40:36+24:00", 0, "has an invalid UTC offset"),
        ("2023-02-29T00:00:00", 0, "is not a valid date"),
        ("2025-04-31T00:00:00", 0, "is not a valid date"),
        ("2025-10-01T23:60:00", 0, "is not a valid time of day"),
        ("1970-01-01T00:00:00", -1, "must be between 1970-01-01T00:00:00Z and 9999-12-31T09:59:59Z"),
        ("9999-12-31T10:00:00Z", 0, "must be between 1970-01-01T00:00:00Z and 9999-12-31T09:59:59Z"),
        ("２０２５-10-01T00:00:00", 0, "must be a time like"),
    ],
)
def test_parse_time_refuses(text: str, offset: int | None, reason: str) -> None:
    with pytest.raises(TimeError, match=reason):
        parse_time(text, offset)


def test_formats() -> None:
    assert naive_text(T, -330) == "2025-10-01T07:40:36"
    assert naive_text(T, 0) == "2025-10-01T02:10:36"
    assert naive_text(T + 999, 840) == "2025-09-30T12:10:36"  # whole seconds, truncated
    assert naive_text(0, 60) == "1969-12-31T23:00:00"
    assert zulu_text(T + 780) == "2025-10-01T02:10:36.780Z"
    assert zulu_text(T) == "2025-10-01T02:10:36.000Z"


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(9998, 12, 30)), st.integers(-840, 840))
def test_naive_round_trip_matches_datetime(moment: datetime, offset: int) -> None:
    local = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    text = local.isoformat(timespec="milliseconds")
    utc = local.replace(tzinfo=UTC) + timedelta(minutes=offset)
    assert parse_time(text, offset) == (utc - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(milliseconds=1)
    assert naive_text(parse_time(text, offset), offset) == local.strftime("%Y-%m-%dT%H:%M:%S")


def test_seconds_between() -> None:
    assert seconds_between(1000, 37_999) == 36
    assert seconds_between(1000, 1000) == 0
    assert seconds_between(1000, 999) is None
    assert seconds_between(None, 5) is None and seconds_between(5, None) is None


def test_store_and_render_keep_non_times_and_key_order() -> None:
    row = {
        "b": 1,
        "sessionStartTime": "2025-10-01T07:40:36",
        "sessionEndTime": None,
        "destinations": [
            {
                "destinationType": "QueueEntry",
                "queueId": "q",
                "EnterTime": "",
                "CallbackOptedTime": "2025-10-01T07:40:57.78",
            },
            {
                "destinationType": "AgentSegment",
                "assignedAt": "2025-10-01T02:10:58Z",
                "ConsultingAgents": [{"consultingEndTime": "2025-10-01T07:41:00"}],
            },
        ],
        "a": {"sessionStartTime": "not a time here"},
    }
    store_times(row, -330)
    assert encode_row(row) == (
        '{"b":1,"sessionStartTime":1759284636000,"sessionEndTime":null,"destinations":['
        '{"destinationType":"QueueEntry","queueId":"q","EnterTime":"","CallbackOptedTime":1759284657780},'
        '{"destinationType":"AgentSegment","assignedAt":1759284658000,"ConsultingAgents":[{"consultingEndTime":1759284660000}]}],'
        '"a":{"sessionStartTime":"not a time here"}}'
    )
    rendered = render_row(encode_row(row), View(offset_minutes=0, v2=True, selected=None))
    assert rendered["sessionStartTime"] == "2025-10-01T02:10:36"
    assert rendered["destinations"][0]["CallbackOptedTime"] == "2025-10-01T02:10:57.780Z"
    assert rendered["destinations"][1]["assignedAt"] == "2025-10-01T02:10:58"
    assert rendered["destinations"][1]["ConsultingAgents"] == [{"consultingEndTime": "2025-10-01T02:11:00"}]
    assert list(rendered) == ["b", "sessionStartTime", "sessionEndTime", "destinations", "a"]


@given(
    st.integers(min_value=0, max_value=9999),
    st.integers(min_value=0, max_value=13),
    st.integers(min_value=0, max_value=32),
    st.integers(min_value=0, max_value=25),
    st.integers(min_value=0, max_value=61),
    st.integers(min_value=0, max_value=61),
)
def test_a_zulu_time_reads_as_datetime_reads_it_or_is_refused(
    year: int, month: int, day: int, hour: int, minute: int, second: int
) -> None:
    """`YYYY-MM-DDTHH:MM:SSZ` has its own quick reading (call_rows._zulu_seconds): the instant datetime gives, or
    a TimeError for a date, time or instant out of range, as for any other form."""
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"
    try:
        instant = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        instant = None
    if instant is None or not datetime(1970, 1, 1, tzinfo=UTC) <= instant <= datetime(
        9999, 12, 31, 9, 59, 59, tzinfo=UTC
    ):
        with pytest.raises(TimeError):
            parse_time(text, None)
    else:
        assert parse_time(text, None) == int(instant.timestamp()) * 1000
