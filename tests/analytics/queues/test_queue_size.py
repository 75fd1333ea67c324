"""Queue Size through the real route: every figure worked out by hand at a fixed request time, the filters,
the vendor sample's shape, 404s for foreign or missing bots and queues, scope, and 400s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.support.contacts import (
    DAY,
    HOUR,
    JUNE_1,
    MINUTE,
    SECOND,
    Entry,
    Seg,
    add_agent,
    add_bot,
    add_contact,
    add_queue,
)
from tests.support.samples import assert_same_shape, sample
from tests.support.tenants import ANALYTICS, create_account, create_app
from tests.support.tokens import token

PATH = "/agentassist/api/v1/public/{}/monitor/queueStatsById/{}"
NOW = JUNE_1 + 12 * HOUR  # 2023-06-01T12:00:00Z
TODAY = JUNE_1
SKILLS = [{"skillId": "sk-1", "skillName": "Billing"}]


@dataclass
class World:
    account_id: str
    headers: dict[str, str]
    other_account: str
    other_headers: dict[str, str]

    def post(self, client: TestClient, bot: str, queue: str, body: Any = None, slash: bool = False) -> Any:
        path = PATH.format(bot, queue) + ("/" if slash else "")
        return client.post(path, json=body, headers=self.headers)


@pytest.fixture
def world(client: TestClient, db_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr("smartassist.analytics.queues.router.now_ms", lambda: NOW)
    account = create_account(client)
    other = create_account(client, "Other")
    add_bot(db_engine, account, "st-main")
    add_bot(db_engine, account, "st-other")
    add_bot(db_engine, other, "st-foreign")
    q = add_queue(db_engine, account, "qu-main", "Default Queue", SKILLS)
    q2 = add_queue(db_engine, account, "qu-overflow", "Overflow")
    foreign_q = add_queue(db_engine, other, "qu-main", "Their Queue")  # same public id, other account

    a1 = add_agent(db_engine, account, "a-1", queues=(q,), statuses=((NOW - HOUR, "Available"), (NOW + MINUTE, "Busy")))
    a2 = add_agent(db_engine, account, "a-2", queues=(q,), statuses=((NOW - HOUR, "BUSY"),))
    add_agent(db_engine, account, "a-3", queues=(q,), statuses=((NOW - HOUR, "Lunch"),))
    add_agent(db_engine, account, "a-4", queues=(q,), statuses=((NOW - 2 * HOUR, "Available"), (NOW - HOUR, "Offline")))
    add_agent(db_engine, account, "a-5", queues=(q,))  # never had a status: offline
    add_agent(db_engine, account, "a-6", queues=(q2,), statuses=((NOW - HOUR, "Available"),))
    add_agent(db_engine, other, "a-7", queues=(foreign_q,), statuses=((NOW - HOUR, "Available"),))

    def contact(entries: list[Entry], **kw: Any) -> None:
        add_contact(db_engine, account, kw.pop("bot", "st-main"), entries, **kw)

    contact([Entry(q, NOW - 60 * SECOND)])  # W1 waiting 60 s
    contact([Entry(q, NOW - 30 * SECOND, [Seg(a1, NOW - 20 * SECOND)])])  # W2 waiting 30 s, ringing a-1
    contact([Entry(q, NOW - 120 * SECOND)], source="msteams", channel="msteams")  # X1 waiting 120 s
    contact([Entry(q, NOW - 90 * SECOND)], language="de")  # L1 waiting 90 s
    # E1 engaged: accepted after 60 s, still talking.
    contact([Entry(q, NOW - 10 * MINUTE, [Seg(a2, NOW - 10 * MINUTE, NOW - 9 * MINUTE)])])
    # C1 answered today after 20 s and ended.
    t = TODAY + 8 * HOUR
    contact([Entry(q, t, [Seg(a1, t + 10 * SECOND, t + 20 * SECOND, t + 5 * MINUTE)])], end=t + 5 * MINUTE)
    # D1, D2 dropped off today (D2 while ringing a-2).
    contact([Entry(q, TODAY + 9 * HOUR)], end=TODAY + 9 * HOUR + 3 * MINUTE)
    t = TODAY + 9 * HOUR + 10 * MINUTE
    contact([Entry(q, t, [Seg(a2, t + 5 * SECOND)])], end=t + MINUTE)
    # Yesterday: an abandoned and an answered contact (neither in today's dropOff or ASA).
    contact([Entry(q, TODAY - 10 * MINUTE)], end=TODAY - 5 * MINUTE)
    t = TODAY - HOUR
    contact([Entry(q, t, [Seg(a1, t, t + 90 * SECOND, t + 3 * MINUTE)])], end=t + 3 * MINUTE)
    # M1 left qu-main unanswered for qu-overflow, where it still waits.
    contact([Entry(q, TODAY + 10 * HOUR), Entry(q2, TODAY + 10 * HOUR + MINUTE)])
    contact([Entry(q, NOW - 5 * SECOND)], bot="st-other")  # another bot's contact
    add_contact(db_engine, other, "st-foreign", [Entry(foreign_q, NOW - 10 * SECOND)])

    headers = {"auth": token(create_app(client, account, scopes=[ANALYTICS])), "accountid": account}
    other_headers = {"auth": token(create_app(client, other, scopes=[ANALYTICS]))}
    return World(account, headers, other, other_headers)


def _expected(**overrides: Any) -> list[dict[str, Any]]:
    item: dict[str, Any] = {
        "queueId": "qu-main",
        "queueName": "Default Queue",
        "skills": SKILLS,
        "waiting": 4,
        "engaged": 1,
        "dropOff": 2,
        "agentStatus": {"available": 1, "offline": 2, "busy": 1, "away": 1},
        "noOfAgents": 5,
        "queueSummary": {"avgWait": 75_000, "maxWait": 120_000, "ASA": 40_000},
    }
    item.update(overrides)
    return [item]


def test_every_figure_by_hand(client: TestClient, world: World) -> None:
    """waiting W1 60 s, W2 30 s, X1 120 s, L1 90 s: avg 300/4 = 75 s, max 120 s; engaged E1; dropOff D1, D2;
    ASA = (E1 60 s + C1 20 s) / 2 = 40 s; agents: a-1 Available (its Busy is after now), a-2 BUSY, a-3 Lunch
    (away), a-4 Offline and a-5 no status (offline)."""
    response = world.post(client, "st-main", "qu-main", {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == _expected()


def test_no_body_and_trailing_slash(client: TestClient, world: World) -> None:
    response = client.post(PATH.format("st-main", "qu-main") + "/", headers=world.headers)
    assert response.status_code == 200, response.text
    assert response.json() == _expected()


def test_channels_filter_by_source_any_case(client: TestClient, world: World) -> None:
    """Without X1 (msteams): W1 60, W2 30, L1 90 -> avg 60 s, max 90 s; the other figures are all rtm."""
    response = world.post(client, "st-main", "qu-main", {"channels": ["RTM"]}, slash=True)
    assert response.json() == _expected(waiting=3, queueSummary={"avgWait": 60_000, "maxWait": 90_000, "ASA": 40_000})


def test_channels_and_languages_together(client: TestClient, world: World) -> None:
    response = world.post(client, "st-main", "qu-main", {"channels": ["rtm"], "languages": ["en"]})
    assert response.json() == _expected(waiting=2, queueSummary={"avgWait": 45_000, "maxWait": 60_000, "ASA": 40_000})


def test_a_filter_that_matches_nothing(client: TestClient, world: World) -> None:
    response = world.post(client, "st-main", "qu-main", {"channels": ["whatsapp"]})
    assert response.json() == _expected(
        waiting=0, engaged=0, dropOff=0, queueSummary={"avgWait": 0, "maxWait": 0, "ASA": 0}
    )


def test_the_contact_that_moved_on_waits_in_the_next_queue(client: TestClient, world: World) -> None:
    response = world.post(client, "st-main", "qu-overflow", {})
    waited = 2 * HOUR - MINUTE  # entered qu-overflow at 10:01, now 12:00
    assert response.json() == [
        {
            "queueId": "qu-overflow",
            "queueName": "Overflow",
            "skills": [],
            "waiting": 1,
            "engaged": 0,
            "dropOff": 0,
            "agentStatus": {"available": 1, "offline": 0, "busy": 0, "away": 0},
            "noOfAgents": 1,
            "queueSummary": {"avgWait": waited, "maxWait": waited, "ASA": 0},
        }
    ]


def test_an_open_contact_waits_however_long_ago_it_entered(client: TestClient, db_engine: Engine, world: World) -> None:
    """Entered two days ago and never answered nor ended: waiting 172,800 s more (the contract names no
    window); not a drop-off nor in ASA, which count today's contacts only."""
    q = add_queue(db_engine, world.account_id, "qu-old", "Old")
    add_contact(db_engine, world.account_id, "st-main", [Entry(q, NOW - 2 * DAY)])
    add_contact(db_engine, world.account_id, "st-main", [Entry(q, NOW - 2 * DAY - HOUR)], end=NOW - 2 * DAY)
    [item] = world.post(client, "st-main", "qu-old", {}).json()
    assert (item["waiting"], item["engaged"], item["dropOff"]) == (1, 0, 0)
    assert item["queueSummary"] == {"avgWait": 2 * DAY, "maxWait": 2 * DAY, "ASA": 0}


