"""Contact Volume (`POST …/account/{accountId}/callvolume`, API.md §8, docs/API.md §6) from the contract alone.

Black box: queues, agents and conversations go in through the ingest routes, records come out of the public
route; every expected number below is worked out by hand from the contract (the scenario is described in
tests/contract/wfm_support.py). Durations are milliseconds.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contract.wfm_support import (
    A1,
    A2,
    BOT,
    ORG,
    QA,
    QB,
    RECORD_KEYS,
    AgentRef,
    Tenant,
    at,
    conversation,
    entry,
    error,
    ingest_agents,
    ingest_conversations,
    ingest_queues,
    interval,
    main_rows,
    performance,
    seed_main,
    segment,
    setup,
    vol_record,
    volume,
    volume_post,
    wfm_tenant,
    without_ids,
)
from tests.support.tenants import ANALYTICS, INGEST, create_app
from tests.support.tokens import token

WINDOW = {"orgId": ORG, "fromTimeStamp": at("09:45:00"), "toTimeStamp": at("11:15:00")}

# The five records of the main scenario over 09:45–11:15, ordered by interval, queueId, source.
R1 = vol_record(
    "09:45:00",
    QA,
    "rtm",
    # C1, C2 (09:59:59.999), C4, C5 entered qu-a in 09:45–10:00.
    offeredContacts=4,
    answeredContacts=2,  # C1, C2
    maxQueueHoldTimeAnswered=20000,  # C1: 09:50:00 → 09:50:20
    queueHoldTimeAnswered=30001,  # + C2: 09:59:59.999 → 10:00:10.000 = 10001
    acwDuration=60000,  # C1 40 s + C2 20 s
    completedContacts=2,
    conversationHandleTime=485000,  # 420000 + 60000 + 5000
    conversationTalkTime=420000,  # C1 300 s + C2 120 s
    holdDuration=5000,  # C1's holdDuration
    messageCount=7,
    savedMessageCount=2,
    csatResponses=2,
    csatScore=5,  # mean(4, 5) = 4.5, half up
    abandonedContacts=1,  # C4 (C5 still waits)
    maxqueueHoldTimeAbandoned=120000,  # C4: 09:46:00 → 09:48:00
    queueHoldTimeAbandoned=120000,
)
R2 = vol_record(
    "10:00:00",
    QA,
    "rtm",
    offeredContacts=1,  # C3 entered at 10:00:00.000
    abandonedContacts=1,
    maxqueueHoldTimeAbandoned=90500,  # 10:00:00.000 → 10:01:30.500
    queueHoldTimeAbandoned=90500,
)
R3 = vol_record(
    "10:15:00",
    QA,
    "korevg",
    # C6 in qu-a: answered by A1 and transferred; the transfer ends that segment: completed here.
    offeredContacts=1,
    answeredContacts=1,
    maxQueueHoldTimeAnswered=10000,  # 10:20:00 → 10:20:10
    queueHoldTimeAnswered=10000,
    completedContacts=1,
    conversationHandleTime=300000,
    conversationTalkTime=300000,  # 10:20:10 → 10:25:10; no acw; hold and csat go to the last entry
)
R4 = vol_record(
    "10:15:00",
    QB,
    "korevg",
    # C6 in qu-b, its last queue entry (entered 10:25:10).
    offeredContacts=1,
    answeredContacts=1,
    maxQueueHoldTimeAnswered=355000,  # 10:25:10 → 10:31:05
    queueHoldTimeAnswered=355000,
    acwDuration=30000,  # 10:33:05 → 10:33:35
    completedContacts=1,
    conversationHandleTime=152000,  # 120000 + 30000 + 2000
    conversationTalkTime=120000,  # 10:31:05 → 10:33:05
    holdDuration=2000,
    messageCount=3,  # conversation-level values: on the last queue entry only
    savedMessageCount=1,
    csatResponses=1,
    csatScore=3,
)
R5 = vol_record(
    "11:00:00",
    QB,
    "rtm",
    # C7: A3 ignored it, A2 answered.
    offeredContacts=1,
    answeredContacts=1,
    maxQueueHoldTimeAnswered=40000,  # 11:00:00 → 11:00:40
    queueHoldTimeAnswered=40000,
    acwDuration=20000,
    completedContacts=1,
    conversationHandleTime=260000,
    conversationTalkTime=240000,  # 11:00:40 → 11:04:40
)
ALL = [R1, R2, R3, R4, R5]


def _seeded(client: TestClient) -> Tenant:
    t = wfm_tenant(client)
    seed_main(client, t)
    return t


def _records(client: TestClient, t: Tenant, **body: Any) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = volume(client, t, {**WINDOW, **body})["CallVolumeUpdate"]
    return records


def test_the_main_scenario_record_by_record(client: TestClient) -> None:
    t = _seeded(client)
    result = volume(client, t, WINDOW)
    assert result["hasMore"] is False
    assert result["totalCount"] == 5
    assert without_ids(result["CallVolumeUpdate"]) == ALL


def test_record_fields_are_the_samples_in_order_and_integers(client: TestClient) -> None:
    t = _seeded(client)
    [first, *_] = _records(client, t)
    assert list(first) == RECORD_KEYS
    assert "maxqueueHoldTimeAbandoned" in first and "maxQueueHoldTimeAbandoned" not in first
    assert "maxQueueHoldTimeAnswered" in first
    assert first["__v"] == 0
    for key in RECORD_KEYS[7:23]:
        assert type(first[key]) is int, key
    assert re.fullmatch(r"[0-9a-f]{24}", first["_id"]), first["_id"]
    assert first["intervalStartTimeStamp"] == "2023-06-01T09:45:00.000Z"
    assert first["intervalEndTimeStamp"] == "2023-06-01T10:00:00.000Z"
    assert first["iId"] == BOT
    assert first["orgId"] == ORG


def test_a_contact_counts_in_the_interval_of_its_enter_time(client: TestClient) -> None:
    """C2 entered at 09:59:59.999 (answered at 10:00:10), C3 at 10:00:00.000 (its session began at 09:59:45)."""
    t = _seeded(client)
    before = _records(client, t, fromTimeStamp=at("09:45:00"), toTimeStamp=at("10:00:00"))
    assert without_ids(before) == [R1]
    after = _records(client, t, fromTimeStamp=at("10:00:00"), toTimeStamp=at("10:15:00"))
    assert without_ids(after) == [R2]


def test_the_window_widens_to_whole_intervals(client: TestClient) -> None:
    t = _seeded(client)
    # 09:52–09:53 lies inside 09:45–10:00: the whole interval's record, never a part of it.
    inside = _records(client, t, fromTimeStamp=at("09:52:00"), toTimeStamp=at("09:53:00"))
    assert without_ids(inside) == [R1]
    # to = 10:00:00.001 rounds up to 10:15: the 10:00 interval is in.
    just_after = _records(client, t, fromTimeStamp=at("09:59:59.999"), toTimeStamp=at("10:00:00.001"))
    assert without_ids(just_after) == [R1, R2]


def test_timestamps_with_an_offset_or_no_zone_are_the_same_instants(client: TestClient) -> None:
    t = _seeded(client)
    utc = _records(client, t)
    offset = _records(client, t, fromTimeStamp="2023-06-01T11:45:00+02:00", toTimeStamp="2023-06-01T06:15:00-05:00")
    naive = _records(client, t, fromTimeStamp="2023-06-01T09:45:00", toTimeStamp="2023-06-01T11:15:00.000")
    assert offset == utc
    assert naive == utc


def test_paging_with_skip_and_limit(client: TestClient) -> None:
    t = _seeded(client)
    full = volume(client, t, WINDOW)["CallVolumeUpdate"]
    pages = []
    for skip, size, more in ((0, 2, True), (2, 2, True), (4, 1, False)):
        page = volume(client, t, {**WINDOW, "skip": skip, "limit": 2})
        assert page["totalCount"] == 5
        assert page["hasMore"] is more, (skip, page["hasMore"])
        assert len(page["CallVolumeUpdate"]) == size
        pages.extend(page["CallVolumeUpdate"])
    assert pages == full
    past = volume(client, t, {**WINDOW, "skip": 5, "limit": 2})
    assert past == {"hasMore": False, "CallVolumeUpdate": [], "totalCount": 5}
    far = volume(client, t, {**WINDOW, "skip": 500})
    assert far == {"hasMore": False, "CallVolumeUpdate": [], "totalCount": 5}
    exact = volume(client, t, {**WINDOW, "skip": 1, "limit": 4})
    assert exact["hasMore"] is False and exact["CallVolumeUpdate"] == full[1:]


def test_limit_defaults_to_100_and_goes_to_1000(client: TestClient) -> None:
    t = wfm_tenant(client)
    ingest_queues(client, t, QA)
    day = "2023-06-02"
    rows = []
    for k in range(101):  # one abandoned contact in each of 101 consecutive intervals from 00:00
        h, m = divmod(15 * k, 60)
        enter = f"2023-06-{2 + h // 24:02d}T{h % 24:02d}:{m:02d}:10Z"
        leave = f"2023-06-{2 + h // 24:02d}T{h % 24:02d}:{m:02d}:40Z"
        rows.append(conversation(f"c-p{k:03d}", enter, leave, [entry(QA, enter)]))
    ingest_conversations(client, t, rows)
    window = {"orgId": ORG, "fromTimeStamp": f"{day}T00:00:00Z", "toTimeStamp": "2023-06-03T02:00:00Z"}
    default = volume(client, t, window)
    assert len(default["CallVolumeUpdate"]) == 100
    assert default["hasMore"] is True and default["totalCount"] == 101
    rest = volume(client, t, {**window, "skip": 100})
    assert rest["hasMore"] is False and len(rest["CallVolumeUpdate"]) == 1
    assert rest["CallVolumeUpdate"][0]["intervalStartTimeStamp"] == "2023-06-03T01:00:00.000Z"
    everything = volume(client, t, {**window, "limit": 1000})
    assert everything["hasMore"] is False and len(everything["CallVolumeUpdate"]) == 101
    assert everything["CallVolumeUpdate"][:100] == default["CallVolumeUpdate"]
    for record in everything["CallVolumeUpdate"]:
        assert record["offeredContacts"] == 1 and record["abandonedContacts"] == 1
        assert record["queueHoldTimeAbandoned"] == 30000
    starts = [r["intervalStartTimeStamp"] for r in everything["CallVolumeUpdate"]]
    assert starts == sorted(starts) and len(set(starts)) == 101


def test_ids_are_stable_for_the_same_interval_queue_and_source(client: TestClient) -> None:
    t = _seeded(client)
    full = _records(client, t)
    ids = [r["_id"] for r in full]
    assert len(set(ids)) == 5
    for r in full:
        assert re.fullmatch(r"[0-9a-f]{24}", r["_id"]), r["_id"]
    # Another window, another page, the same records: the same ids.
    narrow = _records(client, t, fromTimeStamp=at("10:15:00"), toTimeStamp=at("10:30:00"))
    assert [r["_id"] for r in narrow] == ids[2:4]
    paged = _records(client, t, skip=4, limit=1)
    assert [r["_id"] for r in paged] == ids[4:]
    # More contacts in the 09:45 qu-a rtm interval change its counts, not its id.
    ingest_conversations(
        client, t, [conversation("c-0099", at("09:57:00"), at("09:58:00"), [entry(QA, at("09:57:30"))])]
    )
    again = _records(client, t)
    assert [r["_id"] for r in again] == ids
    assert again[0]["offeredContacts"] == 5 and again[0]["abandonedContacts"] == 2


def test_from_omitted_is_an_initial_sync_from_the_first_contact(client: TestClient) -> None:
    t = _seeded(client)
    body = {"orgId": ORG, "toTimeStamp": at("11:15:00")}
    result = volume(client, t, body)
    assert without_ids(result["CallVolumeUpdate"]) == ALL and result["totalCount"] == 5
    assert volume(client, t, {**body, "fromTimeStamp": None}) == result
    # First EnterTime 09:46:00: nothing before it.
    assert volume(client, t, {"orgId": ORG, "toTimeStamp": at("09:30:00")}) == {
        "hasMore": False,
        "CallVolumeUpdate": [],
        "totalCount": 0,
    }
    # The window of an initial sync runs from the first contact's interval: 09:45 + 31 days is the most.
    assert volume(client, t, {"orgId": ORG, "toTimeStamp": "2023-07-02T09:45:00Z"})["totalCount"] == 5
    error(volume_post(client, t, {"orgId": ORG, "toTimeStamp": "2023-07-15T00:00:00Z"}), 400)
    later = volume(
        client, t, {"orgId": ORG, "fromTimeStamp": "2023-07-01T00:00:00Z", "toTimeStamp": "2023-07-15T00:00:00Z"}
    )
    assert later == {"hasMore": False, "CallVolumeUpdate": [], "totalCount": 0}


def test_an_account_without_contacts_has_an_empty_initial_sync(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    assert volume(client, t, {"orgId": ORG, "toTimeStamp": "2030-01-01T00:00:00Z"}) == {
        "hasMore": False,
        "CallVolumeUpdate": [],
        "totalCount": 0,
    }


def test_window_limits(client: TestClient) -> None:
    t = _seeded(client)
    ok = volume(
        client, t, {"orgId": ORG, "fromTimeStamp": "2023-06-01T00:00:00Z", "toTimeStamp": "2023-07-02T00:00:00Z"}
    )
    assert ok["totalCount"] == 5
    too_long = {"orgId": ORG, "fromTimeStamp": "2023-06-01T00:00:00Z", "toTimeStamp": "2023-07-02T00:15:00Z"}
    error(volume_post(client, t, too_long), 400)
    for start, end in ((at("10:00:00"), at("09:45:00")), (at("10:00:00"), at("10:00:00"))):
        error(volume_post(client, t, {"orgId": ORG, "fromTimeStamp": start, "toTimeStamp": end}), 400)


def test_defaults_and_nulls_equal_omitted(client: TestClient) -> None:
    t = _seeded(client)
    plain = volume(client, t, WINDOW)
    nulls = volume(client, t, {**WINDOW, "skip": None, "limit": None, "includeSkillBreakdown": None})
    explicit = volume(client, t, {**WINDOW, "skip": 0, "limit": 100, "includeSkillBreakdown": False})
    assert nulls == plain
    assert explicit == plain
    assert all("skillBreakdown" not in r for r in plain["CallVolumeUpdate"])


def test_org_id_is_echoed(client: TestClient) -> None:
    t = _seeded(client)
    other = "o-" + "z" * 126
    records = _records(client, t, orgId=other)
    assert [r["orgId"] for r in records] == [other] * 5


def test_skill_breakdown(client: TestClient) -> None:
    t = _seeded(client)
    records = _records(client, t, includeSkillBreakdown=True)
    assert [{k: v for k, v in r.items() if k not in ("_id", "skillBreakdown")} for r in records] == ALL
    zero = {"skillGroupId": "", "skillGroupName": ""}
    sales = {
        "skillId": "sk-1",
        "skillName": "Sales",
        **zero,
        "offeredContacts": 3,  # C1, C2, C5
        "answeredContacts": 2,
        "abandonedContacts": 0,
        "completedContacts": 2,
        "conversationHandleTime": 485000,
        "conversationTalkTime": 420000,
        "acwDuration": 60000,
        "holdDuration": 5000,
        "queueHoldTimeAnswered": 30001,
        "maxQueueHoldTimeAnswered": 20000,
        "queueHoldTimeAbandoned": 0,
        "maxqueueHoldTimeAbandoned": 0,
        "csatResponses": 2,
        "csatScore": 5,
    }
    billing = {
        "skillId": "sk-2",
        "skillName": "Billing",
        **zero,
        "offeredContacts": 1,  # C1
        "answeredContacts": 1,
        "abandonedContacts": 0,
        "completedContacts": 1,
        "conversationHandleTime": 345000,
        "conversationTalkTime": 300000,
        "acwDuration": 40000,
        "holdDuration": 5000,
        "queueHoldTimeAnswered": 20000,
        "maxQueueHoldTimeAnswered": 20000,
        "queueHoldTimeAbandoned": 0,
        "maxqueueHoldTimeAbandoned": 0,
        "csatResponses": 1,
        "csatScore": 4,
    }
    tech = {
        "skillId": "sk-3",
        "skillName": "Tech",
        **zero,
        "offeredContacts": 1,  # C4
        "answeredContacts": 0,
        "abandonedContacts": 1,
        "completedContacts": 0,
        "conversationHandleTime": 0,
        "conversationTalkTime": 0,
        "acwDuration": 0,
        "holdDuration": 0,
        "queueHoldTimeAnswered": 0,
        "maxQueueHoldTimeAnswered": 0,
        "queueHoldTimeAbandoned": 120000,
        "maxqueueHoldTimeAbandoned": 120000,
        "csatResponses": 0,
        "csatScore": 0,
    }
    assert records[0]["skillBreakdown"] == [sales, billing, tech]
    for r in records[1:]:  # C3, C6, C7 list no skills
        assert r["skillBreakdown"] == []


def test_skill_group_comes_from_the_skills_own_fields(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    skill = {"skillId": "sk-9", "skillName": "VIP", "skillGroupId": "sg-1", "skillGroupName": "Premium"}
    ingest_conversations(
        client, t, [conversation("c-0100", at("12:00:00"), at("12:01:00"), [entry(QA, at("12:00:05"))], skills=[skill])]
    )
    [record] = _records(client, t, fromTimeStamp=at("12:00:00"), toTimeStamp=at("12:15:00"), includeSkillBreakdown=True)
    [item] = record["skillBreakdown"]
    assert (item["skillId"], item["skillName"], item["skillGroupId"], item["skillGroupName"]) == (
        "sk-9",
        "VIP",
        "sg-1",
        "Premium",
    )
    assert (item["offeredContacts"], item["abandonedContacts"], item["queueHoldTimeAbandoned"]) == (1, 1, 55000)


def test_a_transfer_and_a_contact_that_moved_on_unanswered(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    # C8 waits in qu-a from 12:00:00, moves on unanswered to qu-b at 12:03:00; A1 answers it there.
    row = conversation(
        "c-0008",
        at("11:59:40"),
        at("12:05:20"),
        [
            entry(QA, at("12:00:00")),
            entry(QB, at("12:03:00"), segment(A1, at("12:03:10"), at("12:03:20"), at("12:05:20"), at("12:05:50"))),
        ],
        csatScore=2,
    )
    ingest_conversations(client, t, [row])
    records = _records(client, t, fromTimeStamp=at("12:00:00"), toTimeStamp=at("12:15:00"))
    assert without_ids(records) == [
        # offered here, neither answered nor abandoned.
        vol_record("12:00:00", QA, "rtm", offeredContacts=1),
        vol_record(
            "12:00:00",
            QB,
            "rtm",
            offeredContacts=1,
            answeredContacts=1,
            maxQueueHoldTimeAnswered=20000,  # 12:03:00 → 12:03:20
            queueHoldTimeAnswered=20000,
            acwDuration=30000,
            completedContacts=1,
            conversationHandleTime=150000,
            conversationTalkTime=120000,
            csatResponses=1,
            csatScore=2,
        ),
    ]


def test_a_contact_abandoned_in_the_queue_it_was_transferred_to(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    row = conversation(
        "c-0009",
        at("12:30:00"),
        at("12:52:30"),
        [
            entry(QA, at("12:30:05"), segment(A1, at("12:30:10"), at("12:30:15"), at("12:40:15"))),
            entry(QB, at("12:40:15")),  # the customer leaves at 12:52:30, still waiting in qu-b
        ],
        csatScore=1,
    )
    ingest_conversations(client, t, [row])
    records = _records(client, t, fromTimeStamp=at("12:30:00"), toTimeStamp=at("13:00:00"))
    assert without_ids(records) == [
        vol_record(
            "12:30:00",
            QA,
            "rtm",
            offeredContacts=1,
            answeredContacts=1,
            maxQueueHoldTimeAnswered=10000,
            queueHoldTimeAnswered=10000,
            completedContacts=1,
            conversationHandleTime=600000,
            conversationTalkTime=600000,
        ),
        vol_record(
            "12:30:00",
            QB,
            "rtm",
            offeredContacts=1,
            csatResponses=1,  # the conversation's csat sits on its last queue entry
            csatScore=1,
            abandonedContacts=1,
            maxqueueHoldTimeAbandoned=735000,  # 12:40:15 → 12:52:30
            queueHoldTimeAbandoned=735000,
        ),
    ]


def test_a_later_post_updates_a_contact_without_doubling_it(client: TestClient) -> None:
    t = _seeded(client)
    ingest_conversations(client, t, main_rows())  # the same batch again: nothing changes
    assert without_ids(_records(client, t)) == ALL
    # C5, still waiting, is answered by A2 at 09:48:00 and ends at 09:49:00 (60 s talk, no acw).
    [c5] = [r for r in main_rows() if r["conversationId"] == "c-0005"]
    c5["sessionEndTime"] = at("09:49:00")
    c5["destinations"][0]["respondingAgent"] = segment(A2, at("09:47:30"), at("09:48:00"), at("09:49:00"))
    ingest_conversations(client, t, [c5])
    first = _records(client, t)[0]
    assert (first["offeredContacts"], first["answeredContacts"], first["completedContacts"]) == (4, 3, 3)
    assert (first["queueHoldTimeAnswered"], first["maxQueueHoldTimeAnswered"]) == (
        90001,
        60000,
    )  # 30001 + 60000 (09:47:00 → 09:48:00)
    assert (first["conversationTalkTime"], first["conversationHandleTime"]) == (480000, 545000)
    assert first["abandonedContacts"] == 1


def test_open_contacts_waiting_and_talking(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    rows = [
        # still waiting
        conversation("c-0200", at("13:00:00"), None, [entry(QA, at("13:00:05"))]),
        # answered, the agent still talking: answered, not completed, talk unknown = 0
        conversation(
            "c-0201", at("13:01:00"), None, [entry(QA, at("13:01:05"), segment(A1, at("13:01:10"), at("13:01:15")))]
        ),
    ]
    ingest_conversations(client, t, rows)
    [record] = _records(client, t, fromTimeStamp=at("13:00:00"), toTimeStamp=at("13:15:00"))
    assert {k: v for k, v in record.items() if k != "_id"} == vol_record(
        "13:00:00",
        QA,
        "rtm",
        offeredContacts=2,
        answeredContacts=1,
        maxQueueHoldTimeAnswered=10000,
        queueHoldTimeAnswered=10000,
    )


def test_ingested_durations_count_as_given_in_seconds(client: TestClient) -> None:
    """The vendor's sample says interactionDuration 36 / afterCallWorkDuration 4 beside times that say 36 / 5:
    the row's values count, × 1000."""
    t = wfm_tenant(client)
    setup(client, t)
    seg = segment(
        A1,
        at("14:00:10"),
        at("14:00:20"),
        at("14:00:57"),  # 37 s by the times
        at("14:01:02"),  # 5 s by the times
        interactionDuration=36,
        afterCallWorkDuration=4,
    )
    ingest_conversations(
        client, t, [conversation("c-0300", at("14:00:00"), at("14:00:57"), [entry(QA, at("14:00:05"), seg)])]
    )
    [record] = _records(client, t, fromTimeStamp=at("14:00:00"), toTimeStamp=at("14:15:00"))
    assert (record["conversationTalkTime"], record["acwDuration"], record["conversationHandleTime"]) == (
        36000,
        4000,
        40000,
    )


