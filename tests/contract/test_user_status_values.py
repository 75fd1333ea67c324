"""UserStatus (API.md §3) values, black box: statuses and interactions ingested, sums computed by hand."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.contract.support import (
    agent_row,
    agents,
    body,
    bucket,
    held,
    interactions,
    page,
    statuses,
    tenant,
    user_status,
)

JOCE = ("u-joce", "joce.tay@domain.com", "Joce", "Tay", "505951")


def joce(intervals: list[dict[str, object]]) -> dict[str, object]:
    return agent_row(*JOCE, intervals)


def test_doc_sample_bucket_status_then_idle_then_interacting(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    # Available 15:35:00 -> Offline 15:50:19 = 15 min 19 s = 919 s, all inside bucket 15:30-16:00.
    statuses(
        client, t, "joce.tay@domain.com", ("Available", "2022-12-12T15:35:00Z"), ("Offline", "2022-12-12T15:50:19Z")
    )
    # Interaction 15:40:00 -> 15:45:54 = 5 min 54 s = 354 s; Idle = 919 - 354 = 565 s.
    interactions(client, t, "joce.tay@domain.com", ("2022-12-12T15:40:00Z", "2022-12-12T15:45:54Z"))
    got = user_status(client, t, body("2022-12-12T15:30:00.000Z", "2022-12-12T16:00:00.000Z"))
    assert got == page(
        [
            joce(
                [
                    {
                        "startTime": "2022-12-12T15:30:00Z",
                        "endTime": "2022-12-12T16:00:00Z",
                        "status": [
                            {"metric": "AgentStatus", "value": "Available", "stats": {"sum": "919 sec"}},
                            {"metric": "AgentState", "value": "Available:Idle", "stats": {"sum": "565 sec"}},
                            {"metric": "AgentState", "value": "AVAILABLE:Interacting", "stats": {"sum": "354 sec"}},
                        ],
                    }
                ]
            )
        ]
    )


def test_changes_mid_bucket_in_order_of_first_appearance_and_offline_buckets_empty(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(
        client,
        t,
        "u-joce",
        ("Available", "2022-08-25T10:05:00Z"),
        ("Busy", "2022-08-25T10:10:00Z"),
        ("Away", "2022-08-25T10:20:00Z"),
        ("Available", "2022-08-25T10:25:00Z"),
        ("Offline", "2022-08-25T10:28:00Z"),
        ("Away", "2022-08-25T11:10:00Z"),
    )
    interactions(client, t, "u-joce", ("2022-08-25T10:12:00Z", "2022-08-25T10:15:00Z"))
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T11:30:00Z"))
    assert got == page(
        [
            joce(
                [
                    # 10:00-10:30: Available 10:05-10:10 (300) + 10:25-10:28 (180) = 480; Busy 10:10-10:20 = 600
                    # with interaction 10:12-10:15 = 180 -> Idle 420; Away 10:20-10:25 = 300. Offline 10:28-10:30
                    # not reported.
                    bucket(
                        "2022-08-25T10:00:00Z",
                        "2022-08-25T10:30:00Z",
                        held("Available", 480, 480, 0),
                        held("Busy", 600, 420, 180),
                        held("Away", 300, 300, 0),
                    ),
                    # 10:30-11:00: Offline throughout.
                    bucket("2022-08-25T10:30:00Z", "2022-08-25T11:00:00Z"),
                    # 11:00-11:30: Away 11:10-11:30 = 1200 (open status cut at the window end).
                    bucket("2022-08-25T11:00:00Z", "2022-08-25T11:30:00Z", held("Away", 1200, 1200, 0)),
                ]
            )
        ]
    )


def test_status_at_window_start_is_the_last_event_before_it(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(
        client,
        t,
        "joce.tay@domain.com",
        ("Away", "2022-08-25T08:00:00Z"),
        ("Busy", "2022-08-25T09:50:00Z"),
        ("Available", "2022-08-25T10:10:00Z"),
    )
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z"))
    # Busy (set 09:50) holds 10:00-10:10 = 600 and appears first; Available 10:10-10:30 = 1200. Away: none.
    assert got == page(
        [
            joce(
                [
                    bucket(
                        "2022-08-25T10:00:00Z",
                        "2022-08-25T10:30:00Z",
                        held("Busy", 600, 600, 0),
                        held("Available", 1200, 1200, 0),
                    )
                ]
            )
        ]
    )


def test_offline_at_window_start_then_status(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(
        client,
        t,
        "u-joce",
        ("Available", "2022-08-25T09:00:00Z"),
        ("Offline", "2022-08-25T09:30:00Z"),
        ("Busy", "2022-08-25T10:20:00Z"),
    )
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z"))
    # Offline from 09:30 until Busy at 10:20: only Busy 10:20-10:30 = 600.
    assert got == page([joce([bucket("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z", held("Busy", 600, 600, 0))])])


def test_interaction_across_buckets_and_a_status_change(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(
        client,
        t,
        "u-joce",
        ("Available", "2022-08-25T10:00:00Z"),
        ("Busy", "2022-08-25T10:40:00Z"),
        ("Offline", "2022-08-25T11:00:00Z"),
    )
    interactions(client, t, "u-joce", ("2022-08-25T10:20:00Z", "2022-08-25T10:50:00Z"))
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T11:00:00Z"))
    assert got == page(
        [
            joce(
                [
                    # Available 1800; interacting 10:20-10:30 = 600; idle 1200.
                    bucket("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z", held("Available", 1800, 1200, 600)),
                    # Available 10:30-10:40 = 600 all interacting; Busy 10:40-11:00 = 1200, interacting
                    # 10:40-10:50 = 600.
                    bucket(
                        "2022-08-25T10:30:00Z",
                        "2022-08-25T11:00:00Z",
                        held("Available", 600, 0, 600),
                        held("Busy", 1200, 600, 600),
                    ),
                ]
            )
        ]
    )


def test_overlapping_interactions_count_once_and_offline_time_is_not_interacting(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(client, t, "u-joce", ("Available", "2022-08-25T10:00:00Z"), ("Offline", "2022-08-25T10:25:00Z"))
    interactions(
        client,
        t,
        "joce.tay@domain.com",
        ("2022-08-25T10:05:00Z", "2022-08-25T10:15:00Z"),
        ("2022-08-25T10:10:00Z", "2022-08-25T10:20:00Z"),
        ("2022-08-25T10:22:00Z", "2022-08-25T10:28:00Z"),
    )
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z"))
    # Available 10:00-10:25 = 1500. Union of interactions within it: 10:05-10:20 (900) + 10:22-10:25 (180)
    # = 1080; idle 1500 - 1080 = 420. 10:25-10:28 is Offline: not reported.
    assert got == page(
        [joce([bucket("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z", held("Available", 1500, 420, 1080))])]
    )


def test_last_status_runs_until_now_through_a_past_window(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(client, t, "u-joce", ("Available", "2022-08-25T09:00:00Z"))
    got = user_status(client, t, body("2022-08-26", "2022-08-26", granularity="PT24H", offset=0))
    # The only event is before the window and nothing follows: Available the whole day, 24 * 3600 = 86400.
    assert got == page(
        [joce([bucket("2022-08-26T00:00:00Z", "2022-08-27T00:00:00Z", held("Available", 86400, 86400, 0))])]
    )


def test_each_entry_is_rounded_half_up_on_its_own(client: TestClient) -> None:
    t = tenant(client)
    agents(
        client,
        t,
        ("u-1", "a1@x.com", "A", "One", "1"),
        ("u-2", "a2@x.com", "B", "Two", "2"),
        ("u-3", "a3@x.com", "C", "Three", "3"),
        ("u-4", "a4@x.com", "D", "Four", "4"),
    )
    statuses(client, t, "u-1", ("Available", "2022-08-25T10:00:00.000Z"), ("Offline", "2022-08-25T10:00:21.000Z"))
    interactions(client, t, "u-1", ("2022-08-25T10:00:05.000Z", "2022-08-25T10:00:15.500Z"))
    statuses(client, t, "u-2", ("Busy", "2022-08-25T10:00:00.000Z"), ("Offline", "2022-08-25T10:00:20.900Z"))
    interactions(client, t, "u-2", ("2022-08-25T10:00:01.000Z", "2022-08-25T10:00:11.400Z"))
    statuses(client, t, "u-3", ("Away", "2022-08-25T10:01:00.250Z"), ("Offline", "2022-08-25T10:01:10.749Z"))
    statuses(
        client,
        t,
        "u-4",
        ("Available", "2022-08-25T10:02:00.000Z"),
        ("Busy", "2022-08-25T10:02:10.250Z"),
        ("Available", "2022-08-25T10:03:00.000Z"),
        ("Offline", "2022-08-25T10:03:10.250Z"),
    )
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z"))
    span = ("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z")
    assert got == page(
        [
            # 21.000 s -> 21; interacting 10.500 -> 11 (half-up, not banker's 10); idle 10.500 -> 11.
            agent_row("u-1", "a1@x.com", "A", "One", "1", [bucket(*span, held("Available", 21, 11, 11))]),
            # 20.900 -> 21; interacting 10.400 -> 10; idle 10.500 -> 11.
            agent_row("u-2", "a2@x.com", "B", "Two", "2", [bucket(*span, held("Busy", 21, 11, 10))]),
            # 10.499 -> 10 (not rounded up twice).
            agent_row("u-3", "a3@x.com", "C", "Three", "3", [bucket(*span, held("Away", 10, 10, 0))]),
            # Available 10.250 + 10.250 = 20.500 -> 21 (summed, then rounded); Busy 49.750 -> 50.
            agent_row(
                "u-4",
                "a4@x.com",
                "D",
                "Four",
                "4",
                [bucket(*span, held("Available", 21, 21, 0), held("Busy", 50, 50, 0))],
            ),
        ]
    )


def test_custom_status_name_and_its_upper_case_interacting(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(client, t, "u-joce", ("Lunch", "2022-08-25T12:00:00Z"), ("Available", "2022-08-25T12:45:00Z"))
    interactions(client, t, "u-joce", ("2022-08-25T12:40:00Z", "2022-08-25T12:50:00Z"))
    got = user_status(client, t, body("2022-08-25T12:00:00Z", "2022-08-25T13:00:00Z", granularity="PT1H"))
    # Lunch 12:00-12:45 = 2700, interacting 12:40-12:45 = 300; Available 12:45-13:00 = 900, interacting 300.
    assert got == page(
        [
            joce(
                [
                    {
                        "startTime": "2022-08-25T12:00:00Z",
                        "endTime": "2022-08-25T13:00:00Z",
                        "status": [
                            {"metric": "AgentStatus", "value": "Lunch", "stats": {"sum": "2700 sec"}},
                            {"metric": "AgentState", "value": "Lunch:Idle", "stats": {"sum": "2400 sec"}},
                            {"metric": "AgentState", "value": "LUNCH:Interacting", "stats": {"sum": "300 sec"}},
                            {"metric": "AgentStatus", "value": "Available", "stats": {"sum": "900 sec"}},
                            {"metric": "AgentState", "value": "Available:Idle", "stats": {"sum": "600 sec"}},
                            {"metric": "AgentState", "value": "AVAILABLE:Interacting", "stats": {"sum": "300 sec"}},
                        ],
                    }
                ]
            )
        ]
    )


def test_known_status_names_are_title_cased(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, JOCE)
    statuses(
        client,
        t,
        "u-joce",
        ("busy", "2022-08-25T10:00:00Z"),
        ("AWAY", "2022-08-25T10:10:00Z"),
        ("Offline", "2022-08-25T10:20:00Z"),
    )
    interactions(client, t, "u-joce", ("2022-08-25T10:05:00Z", "2022-08-25T10:15:00Z"))
    got = user_status(client, t, body("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z"))
    # busy 10:00-10:10 = 600 (interacting 10:05-10:10 = 300); AWAY 10:10-10:20 = 600 (interacting 300).
    assert got == page(
        [
            joce(
                [
                    bucket(
                        "2022-08-25T10:00:00Z",
                        "2022-08-25T10:30:00Z",
                        held("Busy", 600, 300, 300),
                        held("Away", 600, 300, 300),
                    )
                ]
            )
        ]
    )