def test_another_bot_of_the_account_counts_its_own_contacts(client: TestClient, world: World) -> None:
    response = world.post(client, "st-other", "qu-main", {})
    assert response.json() == _expected(
        waiting=1, engaged=0, dropOff=0, queueSummary={"avgWait": 5_000, "maxWait": 5_000, "ASA": 0}
    )


def test_the_shape_matches_the_vendor_sample(client: TestClient, world: World) -> None:
    documented = sample("queue-size")
    ours = world.post(client, "st-main", "qu-overflow", documented["request"]).json()
    assert_same_shape(ours, documented["response"])


@pytest.mark.parametrize(
    ("bot", "queue", "msg"),
    [
        ("st-foreign", "qu-main", "bot not found"),  # the other account's bot
        ("st-missing", "qu-main", "bot not found"),
        ("st-main", "qu-missing", "queue not found"),
        ("bad bot!", "qu-main", "bot not found"),
        ("st-main", "x" * 200, "queue not found"),
        ("st-main%0A", "qu-main", "bot not found"),  # a final newline is not the same id
        ("st-main", "qu-main%00", "queue not found"),  # nor a NUL (which PostgreSQL could not even compare)
    ],
)
def test_foreign_and_missing_are_the_same_404(client: TestClient, world: World, bot: str, queue: str, msg: str) -> None:
    response = world.post(client, bot, queue, {})
    assert response.status_code == 404
    assert response.json() == {"errors": [{"msg": msg, "code": 404}]}