def test_csat_mean_rounds_half_up_and_truncates_below_half(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)

    def answered(cid: str, clock: str, score: int | None, queue: Any = QA) -> dict[str, Any]:
        h, m = clock.split(":")
        seg = segment(A1, at(f"{h}:{m}:10"), at(f"{h}:{m}:20"), at(f"{h}:{m}:50"))
        extra: dict[str, Any] = {} if score is None else {"csatScore": score}
        return conversation(cid, at(f"{h}:{m}:00"), at(f"{h}:{m}:50"), [entry(queue, at(f"{h}:{m}:05"), seg)], **extra)

    rows = [
        answered("c-0401", "15:00", 2),  # 15:00 qu-a: 2, 3 → 2.5 → 3 (half to even would say 2)
        answered("c-0402", "15:01", 3),
        answered("c-0403", "15:02", None),  # no score: not a response
        answered("c-0404", "15:03", 4, QB),  # 15:00 qu-b: 4, 4, 5 → 4.33 → 4
        answered("c-0405", "15:04", 4, QB),
        answered("c-0406", "15:05", 5, QB),
    ]
    ingest_conversations(client, t, rows)
    records = _records(client, t, fromTimeStamp=at("15:00:00"), toTimeStamp=at("15:15:00"))
    assert [(r["queueId"], r["csatResponses"], r["csatScore"]) for r in records] == [
        (QA.queue_id, 2, 3),
        (QB.queue_id, 3, 4),
    ]
    assert records[0]["answeredContacts"] == 3


