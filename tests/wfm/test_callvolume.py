"""Contact Volume through the real route: the vendor sample reproduced key by key, interval boundaries, a
transfer between two queues, a non-responding then responding agent, a contact still waiting, paging,
ids, initial sync, skill breakdown, isolation and 400s. Expected values worked out by hand."""

from __future__ import annotations

import re
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
    add_contact,
    add_queue,
)
from tests.support.samples import assert_same_shape, sample
from tests.support.tenants import ANALYTICS, create_app
from tests.support.tokens import token
from tests.wfm.support import BOT, Caller, make_caller

ORG = "o-8aa0607b-1d81-504a-9eb2-5a39f133xxxx"
QUEUE = "qu-6c47543-19ca-49ac-a085-2292bba5xxxx"
T945 = JUNE_1 + 9 * HOUR + 45 * MINUTE  # 2023-06-01T09:45:00Z
T1000 = T945 + 15 * MINUTE
HEX24 = re.compile(r"[0-9a-f]{24}")


def body(start: str | None = "2023-06-01T09:45:00Z", end: str = "2023-06-01T10:00:00Z", **kw: Any) -> dict[str, Any]:
    request: dict[str, Any] = {"orgId": ORG, "toTimeStamp": end, **kw}
    if start is not None:
        request["fromTimeStamp"] = start
    return request


def zeros(**values: int) -> dict[str, int]:
    """The metric fields of a record in the V1 sample's order, zero unless given."""
    names = [
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
    ]
    assert set(values) <= set(names)
    return {name: values.get(name, 0) for name in names}


def record(start: str, end: str, queue_id: str, queue_name: str, source: str = "rtm", **metrics: int) -> dict[str, Any]:
    return {
        "intervalStartTimeStamp": start,
        "orgId": ORG,
        "queueId": queue_id,
        "source": source,
        "__v": 0,
        "intervalEndTimeStamp": end,
        **zeros(**metrics),
        "iId": BOT,
        "queueName": queue_name,
    }


def without_ids(response: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for item in response["CallVolumeUpdate"]:
        assert HEX24.fullmatch(item["_id"]), item["_id"]
        items.append({k: v for k, v in item.items() if k != "_id"})
    return items


def test_the_vendor_sample_reproduced_key_by_key(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """One answered contact (queue hold 34035, talk 64094, acw 3949, csat 1) and one abandoned after 180150.

    Every value is the sample's but offeredContacts: the sample says 1 beside answered 1 and abandoned 1,
    which no contact set gives under the contract's offered = entered the queue (2 here)."""
    q = add_queue(db_engine, caller.account_id, QUEUE, "custom day")
    agent = add_agent(db_engine, caller.account_id, "a-1", queues=(q,))
    enter = T945 + 10 * SECOND
    accepted = enter + 34_035
    ended = accepted + 64_094
    seg = Seg(agent, enter + 2 * SECOND, accepted, ended, ended + 3_949)
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, enter, [seg])], end=ended, csat_score=1)
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, T945 + MINUTE)], end=T945 + MINUTE + 180_150)

    ours = caller.ok(client, "callvolume", body())
    documented = sample("contact-volume")["response"]

    assert_same_shape(ours, documented)
    assert HEX24.fullmatch(ours["CallVolumeUpdate"][0]["_id"])
    ours["CallVolumeUpdate"][0]["_id"] = documented["CallVolumeUpdate"][0]["_id"]
    assert ours["CallVolumeUpdate"][0]["offeredContacts"] == 2
    documented["CallVolumeUpdate"][0]["offeredContacts"] = 2
    for key, value in documented["CallVolumeUpdate"][0].items():
        assert (key, ours["CallVolumeUpdate"][0][key]) == (key, value)
    assert ours == documented


