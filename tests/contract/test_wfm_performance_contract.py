"""Agent Performance (`POST …/account/{accountId}/agentperformance`, API.md §8, docs/API.md §6) from the contract
alone.

Black box: queues, agents and conversations go in through the ingest routes, the answer comes out of the public
route; every expected number is worked out by hand from the contract (the scenario is described in
tests/contract/wfm_support.py). An agent segment counts in the 15-minute UTC interval of its assignedAt, per
agent × interval × queue. Durations are milliseconds.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contract.wfm_support import (
    A1,
    A2,
    A3,
    ORG,
    QA,
    QB,
    AgentRef,
    Tenant,
    at,
    conversation,
    entry,
    error,
    ingest_agents,
    ingest_conversations,
    ingest_queues,
    perf_agent,
    perf_interval,
    perf_queue,
    performance,
    performance_post,
    seed_main,
    segment,
    setup,
    volume,
    wfm_tenant,
)
from tests.support.tenants import ANALYTICS, INGEST, create_app
from tests.support.tokens import token

WINDOW = {"fromTimeStamp": at("09:45:00"), "toTimeStamp": at("11:15:00")}

P1 = perf_agent(
    A1,
    # C1: assigned 09:50:10, accepted, 300 s talk, 40 s acw; hold 5000 on its last answering segment; csat 4.
    perf_interval(
        "09:45:00",
        perf_queue(
            QA,
            offeredContacts=1,
            answeredContacts=1,
            completedContacts=1,
            conversationHandleTime=345000,
            conversationTalkTime=300000,
            acwDuration=40000,
            holdDuration=5000,
            csatScore=4,
        ),
    ),
    # C3: assigned 10:00:30, rang while the customer left: abandoned.
    perf_interval("10:00:00", perf_queue(QA, offeredContacts=1, abandonedContacts=1)),
    # C6 in qu-a: assigned 10:20:05, answered, then transferred to qu-b; csat 3 for every agent who answered.
    perf_interval(
        "10:15:00",
        perf_queue(
            QA,
            offeredContacts=1,
            answeredContacts=1,
            transferredContacts=1,
            conversationHandleTime=300000,
            conversationTalkTime=300000,
            csatScore=3,
        ),
    ),
)
P2 = perf_agent(
    A2,
    # C2: entered qu-a at 09:59:59.999 but assigned at 10:00:05: this agent's 10:00 interval.
    perf_interval(
        "10:00:00",
        perf_queue(
            QA,
            offeredContacts=1,
            answeredContacts=1,
            completedContacts=1,
            conversationHandleTime=140000,
            conversationTalkTime=120000,
            acwDuration=20000,
            csatScore=5,
        ),
    ),
    # C6 in qu-b: assigned 10:31:00; the last answering segment carries holdDuration 2000.
    perf_interval(
        "10:30:00",
        perf_queue(
            QB,
            offeredContacts=1,
            answeredContacts=1,
            completedContacts=1,
            conversationHandleTime=152000,
            conversationTalkTime=120000,
            acwDuration=30000,
            holdDuration=2000,
            csatScore=3,
        ),
    ),
    # C7: assigned 11:00:30 after A3 ignored it.
    perf_interval(
        "11:00:00",
        perf_queue(
            QB,
            offeredContacts=1,
            answeredContacts=1,
            completedContacts=1,
            conversationHandleTime=260000,
            conversationTalkTime=240000,
            acwDuration=20000,
        ),
    ),
)
# C7: assigned 11:00:05, ignored: offered, nothing else (an ignored agent's segment is not abandoned).
P3 = perf_agent(A3, perf_interval("11:00:00", perf_queue(QB, offeredContacts=1)))


def _seeded(client: TestClient) -> Tenant:
    t = wfm_tenant(client)
    seed_main(client, t)
    return t


def _agents(client: TestClient, t: Tenant, **body: Any) -> list[dict[str, Any]]:
    agents: list[dict[str, Any]] = performance(client, t, {**WINDOW, **body})["AgentPerformance"]
    return agents


def test_the_main_scenario_agent_by_agent(client: TestClient) -> None:
    t = _seeded(client)
    result = performance(client, t, WINDOW)
    assert result == {"hasMore": False, "totalCount": 3, "AgentPerformance": [P1, P2, P3]}


def test_intervals_are_15_minute_utc_and_named_by_the_a_id(client: TestClient) -> None:
    t = _seeded(client)
    [first, *_] = _agents(client, t)
    assert first["agentId"] == A1.agent_id  # the a-… id, not the u-… userId the rows name
    block = first["intervals"][0]
    assert block["intervalStartTimeStamp"] == "2023-06-01T09:45:00.000Z"
    assert block["intervalEndTimeStamp"] == "2023-06-01T10:00:00.000Z"
    item = block["queues"][0]
    for key, value in item.items():
        if key not in ("queueId", "queueName"):
            assert type(value) is int, key


def test_segments_count_by_assigned_at(client: TestClient) -> None:
    """09:45–10:00 holds C1's assignment only; 10:00–10:15 holds C2's (entered 09:59:59.999) and C3's."""
    t = _seeded(client)
    early = performance(client, t, {"fromTimeStamp": at("09:45:00"), "toTimeStamp": at("10:00:00")})
    assert early == {"hasMore": False, "totalCount": 1, "AgentPerformance": [perf_agent(A1, P1["intervals"][0])]}
    later = performance(client, t, {"fromTimeStamp": at("10:00:00"), "toTimeStamp": at("10:15:00")})
    assert later == {
        "hasMore": False,
        "totalCount": 2,
        "AgentPerformance": [perf_agent(A1, P1["intervals"][1]), perf_agent(A2, P2["intervals"][0])],
    }