def test_source_is_the_source_id_else_the_channel_and_orders_records(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    rows = [
        conversation("c-0501", at("16:00:00"), at("16:00:30"), [entry(QA, at("16:00:05"))], source="rtm"),
        conversation("c-0502", at("16:01:00"), at("16:01:30"), [entry(QA, at("16:01:05"))], source=None, channel="ivr"),
        conversation(
            "c-0503", at("16:02:00"), at("16:02:30"), [entry(QA, at("16:02:05"))], source="korevg", channel="Voice"
        ),
    ]
    ingest_conversations(client, t, rows)
    records = _records(client, t, fromTimeStamp=at("16:00:00"), toTimeStamp=at("16:15:00"))
    assert [r["source"] for r in records] == ["ivr", "korevg", "rtm"]
    assert len({r["_id"] for r in records}) == 3


def test_iid_is_the_smallest_bot_of_the_records_contacts(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    small = "st-00000000-0000-4000-8000-000000000000"
    rows = [
        conversation("c-0601", at("17:00:00"), at("17:00:30"), [entry(QA, at("17:00:05"))], bot=BOT),
        conversation("c-0602", at("17:01:00"), at("17:01:30"), [entry(QA, at("17:01:05"))], bot=small),
        conversation("c-0603", at("17:20:00"), at("17:20:30"), [entry(QA, at("17:20:05"))], bot=BOT),
    ]
    ingest_conversations(client, t, rows)
    records = _records(client, t, fromTimeStamp=at("17:00:00"), toTimeStamp=at("17:30:00"))
    assert [(r["intervalStartTimeStamp"], r["iId"], r["offeredContacts"]) for r in records] == [
        (interval("17:00:00")[0], small, 2),
        (interval("17:15:00")[0], BOT, 1),
    ]


def test_naive_ingested_times_are_read_at_the_ingest_offset(client: TestClient) -> None:
    """Ingested with ?timeZoneOffset=-330 (UTC+05:30): EnterTime 15:29:59 local is 09:59:59 UTC."""
    t = wfm_tenant(client)
    setup(client, t)
    row = conversation(
        "c-0700",
        "2023-06-01T15:29:00",
        "2023-06-01T15:31:00",
        [entry(QA, "2023-06-01T15:29:59")],
    )
    ingest_conversations(client, t, [row], timeZoneOffset=-330)
    [record] = _records(client, t, fromTimeStamp=at("09:00:00"), toTimeStamp=at("11:00:00"))
    assert record["intervalStartTimeStamp"] == "2023-06-01T09:45:00.000Z"
    assert (record["abandonedContacts"], record["queueHoldTimeAbandoned"]) == (1, 61000)


def test_an_entry_without_enter_time_is_not_counted(client: TestClient) -> None:
    t = wfm_tenant(client)
    setup(client, t)
    rows = [conversation("c-0800", at("18:00:00"), at("18:01:00"), [entry(QA, None)])]
    ingest_conversations(client, t, rows)
    assert volume(client, t, {"orgId": ORG, "fromTimeStamp": at("17:00:00"), "toTimeStamp": at("19:00:00")}) == {
        "hasMore": False,
        "CallVolumeUpdate": [],
        "totalCount": 0,
    }


def test_answered_sums_agree_with_agent_performance(client: TestClient) -> None:
    t = _seeded(client)
    vol = _records(client, t, fromTimeStamp=at("09:00:00"), toTimeStamp=at("12:00:00"))
    perf = performance(client, t, {"fromTimeStamp": at("09:00:00"), "toTimeStamp": at("12:00:00")})
    items = [q for a in perf["AgentPerformance"] for i in a["intervals"] for q in i["queues"]]
    for key in ("answeredContacts", "conversationTalkTime", "acwDuration", "holdDuration"):
        assert sum(r[key] for r in vol) == sum(q[key] for q in items), key
    assert sum(r["answeredContacts"] for r in vol) == 5


def test_accounts_are_isolated(client: TestClient) -> None:
    a = _seeded(client)
    b = wfm_tenant(client, "Other")
    ingest_queues(client, b, QA)  # the same queueId names another queue in another account
    other = AgentRef(
        "u-9a9a9a9a-0000-4000-8000-000000000009", "a-90000000-0000-4000-8000-000000000009", "zed@y.io", "Zed", "Z"
    )
    ingest_agents(client, b, other, queues=(QA,))
    seg = segment(other, at("09:51:00"), at("09:51:10"), at("09:52:10"))
    ingest_conversations(
        client, b, [conversation("c-b001", at("09:50:30"), at("09:52:10"), [entry(QA, at("09:51:00"), seg)])]
    )
    mine = _records(client, a)
    assert without_ids(mine) == ALL
    [theirs] = _records(client, b)
    assert (theirs["offeredContacts"], theirs["answeredContacts"], theirs["conversationTalkTime"]) == (1, 1, 60000)
    assert theirs["intervalStartTimeStamp"] == mine[0]["intervalStartTimeStamp"]
    assert theirs["queueId"] == mine[0]["queueId"] and theirs["source"] == mine[0]["source"]
    assert theirs["_id"] != mine[0]["_id"]
    # B's token on A's account: 403.
    error(volume_post(client, a, WINDOW, headers=b.headers), 403)


def test_authentication_and_scope(client: TestClient) -> None:
    t = _seeded(client)
    error(volume_post(client, t, WINDOW, headers={}), 401)
    error(volume_post(client, t, WINDOW, headers={"auth": "not-a-jwt"}), 401)
    no_wfm = create_app(client, t.account_id, scopes=[ANALYTICS, INGEST])
    error(volume_post(client, t, WINDOW, headers={"auth": token(no_wfm)}), 403, contains="WFM Integration")
    bearer = volume_post(client, t, WINDOW, headers={"Authorization": f"Bearer {t.headers['auth']}"})
    assert bearer.status_code == 200 and without_ids(bearer.json()["CallVolumeUpdate"]) == ALL
    with_iid = volume_post(client, t, WINDOW, headers={**t.headers, "iId": BOT, "accountId": t.account_id})
    assert with_iid.status_code == 200 and without_ids(with_iid.json()["CallVolumeUpdate"]) == ALL
    error(volume_post(client, t, WINDOW, headers={**t.headers, "accountId": "0" * 24}), 403)
    response = client.post(
        f"/agentassist/api/public/analytics/account/{'f' * 24}/callvolume", json=WINDOW, headers=t.headers
    )
    error(response, 403)
    error(client.get(f"/agentassist/api/public/analytics/account/{t.account_id}/callvolume", headers=t.headers), 405)


BAD_BODIES: list[tuple[str, dict[str, Any], str]] = [
    ("orgId missing", {"toTimeStamp": at("11:15:00")}, "orgId"),
    ("orgId null", {**WINDOW, "orgId": None}, "orgId"),
    ("orgId empty", {**WINDOW, "orgId": ""}, "orgId"),
    ("orgId too long", {**WINDOW, "orgId": "o" * 129}, "orgId"),
    ("orgId a number", {**WINDOW, "orgId": 7}, "orgId"),
    ("orgId with NUL", {**WINDOW, "orgId": "o-\u0000"}, "orgId"),
    ("toTimeStamp missing", {"orgId": ORG, "fromTimeStamp": at("09:45:00")}, "toTimeStamp"),
    ("toTimeStamp null", {**WINDOW, "toTimeStamp": None}, "toTimeStamp"),
    ("toTimeStamp a date", {**WINDOW, "toTimeStamp": "2023-06-02"}, "toTimeStamp"),
    ("toTimeStamp text", {**WINDOW, "toTimeStamp": "tomorrow"}, "toTimeStamp"),
    ("toTimeStamp a number", {**WINDOW, "toTimeStamp": 1685613600000}, "toTimeStamp"),
    ("toTimeStamp Feb 30", {**WINDOW, "toTimeStamp": "2023-02-30T00:00:00Z"}, "toTimeStamp"),
    ("toTimeStamp wide digits", {**WINDOW, "toTimeStamp": "\uff12\uff10\uff12\uff13-06-01T11:15:00Z"}, "toTimeStamp"),
    ("fromTimeStamp a date", {**WINDOW, "fromTimeStamp": "2023-06-01"}, "fromTimeStamp"),
    ("fromTimeStamp bad offset", {**WINDOW, "fromTimeStamp": "2023-06-01T09:45:00+25:00"}, "fromTimeStamp"),
    ("fromTimeStamp a list", {**WINDOW, "fromTimeStamp": [at("09:45:00")]}, "fromTimeStamp"),
    ("limit 0", {**WINDOW, "limit": 0}, "limit"),
    ("limit 1001", {**WINDOW, "limit": 1001}, "limit"),
    ("limit a string", {**WINDOW, "limit": "10"}, "limit"),
    ("limit a fraction", {**WINDOW, "limit": 1.5}, "limit"),
    ("limit a boolean", {**WINDOW, "limit": True}, "limit"),
    ("limit huge", {**WINDOW, "limit": 10**30}, "limit"),
    ("skip negative", {**WINDOW, "skip": -1}, "skip"),
    ("skip a string", {**WINDOW, "skip": "0"}, "skip"),
    ("includeSkillBreakdown a string", {**WINDOW, "includeSkillBreakdown": "true"}, "includeSkillBreakdown"),
    ("includeSkillBreakdown a number", {**WINDOW, "includeSkillBreakdown": 1}, "includeSkillBreakdown"),
    ("unknown field", {**WINDOW, "queueId": QA.queue_id}, "queueId"),
]


@pytest.mark.parametrize(("body", "field"), [(b, f) for _, b, f in BAD_BODIES], ids=[n for n, _, _ in BAD_BODIES])
def test_bad_bodies_are_400_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    t = wfm_tenant(client)
    error(volume_post(client, t, body), 400, contains=field)


def test_bodies_that_are_not_json_objects(client: TestClient) -> None:
    t = wfm_tenant(client)
    path = f"/agentassist/api/public/analytics/account/{t.account_id}/callvolume"
    json_type = {**t.headers, "Content-Type": "application/json"}
    error(client.post(path, content=b"[]", headers=json_type), 400)
    error(client.post(path, content=b'"text"', headers=json_type), 400)
    error(client.post(path, content=b"{not json", headers=json_type), 400)
    error(client.post(path, content=b"", headers=json_type), 400)
    error(
        client.post(path, content=b'{"orgId": "o", "toTimeStamp": "2023-06-01T10:00:00Z"}', headers=t.headers),
        400,
        "request body must be a JSON object, sent with Content-Type: application/json",
    )


@pytest.mark.parametrize(
    "body",
    [
        {**WINDOW, "skip": 10**30},
        {"orgId": ORG, "fromTimeStamp": "9999-12-30T00:00:00Z", "toTimeStamp": "9999-12-31T23:59:59.999Z"},
        {"orgId": ORG, "toTimeStamp": "9999-12-31T23:59:59Z"},
        {"orgId": ORG, "fromTimeStamp": "0001-01-01T00:00:00Z", "toTimeStamp": "0001-01-02T00:00:00Z"},
        {"orgId": ORG, "fromTimeStamp": "1969-12-31T23:45:00Z", "toTimeStamp": "1970-01-01T00:15:00Z"},
        {**WINDOW, "fromTimeStamp": "2023-06-01T09:45:00.123456789123Z"},
    ],
    ids=["huge skip", "year 9999", "initial sync to 9999", "year 1", "before 1970", "ns"],
)
def test_hostile_values_are_never_a_500(client: TestClient, body: dict[str, Any]) -> None:
    t = _seeded(client)
    response = volume_post(client, t, body)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        error(response, 400)
    else:
        result = response.json()
        assert set(result) == {"hasMore", "CallVolumeUpdate", "totalCount"}
