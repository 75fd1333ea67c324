"""Call Details through the real routes: paging, windows, filters, selectedFields, direction, computed durations,
path spellings, bad requests, scope and account isolation. Expected values are worked out by hand."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from smartassist.analytics.conversations import service
from tests.analytics.conversations.support import V1, V2, Caller, add_agents, add_queue, new_caller, row
from tests.support.errors import error
from tests.support.ingest import ok
from tests.support.tenants import INGEST, create_app
from tests.support.tokens import token

BASE = "/agentassist/api/public/analytics/account/{}"
A1 = "u-agent-one"


@pytest.fixture
def caller(client: TestClient, db_engine: Engine) -> Caller:
    caller = new_caller(client)
    add_queue(db_engine, caller.account_id, "qu-sales")
    add_queue(db_engine, caller.account_id, "qu-support")
    add_agents(client, caller, [A1])
    return caller


def body(start: str = "2025-10-01", end: str = "2025-10-01", **fields: Any) -> dict[str, Any]:
    return {"startDate": start, "endDate": end, **fields}


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["numResults"] == len(data["data"])
    return [r.get("conversationId") or r["sessionId"] for r in data["data"]]


def test_paging_counts_offset_in_pages_of_limit(caller: Caller, client: TestClient) -> None:
    # five rows, ingested out of order; two share a start and are ordered by conversationId
    rows = [row(n, f"2025-10-01T10:0{m}:00") for n, m in ((5, 4), (1, 0), (3, 2), (4, 2), (2, 1))]
    ok(caller.ingest(client, rows, offset=0), 5, 0)
    assert ids(caller.details(client, body())) == ["c-1", "c-2", "c-3", "c-4", "c-5"]
    assert ids(caller.details(client, body(), limit=2)) == ["c-1", "c-2"]
    assert ids(caller.details(client, body(), limit=2, offset=1)) == ["c-3", "c-4"]
    assert ids(caller.details(client, body(), limit=2, offset=2)) == ["c-5"]
    assert ids(caller.details(client, body(), limit=2, offset=3)) == []
    assert ids(caller.details(client, body(), limit=1, offset=10)) == []
    response = caller.details(client, body(), limit=3, offset=1)
    assert response.json() == {"numResults": 2, "data": response.json()["data"]} and ids(response) == ["c-4", "c-5"]


@pytest.mark.parametrize(
    ("params", "msg_start"),
    [
        ({"limit": 0}, "query.limit: "),
        ({"limit": 101}, "query.limit: "),
        ({"offset": 11}, "query.offset: "),
        ({"offset": -1}, "query.offset: "),
        ({"limit": "ten"}, "query.limit: "),
    ],
)
def test_bad_paging(caller: Caller, client: TestClient, params: dict[str, Any], msg_start: str) -> None:
    error(caller.details(client, body(), **params), 400, msg_start)


def test_date_window_is_whole_local_days(caller: Caller, client: TestClient) -> None:
    # at -330, 2025-10-01 local is [2025-09-30T18:30:00Z, 2025-10-01T18:30:00Z)
    rows = [
        row(1, "2025-09-30T18:29:59Z"),
        row(2, "2025-09-30T18:30:00Z"),
        row(3, "2025-10-01T18:29:59Z"),
        row(4, "2025-10-01T18:30:00Z"),
    ]
    ok(caller.ingest(client, rows, offset=None), 4, 0)
    assert ids(caller.details(client, body(timeZoneOffset=-330))) == ["c-2", "c-3"]
    assert ids(caller.details(client, body(timeZoneOffSet=-330))) == ["c-2", "c-3"]
    # at 0, the UTC day
    assert ids(caller.details(client, body())) == ["c-3", "c-4"]
    # timestamps: local instants, endDate excluded; the vendor's space form and the T form
    window = body("2025-10-01 00:00:00", "2025-10-02T00:00:00", timeZoneOffset=-330)
    assert ids(caller.details(client, window)) == ["c-2", "c-3"]
    window = body("2025-10-01 00:00:01", "2025-10-01 23:59:59", timeZoneOffset=-330)
    assert ids(caller.details(client, window)) == []
    window = body("2025-10-01T00:00:00", "2025-10-01T23:59:59Z")  # a zone makes it that instant
    assert ids(caller.details(client, window, path=V2)) == ["c-3", "c-4"]
    # seven whole days are allowed
    assert ids(caller.details(client, body("2025-09-25", "2025-10-01"))) == ["c-1", "c-2", "c-3", "c-4"]


def test_a_bound_with_a_fraction_counts_to_the_millisecond(caller: Caller, client: TestClient) -> None:
    # sessionStartTime 10:00:00.300Z; bounds cut to the second took it in from .999 and left it out before .301
    ok(caller.ingest(client, [row(1, "2025-10-01T10:00:00.300Z")], offset=None), 1, 0)
    assert ids(caller.details(client, body("2025-10-01T10:00:00.999Z", "2025-10-01T10:00:01Z"))) == []
    assert ids(caller.details(client, body("2025-10-01T09:00:00", "2025-10-01T10:00:00.301"))) == ["c-1"]
    assert ids(caller.details(client, body("2025-10-01T09:00:00", "2025-10-01 10:00:00.300"))) == []  # excluded
    assert ids(caller.details(client, body("2025-10-01T10:00:00.3Z", "2025-10-01T10:00:00.3019Z"))) == ["c-1"]
    # a local bound with a fraction, at -330: 15:30:00.300 local is 10:00:00.300Z
    assert ids(caller.details(client, body("2025-10-01T15:30:00.300", "2025-10-01T16:00", timeZoneOffset=-330))) == [
        "c-1"
    ]


@pytest.mark.parametrize(
    ("request_body", "msg_start"),
    [
        ([], "request body must be a JSON object"),
        ({"endDate": "2025-10-01"}, "startDate is required"),
        ({"startDate": "2025-10-01"}, "endDate is required"),
        (body("2025-10-01", "2025-09-30"), "endDate must be after startDate"),
        (body("2025-09-24", "2025-10-01"), "the date range must not exceed 7 days"),
        (body("2025-09-24 00:00:00", "2025-10-01 00:00:01"), "the date range must not exceed 7 days"),
        (body("2025-02-30", "2025-03-01"), "startDate is not a valid date"),
        (
            body("01/10/2025", "2025-10-01"),
            "startDate must be a date yyyy-mm-dd, a time yyyy-mm-dd HH:mm:ss or an ISO-8601 timestamp like "
            "2022-08-25T10:30:00.000Z",
        ),
        (body("2025-10-01  10:00:00", "2025-10-02"), "startDate must be a date yyyy-mm-dd, a time yyyy-mm-dd HH:mm:ss"),
        ({"startDate": 20251001, "endDate": "2025-10-02"}, "startDate is required: a date yyyy-mm-dd, a time"),
        (body("1969-12-31", "1970-01-01"), "startDate must not be before 1970"),
        (body(timeZoneOffset=841), "timeZoneOffset must be between -840 and 840"),
        (body(timeZoneOffset="-330"), "timeZoneOffset must be an integer"),
        (body(timeZoneOffSet=1.5), "timeZoneOffSet must be an integer"),
        (body(timeZoneOffset=-330, timeZoneOffSet=0), "timeZoneOffset and timeZoneOffSet disagree"),
        (body(channels="voice"), "channels must be an array"),
        (body(queues=[1]), "queues must hold strings"),
        (body(selectedFields=["skills", "transcript"]), "selectedFields: 'transcript' is not one of customerinfo"),
        (body(selectedFields=["campaigninfo"]), "selectedFields: 'campaigninfo' is not one of"),
        (body(direction="Inbound"), "request body: unknown field 'direction'"),
        (body(sortBy="x"), "request body: unknown field 'sortBy'"),
    ],
)
def test_bad_bodies_v1(caller: Caller, client: TestClient, request_body: Any, msg_start: str) -> None:
    error(caller.details(client, request_body), 400, msg_start)


@pytest.mark.parametrize(
    ("request_body", "msg_start"),
    [
        (body(direction="Sideways"), "direction must be Inbound, Outbound or Both"),
        (body(direction=["Inbound"]), "direction must be Inbound, Outbound or Both"),
        (body(selectedFields=["sessionleveltags", "calls"]), "selectedFields: 'calls' is not one of"),
    ],
)
def test_bad_bodies_v2(caller: Caller, client: TestClient, request_body: Any, msg_start: str) -> None:
    error(caller.details(client, request_body, path=V2), 400, msg_start)


def test_body_that_is_not_json(caller: Caller, client: TestClient) -> None:
    response = client.post(
        V1.format(caller.account_id), content=b"{", headers={**caller.headers, "Content-Type": "application/json"}
    )
    error(response, 400, "request body is not valid JSON")
    error(
        client.post(V1.format(caller.account_id), headers=caller.headers),
        400,
        "request body must be a JSON object",
    )


def test_filters_channels_queues_direction(caller: Caller, client: TestClient) -> None:
    entry = {"destinationType": "QueueEntry", "queueId": "qu-sales", "EnterTime": "2025-10-01T10:00:00Z"}
    rows = [
        row(1, "2025-10-01T10:00:01Z", source="korevg", Direction="Inbound", destinations=[entry]),
        row(
            2, "2025-10-01T10:00:02Z", channel="Web/Mobile Client", source="rtm", customerinfo={"Direction": "Outbound"}
        ),
        row(3, "2025-10-01T10:00:03Z", channel="voice", destinations=[{**entry, "queueId": "qu-support"}]),
        {
            "sessionId": "s-4",
            "channel": "Web/Mobile Client",
            "botId": "st-bot",
            "sessionStartTime": "2025-10-01T10:00:04Z",
        },
    ]
    ok(caller.ingest(client, rows, offset=None), 4, 0)
    assert ids(caller.details(client, body(channels=["VOICE"]))) == ["c-1", "c-3"]
    assert ids(caller.details(client, body(channels=["KoreVG", "rtm"]))) == ["c-1", "c-2"]
    assert ids(caller.details(client, body(channels=["web/mobile client"]))) == ["c-2", "s-4"]
    assert ids(caller.details(client, body(channels=[]))) == ["c-1", "c-2", "c-3", "s-4"]
    assert ids(caller.details(client, body(queues=["qu-sales"]))) == ["c-1"]
    assert ids(caller.details(client, body(queues=["qu-sales", "qu-support"]))) == ["c-1", "c-3"]
    assert ids(caller.details(client, body(queues=["qu-nowhere"]))) == []
    assert ids(caller.details(client, body(queues=["qu-support"], channels=["rtm"]))) == []
    # v2 direction: a row without one counts as inbound
    assert ids(caller.details(client, body(direction="Inbound"), path=V2)) == ["c-1", "c-3", "s-4"]
    assert ids(caller.details(client, body(direction="outbound"), path=V2)) == ["c-2"]
    assert ids(caller.details(client, body(direction="Both"), path=V2)) == ["c-1", "c-2", "c-3", "s-4"]


def test_selected_fields_choose_the_optional_blocks(caller: Caller, client: TestClient) -> None:
    blocks = {
        "skills": [{"skillId": "sk-1", "skillName": "Billing"}],
        "customerinfo": {"CustomerPhone": "+1"},
        "userleveltags": [],
        "sessionleveltags": [{"name": "t", "value": "1"}],
        "campaigninfo": {"campaignName": "Spring"},
        "finalStatus": "CLOSED",
    }
    segment = {"agentId": A1, "destinationType": "AgentSegment", "snoozeinfo": [], "JoinedUsers": []}
    ok(caller.ingest(client, [row(1, "2025-10-01T10:00:00Z", **blocks, destinations=[segment])], offset=None), 1, 0)

    def keys(path: str, **fields: Any) -> tuple[list[str], list[str]]:
        got = caller.details(client, body(**fields), path=path).json()["data"][0]
        return [k for k in got if k in blocks], list(got["destinations"][0])

    everything = ["skills", "customerinfo", "userleveltags", "sessionleveltags", "campaigninfo", "finalStatus"]
    segment_keys = ["agentId", "destinationType", "snoozeinfo", "JoinedUsers"]
    assert keys(V2) == (everything, segment_keys)
    assert keys(V2, selectedFields=None) == (everything, segment_keys)
    assert keys(V2, selectedFields=[]) == (["finalStatus"], ["agentId", "destinationType", "JoinedUsers"])
    assert keys(V2, selectedFields=["Skills", "SNOOZEINFO"]) == (["skills", "finalStatus"], segment_keys)
    assert keys(V2, selectedFields=["campaigninfo", "userleveltags"]) == (
        ["userleveltags", "campaigninfo", "finalStatus"],
        ["agentId", "destinationType", "JoinedUsers"],
    )
    # v1: campaigninfo and snoozeinfo are v2 blocks
    v1_blocks = ["skills", "customerinfo", "userleveltags", "sessionleveltags", "finalStatus"]
    assert keys(V1) == (v1_blocks, ["agentId", "destinationType", "JoinedUsers"])
    assert keys(V1, selectedFields=["customerinfo"]) == (
        ["customerinfo", "finalStatus"],
        ["agentId", "destinationType", "JoinedUsers"],
    )


def test_durations_computed_when_not_ingested(caller: Caller, client: TestClient) -> None:
    segment = {
        "agentId": A1,
        "destinationType": "AgentSegment",
        "status": "Answered",
        "firstResponseTime": "2025-10-01T07:41:30",
        "interactionEndTime": "2025-10-01T07:43:00",
        "afterCallWorkEndTime": "2025-10-01T07:43:09",
        "acceptedTime": "2025-10-01T07:41:23",
        "assignedAt": "2025-10-01T07:40:58",
    }
    given = {**segment, "interactionDuration": 1, "afterCallWorkDuration": 2}
    partial = {k: v for k, v in segment.items() if k not in ("afterCallWorkEndTime", "firstResponseTime")}
    open_segment = {k: v for k, v in segment.items() if k != "interactionEndTime"}
    rows = [
        row(1, "2025-10-01T07:40:00", destinations=[segment]),
        row(2, "2025-10-01T07:40:01", destinations=[given]),
        row(3, "2025-10-01T07:40:02", destinations=[partial]),
        row(4, "2025-10-01T07:40:03", destinations=[open_segment]),
    ]
    ok(caller.ingest(client, rows, offset=-330), 4, 0)
    data = caller.details(client, body(timeZoneOffset=-330)).json()["data"]
    got = [list(r["destinations"][0].items()) for r in data]
    # 07:41:23 -> 07:41:30 = 7 s; -> 07:43:00 = 97 s; 07:43:00 -> 07:43:09 = 9 s; each next to its time
    assert got[0] == [
        ("agentId", A1),
        ("destinationType", "AgentSegment"),
        ("status", "Answered"),
        ("firstResponseTime", "2025-10-01T07:41:30"),
        ("firstResponseDuration", 7),
        ("interactionEndTime", "2025-10-01T07:43:00"),
        ("interactionDuration", 97),
        ("afterCallWorkDuration", 9),
        ("afterCallWorkEndTime", "2025-10-01T07:43:09"),
        ("acceptedTime", "2025-10-01T07:41:23"),
        ("assignedAt", "2025-10-01T07:40:58"),
    ]
    # ingested durations are kept where they are; only the missing one is added
    assert [k for k, _ in got[1]] == [
        "agentId",
        "destinationType",
        "status",
        "firstResponseTime",
        "firstResponseDuration",
        "interactionEndTime",
        "afterCallWorkEndTime",
        "acceptedTime",
        "assignedAt",
        "interactionDuration",
        "afterCallWorkDuration",
    ]
    assert dict(got[1])["interactionDuration"] == 1 and dict(got[1])["firstResponseDuration"] == 7
    assert [k for k, _ in got[2]] == [
        "agentId",
        "destinationType",
        "status",
        "interactionEndTime",
        "interactionDuration",
        "acceptedTime",
        "assignedAt",
    ]
    # an open segment (no interactionEndTime) has no interaction or after-call-work duration
    assert [k for k, _ in got[3]] == [
        "agentId",
        "destinationType",
        "status",
        "firstResponseTime",
        "firstResponseDuration",
        "afterCallWorkEndTime",
        "acceptedTime",
        "assignedAt",
    ]


@pytest.mark.parametrize(
    "segment",
    [
        "calldetails",
        "callDetails",
        "CALLDETAILS",
        "v2/calldetails",
        "v2/callDetails",
        "v2/interactionDetails",
        "v2/interactiondetails",
        "v2/INTERACTIONDETAILS",
    ],
)
def test_path_spellings(caller: Caller, client: TestClient, segment: str) -> None:
    ok(caller.ingest(client, [row(1, "2025-10-01T10:00:00Z", Direction="Inbound")], offset=None), 1, 0)
    response = client.post(f"{BASE.format(caller.account_id)}/{segment}", json=body(), headers=caller.headers)
    assert ids(response) == ["c-1"]
    assert ("Direction" in response.json()["data"][0]) is segment.startswith("v2/")


@pytest.mark.parametrize(
    "segment", ["calldetailsx", "v1/calldetails", "interactionDetails", "v2/interactionDetail", "v3/calldetails"]
)
def test_other_paths_are_404(caller: Caller, client: TestClient, segment: str) -> None:
    response = client.post(f"{BASE.format(caller.account_id)}/{segment}", json=body(), headers=caller.headers)
    error(response, 404)


def test_isolation_and_scope(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    other = new_caller(client)
    add_queue(db_engine, other.account_id, "qu-sales")
    ok(caller.ingest(client, [row(1, "2025-10-01T10:00:00Z")], offset=None), 1, 0)
    entry = {"destinationType": "QueueEntry", "queueId": "qu-sales"}
    ok(other.ingest(client, [row(2, "2025-10-01T10:00:00Z", botId="st-b", destinations=[entry])], offset=None), 1, 0)
    ok(other.ingest(client, [row(1, "2025-10-01T11:00:00Z", botId="st-b")], offset=None), 1, 0)
    assert ids(caller.details(client, body())) == ["c-1"]
    assert caller.details(client, body()).json()["data"][0]["botId"] == "st-bot"
    assert ids(caller.details(client, body(queues=["qu-sales"]))) == []
    assert ids(other.details(client, body(), path=V2)) == ["c-2", "c-1"]
    # another account's id in the path or in the accountId header: 403
    error(client.post(V1.format(other.account_id), json=body(), headers=caller.headers), 403)
    headers = {**caller.headers, "accountId": other.account_id}
    error(client.post(V1.format(caller.account_id), json=body(), headers=headers), 403)
    # an app without the SmartAssist Analytics scope: 403; no token: 401
    ingest_only = {"auth": token(create_app(client, caller.account_id, scopes=[INGEST]))}
    error(
        client.post(V2.format(caller.account_id), json=body(), headers=ingest_only),
        403,
        "scope SmartAssist Analytics",
    )
    error(client.post(V2.format(caller.account_id), json=body()), 401)


def test_a_page_rendered_in_a_worker_thread_is_the_same(
    caller: Caller, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages of more stored text than service.RENDER_ON_LOOP_BYTES render in a worker thread: the same body.
    rows = [row(n, f"2025-10-01T10:00:0{n}Z", sessionEndTime=f"2025-10-01T10:0{n}:00Z") for n in (1, 2)]
    ok(caller.ingest(client, rows, offset=None), 2, 0)
    on_loop = caller.details(client, body(timeZoneOffset=-330), path=V2)
    monkeypatch.setattr(service, "RENDER_ON_LOOP_BYTES", 0)
    in_thread = caller.details(client, body(timeZoneOffset=-330), path=V2)
    assert in_thread.status_code == 200 and in_thread.content == on_loop.content
    # 10:00:01Z at UTC+05:30 is 15:30:01 local
    assert [r["sessionStartTime"] for r in in_thread.json()["data"]] == ["2025-10-01T15:30:01", "2025-10-01T15:30:02"]
    assert [r["sessionEndTime"] for r in in_thread.json()["data"]] == ["2025-10-01T15:31:00", "2025-10-01T15:32:00"]
