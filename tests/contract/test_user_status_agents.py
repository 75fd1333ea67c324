"""UserStatus (API.md §3) agent listing: order by userId, paging, email filter, agents without status time."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.contract.support import agent_row, agents, body, bucket, held, page, post, statuses, tenant, user_status

ANN = ("u-a", "ann@x.com", "Ann", "Lee", "1")
BOB = ("u-b", "bob@x.com", "Bob", "Ng", "2")
CAT = ("u-c", "cat@x.com", "Cat", "Ray", "3")
WINDOW = ("2022-08-25T10:00:00Z", "2022-08-25T10:30:00Z")
# Ann is Available 10:00-10:30 = 1800 s; Bob and Cat have no status time in the window.
ANN_ROW = agent_row(*ANN, [bucket(*WINDOW, held("Available", 1800, 1800, 0))])
BOB_ROW = agent_row(*BOB, [])
CAT_ROW = agent_row(*CAT, [])


def _three_agents(client: TestClient) -> Any:
    other = tenant(client)
    agents(client, other, ("u-0", "zed@x.com", "Zed", "Other", "0"))
    statuses(client, other, "u-0", ("Available", "2022-08-25T09:00:00Z"))
    t = tenant(client)
    agents(client, t, CAT, ANN, BOB)  # stored out of order on purpose
    statuses(client, t, "u-a", ("Available", "2022-08-25T09:00:00Z"), ("Offline", "2022-08-25T11:00:00Z"))
    # Bob's only event is after the window.
    statuses(client, t, "u-b", ("Busy", "2022-08-25T10:30:00Z"))
    return t


def test_all_agents_of_the_account_ordered_by_user_id(client: TestClient) -> None:
    t = _three_agents(client)
    assert user_status(client, t, body(*WINDOW)) == page([ANN_ROW, BOB_ROW, CAT_ROW])


def test_agent_offline_through_the_window_has_no_time_interval(client: TestClient) -> None:
    t = tenant(client)
    agents(client, t, ANN)
    # "no status (logged out / Offline)": Offline before and through the window is no status time.
    statuses(
        client,
        t,
        "u-a",
        ("Busy", "2022-08-25T08:00:00Z"),
        ("Offline", "2022-08-25T09:00:00Z"),
        ("Busy", "2022-08-25T11:00:00Z"),
    )
    assert user_status(client, t, body(*WINDOW)) == page([agent_row(*ANN, [])])


def test_paging_with_limit_offset_and_has_more(client: TestClient) -> None:
    t = _three_agents(client)
    assert user_status(client, t, body(*WINDOW), limit=2) == page([ANN_ROW, BOB_ROW], True, 2, 0)
    assert user_status(client, t, body(*WINDOW), limit=2, offset=2) == page([CAT_ROW], False, 2, 2)
    assert user_status(client, t, body(*WINDOW), limit=1, offset=1) == page([BOB_ROW], True, 1, 1)
    assert user_status(client, t, body(*WINDOW), offset=3) == page([], False, 50, 3)
    assert user_status(client, t, body(*WINDOW), limit=50) == page([ANN_ROW, BOB_ROW, CAT_ROW], False, 50, 0)


def test_filter_by_email_case_insensitive_unknown_skipped(client: TestClient) -> None:
    t = _three_agents(client)
    # zed@x.com belongs to another account: unknown here, skipped like nobody@x.com.
    emails = ["CAT@X.com", "nobody@x.com", "Ann@x.COM", "zed@x.com"]
    assert user_status(client, t, body(*WINDOW, agents=emails)) == page([ANN_ROW, CAT_ROW])
    assert user_status(client, t, body(*WINDOW, agents=emails), limit=1) == page([ANN_ROW], True, 1, 0)
    assert user_status(client, t, body(*WINDOW, agents=emails), limit=1, offset=1) == page([CAT_ROW], False, 1, 1)
    assert user_status(client, t, body(*WINDOW, agents=["nobody@x.com"])) == page([])


def test_filter_accepts_a_thousand_emails(client: TestClient) -> None:
    t = _three_agents(client)
    emails = [f"n{i}@x.com" for i in range(999)] + ["bob@x.com"]
    assert user_status(client, t, body(*WINDOW, agents=emails)) == page([BOB_ROW])


def test_iid_header_is_accepted_and_ignored(client: TestClient) -> None:
    t = _three_agents(client)
    response = post(client, t, body(*WINDOW), headers={**t.headers, "IId": "st-whatever"})
    assert response.status_code == 200, response.text
    assert response.json() == page([ANN_ROW, BOB_ROW, CAT_ROW])