def test_interval_boundaries(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """09:59:59.999 belongs to 09:45-10:00 (abandoned 5.001 s later, after the interval: still counted there
    by its EnterTime); 10:00:00.000 to 10:00-10:15 (still waiting: offered only)."""
    q = add_queue(db_engine, caller.account_id, "qu-a", "A")
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, T1000 - 1)], end=T1000 + 5 * SECOND)
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, T1000)])
    first = record(
        "2023-06-01T09:45:00.000Z",
        "2023-06-01T10:00:00.000Z",
        "qu-a",
        "A",
        offeredContacts=1,
        abandonedContacts=1,
        maxqueueHoldTimeAbandoned=5_001,
        queueHoldTimeAbandoned=5_001,
    )
    second = record("2023-06-01T10:00:00.000Z", "2023-06-01T10:15:00.000Z", "qu-a", "A", offeredContacts=1)

    assert without_ids(caller.ok(client, "callvolume", body(end="2023-06-01T10:15:00Z"))) == [first, second]
    assert without_ids(caller.ok(client, "callvolume", body())) == [first]
    later = caller.ok(client, "callvolume", body("2023-06-01T10:00:00.000Z", "2023-06-01T10:15:00Z"))
    assert without_ids(later) == [second]
    # Bounds inside an interval are widened to whole intervals: the same two records.
    widened = caller.ok(client, "callvolume", body("2023-06-01T09:59:00Z", "2023-06-01T10:00:01Z"))
    assert without_ids(widened) == [first, second]


def test_a_transfer_between_two_queues(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """qu-a: entered 10:05, answered 10:06 (hold 60 s), talk to 10:10 (240 s), transferred. qu-b: entered
    10:10:30, answered 10:11 (hold 30 s), talk to 10:20 (540 s), acw to 10:21 (60 s). The conversation's
    hold 5 s, 12 messages (3 saved) and csat 4 count once, on its last queue entry (qu-b)."""
    qa = add_queue(db_engine, caller.account_id, "qu-a", "A")
    qb = add_queue(db_engine, caller.account_id, "qu-b", "B")
    x = add_agent(db_engine, caller.account_id, "a-x", queues=(qa,))
    y = add_agent(db_engine, caller.account_id, "a-y", queues=(qb,))
    t = T1000
    entries = [
        Entry(qa, t + 5 * MINUTE, [Seg(x, t + 5 * MINUTE, t + 6 * MINUTE, t + 10 * MINUTE, transferred=True)]),
        Entry(
            qb,
            t + 10 * MINUTE + 30 * SECOND,
            [Seg(y, t + 10 * MINUTE + 40 * SECOND, t + 11 * MINUTE, t + 20 * MINUTE, t + 21 * MINUTE)],
        ),
    ]
    add_contact(
        db_engine,
        caller.account_id,
        BOT,
        entries,
        end=t + 21 * MINUTE,
        csat_score=4,
        hold_ms=5_000,
        message_count=12,
        saved_message_count=3,
    )
    got = caller.ok(client, "callvolume", body("2023-06-01T10:00:00Z", "2023-06-01T10:15:00Z"))
    span = ("2023-06-01T10:00:00.000Z", "2023-06-01T10:15:00.000Z")
    assert without_ids(got) == [
        record(
            *span,
            "qu-a",
            "A",
            offeredContacts=1,
            answeredContacts=1,
            maxQueueHoldTimeAnswered=60_000,
            queueHoldTimeAnswered=60_000,
            completedContacts=1,
            conversationHandleTime=240_000,
            conversationTalkTime=240_000,
        ),
        record(
            *span,
            "qu-b",
            "B",
            offeredContacts=1,
            answeredContacts=1,
            maxQueueHoldTimeAnswered=30_000,
            queueHoldTimeAnswered=30_000,
            acwDuration=60_000,
            completedContacts=1,
            conversationHandleTime=605_000,
            conversationTalkTime=540_000,
            holdDuration=5_000,
            messageCount=12,
            savedMessageCount=3,
            csatResponses=1,
            csatScore=4,
        ),
    ]
    assert (got["hasMore"], got["totalCount"]) == (False, 2)


def test_a_non_responding_then_a_responding_agent(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """Entered 10:00; a-x assigned 10:00:05, ignored; a-y assigned 10:00:35, accepted 10:00:40 (hold 40 s);
    talk and acw as ingested: 100 s and 10 s. Still talking agents make a contact answered, not completed."""
    q = add_queue(db_engine, caller.account_id, "qu-a", "A")
    x = add_agent(db_engine, caller.account_id, "a-x", queues=(q,))
    y = add_agent(db_engine, caller.account_id, "a-y", queues=(q,))
    t = T1000
    segments = [
        Seg(x, t + 5 * SECOND, non_response_event="Ignored"),
        Seg(y, t + 35 * SECOND, t + 40 * SECOND, t + 140 * SECOND, interaction_duration_s=100, acw_duration_s=10),
    ]
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, t, segments)], end=t + 140 * SECOND)
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, t + MINUTE, [Seg(y, t + MINUTE, t + 2 * MINUTE)])])
    got = caller.ok(client, "callvolume", body("2023-06-01T10:00:00Z", "2023-06-01T10:15:00Z"))
    assert without_ids(got) == [
        record(
            "2023-06-01T10:00:00.000Z",
            "2023-06-01T10:15:00.000Z",
            "qu-a",
            "A",
            offeredContacts=2,
            answeredContacts=2,
            maxQueueHoldTimeAnswered=60_000,
            queueHoldTimeAnswered=100_000,
            acwDuration=10_000,
            completedContacts=1,
            conversationHandleTime=110_000,
            conversationTalkTime=100_000,
        )
    ]


