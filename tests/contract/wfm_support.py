"""Black-box helpers for the Contact Volume and Agent Performance contract tests (API.md §8, docs/API.md §6).

Queues, agents and conversations go in through the ingest routes only (API.md §5, docs/API.md §9), and the
records come out of the two public WFM routes only. Nothing here imports the server's code: every expected
value of the tests is written by hand from the contract.

The shared scenario (`seed_main`) is one day, 2023-06-01, with times written with `Z`:

  C1  qu-a rtm     EnterTime 09:50:00      A1 assigned 09:50:10, accepted 09:50:20, ends 09:55:20, acw to 09:56:00
                   csat 4, holdDuration 5000, messageCount 7, savedMessageCount 2, skills sk-2, sk-1
  C2  qu-a rtm     EnterTime 09:59:59.999  A2 assigned 10:00:05, accepted 10:00:10, ends 10:02:10, acw to 10:02:30
                   csat 5, skills sk-1
  C3  qu-a rtm     EnterTime 10:00:00.000  A1 assigned 10:00:30, rings; the customer leaves at 10:01:30.500
  C4  qu-a rtm     EnterTime 09:46:00      nobody; the customer leaves at 09:48:00; skills sk-3
  C5  qu-a rtm     EnterTime 09:47:00      nobody; still waiting (no session end); skills sk-1
  C6  qu-a korevg  EnterTime 10:20:00      A1 assigned 10:20:05, accepted 10:20:10, ends 10:25:10 (transfer, no acw)
      qu-b korevg  EnterTime 10:25:10      A2 assigned 10:31:00, accepted 10:31:05, ends 10:33:05, acw to 10:33:35
                   csat 3, holdDuration 2000, messageCount 3, savedMessageCount 1, session ends 10:33:05
  C7  qu-b rtm     EnterTime 11:00:00      A3 assigned 11:00:05, "Ignored"; then A2 assigned 11:00:30, accepted
                                           11:00:40, ends 11:04:40, acw to 11:05:00
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

from tests.contract.support import QueueRef, entry
from tests.support.errors import error
from tests.support.tenants import INGEST, WFM, Tenant, tenant

__all__ = [
    "A1",
    "A2",
    "A3",
    "BOT",
    "DAY",
    "ORG",
    "QA",
    "QB",
    "RECORD_KEYS",
    "SKILL_KEYS",
    "AgentRef",
    "QueueRef",
    "Tenant",
    "at",
    "conversation",
    "entry",
    "error",
    "ingest_agents",
    "ingest_conversations",
    "ingest_queues",
    "interval",
    "perf_queue",
    "performance",
    "performance_post",
    "seed_main",
    "segment",
    "setup",
    "vol_record",
    "volume",
    "volume_post",
    "wfm_tenant",
]

VOLUME_PATH = "/agentassist/api/public/analytics/account/{}/callvolume"
PERFORMANCE_PATH = "/agentassist/api/public/analytics/account/{}/agentperformance"
DAY = "2023-06-01"
ORG = "o-8aa0607b-1d81-504a-9eb2-5a39f1330001"
BOT = "st-5b1c0d2e-1111-4111-8111-111111111111"

# API.md §8 / docs/API.md §6: the record's fields, in the V1 sample's order.
RECORD_KEYS = [
    "_id",
    "intervalStartTimeStamp",
    "orgId",
    "queueId",
    "source",
    "__v",
    "intervalEndTimeStamp",
    "offeredContacts",
    "answeredContacts",
    "maxQueueHoldTimeAnswered",
    "queueHoldTimeAnswered",
    "acwDuration",
    "completedContacts",
    "conversationHandleTime",
    "conversationTalkTime",
    "holdDuration",
    "messageCount",
    "savedMessageCount",
    "csatResponses",
    "csatScore",
    "abandonedContacts",
    "maxqueueHoldTimeAbandoned",
    "queueHoldTimeAbandoned",
    "iId",
    "queueName",
]
VOLUME_METRICS = [k for k in RECORD_KEYS[7:23]]
# docs/API.md §6: a skillBreakdown item's fields, in the V2 sample's order.
SKILL_KEYS = [
    "skillId",
    "skillName",
    "skillGroupId",
    "skillGroupName",
    "offeredContacts",
    "answeredContacts",
    "abandonedContacts",
    "completedContacts",
    "conversationHandleTime",
    "conversationTalkTime",
    "acwDuration",
    "holdDuration",
    "queueHoldTimeAnswered",
    "maxQueueHoldTimeAnswered",
    "queueHoldTimeAbandoned",
    "maxqueueHoldTimeAbandoned",
    "csatResponses",
    "csatScore",
]
# API.md §8: an Agent Performance queue item's fields.
PERF_QUEUE_KEYS = [
    "queueId",
    "queueName",
    "offeredContacts",
    "answeredContacts",
    "abandonedContacts",
    "completedContacts",
    "transferredContacts",
    "conversationHandleTime",
    "conversationTalkTime",
    "acwDuration",
    "holdDuration",
    "csatScore",
]


@dataclass(frozen=True)
class AgentRef:
    user_id: str
    agent_id: str
    email: str
    first: str
    last: str


QA = QueueRef("qu-aaaa-1", "Alpha Sales")
QB = QueueRef("qu-bbbb-2", "Beta Support")
A1 = AgentRef(
    "u-0f7e6d5c-1111-4111-8111-000000000001", "a-10000000-0000-4000-8000-00000000000a", "ann@x.io", "Ann", "A"
)
A2 = AgentRef(
    "u-0f7e6d5c-2222-4222-8222-000000000002", "a-20000000-0000-4000-8000-00000000000b", "bob@x.io", "Bob", "B"
)
A3 = AgentRef("u-0f7e6d5c-3333-4333-8333-000000000003", "a-30000000-0000-4000-8000-00000000000c", "cy@x.io", "Cy", "C")


def at(clock: str, day: str = DAY) -> str:
    """An instant of `day` in UTC, written with `Z`: at("09:59:59.999")."""
    return f"{day}T{clock}Z"


def interval(clock: str, day: str = DAY) -> tuple[str, str]:
    """The start and end (start + 15 min) of a WFM interval as the routes write them: 2023-06-01T09:45:00.000Z."""
    start = datetime.fromisoformat(f"{day}T{clock}")
    end = start + timedelta(minutes=15)
    return start.strftime("%Y-%m-%dT%H:%M:%S.000Z"), end.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def wfm_tenant(client: TestClient, name: str = "Acme") -> Tenant:
    """An account whose app has the WFM scope (for the routes) and the ingest scope (to load data)."""
    return tenant(client, name, scopes=[WFM, INGEST])


def _ingest(client: TestClient, t: Tenant, method: str, route: str, records: Any, **params: Any) -> dict[str, Any]:
    response = client.request(
        method,
        f"/ingest/accounts/{t.account_id}/{route}",
        content=json.dumps(records).encode(),
        params=params,
        headers={**t.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ingest_queues(client: TestClient, t: Tenant, *queues: QueueRef) -> None:
    _ingest(client, t, "PUT", "queues", [{"queueId": q.queue_id, "name": q.name} for q in queues])


def ingest_agents(client: TestClient, t: Tenant, *agents: AgentRef, queues: tuple[QueueRef, ...] = ()) -> None:
    records = [
        {
            "userId": a.user_id,
            "agentId": a.agent_id,
            "email": a.email,
            "firstName": a.first,
            "lastName": a.last,
            "queues": [q.queue_id for q in queues],
        }
        for a in agents
    ]
    _ingest(client, t, "PUT", "agents", records)


def setup(client: TestClient, t: Tenant) -> None:
    """Queues qu-a, qu-b and agents A1, A2, A3 (members of both)."""
    ingest_queues(client, t, QA, QB)
    ingest_agents(client, t, A1, A2, A3, queues=(QA, QB))


def ingest_conversations(client: TestClient, t: Tenant, rows: list[dict[str, Any]], **params: Any) -> None:
    body = _ingest(client, t, "POST", "conversations", rows, **params)
    assert body["accepted"] + body["duplicates"] == len(rows), body


def segment(
    agent: AgentRef,
    assigned: str,
    accepted: str | None = None,
    end: str | None = None,
    acw_end: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An agent segment in the vendor's row shape (agentId = the agent's u-… userId, as the vendor's rows)."""
    seg: dict[str, Any] = {
        "agentId": agent.user_id,
        "destinationType": "AgentSegment",
        "email": agent.email,
        "name": f"{agent.first} {agent.last}",
        "assignedAt": assigned,
    }
    if accepted is not None:
        seg["status"] = "Answered"
        seg["acceptedTime"] = accepted
    if end is not None:
        seg["interactionEndTime"] = end
    if acw_end is not None:
        seg["afterCallWorkEndTime"] = acw_end
    seg.update(extra)
    return seg