def test_the_window_widens_to_whole_intervals(client: TestClient) -> None:
    t = _seeded(client)
    inside = performance(client, t, {"fromTimeStamp": at("10:05:00"), "toTimeStamp": at("10:06:00")})
    assert inside["AgentPerformance"] == [perf_agent(A1, P1["intervals"][1]), perf_agent(A2, P2["intervals"][0])]
    offset = performance(
        client, t, {"fromTimeStamp": "2023-06-01T11:45:00+02:00", "toTimeStamp": "2023-06-01T11:15:00"}
    )
    assert offset == performance(client, t, WINDOW)


def test_paging_is_by_agent(client: TestClient) -> None:
    t = _seeded(client)
    pages = []
    for skip, more in ((0, True), (1, True), (2, False)):
        page = performance(client, t, {**WINDOW, "skip": skip, "limit": 1})
        assert page["totalCount"] == 3
        assert page["hasMore"] is more, skip
        assert len(page["AgentPerformance"]) == 1
        pages.extend(page["AgentPerformance"])
    assert pages == [P1, P2, P3]
    assert performance(client, t, {**WINDOW, "skip": 3}) == {"hasMore": False, "totalCount": 3, "AgentPerformance": []}
    two = performance(client, t, {**WINDOW, "skip": 1, "limit": 2})
    assert two == {"hasMore": False, "totalCount": 3, "AgentPerformance": [P2, P3]}
    assert performance(client, t, {**WINDOW, "limit": 2})["hasMore"] is True


