"""Agent Performance through the real route, on hand-made contacts (expected values worked out by hand):
a non-responding then responding agent, a transfer between two queues, a customer leaving while ringing,
assignedAt interval boundaries, paging by agent, agreement with Contact Volume, isolation and 400s."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.support.contacts import HOUR, JUNE_1, MINUTE, SECOND, Entry, Seg, add_agent, add_contact, add_queue
from tests.support.samples import assert_same_shape, sample
from tests.support.tenants import ANALYTICS, create_app
from tests.support.tokens import token
from tests.wfm.support import BOT, Caller, make_caller

T = JUNE_1 + 10 * HOUR  # 2023-06-01T10:00:00Z
WINDOW = {"fromTimeStamp": "2023-06-01T10:00:00Z", "toTimeStamp": "2023-06-01T10:30:00Z"}
I1000 = {"intervalStartTimeStamp": "2023-06-01T10:00:00.000Z", "intervalEndTimeStamp": "2023-06-01T10:15:00.000Z"}
I1015 = {"intervalStartTimeStamp": "2023-06-01T10:15:00.000Z", "intervalEndTimeStamp": "2023-06-01T10:30:00.000Z"}


def queue(queue_id: str, name: str, **metrics: int) -> dict[str, Any]:
    names = ["offeredContacts", "answeredContacts", "abandonedContacts", "completedContacts", "transferredContacts"]
    names += ["conversationHandleTime", "conversationTalkTime", "acwDuration", "holdDuration", "csatScore"]
    assert set(metrics) <= set(names)
    return {"queueId": queue_id, "queueName": name, **{n: metrics.get(n, 0) for n in names}}


def _contacts(db_engine: Engine, account: str) -> None:
    qa = add_queue(db_engine, account, "qu-a", "A")
    qb = add_queue(db_engine, account, "qu-b", "B")
    x = add_agent(db_engine, account, "a-x", queues=(qa, qb))
    y = add_agent(db_engine, account, "a-y", queues=(qa, qb))
    add_agent(db_engine, account, "a-idle", queues=(qa,))  # no segment: not listed
    # 1. a-x assigned 10:00:05 and ignored; a-y assigned 10:00:35, accepted 10:00:40, talk to 10:02:20 (100 s),
    #    acw to 10:02:30 (10 s); csat 3.
    segments = [
        Seg(x, T + 5 * SECOND, non_response_event="Ignored"),
        Seg(y, T + 35 * SECOND, T + 40 * SECOND, T + 140 * SECOND, T + 150 * SECOND),
    ]
    add_contact(db_engine, account, BOT, [Entry(qa, T, segments)], end=T + 150 * SECOND, csat_score=3)
    # 2. qu-a: a-y accepts 10:06, talks to 10:10 (240 s), transfers; qu-b: a-x accepts 10:11, talks to 10:20
    #    (540 s), acw to 10:21 (60 s). Hold 5 s on the last answering segment (a-x); csat 4 for both agents.
    t = T + 5 * MINUTE
    entries = [
        Entry(qa, t, [Seg(y, t, t + MINUTE, t + 5 * MINUTE, transferred=True)]),
        Entry(
            qb,
            t + 5 * MINUTE + 30 * SECOND,
            [Seg(x, t + 5 * MINUTE + 40 * SECOND, t + 6 * MINUTE, t + 15 * MINUTE, t + 16 * MINUTE)],
        ),
    ]
    add_contact(db_engine, account, BOT, entries, end=t + 16 * MINUTE, csat_score=4, hold_ms=5_000)
    # 3. The customer leaves at 10:21 while a-x's assignment (10:20:10) rings.
    t = T + 20 * MINUTE
    add_contact(db_engine, account, BOT, [Entry(qa, t, [Seg(x, t + 10 * SECOND)])], end=t + MINUTE)
    # 4./5. a-y assigned at 10:14:59.999 (talk 60 s) and at 10:15:00.000 (accepted, still talking).
    edge = T + 15 * MINUTE
    seg4 = Seg(y, edge - 1, edge + 10 * SECOND, edge + 70 * SECOND)
    add_contact(db_engine, account, BOT, [Entry(qb, edge - 10 * SECOND, [seg4])], end=edge + 70 * SECOND)
    add_contact(db_engine, account, BOT, [Entry(qb, edge - 5 * SECOND, [Seg(y, edge, edge + 5 * SECOND)])])
    add_contact(db_engine, account, BOT, [Entry(qb, edge)])  # waiting, never assigned: no agent's


X_EXPECTED = {
    "agentId": "a-x",
    "intervals": [
        {
            **I1000,
            "queues": [
                queue("qu-a", "A", offeredContacts=1),
                queue(
                    "qu-b",
                    "B",
                    offeredContacts=1,
                    answeredContacts=1,
                    completedContacts=1,
                    conversationHandleTime=605_000,
                    conversationTalkTime=540_000,
                    acwDuration=60_000,
                    holdDuration=5_000,
                    csatScore=4,
                ),
            ],
        },
        {**I1015, "queues": [queue("qu-a", "A", offeredContacts=1, abandonedContacts=1)]},
    ],
}
Y_EXPECTED = {
    "agentId": "a-y",
    "intervals": [
        {
            **I1000,
            "queues": [
                # contacts 1 and 2: talk 100 + 240 s, acw 10 s, csat (3 + 4) / 2 = 3.5 -> 4
                queue(
                    "qu-a",
                    "A",
                    offeredContacts=2,
                    answeredContacts=2,
                    completedContacts=1,
                    transferredContacts=1,
                    conversationHandleTime=350_000,
                    conversationTalkTime=340_000,
                    acwDuration=10_000,
                    csatScore=4,
                ),
                queue(
                    "qu-b",
                    "B",
                    offeredContacts=1,
                    answeredContacts=1,
                    completedContacts=1,
                    conversationHandleTime=60_000,
                    conversationTalkTime=60_000,
                ),
            ],
        },
        {**I1015, "queues": [queue("qu-b", "B", offeredContacts=1, answeredContacts=1, completedContacts=1)]},
    ],
}


def test_every_figure_by_hand(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    _contacts(db_engine, caller.account_id)
    got = caller.ok(client, "agentperformance", WINDOW)
    assert got == {"hasMore": False, "totalCount": 2, "AgentPerformance": [X_EXPECTED, Y_EXPECTED]}
    assert_same_shape(got, sample("agent-performance")["response"])


def test_paging_by_agent(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    _contacts(db_engine, caller.account_id)
    first = caller.ok(client, "agentperformance", {**WINDOW, "limit": 1})
    assert first == {"hasMore": True, "totalCount": 2, "AgentPerformance": [X_EXPECTED]}
    second = caller.ok(client, "agentperformance", {**WINDOW, "skip": 1, "limit": 1})
    assert second == {"hasMore": False, "totalCount": 2, "AgentPerformance": [Y_EXPECTED]}
    assert caller.ok(client, "agentperformance", {**WINDOW, "skip": 2}) == {
        "hasMore": False,
        "totalCount": 2,
        "AgentPerformance": [],
    }


def test_the_window_cuts_by_assigned_at(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    _contacts(db_engine, caller.account_id)
    late = caller.ok(
        client, "agentperformance", {"fromTimeStamp": "2023-06-01T10:15:00Z", "toTimeStamp": "2023-06-01T10:30:00Z"}
    )
    assert (
        late["AgentPerformance"]
        == [
            {"agentId": "a-x", "intervals": X_EXPECTED["intervals"][1:]},  # type: ignore[index]
            {"agentId": "a-y", "intervals": Y_EXPECTED["intervals"][1:]},  # type: ignore[index]
        ]
    )
    synced = caller.ok(client, "agentperformance", {"toTimeStamp": "2023-06-01T10:30:00Z"})
    assert synced["AgentPerformance"] == [X_EXPECTED, Y_EXPECTED]


def test_agrees_with_contact_volume(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """Every contact here is entered and assigned inside the window: the answered contacts and the talk
    time of the two routes are the same sums (5 answered; 100 + 240 + 540 + 60 + 0 s of talk)."""
    _contacts(db_engine, caller.account_id)
    agents = caller.ok(client, "agentperformance", WINDOW)["AgentPerformance"]
    volume = caller.ok(client, "callvolume", {"orgId": "o-1", **WINDOW})["CallVolumeUpdate"]
    per_agent = [q for a in agents for i in a["intervals"] for q in i["queues"]]
    for name in ("answeredContacts", "conversationTalkTime", "acwDuration", "holdDuration", "conversationHandleTime"):
        assert sum(q[name] for q in per_agent) == sum(r[name] for r in volume), name
    assert sum(q["answeredContacts"] for q in per_agent) == 5
    assert sum(q["conversationTalkTime"] for q in per_agent) == 940_000
    assert sum(q["abandonedContacts"] for q in per_agent) == sum(r["abandonedContacts"] for r in volume) == 1


def test_isolation(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    _contacts(db_engine, caller.account_id)
    other = make_caller(client, db_engine, "Other")
    assert other.ok(client, "agentperformance", WINDOW) == {"hasMore": False, "totalCount": 0, "AgentPerformance": []}
    path = "/agentassist/api/public/analytics/account/{}/agentperformance"
    assert client.post(path.format(caller.account_id), json=WINDOW, headers=other.headers).status_code == 403
    analytics_only = {"auth": token(create_app(client, caller.account_id, scopes=[ANALYTICS]))}
    refused = client.post(path.format(caller.account_id), json=WINDOW, headers=analytics_only)
    assert refused.status_code == 403
    assert refused.json() == {"errors": [{"msg": "scope WFM Integration not granted", "code": 403}]}


@pytest.mark.parametrize(
    ("request_body", "msg_start"),
    [
        ({"fromTimeStamp": "2023-06-01T10:00:00Z"}, "toTimeStamp is required"),
        ({**WINDOW, "limit": 101}, "limit must be an integer from 1 to 100"),
        ({**WINDOW, "limit": 0}, "limit must be"),
        ({**WINDOW, "skip": -5}, "skip must be"),
        ({**WINDOW, "skip": 2**31}, "skip must be"),
        ({**WINDOW, "toTimeStamp": "2023-07-02T10:00:01Z"}, "the window from fromTimeStamp"),
        ({**WINDOW, "fromTimeStamp": "2023-06-01 10:00"}, "fromTimeStamp must be"),
        ({**WINDOW, "includeSkillBreakdown": True}, "request body: unknown field"),
        ("window", "request body must be a JSON object"),
    ],
)
def test_bad_bodies_are_400(client: TestClient, caller: Caller, request_body: Any, msg_start: str) -> None:
    response = caller.post(client, "agentperformance", request_body)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["code"] == 400 and error["msg"].startswith(msg_start), error