def _four_records(db_engine: Engine, caller: Caller) -> None:
    qa = add_queue(db_engine, caller.account_id, "qu-a", "A")
    qb = add_queue(db_engine, caller.account_id, "qu-b", "B")
    add_contact(db_engine, caller.account_id, BOT, [Entry(qb, T945)])
    add_contact(db_engine, caller.account_id, BOT, [Entry(qa, T945 + MINUTE)])
    add_contact(db_engine, caller.account_id, BOT, [Entry(qa, T945 + 2 * MINUTE)], source=None, channel="msteams")
    add_contact(db_engine, caller.account_id, BOT, [Entry(qa, T1000)])


def test_order_and_paging(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    _four_records(db_engine, caller)
    window = {"start": "2023-06-01T09:45:00Z", "end": "2023-06-01T10:15:00Z"}
    whole = caller.ok(client, "callvolume", body(**window))
    keys = [(r["intervalStartTimeStamp"][11:16], r["queueId"], r["source"]) for r in whole["CallVolumeUpdate"]]
    assert keys == [
        ("09:45", "qu-a", "msteams"),
        ("09:45", "qu-a", "rtm"),
        ("09:45", "qu-b", "rtm"),
        ("10:00", "qu-a", "rtm"),
    ]
    assert (whole["hasMore"], whole["totalCount"]) == (False, 4)

    page = caller.ok(client, "callvolume", body(**window, skip=1, limit=2))
    assert (page["hasMore"], page["totalCount"]) == (True, 4)
    assert page["CallVolumeUpdate"] == whole["CallVolumeUpdate"][1:3]
    last = caller.ok(client, "callvolume", body(**window, skip=3, limit=2))
    assert (last["hasMore"], last["totalCount"], last["CallVolumeUpdate"]) == (False, 4, whole["CallVolumeUpdate"][3:])
    beyond = caller.ok(client, "callvolume", body(**window, skip=10))
    assert beyond == {"hasMore": False, "CallVolumeUpdate": [], "totalCount": 4}


def test_a_page_is_summed_exactly_and_ordered_by_code_point(
    client: TestClient, db_engine: Engine, caller: Caller
) -> None:
    """Only the page's records are summed (the others are counted): each page's values, worked out by hand, are
    those of the whole window. Within an interval, records go by queueId then source in code-point order
    ("qu-B" < "qu-a", "Voice" < "rtm"), whatever the database's collation."""
    upper = add_queue(db_engine, caller.account_id, "qu-B", "B")
    lower = add_queue(db_engine, caller.account_id, "qu-a", "A")
    agent = add_agent(db_engine, caller.account_id, "a-1", queues=(upper, lower))
    # 09:46: answered after 30 s, talk 4 min 30 s, after-call work 1 min
    t1 = T945 + MINUTE
    s1 = Seg(agent, t1, t1 + 30 * SECOND, t1 + 5 * MINUTE, t1 + 6 * MINUTE)
    add_contact(db_engine, caller.account_id, BOT, [Entry(lower, t1, [s1])], end=t1 + 6 * MINUTE)
    # 09:59:59.999 in qu-B: abandoned 5.001 s later; 09:47 in qu-a from Voice: still waiting
    add_contact(db_engine, caller.account_id, BOT, [Entry(upper, T1000 - 1)], end=T1000 + 5 * SECOND)
    add_contact(db_engine, caller.account_id, BOT, [Entry(lower, T945 + 2 * MINUTE)], source="Voice")
    # 10:00:00.000: answered after 10 s, talk 60 s, after-call work 10 s
    s4 = Seg(agent, T1000, T1000 + 10 * SECOND, T1000 + 70 * SECOND, T1000 + 80 * SECOND)
    add_contact(db_engine, caller.account_id, BOT, [Entry(lower, T1000, [s4])], end=T1000 + 80 * SECOND)
    q945, q1000, q1015 = "2023-06-01T09:45:00.000Z", "2023-06-01T10:00:00.000Z", "2023-06-01T10:15:00.000Z"
    abandoned = record(
        q945, q1000, "qu-B", "B", offeredContacts=1, abandonedContacts=1, maxqueueHoldTimeAbandoned=5_001,
        queueHoldTimeAbandoned=5_001,
    )  # fmt: skip
    waiting = record(q945, q1000, "qu-a", "A", source="Voice", offeredContacts=1)
    first = record(
        q945, q1000, "qu-a", "A", offeredContacts=1, answeredContacts=1, maxQueueHoldTimeAnswered=30_000,
        queueHoldTimeAnswered=30_000, acwDuration=60_000, completedContacts=1, conversationHandleTime=330_000,
        conversationTalkTime=270_000,
    )  # fmt: skip
    fourth = record(
        q1000, q1015, "qu-a", "A", offeredContacts=1, answeredContacts=1, maxQueueHoldTimeAnswered=10_000,
        queueHoldTimeAnswered=10_000, acwDuration=10_000, completedContacts=1, conversationHandleTime=70_000,
        conversationTalkTime=60_000,
    )  # fmt: skip
    window = {"start": "2023-06-01T09:45:00Z", "end": "2023-06-01T10:15:00Z"}

    whole = caller.ok(client, "callvolume", body(**window))
    assert without_ids(whole) == [abandoned, waiting, first, fourth]
    middle = caller.ok(client, "callvolume", body(**window, skip=1, limit=1))
    assert (without_ids(middle), middle["hasMore"], middle["totalCount"]) == ([waiting], True, 4)
    tail = caller.ok(client, "callvolume", body(**window, skip=2, limit=5))
    assert (without_ids(tail), tail["hasMore"], tail["totalCount"]) == ([first, fourth], False, 4)


def test_ids_are_stable_and_distinct(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    _four_records(db_engine, caller)
    narrow = caller.ok(client, "callvolume", body())["CallVolumeUpdate"]
    wide = caller.ok(client, "callvolume", body("2023-06-01T00:00:00Z", "2023-06-02T00:00:00Z"))["CallVolumeUpdate"]
    assert [r["_id"] for r in narrow] == [r["_id"] for r in wide[:3]]
    assert len({r["_id"] for r in wide}) == 4


def test_initial_sync_from_the_first_contact(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    empty = caller.ok(client, "callvolume", body(None))
    assert empty == {"hasMore": False, "CallVolumeUpdate": [], "totalCount": 0}
    _four_records(db_engine, caller)
    synced = caller.ok(client, "callvolume", body(None, "2023-06-01T10:15:00Z"))
    assert synced["totalCount"] == 4
    assert synced["CallVolumeUpdate"][0]["intervalStartTimeStamp"] == "2023-06-01T09:45:00.000Z"
    q = add_queue(db_engine, caller.account_id, "qu-old", "Old")
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, T945 - 40 * DAY)])
    too_long = caller.post(client, "callvolume", body(None, "2023-06-01T10:15:00Z"))
    assert too_long.status_code == 400
    assert (
        too_long.json()["errors"][0]["msg"] == "the window from the first contact exceeds 31 days: give fromTimeStamp"
    )