def test_limit_defaults_to_50_and_goes_to_100(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_queues(client, t, QA)
    agents = [
        AgentRef(f"u-00000000-0000-4000-8000-{k:012d}", f"a-{k:03d}", f"agent{k}@x.io", "F", f"L{k}") for k in range(51)
    ]
    ingest_agents(client, t, *agents, queues=(QA,))
    rows = [
        conversation(
            f"c-l{k:03d}",
            at("08:00:00"),
            at("08:05:00"),
            [entry(QA, at("08:00:10"), segment(agent, at("08:01:00"), at("08:01:05"), at("08:02:05")))],
        )
        for k, agent in enumerate(agents)
    ]
    ingest_conversations(client, t, rows)
    window = {"fromTimeStamp": at("08:00:00"), "toTimeStamp": at("08:15:00")}
    first = performance(client, t, window)
    assert first["totalCount"] == 51 and first["hasMore"] is True
    assert [a["agentId"] for a in first["AgentPerformance"]] == [f"a-{k:03d}" for k in range(50)]
    rest = performance(client, t, {**window, "skip": 50})
    assert rest["hasMore"] is False and [a["agentId"] for a in rest["AgentPerformance"]] == ["a-050"]
    everyone = performance(client, t, {**window, "limit": 100})
    assert everyone["hasMore"] is False and len(everyone["AgentPerformance"]) == 51
    item = perf_queue(
        QA,
        offeredContacts=1,
        answeredContacts=1,
        completedContacts=1,
        conversationHandleTime=60000,
        conversationTalkTime=60000,
    )
    assert everyone["AgentPerformance"][7] == perf_agent("a-007", perf_interval("08:00:00", item))


def test_from_omitted_is_an_initial_sync_from_the_first_assignment(client: TestClient) -> None:
    t = _seeded(client)
    full = performance(client, t, WINDOW)
    assert performance(client, t, {"toTimeStamp": at("11:15:00")}) == full
    assert performance(client, t, {"toTimeStamp": at("11:15:00"), "fromTimeStamp": None}) == full
    # The first assignment is at 09:50:10: nothing before 09:45.
    empty = {"hasMore": False, "totalCount": 0, "AgentPerformance": []}
    assert performance(client, t, {"toTimeStamp": at("09:45:00")}) == empty
    assert performance(client, t, {"toTimeStamp": "2023-07-02T09:45:00Z"}) == full
    error(performance_post(client, t, {"toTimeStamp": "2023-07-15T00:00:00Z"}), 400)


def test_an_account_without_contacts_has_an_empty_initial_sync(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    empty = {"hasMore": False, "totalCount": 0, "AgentPerformance": []}
    assert performance(client, t, {"toTimeStamp": "2030-01-01T00:00:00Z"}) == empty


def test_window_limits(client: TestClient) -> None:
    t = _seeded(client)
    month = performance(client, t, {"fromTimeStamp": "2023-06-01T00:00:00Z", "toTimeStamp": "2023-07-02T00:00:00Z"})
    assert month["totalCount"] == 3
    error(
        performance_post(client, t, {"fromTimeStamp": "2023-06-01T00:00:00Z", "toTimeStamp": "2023-07-02T00:15:00Z"}),
        400,
    )
    error(performance_post(client, t, {"fromTimeStamp": at("10:00:00"), "toTimeStamp": at("09:45:00")}), 400)
    error(performance_post(client, t, {"fromTimeStamp": at("10:00:00"), "toTimeStamp": at("10:00:00")}), 400)


def test_defaults_and_nulls_equal_omitted(client: TestClient) -> None:
    t = _seeded(client)
    plain = performance(client, t, WINDOW)
    assert performance(client, t, {**WINDOW, "skip": None, "limit": None}) == plain
    assert performance(client, t, {**WINDOW, "skip": 0, "limit": 50}) == plain


def test_several_queues_in_one_interval_and_csat_rounding(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)

    def answered(cid: str, minute: int, queue: Any, score: int | None) -> dict[str, Any]:
        clock = f"14:{minute:02d}"
        seg = segment(A1, at(f"{clock}:10"), at(f"{clock}:20"), at(f"{clock}:50"), at(f"{clock}:55"))
        extra: dict[str, Any] = {} if score is None else {"csatScore": score}
        return conversation(cid, at(f"{clock}:00"), at(f"{clock}:50"), [entry(queue, at(f"{clock}:05"), seg)], **extra)

    rows = [
        answered("c-0901", 1, QB, 4),  # qu-b: 4, 5 → 4.5 → 5 (half to even would say 4)
        answered("c-0902", 2, QB, 5),
        answered("c-0903", 3, QA, 2),  # qu-a: 2, 2, 3 → 2.33 → 2; the unscored one does not count
        answered("c-0904", 4, QA, 2),
        answered("c-0905", 5, QA, 3),
        answered("c-0906", 6, QA, None),
    ]
    ingest_conversations(client, t, rows)
    [agent] = _agents(client, t, fromTimeStamp=at("14:00:00"), toTimeStamp=at("14:15:00"))
    # Each contact: 30 s talk (:20 → :50), 5 s acw (:50 → :55).
    assert agent == perf_agent(
        A1,
        perf_interval(
            "14:00:00",
            perf_queue(
                QA,
                offeredContacts=4,
                answeredContacts=4,
                completedContacts=4,
                conversationHandleTime=140000,
                conversationTalkTime=120000,
                acwDuration=20000,
                csatScore=2,
            ),
            perf_queue(
                QB,
                offeredContacts=2,
                answeredContacts=2,
                completedContacts=2,
                conversationHandleTime=70000,
                conversationTalkTime=60000,
                acwDuration=10000,
                csatScore=5,
            ),
        ),
    )


def test_reassigned_and_ignored_agents_are_not_abandoned(client: TestClient) -> None:
    """A contact rings A1 (ignored), then A3 (reassigned), and the customer leaves while it rings A2: only A2's
    segment, the entry's last, is abandoned."""
    t = wfm_tenant(client)
    setup(client, t)
    ringing = [
        segment(A1, at("15:00:10"), nonResponseEvent="Ignored"),
        segment(A3, at("15:00:40"), nonResponseEvent="Supervisor Reassigned"),
        segment(A2, at("15:01:10")),
    ]
    row = conversation("c-1000", at("15:00:00"), at("15:01:30"), [entry(QA, at("15:00:05"), non_responding=ringing)])
    ingest_conversations(client, t, [row])
    result = performance(client, t, {"fromTimeStamp": at("15:00:00"), "toTimeStamp": at("15:15:00")})
    assert result["AgentPerformance"] == [
        perf_agent(A1, perf_interval("15:00:00", perf_queue(QA, offeredContacts=1))),
        perf_agent(A2, perf_interval("15:00:00", perf_queue(QA, offeredContacts=1, abandonedContacts=1))),
        perf_agent(A3, perf_interval("15:00:00", perf_queue(QA, offeredContacts=1))),
    ]
    vol = volume(client, t, {"orgId": ORG, "fromTimeStamp": at("15:00:00"), "toTimeStamp": at("15:15:00")})
    [record] = vol["CallVolumeUpdate"]
    assert (record["offeredContacts"], record["abandonedContacts"], record["queueHoldTimeAbandoned"]) == (1, 1, 85000)


def test_a_bare_agent_segment_counts_nowhere(client: TestClient) -> None:
    """docs/API.md §6: counted are agent segments that belong to a queue entry; a bare agent-to-agent segment
    has no queue."""
    t = wfm_tenant(client)
    setup(client, t)
    first = segment(A1, at("16:00:10"), at("16:00:20"), at("16:02:20"))
    bare = segment(A2, at("16:02:25"), at("16:02:30"), at("16:04:30"), at("16:05:00"))
    row = conversation("c-1100", at("16:00:00"), at("16:04:30"), [entry(QA, at("16:00:05"), first), bare])
    ingest_conversations(client, t, [row])
    result = performance(client, t, {"fromTimeStamp": at("16:00:00"), "toTimeStamp": at("16:15:00")})
    assert result["totalCount"] == 1
    [agent] = result["AgentPerformance"]
    assert agent["agentId"] == A1.agent_id
    [item] = agent["intervals"][0]["queues"]
    # A1 answered and another destination followed: transferred, not completed.
    assert (item["answeredContacts"], item["transferredContacts"], item["completedContacts"]) == (1, 1, 0)
    assert item["conversationTalkTime"] == 120000


def test_ingested_durations_count_as_given_in_seconds(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    seg = segment(
        A1,
        at("17:00:10"),
        at("17:00:20"),
        at("17:00:57"),  # 37 s by the times
        at("17:01:02"),  # 5 s by the times
        interactionDuration=36,
        afterCallWorkDuration=4,
    )
    ingest_conversations(
        client, t, [conversation("c-1200", at("17:00:00"), at("17:00:57"), [entry(QA, at("17:00:05"), seg)])]
    )
    [agent] = _agents(client, t, fromTimeStamp=at("17:00:00"), toTimeStamp=at("17:15:00"))
    [item] = agent["intervals"][0]["queues"]
    assert (item["conversationTalkTime"], item["acwDuration"], item["conversationHandleTime"]) == (36000, 4000, 40000)


def test_sums_agree_with_contact_volume(client: TestClient) -> None:
    """docs/API.md §6: the two routes' answered, talk, acw and hold sums agree over a window holding both the
    entries and their assignments (here the whole day)."""
    t = _seeded(client)
    perf = performance(client, t, {"fromTimeStamp": at("00:00:00"), "toTimeStamp": "2023-06-02T00:00:00Z"})
    vol = volume(client, t, {"orgId": ORG, "fromTimeStamp": at("00:00:00"), "toTimeStamp": "2023-06-02T00:00:00Z"})
    items = [q for a in perf["AgentPerformance"] for i in a["intervals"] for q in i["queues"]]
    records = vol["CallVolumeUpdate"]
    expected = {"answeredContacts": 5, "conversationTalkTime": 1080000, "acwDuration": 110000, "holdDuration": 7000}
    for key, total in expected.items():
        assert sum(q[key] for q in items) == total, key
        assert sum(r[key] for r in records) == total, key


def test_agents_are_named_and_ordered_by_their_current_agent_id(client: TestClient) -> None:
    """docs/API.md §9: an agents batch may give an agent another agentId; the WFM routes name agents by it."""
    t = _seeded(client)
    renamed = AgentRef(A1.user_id, "a-40000000-0000-4000-8000-00000000000d", A1.email, A1.first, A1.last)
    ingest_agents(client, t, renamed, queues=(QA, QB))
    result = performance(client, t, WINDOW)
    assert [a["agentId"] for a in result["AgentPerformance"]] == [A2.agent_id, A3.agent_id, renamed.agent_id]
    assert result["AgentPerformance"][2] == perf_agent(renamed, *P1["intervals"])


def test_accounts_are_isolated(client: TestClient) -> None:
    a = _seeded(client)
    b = wfm_tenant(client, "Other")
    ingest_queues(client, b, QA)
    zed = AgentRef(
        "u-9a9a9a9a-0000-4000-8000-000000000009", "a-90000000-0000-4000-8000-000000000009", "zed@y.io", "Zed", "Z"
    )
    ingest_agents(client, b, zed, queues=(QA,))
    seg = segment(zed, at("09:51:00"), at("09:51:10"), at("09:52:10"))
    ingest_conversations(
        client, b, [conversation("c-b001", at("09:50:30"), at("09:52:10"), [entry(QA, at("09:51:00"), seg)])]
    )
    assert performance(client, a, WINDOW) == {"hasMore": False, "totalCount": 3, "AgentPerformance": [P1, P2, P3]}
    theirs = performance(client, b, WINDOW)
    item = perf_queue(
        QA,
        offeredContacts=1,
        answeredContacts=1,
        completedContacts=1,
        conversationHandleTime=60000,
        conversationTalkTime=60000,
    )
    assert theirs == {
        "hasMore": False,
        "totalCount": 1,
        "AgentPerformance": [perf_agent(zed, perf_interval("09:45:00", item))],
    }
    error(performance_post(client, a, WINDOW, headers=b.headers), 403)


def test_authentication_and_scope(client: TestClient) -> None:
    t = _seeded(client)
    error(performance_post(client, t, WINDOW, headers={}), 401)
    no_wfm = create_app(client, t.account_id, scopes=[ANALYTICS, INGEST])
    error(performance_post(client, t, WINDOW, headers={"auth": token(no_wfm)}), 403, contains="WFM Integration")
    error(performance_post(client, t, WINDOW, headers={**t.headers, "accountId": "0" * 24}), 403)
    ok = performance_post(client, t, WINDOW, headers={**t.headers, "iId": "st-x", "accountId": t.account_id})
    assert ok.status_code == 200 and ok.json()["AgentPerformance"] == [P1, P2, P3]
    path = "/agentassist/api/public/analytics/account/{}/agentperformance"
    error(client.post(path.format("f" * 24), json=WINDOW, headers=t.headers), 403)
    error(client.get(path.format(t.account_id), headers=t.headers), 405)


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("toTimeStamp missing", {"fromTimeStamp": at("09:45:00")}, "toTimeStamp"),
    ("toTimeStamp null", {**WINDOW, "toTimeStamp": None}, "toTimeStamp"),
    ("toTimeStamp a date", {**WINDOW, "toTimeStamp": "2023-06-02"}, "toTimeStamp"),
    ("toTimeStamp text", {**WINDOW, "toTimeStamp": "now"}, "toTimeStamp"),
    ("toTimeStamp a number", {**WINDOW, "toTimeStamp": 1685613600}, "toTimeStamp"),
    ("fromTimeStamp a date", {**WINDOW, "fromTimeStamp": "2023-06-01"}, "fromTimeStamp"),
    ("fromTimeStamp an object", {**WINDOW, "fromTimeStamp": {}}, "fromTimeStamp"),
    ("limit 0", {**WINDOW, "limit": 0}, "limit"),
    ("limit 101", {**WINDOW, "limit": 101}, "limit"),
    ("limit a string", {**WINDOW, "limit": "5"}, "limit"),
    ("limit a boolean", {**WINDOW, "limit": False}, "limit"),
    ("skip negative", {**WINDOW, "skip": -1}, "skip"),
    ("skip a fraction", {**WINDOW, "skip": 0.5}, "skip"),
    ("orgId is Contact Volume's", {**WINDOW, "orgId": ORG}, "orgId"),
    ("includeSkillBreakdown is Contact Volume's", {**WINDOW, "includeSkillBreakdown": False}, "includeSkillBreakdown"),
]


@pytest.mark.parametrize(("body", "field"), [(b, f) for _, b, f in BAD_BODIES], ids=[n for n, _, _ in BAD_BODIES])
def test_bad_bodies_are_400_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    t = wfm_tenant(client)
    error(performance_post(client, t, body), 400, contains=field)


def test_bodies_that_are_not_json_objects(client: TestClient) -> None:
    t = wfm_tenant(client)
    path = f"/agentassist/api/public/analytics/account/{t.account_id}/agentperformance"
    json_type = {**t.headers, "Content-Type": "application/json"}
    for content in (b"[]", b"null", b"{", b"", b'{"toTimeStamp": NaN}'):
        error(client.post(path, content=content, headers=json_type), 400)
    error(
        client.post(path, content=b'{"toTimeStamp": "2023-06-01T10:00:00Z"}', headers=t.headers),
        400,
        "request body must be a JSON object, sent with Content-Type: application/json",
    )


@pytest.mark.parametrize(
    "body",
    [
        {**WINDOW, "skip": 10**30},
        {"fromTimeStamp": "9999-12-30T00:00:00Z", "toTimeStamp": "9999-12-31T23:59:59.999Z"},
        {"toTimeStamp": "9999-12-31T23:59:59Z"},
        {"fromTimeStamp": "0001-01-01T00:00:00Z", "toTimeStamp": "0001-01-02T00:00:00Z"},
        {"fromTimeStamp": "2023-06-01T09:45:00.123456789123Z", "toTimeStamp": at("11:15:00")},
    ],
    ids=["huge skip", "year 9999", "initial sync to 9999", "year 1", "ns"],
)
def test_hostile_values_are_never_a_500(client: TestClient, body: dict[str, Any]) -> None:
    t = _seeded(client)
    response = performance_post(client, t, body)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        error(response, 400)
    else:
        assert set(response.json()) == {"hasMore", "totalCount", "AgentPerformance"}
