"""A Call Details row's conversation-level values, ingested through the conversations route, reach Contact
Volume and Agent Performance: `holdDuration` (milliseconds), `messageCount`, `savedMessageCount` (contract §8:
"hold = 0 unless the row has holdDuration; handle = talk + acw + hold; messageCount/savedMessageCount 0 unless
given"). The other WFM tests write their contacts straight into the tables; these go through ingest, where the
values were once dropped. Expected values worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.support.tenants import ADMIN
from tests.wfm.support import BOT, Caller, make_caller

AGENT = "u-2f0e6a3c-1111-4c1e-9a55-000000000001"
WINDOW = {"fromTimeStamp": "2023-06-01T09:45:00Z", "toTimeStamp": "2023-06-01T10:00:00Z"}


def row(**values: Any) -> dict[str, Any]:
    """Entered 09:50:00Z, accepted 09:50:20Z, talked until 09:55:20Z: talk 300 s, no after-call work."""
    return {
        "conversationId": "c-hold-1",
        "sessionId": "s-hold-1",
        "botId": BOT,
        "channel": "Web/Mobile Client",
        "source": "rtm",
        "sessionStartTime": "2023-06-01T09:49:50Z",
        "sessionEndTime": "2023-06-01T09:55:20Z",
        **values,
        "destinations": [
            {
                "destinationType": "QueueEntry",
                "queueId": "qu-hold",
                "EnterTime": "2023-06-01T09:50:00Z",
                "respondingAgent": {
                    "agentId": AGENT,
                    "destinationType": "AgentSegment",
                    "status": "Answered",
                    "assignedAt": "2023-06-01T09:50:05Z",
                    "acceptedTime": "2023-06-01T09:50:20Z",
                    "interactionEndTime": "2023-06-01T09:55:20Z",
                },
            }
        ],
    }


def ingest(client: TestClient, account_id: str, rows: list[dict[str, Any]]) -> Any:
    return client.post(f"/ingest/accounts/{account_id}/conversations?timeZoneOffset=0", json=rows, headers=ADMIN)


@pytest.fixture
def caller(client: TestClient, db_engine: Engine) -> Caller:
    caller = make_caller(client, db_engine)
    base = f"/ingest/accounts/{caller.account_id}"
    queue = client.put(f"{base}/queues", json=[{"queueId": "qu-hold", "name": "Hold"}], headers=ADMIN)
    assert queue.status_code == 200, queue.text
    agent = {"userId": AGENT, "email": "hold@example.com", "firstName": "H", "lastName": "Old", "queues": ["qu-hold"]}
    assert client.put(f"{base}/agents", json=[agent], headers=ADMIN).status_code == 200
    return caller


def volume_and_performance(client: TestClient, caller: Caller) -> tuple[dict[str, Any], dict[str, Any]]:
    (volume,) = caller.ok(client, "callvolume", {"orgId": "o-1", **WINDOW})["CallVolumeUpdate"]
    (agent,) = caller.ok(client, "agentperformance", WINDOW)["AgentPerformance"]
    (interval,) = agent["intervals"]
    (queue,) = interval["queues"]
    return volume, queue


def test_hold_and_message_counts_reach_both_routes(client: TestClient, caller: Caller) -> None:
    response = ingest(client, caller.account_id, [row(holdDuration=30_000, messageCount=12, savedMessageCount=3)])
    assert response.status_code == 200, response.text
    volume, queue = volume_and_performance(client, caller)
    assert (volume["holdDuration"], volume["messageCount"], volume["savedMessageCount"]) == (30_000, 12, 3)
    assert (volume["conversationTalkTime"], volume["conversationHandleTime"]) == (300_000, 330_000)
    assert (queue["holdDuration"], queue["conversationTalkTime"], queue["conversationHandleTime"]) == (
        30_000,
        300_000,
        330_000,
    )


def test_a_row_without_them_counts_zero_and_a_changed_row_replaces_them(client: TestClient, caller: Caller) -> None:
    assert ingest(client, caller.account_id, [row()]).status_code == 200
    volume, queue = volume_and_performance(client, caller)
    assert (volume["holdDuration"], volume["messageCount"], volume["savedMessageCount"]) == (0, 0, 0)
    assert (volume["conversationHandleTime"], queue["holdDuration"]) == (300_000, 0)

    changed = ingest(client, caller.account_id, [row(holdDuration=4_000, messageCount=1)])
    assert changed.json() == {"accepted": 1, "duplicates": 0}
    volume, queue = volume_and_performance(client, caller)
    assert (volume["offeredContacts"], volume["holdDuration"], volume["messageCount"]) == (1, 4_000, 1)
    assert (volume["conversationHandleTime"], queue["conversationHandleTime"]) == (304_000, 304_000)


@pytest.mark.parametrize("key", ["holdDuration", "messageCount", "savedMessageCount"])
@pytest.mark.parametrize("value", [-1, 1.5, "30", True, 10**9 + 1, [], {}])
def test_a_bad_value_is_a_400_naming_the_field_and_stores_nothing(
    client: TestClient, db_engine: Engine, caller: Caller, key: str, value: Any
) -> None:
    good = {**row(), "conversationId": "c-hold-0", "sessionId": "s-hold-0"}
    response = ingest(client, caller.account_id, [good, row(**{key: value})])
    assert response.status_code == 400, response.text
    message = response.json()["errors"][0]["msg"]
    assert message.startswith(f"record 1: {key}: "), message
    with db_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM conversations")).scalar_one() == 0
