"""Any JSON in any field of a conversation row is a 200 or a 400 naming the record, never a 500, and a refused
batch stores nothing."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from tests.analytics.conversations.support import add_agents, add_queue, new_caller

FIELDS = [
    "conversationId",
    "sessionId",
    "botId",
    "channel",
    "sessionStartTime",
    "sessionEndTime",
    "source",
    "language",
    "skills",
    "Direction",
    "customerinfo",
    "csatScore",
    "destinations",
]
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(["2025-10-01T10:00:00", "2025-10-01T10:00:00Z", "qu-1", "u-1", "QueueEntry", "AgentSegment"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(FIELDS + ["queueId", "agentId", "respondingAgent", "acceptedTime", "destinationType"]),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
SEGMENT = st.fixed_dictionaries(
    {"destinationType": st.just("AgentSegment"), "agentId": st.sampled_from(["u-1", "u-2"])},
    optional={"acceptedTime": JSON, "interactionEndTime": JSON, "status": JSON, "interactionDuration": JSON},
)
ENTRY = st.fixed_dictionaries(
    {"destinationType": st.just("QueueEntry"), "queueId": st.sampled_from(["qu-1", "qu-2"])},
    optional={
        "EnterTime": JSON,
        "CallbackOptedTime": JSON,
        "respondingAgent": SEGMENT | JSON,
        "nonRespondingAgents": st.lists(SEGMENT | JSON, max_size=2),
    },
)


def _base() -> dict[str, Any]:
    return {
        "conversationId": "c-1",
        "sessionId": "s-1",
        "channel": "Voice",
        "botId": "st-bot",
        "sessionStartTime": "2025-10-01T10:00:00Z",
    }


def test_no_row_is_a_500(client: TestClient, db_engine: Engine) -> None:
    caller = new_caller(client)
    add_queue(db_engine, caller.account_id, "qu-1")
    add_agents(client, caller, ["u-1"])

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=3),
        st.lists(ENTRY | SEGMENT | JSON, max_size=3),
        st.sampled_from([None, -330, 0]),
    )
    def check(changes: dict[str, Any], destinations: list[Any], offset: int | None) -> None:
        with db_engine.connect() as conn:
            before = conn.execute(text("SELECT count(*) FROM conversations")).scalar_one()
        row = {**_base(), "conversationId": f"c-{before}", "destinations": destinations, **changes}
        response = caller.ingest(client, [row], offset=offset)
        assert response.status_code in (200, 400), response.text
        if response.status_code == 400:
            assert response.json()["errors"][0]["msg"].startswith("record 0: ")
            with db_engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM conversations")).scalar_one() == before
            return
        body = {"startDate": "2025-09-28", "endDate": "2025-10-03"}
        assert caller.details(client, body).status_code == 200

    check()
