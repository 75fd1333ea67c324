"""Request parsing: windows from dates and timestamps, offsets, granularities, agent filters, every 400."""

from __future__ import annotations

from typing import Any

import pytest

from smartassist.analytics.user_status.request import parse_user_status_body
from smartassist.errors import ApiError
from tests.support.rows import DAY, HOUR, MINUTE
from tests.support.user_status import user_status_body

# 2022-08-25T00:00:00Z: 19229 days after the epoch.
AUG25 = 1_661_385_600_000


def body(
    start: Any = "2022-08-25",
    end: Any = "2022-08-25",
    offset: Any = None,
    granularity: Any = "PT30M",
    agents: Any = None,
) -> dict[str, Any]:
    return user_status_body(start, end, granularity=granularity, offset=offset, agents=agents)


@pytest.mark.parametrize(
    ("offset", "start"),
    [
        (-330, AUG25 - 330 * MINUTE),  # UTC+05:30: local midnight is 18:30 UTC the day before
        (300, AUG25 + 300 * MINUTE),  # New York in winter: local midnight is 05:00 UTC
        (0, AUG25),
        (None, AUG25),  # default 0
    ],
)
def test_date_window_is_local_midnight_to_midnight_after_end_date(offset: int | None, start: int) -> None:
    query = parse_user_status_body(body("2022-08-25", "2022-08-26", offset))
    assert (query.start_ms, query.end_ms) == (start, start + 2 * DAY)


@pytest.mark.parametrize(
    ("start", "end", "offset", "window"),
    [
        ("2022-08-25T10:30:00.000Z", "2022-08-25T12:00:00Z", -330, (AUG25 + 630 * MINUTE, AUG25 + 12 * HOUR)),
        # no zone: local time by timeZoneOffSet (10:30 at UTC+05:30 is 05:00 UTC)
        ("2022-08-25T10:30:00", "2022-08-25T12:00", -330, (AUG25 + 5 * HOUR, AUG25 + 390 * MINUTE)),
        # an explicit offset wins over timeZoneOffSet
        ("2022-08-25T10:30:00+05:30", "2022-08-25T07:00:00-05:00", 300, (AUG25 + 5 * HOUR, AUG25 + 12 * HOUR)),
        # fractions of a second are dropped
        ("2022-08-25T00:00:00.999Z", "2022-08-25T00:01:00.5Z", 0, (AUG25, AUG25 + MINUTE)),
        # mixed: a date start is the local midnight, a timestamp end is that instant
        ("2022-08-25", "2022-08-25T12:00:00Z", -330, (AUG25 - 330 * MINUTE, AUG25 + 12 * HOUR)),
        ("2022-08-25T06:00:00Z", "2022-08-25", 0, (AUG25 + 6 * HOUR, AUG25 + DAY)),
    ],
)
def test_timestamp_windows(start: str, end: str, offset: int, window: tuple[int, int]) -> None:
    query = parse_user_status_body(body(start, end, offset))
    assert (query.start_ms, query.end_ms) == window


@pytest.mark.parametrize(
    ("granularity", "ms"),
    [
        ("PT15M", 15 * MINUTE),
        ("PT30M", 30 * MINUTE),
        ("PT1H", HOUR),
        ("PT2H", 2 * HOUR),
        ("PT4H", 4 * HOUR),
        ("PT8H", 8 * HOUR),
        ("PT12H", 12 * HOUR),
        ("PT24H", DAY),
        ("pt1h", HOUR),
        (" PT15M ", 15 * MINUTE),
        (20, 20 * MINUTE),
        ("20", 20 * MINUTE),
        (1, MINUTE),
        (1440, DAY),
    ],
)
def test_granularity(granularity: Any, ms: int) -> None:
    assert parse_user_status_body(body(granularity=granularity)).granularity_ms == ms


def test_agents_lower_cased_and_deduplicated_empty_means_all() -> None:
    assert parse_user_status_body(body(agents=["J.Smith@Domain.com", "j.smith@domain.com", "a@b.c"])).emails == (
        "j.smith@domain.com",
        "a@b.c",
    )
    assert parse_user_status_body(body(agents=[])).emails is None
    assert parse_user_status_body(body()).emails is None


def test_limits_at_the_edge_are_accepted() -> None:
    assert parse_user_status_body(body("2022-08-01", "2022-08-31")).end_ms == AUG25 + 7 * DAY  # 31 days
    assert parse_user_status_body(body("2022-08-25", "2022-08-27", granularity=1)).granularity_ms == MINUTE  # 4320
    assert parse_user_status_body(body(agents=["a@b.c"] * 1000)).emails == ("a@b.c",)
    assert parse_user_status_body(body(offset=-840)).start_ms == AUG25 - 14 * HOUR