def test_skill_breakdown(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    """Contact 1 (skills sk-2, sk-1) answered after 8 s, talk 20 s; contact 2 (sk-1 twice) abandoned after
    15 s; contact 3 (no skills) waiting. sk-1 counts contacts 1 and 2, sk-2 contact 1."""
    q = add_queue(db_engine, caller.account_id, "qu-a", "A")
    agent = add_agent(db_engine, caller.account_id, "a-1", queues=(q,))
    italian = {"skillId": "sk-1", "skillName": "Italian Market", "skillGroupId": "sg-1", "skillGroupName": "Languages"}
    billing = {"skillId": "sk-2", "skillName": "Billing"}
    t = T945
    seg = Seg(agent, t, t + 8 * SECOND, t + 28 * SECOND)
    add_contact(
        db_engine, caller.account_id, BOT, [Entry(q, t, [seg])], end=t + MINUTE, skills=[billing, italian], csat_score=5
    )
    add_contact(
        db_engine,
        caller.account_id,
        BOT,
        [Entry(q, t + MINUTE)],
        end=t + MINUTE + 15 * SECOND,
        skills=[italian, italian],
    )
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, t + 2 * MINUTE)])

    plain = caller.ok(client, "callvolume", body())
    assert "skillBreakdown" not in plain["CallVolumeUpdate"][0]
    explicit_false = caller.ok(client, "callvolume", body(includeSkillBreakdown=False))
    assert explicit_false == plain
    # null is the default, as for every optional field of the body (skip, limit, fromTimeStamp)
    assert caller.ok(client, "callvolume", body(includeSkillBreakdown=None, skip=None, limit=None)) == plain
    [item] = caller.ok(client, "callvolume", body(includeSkillBreakdown=True))["CallVolumeUpdate"]
    assert {k: v for k, v in item.items() if k != "skillBreakdown"} == plain["CallVolumeUpdate"][0]
    assert list(item)[-1] == "skillBreakdown"
    assert (item["offeredContacts"], item["answeredContacts"], item["abandonedContacts"]) == (3, 1, 1)

    def skill(skill_id: str, name: str, group_id: str, group_name: str, **metrics: int) -> dict[str, Any]:
        names = ["offeredContacts", "answeredContacts", "abandonedContacts", "completedContacts"]
        names += ["conversationHandleTime", "conversationTalkTime", "acwDuration", "holdDuration"]
        names += ["queueHoldTimeAnswered", "maxQueueHoldTimeAnswered", "queueHoldTimeAbandoned"]
        names += ["maxqueueHoldTimeAbandoned", "csatResponses", "csatScore"]
        head = {"skillId": skill_id, "skillName": name, "skillGroupId": group_id, "skillGroupName": group_name}
        return {**head, **{n: metrics.get(n, 0) for n in names}}

    answered = {
        "answeredContacts": 1,
        "completedContacts": 1,
        "conversationHandleTime": 20_000,
        "conversationTalkTime": 20_000,
        "queueHoldTimeAnswered": 8_000,
        "maxQueueHoldTimeAnswered": 8_000,
        "csatResponses": 1,
        "csatScore": 5,
    }
    abandoned = {"abandonedContacts": 1, "queueHoldTimeAbandoned": 15_000, "maxqueueHoldTimeAbandoned": 15_000}
    assert item["skillBreakdown"] == [
        skill("sk-1", "Italian Market", "sg-1", "Languages", offeredContacts=2, **answered, **abandoned),
        skill("sk-2", "Billing", "", "", offeredContacts=1, **answered),
    ]
    v2 = sample("contact-volume")["skillBreakdownResponse"]
    assert_same_shape(item["skillBreakdown"], v2["CallVolumeUpdate"][0]["skillBreakdown"])