def test_the_other_account_sees_only_its_queue(client: TestClient, world: World) -> None:
    response = client.post(PATH.format("st-foreign", "qu-main"), json={}, headers=world.other_headers)
    assert response.status_code == 200
    [item] = response.json()
    assert (item["queueName"], item["waiting"], item["noOfAgents"]) == ("Their Queue", 1, 1)
    assert client.post(PATH.format("st-main", "qu-main"), json={}, headers=world.other_headers).status_code == 404


def test_scope_and_token_required(client: TestClient, world: World) -> None:
    wfm_only = {"auth": token(create_app(client, world.account_id, scopes=["WFM Integration"]))}
    response = client.post(PATH.format("st-main", "qu-main"), json={}, headers=wfm_only)
    assert response.status_code == 403
    assert response.json() == {"errors": [{"msg": "scope SmartAssist Analytics not granted", "code": 403}]}
    assert client.post(PATH.format("st-main", "qu-main"), json={}).status_code == 401
    wrong_account = {**world.headers, "accountid": world.other_account}
    assert client.post(PATH.format("st-main", "qu-main"), json={}, headers=wrong_account).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        [],
        "rtm",
        {"channels": "rtm"},
        {"channels": [1]},
        {"channels": [""]},
        {"languages": ["x" * 65]},
        {"languages": {"en": True}},
        {"channels": ["rtm"] * 101},
        {"queueId": "qu-main"},
    ],
)
def test_bad_bodies_are_400(client: TestClient, world: World, body: Any) -> None:
    response = world.post(client, "st-main", "qu-main", body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["code"] == 400


def test_a_body_that_is_not_json_is_400(client: TestClient, world: World) -> None:
    headers = {**world.headers, "content-type": "application/json"}
    response = client.post(PATH.format("st-main", "qu-main"), content=b"{nope", headers=headers)
    assert response.status_code == 400