BAD_BODIES: list[tuple[str, Any, str]] = [
    ("not-object", ["filter"], "request body must be a JSON object"),
    ("null-body", None, "request body must be a JSON object"),
    ("no-filter", {"granularity": "PT30M"}, "filter is required"),
    ("no-date-filter", {"filter": {"agents": []}, "granularity": "PT30M"}, "filter.dateFilter is required"),
    ("unknown-field", {**body(), "extra": 1}, "request body: unknown field 'extra'"),
    (
        "unknown-date-field",
        body(offset=0) | {"filter": {"dateFilter": {"startDate": "2022-08-25", "endDate": "2022-08-25", "tz": 1}}},
        "filter.dateFilter: unknown field 'tz'",
    ),
    ("no-start", body(start=None), "startDate is required"),
    ("start-number", body(start=20220825), "startDate is required"),
    ("bad-date", body(start="2022-02-30"), "startDate is not a valid date"),
    ("bad-format", body(end="25/08/2022"), "endDate must be a date yyyy-mm-dd or an ISO-8601 timestamp"),
    ("bad-time", body(start="2022-08-25T24:00:00Z"), "startDate is not a valid time of day"),
    ("bad-zone", body(start="2022-08-25T10:00:00+25:00"), "startDate has an invalid UTC offset"),
    ("year-overflow", body(start="9999-12-30", end="9999-12-31"), "endDate is out of range"),
    ("before-1970", body("1969-12-31", "1970-01-01", offset=0), "startDate must not be before 1970"),
    ("before-1970-by-offset", body("1970-01-01", "1970-01-01", offset=-60), "startDate must not be before 1970"),
    ("end-before-start", body("2022-08-26", "2022-08-25"), "endDate must be after startDate"),
    ("empty-window", body("2022-08-25T10:00:00Z", "2022-08-25T10:00:00Z"), "endDate must be after startDate"),
    ("window-32-days", body("2022-08-01", "2022-09-01"), "the date window must not exceed 31 days"),
    ("offset-too-big", body(offset=841), "timeZoneOffSet must be between -840 and 840"),
    ("offset-string", body(offset="-330"), "timeZoneOffSet must be an integer number of minutes"),
    ("offset-bool", body(offset=True), "timeZoneOffSet must be an integer number of minutes"),
    ("offset-float", body(offset=-330.5), "timeZoneOffSet must be an integer number of minutes"),
    ("granularity-missing", {"filter": body()["filter"]}, "granularity must be one of PT15M"),
    ("granularity-zero", body(granularity=0), "granularity must be between 1 and 1440 minutes"),
    ("granularity-1441", body(granularity="1441"), "granularity must be between 1 and 1440 minutes"),
    ("granularity-PT7M", body(granularity="PT7M"), "granularity must be one of PT15M"),  # not in the doc's list
    ("granularity-PT3H", body(granularity="PT3H"), "granularity must be one of PT15M"),
    ("granularity-PT1H30M", body(granularity="PT1H30M"), "granularity must be one of PT15M"),
    ("granularity-P1D", body(granularity="P1D"), "granularity must be one of PT15M"),
    ("granularity-PT", body(granularity="PT"), "granularity must be one of PT15M"),
    ("granularity-float", body(granularity=20.5), "granularity must be one of PT15M"),
    ("granularity-bool", body(granularity=True), "granularity must be one of PT15M"),
    ("granularity-negative-string", body(granularity="-20"), "granularity must be one of PT15M"),
    ("too-many-buckets", body("2022-08-25", "2022-08-28", granularity=1), "more than 5000 buckets"),
    ("agents-not-list", body(agents="a@b.c"), "filter.agents must be a list"),
    ("agents-1001", body(agents=[f"a{i}@b.c" for i in range(1001)]), "filter.agents lists more than 1000"),
    ("agents-not-strings", body(agents=[1]), "filter.agents must hold email strings"),
    ("agents-empty-string", body(agents=[""]), "filter.agents must hold email strings"),
]


@pytest.mark.parametrize(
    ("raw", "message"), [(raw, msg) for _, raw, msg in BAD_BODIES], ids=[name for name, _, _ in BAD_BODIES]
)
def test_bad_bodies_are_400_with_a_message(raw: Any, message: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_user_status_body(raw)
    assert caught.value.status == 400
    assert message in caught.value.msg


def test_unknown_field_name_is_echoed_at_most_40_characters() -> None:
    with pytest.raises(ApiError) as caught:
        parse_user_status_body({**body(), "x" * 5000: 1})
    assert caught.value.status == 400
    assert caught.value.msg == "request body: unknown field '" + "x" * 40 + "...'"