def test_isolation(client: TestClient, db_engine: Engine, caller: Caller) -> None:
    q = add_queue(db_engine, caller.account_id, "qu-a", "A")
    add_contact(db_engine, caller.account_id, BOT, [Entry(q, T945)])
    other = make_caller(client, db_engine, "Other")
    their_q = add_queue(db_engine, other.account_id, "qu-a", "Theirs")  # the same public queue id
    add_contact(db_engine, other.account_id, "st-other", [Entry(their_q, T945)])
    add_contact(db_engine, other.account_id, "st-other", [Entry(their_q, T945 + SECOND)])

    ours = caller.ok(client, "callvolume", body())["CallVolumeUpdate"]
    theirs = other.ok(client, "callvolume", body())["CallVolumeUpdate"]
    assert [(r["queueName"], r["offeredContacts"], r["iId"]) for r in ours] == [("A", 1, BOT)]
    assert [(r["queueName"], r["offeredContacts"], r["iId"]) for r in theirs] == [("Theirs", 2, "st-other")]
    assert ours[0]["_id"] != theirs[0]["_id"]

    foreign = client.post(
        f"/agentassist/api/public/analytics/account/{other.account_id}/callvolume", json=body(), headers=caller.headers
    )
    assert foreign.status_code == 403
    analytics_only = {"auth": token(create_app(client, caller.account_id, scopes=[ANALYTICS]))}
    refused = client.post(
        f"/agentassist/api/public/analytics/account/{caller.account_id}/callvolume", json=body(), headers=analytics_only
    )
    assert refused.status_code == 403
    assert refused.json() == {"errors": [{"msg": "scope WFM Integration not granted", "code": 403}]}