def conversation(
    cid: str,
    start: str,
    end: str | None,
    destinations: list[dict[str, Any]],
    *,
    source: str | None = "rtm",
    channel: str = "Web/Mobile Client",
    bot: str = BOT,
    **extra: Any,
) -> dict[str, Any]:
    """A Call Details row that reached the contact center; end None = the session is still open."""
    row: dict[str, Any] = {
        "conversationId": cid,
        "sessionId": (cid.replace("c-", "").replace("-", "") + "0" * 24)[:24],
        "channel": channel,
        "botId": bot,
        "sessionStartTime": start,
    }
    if source is not None:
        row["source"] = source
    if end is not None:
        row["sessionEndTime"] = end
    row["destinations"] = destinations
    row.update(extra)
    return row


def main_rows() -> list[dict[str, Any]]:
    sales = {"skillId": "sk-1", "skillName": "Sales"}
    billing = {"skillId": "sk-2", "skillName": "Billing"}
    tech = {"skillId": "sk-3", "skillName": "Tech"}
    return [
        conversation(
            "c-0001",
            at("09:49:30"),
            at("09:55:20"),
            [entry(QA, at("09:50:00"), segment(A1, at("09:50:10"), at("09:50:20"), at("09:55:20"), at("09:56:00")))],
            csatScore=4,
            holdDuration=5000,
            messageCount=7,
            savedMessageCount=2,
            skills=[billing, sales],
        ),
        conversation(
            "c-0002",
            at("09:59:30"),
            at("10:02:10"),
            [
                entry(
                    QA, at("09:59:59.999"), segment(A2, at("10:00:05"), at("10:00:10"), at("10:02:10"), at("10:02:30"))
                )
            ],
            csatScore=5,
            skills=[sales],
        ),
        conversation(
            "c-0003",
            at("09:59:45"),
            at("10:01:30.500"),
            [entry(QA, at("10:00:00.000"), non_responding=[segment(A1, at("10:00:30"))])],
        ),
        conversation("c-0004", at("09:45:30"), at("09:48:00"), [entry(QA, at("09:46:00"))], skills=[tech]),
        conversation("c-0005", at("09:46:30"), None, [entry(QA, at("09:47:00"))], skills=[sales]),
        conversation(
            "c-0006",
            at("10:19:30"),
            at("10:33:05"),
            [
                entry(QA, at("10:20:00"), segment(A1, at("10:20:05"), at("10:20:10"), at("10:25:10"))),
                entry(QB, at("10:25:10"), segment(A2, at("10:31:00"), at("10:31:05"), at("10:33:05"), at("10:33:35"))),
            ],
            source="korevg",
            channel="Voice",
            csatScore=3,
            holdDuration=2000,
            messageCount=3,
            savedMessageCount=1,
        ),
        conversation(
            "c-0007",
            at("10:59:30"),
            at("11:04:40"),
            [
                entry(
                    QB,
                    at("11:00:00"),
                    segment(A2, at("11:00:30"), at("11:00:40"), at("11:04:40"), at("11:05:00")),
                    non_responding=[segment(A3, at("11:00:05"), nonResponseEvent="Ignored")],
                )
            ],
        ),
    ]


