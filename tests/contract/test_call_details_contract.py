"""Call Details v1 and v2 (API.md §9, docs/API.md §7 "Call Details") from the contract alone.

Black box: queues, agents and rows go in through the ingest routes (API.md §5, docs/API.md §9
"Conversations"), rows come out of `…/calldetails`, `…/v2/calldetails` and `…/v2/interactionDetails`. Every
expected row and time below is written by hand from the contract.

The main scenario (`seed_main`), ingested with naive times at offset 0 (so they are UTC):

  R0  c-0000  2023-05-31T23:59:59   outside the day
  R1  c-0001  09:00:00  Voice / source korevg, qu-alpha (A1 answers), customerinfo.Direction Inbound, all 4 blocks
  R2  c-0002  10:00:00  Web/Mobile Client / source rtm, qu-alpha (A1) then qu-beta (A2); top-level Direction
                        Outbound and the other v2-only keys, campaigninfo, snoozeinfo in both segments
  R3  (bot)   11:00:00  bot-only, channel rtm, smartStatus etc. (v2-only keys), customerinfo without Direction
  R4  c-0003  12:00:00  Voice (no source), qu-beta, nobody answers; customerinfo.Direction Outbound
  R5  c-0004  2023-06-02T00:00:00   outside the day
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contract.conversations_support import (
    A1,
    A2,
    BOT,
    CALL_DETAILS_PATHS,
    QA,
    QB,
    V1,
    V2,
    V2_INTERACTION,
    AgentRef,
    QueueRef,
    Tenant,
    call_details,
    call_details_post,
    conversation,
    entry,
    error,
    ingest_agents,
    ingest_conversations,
    ingest_queues,
    ordered,
    segment,
    tenant,
)
from tests.support.tenants import INGEST, create_app
from tests.support.tokens import token

DAY = "2023-06-01"
ONE_DAY = {"startDate": DAY, "endDate": DAY}
V2_PATHS = (V2, V2_INTERACTION)
# docs/API.md §7: v1 leaves these top-level keys out (and the v2 blocks campaigninfo and snoozeinfo).
V2_ONLY_KEYS = ("Direction", "smartStatus", "reason", "errorDetails", "isVoicemail")
BLOCKS_V1 = ("skills", "customerinfo", "userleveltags", "sessionleveltags")
BOT2 = "st-00000000-bbbb-4222-8222-222222222222"


def t_(clock: str, day: str = DAY) -> str:
    """A naive local time of `day`: t_("09:00:00") = 2023-06-01T09:00:00."""
    return f"{day}T{clock}"


def setup(client: TestClient, t: Tenant) -> None:
    ingest_queues(client, t, QA, QB)
    ingest_agents(client, t, A1, A2, queues=(QA, QB))


def r1() -> dict[str, Any]:
    return conversation(
        "c-0001",
        t_("09:00:00"),
        t_("09:10:00"),
        [
            entry(
                QA,
                t_("09:00:20"),
                segment(
                    A1,
                    t_("09:00:30"),
                    t_("09:00:40"),
                    firstResponseTime=t_("09:00:45"),
                    firstResponseDuration=5,
                    interactionEndTime=t_("09:08:40"),
                    interactionDuration=480,
                    afterCallWorkDuration=30,
                    afterCallWorkEndTime=t_("09:09:10"),
                    agentNotes=["Booked a flight."],
                ),
            )
        ],
        channel="Voice",
        source="korevg",
        skills=[{"skillId": "sk-1", "skillName": "Sales"}],
        finalStatus="CLOSED",
        dispositions=["Resolved"],
        metaInfo={"caller": "+13213000001", "agentTransferConfig": {"skillsIds": [], "overrideAgents": False}},
        customerinfo={"CustomerPhone": "+13213000001", "CustomerFirstName": "", "Direction": "Inbound"},
        userleveltags=[{"name": "accountnum", "value": "121413243141234132"}],
        sessionleveltags=[{"name": "callerNumber", "value": "+13213000001"}],
    )


def r2() -> dict[str, Any]:
    consulting = {
        "isMerged": False,
        "name": "+9198765000",
        "acceptedTime": t_("10:02:10"),
        "assignedAt": t_("10:02:00"),
        "consultingEndTime": t_("10:03:00"),
    }
    return conversation(
        "c-0002",
        t_("10:00:00"),
        t_("10:20:00"),
        [
            entry(
                QA,
                t_("10:00:30"),
                segment(
                    A1,
                    t_("10:00:40"),
                    t_("10:00:50"),
                    interactionEndTime=t_("10:05:00"),
                    interactionDuration=250,
                    ConsultingAgents=[consulting],
                    JoinedUsers=[],
                    snoozeinfo=[],
                    agentChoseTranslate=False,
                ),
            ),
            entry(
                QB,
                t_("10:05:00"),
                segment(
                    A2,
                    t_("10:05:10"),
                    t_("10:05:20"),
                    interactionEndTime=t_("10:19:20"),
                    interactionDuration=840,
                    afterCallWorkDuration=40,
                    afterCallWorkEndTime=t_("10:20:00"),
                    snoozeinfo=[],
                ),
            ),
        ],
        source="rtm",
        isVoicemail="NO",
        Direction="Outbound",
        skills=[],
        finalStatus="CLOSED",
        smartStatus="CLOSED",
        reason="Resolved",
        errorDetails="",
        disconnectingEvent="Agent Closed",
        campaigninfo={"campaignName": "June", "campaignId": "cd-1", "attempt": 1, "contactListName": ["vip"]},
        customerinfo={"CustomerPhone": "", "CustomerEmail": "jane@example.com"},
        userleveltags=[],
        sessionleveltags=[],
        csatScore=4,
    )


def r3() -> dict[str, Any]:
    return conversation(
        None,
        t_("11:00:00"),
        t_("11:02:00"),
        channel="rtm",
        session_id="s-bot-0001",
        userId="u-customer-0001",
        channelSpecificUserId="john.doe@example.com",
        orgId="o-1234",
        disconnectingEvent="Bot Hangup",
        finalStatus="BotResolved",
        smartStatus="CLOSED AT BOT",
        reason="",
        errorDetails="",
        automationBotIDs=[],
        customerinfo={"CustomerPhone": "", "CenterPhone": ""},
        skills=[],
        userleveltags=[],
        sessionleveltags=[{"name": "voiceAutomationSuccess", "value": "1"}],
    )


def r4() -> dict[str, Any]:
    return conversation(
        "c-0003",
        t_("12:00:00"),
        t_("12:05:00"),
        [entry(QB, t_("12:00:30"))],
        channel="Voice",
        finalStatus="CLOSED",
        dispositions=["DROP-OFF"],
        dispositionRemarks=["-"],
        customerinfo={"CustomerPhone": "+13213000004", "Direction": "Outbound"},
    )


def outside() -> list[dict[str, Any]]:
    return [
        conversation("c-0000", "2023-05-31T23:59:59", None, [entry(QA, "2023-05-31T23:59:59")]),
        conversation("c-0004", "2023-06-02T00:00:00", None, [entry(QA, "2023-06-02T00:00:00")]),
    ]


def seed_main(client: TestClient, t: Tenant) -> None:
    setup(client, t)
    ingest_conversations(client, t, [r4(), *outside(), r2(), r3(), r1()], offset=0)


def without(row: dict[str, Any], *keys: str, segment_keys: tuple[str, ...] = ()) -> dict[str, Any]:
    """The row less some top-level keys and less some keys of every agent segment."""
    out = {k: copy.deepcopy(v) for k, v in row.items() if k not in keys}
    for dest in out.get("destinations", []):
        segments = [dest, dest.get("respondingAgent"), *dest.get("nonRespondingAgents", [])]
        for seg in segments:
            if isinstance(seg, dict) and seg.get("destinationType") == "AgentSegment":
                for key in segment_keys:
                    seg.pop(key, None)
    return out


def v1_view(row: dict[str, Any], *blocks: str) -> dict[str, Any]:
    """A row as v1 shows it (docs/API.md §7: less the five v2 keys, campaigninfo and snoozeinfo), less `blocks`."""
    return without(row, *V2_ONLY_KEYS, "campaigninfo", *blocks, segment_keys=("snoozeinfo",))


def main_ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row.get("conversationId") or f"{row['botId']}/{row['sessionId']}" for row in rows]


R3_KEY = f"{BOT}/s-bot-0001"


# --- the row as ingested, v1 and v2 -----------------------------------------------------------------------


def test_v1_rows_are_the_records_less_the_v2_keys(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    rows = call_details(client, t, {**ONE_DAY, "timeZoneOffset": 0})
    assert ordered(rows) == ordered([v1_view(r1()), v1_view(r2()), v1_view(r3()), v1_view(r4())])
    # and concretely: the v1 rows carry none of the v2-only keys.
    for row in rows:
        assert not set(row) & {*V2_ONLY_KEYS, "campaigninfo"}, row
    assert "snoozeinfo" not in rows[1]["destinations"][0]["respondingAgent"]
    assert rows[1]["destinations"][0]["respondingAgent"]["ConsultingAgents"][0]["consultingEndTime"] == t_("10:03:00")


@pytest.mark.parametrize("path", V2_PATHS)
def test_v2_rows_are_the_records_as_ingested(client: TestClient, path: str) -> None:
    t = tenant(client)
    seed_main(client, t)
    rows = call_details(client, t, {**ONE_DAY, "timeZoneOffset": 0}, path)
    assert ordered(rows) == ordered([r1(), r2(), r3(), r4()])
    assert rows[1]["Direction"] == "Outbound" and rows[1]["isVoicemail"] == "NO"
    assert rows[2]["smartStatus"] == "CLOSED AT BOT"


def test_the_default_offset_is_zero(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    assert call_details(client, t, ONE_DAY, V2) == call_details(client, t, {**ONE_DAY, "timeZoneOffset": 0}, V2)
    assert main_ids(call_details(client, t, ONE_DAY, V2)) == ["c-0001", "c-0002", R3_KEY, "c-0003"]


# --- the vendor's own row: round trip and offsets -----------------------------------------------------------

VENDOR_BOT = "st-ceb5fb14-37eb-54a8-a32d-1d751c10xxxx"
VENDOR_QUEUE = QueueRef("qu-e30b539-dd3c-4e10-90a9-354a3e72xxxx", "Default Queue")
JOHN = AgentRef("u-13b82e29-91a3-5092-a7ba-b92c8527xxxx", "john.doe@example.com", "John", "Doe")


def vendor_row() -> dict[str, Any]:
    """vendor-docs-2 §1f, with a few of the elided metaInfo keys and tags filled in."""
    return {
        "conversationId": "c-a5bc17c-9657-4ea7-92e5-8b97eabbxxxx",
        "sessionId": "68dc8d9c4afb07c72ac5xxxx",
        "channel": "Voice",
        "skills": [],
        "finalStatus": "CLOSED",
        "disconnectingEvent": "User Hangup",
        "botId": VENDOR_BOT,
        "dispositions": ["Resolved"],
        "dispositionRemarks": [],
        "metaInfo": {
            "caller": "+13213xxxxx",
            "callee": "+14176xxxxx",
            "callerHost": "54.244.51.2",
            "userId": "u-5828ec60-a890-5c00-9ebd-4c5e7480xxxx",
            "dialedNumber": "+141769xxxxx",
            "agentTransferConfig": {
                "skillsIds": [],
                "overrideAgents": False,
                "overrideValues": [],
                "assistEvents": {"startEvent": {"botId": VENDOR_BOT, "isEnabled": False}},
                "lastIntentName": "ConnectToAgent",
                "automationBotId": VENDOR_BOT,
                "accountId": "67654be356840f366e79xxxx",
            },
            "workinghours": {"workdays": "mon,tue,wed,thu,fri", "workstart": "8:00 AM", "workend": "5:00 PM"},
            "profImage": "no-avatar",
            "profColour": "#add8e6",
            "identities": [{"val": "+13213xxxxx", "type": "mapped"}],
            "transcribeConfig": {"transcribe": True},
        },
        "customerinfo": {
            "CustomerPhone": "+132136xxxxx",
            "CenterPhone": "+141769xxxxx",
            "CustomerFirstName": "",
            "CustomerLastName": "",
            "CustomerEmail": "",
            "Direction": "Inbound",
        },
        "sessionStartTime": "2025-10-01T07:40:36",
        "sessionEndTime": "2025-10-01T07:41:56",
        "channelSpecificUserId": "67654be356840f366e7xxxxx/korevg/940fc503-3eef-420f-84da-7e0fcfdxxxxx",
        "userId": "u-5828ec60-a890-5c00-9ebd-4c5e7480xxxx",
        "destinations": [
            {
                "destinationType": "QueueEntry",
                "queueId": VENDOR_QUEUE.queue_id,
                "queueName": "Default Queue",
                "CallbackOpted": True,
                "CallbackOptedTime": "2025-10-01T02:10:57.780Z",
                "userCallbackAcceptTime": "2025-10-01T02:11:24.591Z",
                "EnterTime": "2025-10-01T07:40:36",
                "respondingAgent": {
                    "agentId": JOHN.user_id,
                    "agentNotes": [
                        "The bot initiated an external number agent transfer. However, no additional details or "
                        "issues were addressed in the conversation."
                    ],
                    "destinationType": "AgentSegment",
                    "status": "Answered",
                    "firstResponseTime": "2025-10-01T07:41:23",
                    "firstResponseDuration": 0,
                    "interactionEndTime": "2025-10-01T07:41:59",
                    "interactionDuration": 36,
                    "afterCallWorkDuration": 4,
                    "afterCallWorkEndTime": "2025-10-01T07:42:04",
                    "email": "john.doe@example.com",
                    "name": "John Doe",
                    "acceptedTime": "2025-10-01T07:41:23",
                    "assignedAt": "2025-10-01T07:40:58",
                },
            }
        ],
        "userleveltags": [],
        "sessionleveltags": [
            {"name": "audioCodesCallDisconnect", "value": "1"},
            {"name": "callerNumber", "value": "+13213xxxxx"},
            {"name": "voiceAgentTransferStart", "value": "1"},
            {"name": "welcomeMessageTwilio", "value": "1"},
        ],
    }


def seed_vendor(client: TestClient, t: Tenant) -> None:
    ingest_queues(client, t, VENDOR_QUEUE)
    ingest_agents(client, t, JOHN, queues=(VENDOR_QUEUE,))
    # API.md §5: the body may be the vendor's calldetails response as is.
    ingest_conversations(client, t, {"numResults": 1, "data": [vendor_row()]}, offset=-330)


# The vendor's sample request (vendor-docs-2 §1a), on its own dates.
VENDOR_REQUEST = {
    "startDate": "2025-10-01",
    "endDate": "2025-10-01",
    "selectedFields": ["skills", "customerinfo", "userleveltags", "sessionleveltags"],
    "queues": [],
    "channels": [],
    "timeZoneOffset": -330,
}


@pytest.mark.parametrize("path", [V1.replace("calldetails", "callDetails"), V2.replace("calldetails", "callDetails")])
def test_a_vendor_row_ingested_at_an_offset_reads_back_as_the_same_json(client: TestClient, path: str) -> None:
    t = tenant(client)
    seed_vendor(client, t)
    rows = call_details(client, t, VENDOR_REQUEST, path, offset=0, limit=100)
    # API.md §9 "Round trip": same keys, values and order; the durations as given (4 s where the times say 5).
    assert ordered(rows) == ordered([vendor_row()])


def test_the_time_zone_offset_spelling_of_user_status_is_accepted(client: TestClient) -> None:
    t = tenant(client)
    seed_vendor(client, t)
    body = {k: v for k, v in VENDOR_REQUEST.items() if k != "timeZoneOffset"}
    rows = call_details(client, t, {**body, "timeZoneOffSet": -330})
    assert ordered(rows) == ordered([vendor_row()])
    both = call_details(client, t, {**body, "timeZoneOffSet": -330, "timeZoneOffset": -330})
    assert ordered(both) == ordered([vendor_row()])


def shifted(row: dict[str, Any], times: dict[str, str], day: str) -> dict[str, Any]:
    """The vendor row with its naive times replaced (clock → clock on `day`, written by hand in the test)."""
    out = copy.deepcopy(row)
    out["sessionStartTime"] = f"{day}T{times['start']}"
    out["sessionEndTime"] = f"{day}T{times['end']}"
    dest = out["destinations"][0]
    dest["EnterTime"] = f"{day}T{times['start']}"
    agent = dest["respondingAgent"]
    for key in ("firstResponseTime", "interactionEndTime", "afterCallWorkEndTime", "acceptedTime", "assignedAt"):
        agent[key] = f"{day}T{times[key]}"
    return out


def test_naive_times_are_rendered_at_the_callers_offset(client: TestClient) -> None:
    t = tenant(client)
    seed_vendor(client, t)
    # 07:40:36 at UTC+05:30 is 02:10:36Z; New York (300) writes 21:10:36 the day before. The Z times stay UTC.
    utc = {
        "start": "02:10:36",
        "end": "02:11:56",
        "firstResponseTime": "02:11:23",
        "interactionEndTime": "02:11:59",
        "afterCallWorkEndTime": "02:12:04",
        "acceptedTime": "02:11:23",
        "assignedAt": "02:10:58",
    }
    new_york = {
        "start": "21:10:36",
        "end": "21:11:56",
        "firstResponseTime": "21:11:23",
        "interactionEndTime": "21:11:59",
        "afterCallWorkEndTime": "21:12:04",
        "acceptedTime": "21:11:23",
        "assignedAt": "21:10:58",
    }
    at_utc = call_details(client, t, {"startDate": "2025-10-01", "endDate": "2025-10-01", "timeZoneOffset": 0})
    assert ordered(at_utc) == ordered([shifted(vendor_row(), utc, "2025-10-01")])
    at_ny = call_details(client, t, {"startDate": "2025-09-30", "endDate": "2025-09-30", "timeZoneOffset": 300})
    assert ordered(at_ny) == ordered([shifted(vendor_row(), new_york, "2025-09-30")])
    assert at_ny[0]["destinations"][0]["CallbackOptedTime"] == "2025-10-01T02:10:57.780Z"
    # The window is in the caller's local time too: at 300, 2025-10-01 is [10-01T05:00Z, 10-02T05:00Z).
    assert call_details(client, t, {"startDate": "2025-10-01", "endDate": "2025-10-01", "timeZoneOffset": 300}) == []


def test_zoned_ingest_times_are_rendered_local_and_callback_times_utc_with_milliseconds(client: TestClient) -> None:
    t = tenant(client)
    setup(client, t)
    queue_entry = entry(QA, "2023-06-01T10:00:30+02:00", segment(A1, "2023-06-01T08:00:40Z", "2023-06-01T08:00:50Z"))
    queue_entry["CallbackOpted"] = True
    queue_entry["CallbackOptedTime"] = "2023-06-01T10:00:35.5+02:00"
    queue_entry["userCallbackAcceptTime"] = "2023-06-01T08:00:45Z"
    row = conversation("c-z1", "2023-06-01T08:00:00Z", "2023-06-01T04:30:00-04:00", [queue_entry])
    ingest_conversations(client, t, [row])  # no offset: every time has a zone
    [got] = call_details(client, t, {**ONE_DAY, "timeZoneOffset": -330})
    assert got["sessionStartTime"] == "2023-06-01T13:30:00"
    assert got["sessionEndTime"] == "2023-06-01T14:00:00"
    dest = got["destinations"][0]
    assert dest["EnterTime"] == "2023-06-01T13:30:30"
    assert dest["CallbackOptedTime"] == "2023-06-01T08:00:35.500Z"
    assert dest["userCallbackAcceptTime"] == "2023-06-01T08:00:45.000Z"
    assert dest["respondingAgent"]["assignedAt"] == "2023-06-01T13:30:40"
    assert dest["respondingAgent"]["acceptedTime"] == "2023-06-01T13:30:50"
    assert list(got) == list(row)


# --- windows ------------------------------------------------------------------------------------------------


def seed_edges(client: TestClient, t: Tenant) -> None:
    rows = [
        conversation("c-e1", "2023-06-01T09:59:59.999Z"),
        conversation("c-e2", "2023-06-01T10:00:00.000Z"),
        conversation("c-e3", "2023-06-01T10:59:59.999Z"),
        conversation("c-e4", "2023-06-01T11:00:00.000Z"),
        conversation("c-e5", "2023-06-01T18:29:59Z"),
        conversation("c-e6", "2023-06-01T18:30:00Z"),
    ]
    ingest_conversations(client, t, rows)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"startDate": "2023-06-01 10:00:00", "endDate": "2023-06-01 11:00:00"}, ["c-e2", "c-e3"]),
        ({"startDate": "2023-06-01T10:00:00", "endDate": "2023-06-01T11:00:00"}, ["c-e2", "c-e3"]),
        ({"startDate": "2023-06-01T10:00:00Z", "endDate": "2023-06-01T11:00:00Z"}, ["c-e2", "c-e3"]),
        ({"startDate": "2023-06-01T10:00:00.000Z", "endDate": "2023-06-01T10:59:59.999Z"}, ["c-e2"]),
        ({"startDate": "2023-06-01T09:59:59.999Z", "endDate": "2023-06-01T10:00:00.000Z"}, ["c-e1"]),
        ({"startDate": "2023-06-01T15:30:00+05:30", "endDate": "2023-06-01T16:30:00+05:30"}, ["c-e2", "c-e3"]),
        # a zoned bound is that instant whatever the offset
        (
            {"startDate": "2023-06-01T10:00:00Z", "endDate": "2023-06-01T11:00:00Z", "timeZoneOffset": 300},
            ["c-e2", "c-e3"],
        ),
        (
            {"startDate": "2023-06-01 15:30:00", "endDate": "2023-06-01 16:30:00", "timeZoneOffset": -330},
            ["c-e2", "c-e3"],
        ),
        (
            {"startDate": "2023-06-01 15:30:00", "endDate": "2023-06-01 16:30:00", "timeZoneOffSet": -330},
            ["c-e2", "c-e3"],
        ),
        (
            {"startDate": "2023-06-01 05:00:00", "endDate": "2023-06-01 06:00:00", "timeZoneOffset": 300},
            ["c-e2", "c-e3"],
        ),
        # a fraction of a second counts to the millisecond
        ({"startDate": "2023-06-01 09:59:59.999", "endDate": "2023-06-01 11:00:00"}, ["c-e1", "c-e2", "c-e3"]),
        ({"startDate": "2023-06-01 10:00:00", "endDate": "2023-06-01 11:00:00.001"}, ["c-e2", "c-e3", "c-e4"]),
        ({"startDate": "2023-06-01 10:00:00.001", "endDate": "2023-06-01 11:00:00"}, ["c-e3"]),
        # dates are whole local days: at UTC+05:30 2023-06-01 is [05-31T18:30Z, 06-01T18:30Z)
        ({**ONE_DAY, "timeZoneOffset": -330}, ["c-e1", "c-e2", "c-e3", "c-e4", "c-e5"]),
        ({"startDate": "2023-06-02", "endDate": "2023-06-02", "timeZoneOffset": -330}, ["c-e6"]),
        (
            {"startDate": "2023-05-31", "endDate": "2023-06-02", "timeZoneOffset": -330},
            [f"c-e{i}" for i in range(1, 7)],
        ),
        ({**ONE_DAY}, [f"c-e{i}" for i in range(1, 7)]),
        ({"startDate": "2023-05-31", "endDate": "2023-05-31", "timeZoneOffset": 300}, []),
        ({**ONE_DAY, "timeZoneOffset": 300}, [f"c-e{i}" for i in range(1, 7)]),
        # a timestamp endDate is excluded; a date endDate runs to the midnight after it
        ({"startDate": "2023-06-01", "endDate": "2023-06-01 10:00:00"}, ["c-e1"]),
        ({"startDate": "2023-06-01 18:29:59", "endDate": "2023-06-01"}, ["c-e5", "c-e6"]),
    ],
)
def test_the_window_holds_the_rows_whose_start_falls_in_it(
    client: TestClient, body: dict[str, Any], expected: list[str]
) -> None:
    t = tenant(client)
    seed_edges(client, t)
    assert main_ids(call_details(client, t, body)) == expected


def test_rows_at_a_local_midnight_are_written_in_local_time(client: TestClient) -> None:
    t = tenant(client)
    seed_edges(client, t)
    day1 = call_details(client, t, {**ONE_DAY, "timeZoneOffset": -330})
    assert main_ids(day1) == ["c-e1", "c-e2", "c-e3", "c-e4", "c-e5"]
    starts = [r["sessionStartTime"] for r in day1]
    assert [starts[1], starts[3], starts[4]] == ["2023-06-01T15:30:00", "2023-06-01T16:30:00", "2023-06-01T23:59:59"]
    [day2] = call_details(client, t, {"startDate": "2023-06-02", "endDate": "2023-06-02", "timeZoneOffset": -330})
    assert day2["sessionStartTime"] == "2023-06-02T00:00:00"


def test_a_window_of_seven_days_is_the_most(client: TestClient) -> None:
    t = tenant(client)
    rows = [conversation("c-w1", "2023-06-01T00:00:00Z"), conversation("c-w7", "2023-06-07T23:59:59Z")]
    rows.append(conversation("c-w8", "2023-06-08T00:00:00Z"))
    ingest_conversations(client, t, rows)
    week = {"startDate": "2023-06-01", "endDate": "2023-06-07"}
    assert main_ids(call_details(client, t, week)) == ["c-w1", "c-w7"]
    stamps = {"startDate": "2023-06-01 00:00:00", "endDate": "2023-06-08 00:00:00"}
    assert main_ids(call_details(client, t, stamps, V2)) == ["c-w1", "c-w7"]
    shifted_week = {"startDate": "2023-06-01T00:00:01", "endDate": "2023-06-08T00:00:01"}
    assert main_ids(call_details(client, t, shifted_week, V2)) == ["c-w7", "c-w8"]
    for too_long in [
        {"startDate": "2023-06-01", "endDate": "2023-06-08"},
        {"startDate": "2023-06-01 00:00:00", "endDate": "2023-06-08 00:00:01"},
        {"startDate": "2023-06-01 00:00:00", "endDate": "2023-06-08 00:00:00.001"},
        {"startDate": "2023-06-01", "endDate": "2023-06-30"},
    ]:
        error(call_details_post(client, t, too_long), 400)


BAD_BODIES: list[tuple[str, Any]] = [
    ("end before start", {"startDate": "2023-06-02", "endDate": "2023-06-01"}),
    ("empty window", {"startDate": "2023-06-01 10:00:00", "endDate": "2023-06-01 10:00:00"}),
    ("before 1970", {"startDate": "1969-12-31", "endDate": "1970-01-01"}),
    ("slashes", {"startDate": "2023/06/01", "endDate": "2023-06-01"}),
    ("no such day", {"startDate": "2023-02-30", "endDate": "2023-03-01"}),
    ("hour 25", {"startDate": "2023-06-01 25:00:00", "endDate": "2023-06-02"}),
    ("words", {"startDate": "2023-06-01", "endDate": "June 2"}),
    ("empty string", {"startDate": "", "endDate": "2023-06-01"}),
    ("number", {"startDate": 20230601, "endDate": "2023-06-01"}),
    ("epoch number", {"startDate": 1685577600000, "endDate": 1685664000000}),
    ("null", {"startDate": None, "endDate": "2023-06-01"}),
    ("list", {"startDate": ["2023-06-01"], "endDate": "2023-06-01"}),
    ("no startDate", {"endDate": "2023-06-01"}),
    ("no endDate", {"startDate": "2023-06-01"}),
    ("no dates", {}),
    ("offset 841", {**ONE_DAY, "timeZoneOffset": 841}),
    ("offset -841", {**ONE_DAY, "timeZoneOffset": -841}),
    ("offset as text", {**ONE_DAY, "timeZoneOffset": "300"}),
    ("offSet 900", {**ONE_DAY, "timeZoneOffSet": 900}),
    ("offsets differ", {**ONE_DAY, "timeZoneOffset": -330, "timeZoneOffSet": 300}),
    ("unknown field", {**ONE_DAY, "agents": ["x@y.io"]}),
    ("channels a string", {**ONE_DAY, "channels": "rtm"}),
    ("channels of numbers", {**ONE_DAY, "channels": [1]}),
    ("queues a string", {**ONE_DAY, "queues": "qu-alpha-1"}),
    ("queues an object", {**ONE_DAY, "queues": {"qu-alpha-1": True}}),
    ("unknown block", {**ONE_DAY, "selectedFields": ["metaInfo"]}),
    ("block not a string", {**ONE_DAY, "selectedFields": [{"skills": True}]}),
    ("selectedFields a string", {**ONE_DAY, "selectedFields": "skills"}),
    ("array body", [ONE_DAY]),
    ("string body", "startDate=2023-06-01"),
    ("null body", None),
]


@pytest.mark.parametrize(("case", "body"), BAD_BODIES, ids=[case for case, _ in BAD_BODIES])
def test_a_bad_body_is_a_400_in_the_error_shape(client: TestClient, case: str, body: Any) -> None:
    t = tenant(client)
    for path in CALL_DETAILS_PATHS:
        error(call_details_post(client, t, body, path), 400)


def test_a_bad_date_names_the_accepted_forms(client: TestClient) -> None:
    t = tenant(client)
    msg = error(call_details_post(client, t, {"startDate": "2023/06/01", "endDate": "2023-06-01"}), 400)
    assert msg.startswith("startDate must be a date yyyy-mm-dd"), msg
    assert "yyyy-mm-dd HH:mm:ss" in msg, msg
    msg = error(call_details_post(client, t, {"startDate": "2023-06-01", "endDate": "tomorrow"}, V2), 400)
    assert msg.startswith("endDate must be a date yyyy-mm-dd"), msg
    assert "tomorrow" not in msg  # docs/API.md §1: never echoes the submitted value


def test_v2_only_fields_are_400_on_v1(client: TestClient) -> None:
    t = tenant(client)
    for body in [
        {**ONE_DAY, "direction": "Inbound"},
        {**ONE_DAY, "selectedFields": ["campaigninfo"]},
        {**ONE_DAY, "selectedFields": ["skills", "snoozeinfo"]},
    ]:
        error(call_details_post(client, t, body, V1), 400)
        assert call_details_post(client, t, body, V2).status_code == 200


def test_a_bad_direction_is_a_400(client: TestClient) -> None:
    t = tenant(client)
    for path in V2_PATHS:
        for direction in ["Sideways", "", 1, ["Inbound"], "In bound"]:
            error(call_details_post(client, t, {**ONE_DAY, "direction": direction}, path), 400)


def test_the_offset_bounds_and_the_older_curls_is_automation(client: TestClient) -> None:
    t = tenant(client)
    seed_edges(client, t)
    # at -840 (UTC+14) 2023-06-01 is [05-31T10:00Z, 06-01T10:00Z); at 840 (UTC-14) [06-01T14:00Z, 06-02T14:00Z).
    assert main_ids(call_details(client, t, {**ONE_DAY, "timeZoneOffset": -840})) == ["c-e1"]
    assert main_ids(call_details(client, t, {**ONE_DAY, "timeZoneOffset": 840})) == ["c-e5", "c-e6"]
    assert len(call_details(client, t, {**ONE_DAY, "isAutomation": False})) == 6


@pytest.mark.parametrize(
    "body",
    [
        {"startDate": "9999-12-25", "endDate": "9999-12-31", "timeZoneOffset": -840},
        {"startDate": "9999-12-31 23:00:00", "endDate": "9999-12-31", "timeZoneOffset": 840},
        {"startDate": "1970-01-01", "endDate": "1970-01-01", "timeZoneOffset": -840},
        {"startDate": "2023-06-01T10:00:00+99:00", "endDate": "2023-06-02"},
        {"startDate": "2023-06-01T10:00:00.1234567890123", "endDate": "2023-06-02"},
        {"startDate": "0001-01-01", "endDate": "0001-01-02"},
        {**ONE_DAY, "timeZoneOffset": 10**30},
        {**ONE_DAY, "timeZoneOffset": 1.5},
    ],
)
def test_extreme_bounds_are_answered_never_a_500(client: TestClient, body: dict[str, Any]) -> None:
    t = tenant(client)
    response = call_details_post(client, t, body, V2)
    if response.status_code == 200:
        assert response.json() == {"numResults": 0, "data": []}
    else:
        error(response, 400)


def test_a_body_without_json_content_type_is_a_400(client: TestClient) -> None:
    t = tenant(client)
    response = client.post(V1.format(t.account_id), content=json.dumps(ONE_DAY).encode(), headers=t.headers)
    error(response, 400)
    response = client.post(
        V2.format(t.account_id),
        content=b'{"startDate": "2023-06-01", ',
        headers={**t.headers, "Content-Type": "application/json"},
    )
    error(response, 400)


def test_get_is_a_405(client: TestClient) -> None:
    t = tenant(client)
    error(client.get(V1.format(t.account_id), headers=t.headers), 405)


# --- paging ---------------------------------------------------------------------------------------------------


def seed_pages(client: TestClient, t: Tenant) -> list[str]:
    ids = [f"c-p{i:02d}" for i in range(12)]
    rows = [conversation(cid, t_(f"00:{5 * i:02d}:00")) for i, cid in enumerate(ids)]
    ingest_conversations(client, t, list(reversed(rows)), offset=0)
    return ids


@pytest.mark.parametrize("path", CALL_DETAILS_PATHS)
def test_offset_counts_pages_of_limit_rows(client: TestClient, path: str) -> None:
    t = tenant(client)
    ids = seed_pages(client, t)
    assert main_ids(call_details(client, t, ONE_DAY, path)) == ids
    assert main_ids(call_details(client, t, ONE_DAY, path, limit=5)) == ids[0:5]
    assert main_ids(call_details(client, t, ONE_DAY, path, limit=5, offset=0)) == ids[0:5]
    assert main_ids(call_details(client, t, ONE_DAY, path, limit=5, offset=1)) == ids[5:10]
    assert main_ids(call_details(client, t, ONE_DAY, path, limit=5, offset=2)) == ids[10:12]
    assert call_details(client, t, ONE_DAY, path, limit=5, offset=3) == []
    assert main_ids(call_details(client, t, ONE_DAY, path, limit=1, offset=10)) == [ids[10]]
    assert main_ids(call_details(client, t, ONE_DAY, path, limit=100)) == ids
    assert main_ids(call_details(client, t, ONE_DAY, path, offset=0)) == ids
    assert call_details(client, t, ONE_DAY, path, offset=1) == []


def test_the_default_limit_is_100(client: TestClient) -> None:
    t = tenant(client)
    rows = [
        conversation(None, f"2023-06-01T10:{i // 60:02d}:{i % 60:02d}Z", session_id=f"s-{i:04d}", channel="rtm")
        for i in range(101)
    ]
    ingest_conversations(client, t, rows)
    first = call_details(client, t, ONE_DAY, V2)
    assert [r["sessionId"] for r in first] == [f"s-{i:04d}" for i in range(100)]
    assert [r["sessionId"] for r in call_details(client, t, ONE_DAY, V2, offset=1)] == ["s-0100"]
    assert [r["sessionId"] for r in call_details(client, t, ONE_DAY, V2, limit=50, offset=2)] == ["s-0100"]


BAD_PAGING: list[dict[str, Any]] = [
    {"limit": 0},
    {"limit": 101},
    {"limit": -1},
    {"limit": "abc"},
    {"limit": "1.5"},
    {"limit": ""},
    {"offset": -1},
    {"offset": 11},
    {"offset": 1000},
    {"offset": "x"},
    {"offset": 10**30},
    {"limit": 10**30},
]


def test_bad_paging_is_a_400(client: TestClient) -> None:
    t = tenant(client)
    for params in BAD_PAGING:
        error(call_details_post(client, t, ONE_DAY, V1, **params), 400)
        error(call_details_post(client, t, ONE_DAY, V2_INTERACTION, **params), 400)


def test_ties_are_ordered_by_conversation_id_or_bot_and_session(client: TestClient) -> None:
    t = tenant(client)
    same = "2023-06-01T10:00:00Z"
    rows = [
        conversation(None, same, session_id="s2", channel="rtm"),
        conversation("c-b", same),
        conversation(None, same, session_id="zz", bot=BOT2, channel="rtm"),
        conversation("c-c", same),
        conversation(None, same, session_id="s1", channel="rtm"),
        conversation("c-a", same),
        conversation("c-first", "2023-06-01T09:59:59Z"),
    ]
    ingest_conversations(client, t, rows)
    expected = ["c-first", "c-a", "c-b", "c-c", f"{BOT2}/zz", f"{BOT}/s1", f"{BOT}/s2"]
    assert main_ids(call_details(client, t, ONE_DAY)) == expected
    assert main_ids(call_details(client, t, ONE_DAY, V2, limit=3, offset=1)) == expected[3:6]


# --- filters -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("channels", "expected"),
    [
        (["voice"], ["c-0001", "c-0003"]),
        (["VOICE"], ["c-0001", "c-0003"]),
        (["KOREVG"], ["c-0001"]),
        (["rtm"], ["c-0002", R3_KEY]),
        (["web/mobile client"], ["c-0002"]),
        (["korevg", "rtm"], ["c-0001", "c-0002", R3_KEY]),
        (["sms"], []),
        ([], ["c-0001", "c-0002", R3_KEY, "c-0003"]),
    ],
)
def test_channels_match_the_channel_or_the_source_in_any_case(
    client: TestClient, channels: list[str], expected: list[str]
) -> None:
    t = tenant(client)
    seed_main(client, t)
    assert main_ids(call_details(client, t, {**ONE_DAY, "channels": channels})) == expected
    assert main_ids(call_details(client, t, {**ONE_DAY, "channels": channels}, V2)) == expected


@pytest.mark.parametrize(
    ("queues", "expected"),
    [
        ([QA.queue_id], ["c-0001", "c-0002"]),
        ([QB.queue_id], ["c-0002", "c-0003"]),
        ([QA.queue_id, QB.queue_id], ["c-0001", "c-0002", "c-0003"]),
        (["qu-nope"], []),
        ([QA.queue_id.upper()], []),
        ([], ["c-0001", "c-0002", R3_KEY, "c-0003"]),
    ],
)
def test_queues_keep_the_rows_with_a_queue_entry_of_one_of_them(
    client: TestClient, queues: list[str], expected: list[str]
) -> None:
    t = tenant(client)
    seed_main(client, t)
    assert main_ids(call_details(client, t, {**ONE_DAY, "queues": queues})) == expected
    assert main_ids(call_details(client, t, {**ONE_DAY, "queues": queues}, V2_INTERACTION)) == expected


@pytest.mark.parametrize("path", V2_PATHS)
@pytest.mark.parametrize(
    ("direction", "expected"),
    [
        ("Outbound", ["c-0002", "c-0003"]),  # the top-level Direction, else customerinfo.Direction
        ("outbound", ["c-0002", "c-0003"]),
        ("Inbound", ["c-0001", R3_KEY]),  # R3 has neither: Inbound
        ("INBOUND", ["c-0001", R3_KEY]),
        ("Both", ["c-0001", "c-0002", R3_KEY, "c-0003"]),
        ("both", ["c-0001", "c-0002", R3_KEY, "c-0003"]),
        (None, ["c-0001", "c-0002", R3_KEY, "c-0003"]),
    ],
)
def test_v2_direction(client: TestClient, path: str, direction: str | None, expected: list[str]) -> None:
    t = tenant(client)
    seed_main(client, t)
    body = {**ONE_DAY} if direction is None else {**ONE_DAY, "direction": direction}
    assert main_ids(call_details(client, t, body, path)) == expected


def test_direction_reads_customerinfo_even_when_the_block_is_not_selected(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    body = {**ONE_DAY, "direction": "Outbound", "selectedFields": []}
    rows = call_details(client, t, body, V2)
    assert main_ids(rows) == ["c-0002", "c-0003"]
    assert all("customerinfo" not in row for row in rows)
    body = {**ONE_DAY, "direction": "Inbound", "selectedFields": ["skills"]}
    assert main_ids(call_details(client, t, body, V2_INTERACTION)) == ["c-0001", R3_KEY]


def test_filters_combine(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    assert main_ids(call_details(client, t, {**ONE_DAY, "channels": ["voice"], "queues": [QB.queue_id]})) == ["c-0003"]
    assert main_ids(call_details(client, t, {**ONE_DAY, "channels": ["rtm"], "direction": "Inbound"}, V2)) == [R3_KEY]
    body = {**ONE_DAY, "channels": ["rtm"], "queues": [QA.queue_id], "direction": "Outbound"}
    assert main_ids(call_details(client, t, body, V2)) == ["c-0002"]


def test_a_row_with_a_changed_direction_moves_between_filters(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    changed = r1()
    changed["Direction"] = "Outbound"  # the top-level Direction wins over customerinfo.Direction (Inbound)
    ingest_conversations(client, t, [changed], offset=0)
    assert main_ids(call_details(client, t, {**ONE_DAY, "direction": "Outbound"}, V2)) == [
        "c-0001",
        "c-0002",
        "c-0003",
    ]
    [row] = call_details(client, t, {**ONE_DAY, "channels": ["korevg"]}, V2)
    assert ordered(row) == ordered(changed)


# --- selectedFields ---------------------------------------------------------------------------------------------


def test_selected_fields_absent_or_null_show_every_block(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    expected = ordered([r1(), r2(), r3(), r4()])
    assert ordered(call_details(client, t, {**ONE_DAY, "selectedFields": None}, V2)) == expected
    assert ordered(call_details(client, t, ONE_DAY, V2)) == expected


@pytest.mark.parametrize(
    ("selected", "left_out"),
    [
        ([], BLOCKS_V1),
        (["skills"], ("customerinfo", "userleveltags", "sessionleveltags")),
        (["SKILLS", "CustomerInfo"], ("userleveltags", "sessionleveltags")),
        (["userleveltags", "sessionleveltags"], ("skills", "customerinfo")),
        (list(BLOCKS_V1), ()),
    ],
)
def test_v1_selected_fields_keep_only_the_named_blocks(
    client: TestClient, selected: list[str], left_out: tuple[str, ...]
) -> None:
    t = tenant(client)
    seed_main(client, t)
    rows = call_details(client, t, {**ONE_DAY, "selectedFields": selected})
    assert ordered(rows) == ordered([v1_view(r(), *left_out) for r in (r1, r2, r3, r4)])


@pytest.mark.parametrize(
    ("selected", "left_out", "snooze"),
    [
        ([], (*BLOCKS_V1, "campaigninfo"), False),
        (["skills"], ("customerinfo", "userleveltags", "sessionleveltags", "campaigninfo"), False),
        (["campaigninfo", "SnoozeInfo"], BLOCKS_V1, True),
        (["snoozeinfo"], (*BLOCKS_V1, "campaigninfo"), True),
        ([*BLOCKS_V1, "campaigninfo", "snoozeinfo"], (), True),
    ],
)
def test_v2_selected_fields_keep_only_the_named_blocks(
    client: TestClient, selected: list[str], left_out: tuple[str, ...], snooze: bool
) -> None:
    t = tenant(client)
    seed_main(client, t)
    rows = call_details(client, t, {**ONE_DAY, "selectedFields": selected}, V2)
    seg_keys = () if snooze else ("snoozeinfo",)
    expected = [without(r(), *left_out, segment_keys=seg_keys) for r in (r1, r2, r3, r4)]
    assert ordered(rows) == ordered(expected)
    # the v2-only keys are no blocks: selectedFields never removes them.
    assert rows[1]["Direction"] == "Outbound" and rows[2]["smartStatus"] == "CLOSED AT BOT"


# --- computed durations -------------------------------------------------------------------------------------------


def test_durations_are_computed_when_the_row_lacks_them(client: TestClient) -> None:
    t = tenant(client)
    setup(client, t)
    answered = segment(
        A1,
        t_("10:00:20"),
        t_("10:00:30"),
        firstResponseTime=t_("10:00:42"),
        interactionEndTime=t_("10:05:30"),
        afterCallWorkEndTime=t_("10:06:15"),
    )
    ignored = segment(A2, t_("10:00:05"), nonResponseEvent="Ignored")
    bare = segment(A2, t_("10:06:00"), t_("10:06:10"), interactionEndTime=t_("10:07:00"), ConsultingAgents=[])
    full = conversation("c-d1", t_("10:00:00"), t_("10:07:00"), [entry(QA, t_("10:00:10"), answered, [ignored]), bare])
    still_open = conversation(
        "c-d2",
        t_("11:00:00"),
        None,
        [entry(QA, t_("11:00:05"), segment(A1, t_("11:00:07"), t_("11:00:10"), firstResponseTime=t_("11:00:13")))],
    )
    partly = conversation(
        "c-d3",
        t_("12:00:00"),
        t_("12:10:00"),
        [
            entry(
                QB,
                t_("12:00:00"),
                segment(
                    A2,
                    t_("12:00:01"),
                    t_("12:00:02"),
                    firstResponseTime="",
                    interactionEndTime=t_("12:09:02"),
                    interactionDuration=999,
                    afterCallWorkEndTime=t_("12:10:00"),
                ),
            )
        ],
    )
    ingest_conversations(client, t, [full, still_open, partly], offset=0)
    rows = call_details(client, t, {**ONE_DAY, "timeZoneOffset": 0}, V2)
    assert main_ids(rows) == ["c-d1", "c-d2", "c-d3"]

    d1 = rows[0]["destinations"]
    assert ordered(d1[0]["respondingAgent"]) == ordered(
        {
            "agentId": A1.user_id,
            "destinationType": "AgentSegment",
            "status": "Answered",
            "assignedAt": t_("10:00:20"),
            "acceptedTime": t_("10:00:30"),
            "firstResponseTime": t_("10:00:42"),
            "firstResponseDuration": 12,
            "interactionEndTime": t_("10:05:30"),
            "interactionDuration": 300,
            "afterCallWorkDuration": 45,
            "afterCallWorkEndTime": t_("10:06:15"),
            "email": A1.email,
            "name": A1.name,
        }
    )
    # the non-responding agent has none of the times a duration needs: nothing is added.
    assert ordered(d1[0]["nonRespondingAgents"]) == ordered([ignored])
    assert ordered(d1[1]) == ordered(
        {
            "agentId": A2.user_id,
            "destinationType": "AgentSegment",
            "status": "Answered",
            "assignedAt": t_("10:06:00"),
            "acceptedTime": t_("10:06:10"),
            "interactionEndTime": t_("10:07:00"),
            "interactionDuration": 50,
            "ConsultingAgents": [],
            "email": A2.email,
            "name": A2.name,
        }
    )
    # an open segment: the first response only.
    open_agent = rows[1]["destinations"][0]["respondingAgent"]
    assert list(open_agent) == [
        "agentId",
        "destinationType",
        "status",
        "assignedAt",
        "acceptedTime",
        "firstResponseTime",
        "firstResponseDuration",
        "email",
        "name",
    ]
    assert open_agent["firstResponseDuration"] == 3
    # an ingested duration is served as given; an empty time is kept and gives no duration.
    third = rows[2]["destinations"][0]["respondingAgent"]
    assert list(third) == [
        "agentId",
        "destinationType",
        "status",
        "assignedAt",
        "acceptedTime",
        "firstResponseTime",
        "interactionEndTime",
        "interactionDuration",
        "afterCallWorkDuration",
        "afterCallWorkEndTime",
        "email",
        "name",
    ]
    assert third["firstResponseTime"] == ""
    assert third["interactionDuration"] == 999
    assert third["afterCallWorkDuration"] == 58
    # v1 computes them the same way.
    v1_rows = call_details(client, t, {**ONE_DAY, "timeZoneOffset": 0}, V1)
    assert ordered(v1_rows[0]["destinations"]) == ordered(d1)
    # and at another offset the durations are the same while the times move.
    moved = call_details(client, t, {**ONE_DAY, "timeZoneOffset": 60}, V2)
    agent = moved[0]["destinations"][0]["respondingAgent"]
    assert agent["acceptedTime"] == t_("09:00:30") and agent["interactionDuration"] == 300


# --- path spellings and headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "v2"),
    [
        ("calldetails", False),
        ("callDetails", False),
        ("CALLDETAILS", False),
        ("CallDetails", False),
        ("v2/calldetails", True),
        ("v2/callDetails", True),
        ("v2/CALLDETAILS", True),
        ("v2/interactionDetails", True),
        ("v2/interactiondetails", True),
        ("v2/INTERACTIONDETAILS", True),
    ],
)
def test_the_last_path_segment_matches_in_any_case(client: TestClient, word: str, v2: bool) -> None:
    t = tenant(client)
    seed_main(client, t)
    rows = call_details(client, t, ONE_DAY, "/agentassist/api/public/analytics/account/{}/" + word)
    expected = [r1(), r2(), r3(), r4()] if v2 else [v1_view(r()) for r in (r1, r2, r3, r4)]
    assert ordered(rows) == ordered(expected)


def test_another_path_word_is_a_404(client: TestClient) -> None:
    t = tenant(client)
    for word in ["calldetail", "calldetailss", "call-details", "interactionDetails", "v2/calldetail", "v3/calldetails"]:
        response = call_details_post(client, t, ONE_DAY, "/agentassist/api/public/analytics/account/{}/" + word)
        error(response, 404)


def test_the_iid_header_is_ignored(client: TestClient) -> None:
    t = tenant(client)
    rows = [conversation("c-i1", "2023-06-01T10:00:00Z"), conversation("c-i2", "2023-06-01T10:00:01Z", bot=BOT2)]
    ingest_conversations(client, t, rows)
    for iid in [BOT, BOT2, "st-not-a-bot-at-all"]:
        for name in ["IId", "iId"]:
            response = call_details_post(client, t, ONE_DAY, V1, headers={**t.headers, name: iid})
            assert response.status_code == 200, response.text
            assert main_ids(response.json()["data"]) == ["c-i1", "c-i2"]


def test_the_account_id_header_must_be_the_tokens_account(client: TestClient) -> None:
    t = tenant(client)
    other = tenant(client, "Other")
    seed_main(client, t)
    same = call_details_post(client, t, ONE_DAY, V2, headers={**t.headers, "accountId": t.account_id})
    assert same.status_code == 200 and len(same.json()["data"]) == 4
    for path in CALL_DETAILS_PATHS:
        error(call_details_post(client, t, ONE_DAY, path, headers={**t.headers, "accountId": other.account_id}), 403)


# --- isolation and authentication ---------------------------------------------------------------------------------


def test_another_accounts_token_gets_nothing_of_this_account(client: TestClient) -> None:
    a = tenant(client)
    b = tenant(client, "Other")
    seed_main(client, a)
    for path in CALL_DETAILS_PATHS:
        # A's path with B's token: 403 (API.md §1: a path accountId must be the app's account).
        foreign = client.post(path.format(a.account_id), json=ONE_DAY, headers=b.headers)
        msg = error(foreign, 403)
        assert "c-0001" not in foreign.text and msg
        # B's own path: none of A's rows, even asking for A's queue.
        assert call_details(client, b, ONE_DAY, path) == []
        assert call_details(client, b, {**ONE_DAY, "queues": [QA.queue_id]}, path) == []
    # B's rows are B's alone: the same conversationId in B is another conversation.
    ingest_queues(client, b, QA)
    ingest_agents(client, b, A1, queues=(QA,))
    mine = conversation("c-0001", t_("13:00:00"), None, [entry(QA, t_("13:00:01"))], channel="sms", bot=BOT2)
    ingest_conversations(client, b, [mine], offset=0)
    assert ordered(call_details(client, b, ONE_DAY, V2)) == ordered([mine])
    assert ordered(call_details(client, a, ONE_DAY, V2)) == ordered([r1(), r2(), r3(), r4()])


def test_an_app_without_the_analytics_scope_is_a_403(client: TestClient) -> None:
    t = tenant(client)
    ingest_only = create_app(client, t.account_id, scopes=[INGEST])
    headers = {"auth": token(ingest_only)}
    for path in CALL_DETAILS_PATHS:
        response = client.post(path.format(t.account_id), json=ONE_DAY, headers=headers)
        error(response, 403, contains="SmartAssist Analytics")


@pytest.mark.parametrize(
    "headers",
    [{}, {"auth": "not-a-jwt"}, {"auth": "a.b.c"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
)
def test_a_missing_or_bad_token_is_a_401(client: TestClient, headers: dict[str, str]) -> None:
    t = tenant(client)
    for path in CALL_DETAILS_PATHS:
        error(client.post(path.format(t.account_id), json=ONE_DAY, headers=headers), 401)


def test_the_token_is_accepted_in_authorization_too(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    raw = t.headers["auth"]
    for headers in [{"Authorization": f"Bearer {raw}"}, {"Authorization": raw}]:
        response = call_details_post(client, t, ONE_DAY, V2, headers=headers)
        assert response.status_code == 200, response.text
        assert main_ids(response.json()["data"]) == ["c-0001", "c-0002", R3_KEY, "c-0003"]


def test_two_different_tokens_are_a_401(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    other = token(create_app(client, t.account_id))
    raw = t.headers["auth"]
    for path in CALL_DETAILS_PATHS:
        error(
            call_details_post(client, t, ONE_DAY, path, headers={"auth": raw, "Authorization": f"Bearer {other}"}), 401
        )
    same = call_details_post(client, t, ONE_DAY, V1, headers={"auth": raw, "Authorization": f"Bearer {raw}"})
    assert same.status_code == 200 and same.json()["numResults"] == 4, same.text


def test_an_unknown_account_in_the_path_is_not_served(client: TestClient) -> None:
    t = tenant(client)
    response = client.post(V1.format("0" * 24), json=ONE_DAY, headers=t.headers)
    error(response, 403)


# --- upserts show in the next request -------------------------------------------------------------------------------


def test_a_re_ingested_row_replaces_the_stored_one(client: TestClient) -> None:
    t = tenant(client)
    seed_main(client, t)
    moved = r4()
    moved["sessionStartTime"] = t_("08:00:00")
    moved["channel"] = "System Mail"
    moved["dispositions"] = ["Resolved"]
    ingest_conversations(client, t, [moved], offset=0)
    rows = call_details(client, t, ONE_DAY, V2)
    assert main_ids(rows) == ["c-0003", "c-0001", "c-0002", R3_KEY]
    assert ordered(rows[0]) == ordered(moved)
    bot_only = r3()
    bot_only["finalStatus"] = "USER ABANDONED"
    ingest_conversations(client, t, [bot_only], offset=0)  # upsert by (botId, sessionId)
    rows = call_details(client, t, ONE_DAY, V2)
    assert len(rows) == 4 and rows[3]["finalStatus"] == "USER ABANDONED"