@pytest.mark.parametrize(
    ("request_body", "msg_start"),
    [
        ({"orgId": ORG}, "toTimeStamp is required"),
        ({"toTimeStamp": "2023-06-01T10:00:00Z"}, "orgId is required"),
        ({**body(), "orgId": 5}, "orgId is required"),
        ({**body(), "toTimeStamp": "yesterday"}, "toTimeStamp must be"),
        ({**body(), "fromTimeStamp": "2023-02-30T00:00:00Z"}, "fromTimeStamp is not a valid date"),
        ({**body(), "toTimeStamp": 1685613600000}, "toTimeStamp is required"),
        (body("2023-06-01T10:00:00Z", "2023-06-01T10:00:00Z"), "toTimeStamp must be after fromTimeStamp"),
        (body("2023-06-01T10:00:00Z", "2023-06-01T09:00:00Z"), "toTimeStamp must be after fromTimeStamp"),
        (body("2023-05-01T09:00:00Z", "2023-06-01T09:00:01Z"), "the window from fromTimeStamp"),
        (body(skip=-1), "skip must be"),
        (body(skip=True), "skip must be"),
        (body(limit=0), "limit must be"),
        (body(limit=1001), "limit must be"),
        (body(limit="10"), "limit must be"),
        (body(includeSkillBreakdown="true"), "includeSkillBreakdown must be true or false"),
        (body(includeSkillBreakdown=0), "includeSkillBreakdown must be true or false"),
        ({**body(), "queueId": "qu-a"}, "request body: unknown field 'queueId'"),
        ([], "request body must be a JSON object"),
        (None, "request body must be a JSON object"),
    ],
)
def test_bad_bodies_are_400(client: TestClient, caller: Caller, request_body: Any, msg_start: str) -> None:
    response = caller.post(client, "callvolume", request_body)
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["code"] == 400 and error["msg"].startswith(msg_start), error


def test_a_window_of_exactly_31_days_is_allowed(client: TestClient, caller: Caller) -> None:
    got = caller.ok(client, "callvolume", body("2023-05-01T09:00:00Z", "2023-06-01T09:00:00Z", limit=1000))
    assert got == {"hasMore": False, "CallVolumeUpdate": [], "totalCount": 0}