def seed_main(client: TestClient, t: Tenant) -> None:
    """Queues, agents and the seven contacts of the module docstring."""
    setup(client, t)
    ingest_conversations(client, t, main_rows())


# --- the public routes -------------------------------------------------------------------------------------


def _post(client: TestClient, path: str, t: Tenant, body: Any, headers: dict[str, str] | None) -> Response:
    response: Response = client.post(
        path.format(t.account_id), json=body, headers=t.headers if headers is None else headers
    )
    return response


def volume_post(client: TestClient, t: Tenant, body: Any, headers: dict[str, str] | None = None) -> Response:
    return _post(client, VOLUME_PATH, t, body, headers)


def performance_post(client: TestClient, t: Tenant, body: Any, headers: dict[str, str] | None = None) -> Response:
    return _post(client, PERFORMANCE_PATH, t, body, headers)


def volume(client: TestClient, t: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    """The 200 body of Contact Volume, after checking its envelope and each record's keys (in order)."""
    response = volume_post(client, t, body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert set(result) == {"hasMore", "CallVolumeUpdate", "totalCount"}, result
    keys = RECORD_KEYS + (["skillBreakdown"] if body.get("includeSkillBreakdown") else [])
    for record in result["CallVolumeUpdate"]:
        assert list(record) == keys, record
        for item in record.get("skillBreakdown", []):
            assert list(item) == SKILL_KEYS, item
    return result


def performance(client: TestClient, t: Tenant, body: dict[str, Any]) -> dict[str, Any]:
    """The 200 body of Agent Performance, after checking the keys of every level."""
    response = performance_post(client, t, body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert set(result) == {"hasMore", "totalCount", "AgentPerformance"}, result
    for agent in result["AgentPerformance"]:
        assert set(agent) == {"agentId", "intervals"}, agent
        for block in agent["intervals"]:
            assert set(block) == {"intervalStartTimeStamp", "intervalEndTimeStamp", "queues"}, block
            for item in block["queues"]:
                assert set(item) == set(PERF_QUEUE_KEYS), item
    return result


# --- expected values (filled with the contract's zeros; every non-zero value is given by the test) ----------


def vol_record(
    clock: str,
    queue: QueueRef,
    source: str,
    *,
    day: str = DAY,
    org: str = ORG,
    bot: str = BOT,
    **metrics: int,
) -> dict[str, Any]:
    """An expected Contact Volume record without its `_id`; unnamed metrics are 0."""
    unknown = set(metrics) - set(VOLUME_METRICS)
    assert not unknown, unknown
    start, end = interval(clock, day)
    record: dict[str, Any] = {
        "intervalStartTimeStamp": start,
        "orgId": org,
        "queueId": queue.queue_id,
        "source": source,
        "__v": 0,
        "intervalEndTimeStamp": end,
    }
    record.update({k: metrics.get(k, 0) for k in VOLUME_METRICS})
    record["iId"] = bot
    record["queueName"] = queue.name
    return record


def without_ids(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "_id"} for r in records]


def perf_queue(queue: QueueRef, **metrics: int) -> dict[str, Any]:
    """An expected Agent Performance queue item; unnamed metrics are 0."""
    unknown = set(metrics) - set(PERF_QUEUE_KEYS[2:])
    assert not unknown, unknown
    item: dict[str, Any] = {"queueId": queue.queue_id, "queueName": queue.name}
    item.update({k: metrics.get(k, 0) for k in PERF_QUEUE_KEYS[2:]})
    return item


def perf_interval(clock: str, *queues: dict[str, Any], day: str = DAY) -> dict[str, Any]:
    start, end = interval(clock, day)
    return {"intervalStartTimeStamp": start, "intervalEndTimeStamp": end, "queues": list(queues)}


def perf_agent(agent: AgentRef | str, *intervals: dict[str, Any]) -> dict[str, Any]:
    agent_id = agent if isinstance(agent, str) else agent.agent_id
    return {"agentId": agent_id, "intervals": list(intervals)}


__all__ += ["main_rows", "perf_agent", "perf_interval", "without_ids", "PERF_QUEUE_KEYS", "VOLUME_METRICS"]
