"""Conversations ingest: the tables written from a row (queue entries, agent segments, agent interactions), re-ingest
replacing them, UserStatus seeing the interactions, whole-batch refusal, bounds, isolation."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.analytics.conversations.support import (
    Caller,
    add_agents,
    add_queue,
    new_caller,
    prepare_samples,
    row,
    sample,
)
from tests.support.errors import error
from tests.support.ingest import ok
from tests.support.user_status import user_status_body

V1_SAMPLE = "get-all-conversations-data-call-details-v1.json"
V2_SAMPLE = "get-all-conversations-data-call-details-v2.json"
# 2025-10-01T00:00:00Z: 20362 days after the epoch (55 years with 14 leap days, then Jan..Sep = 273 days).
DAY0 = 1_759_276_800_000
S = 1000
TABLES = ("conversations", "queue_entries", "agent_segments", "agent_interactions", "bots")


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def _counts(engine: Engine) -> dict[str, int]:
    return {table: _rows(engine, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}  # noqa: S608


@pytest.fixture
def caller(client: TestClient, db_engine: Engine) -> Caller:
    caller = new_caller(client)
    prepare_samples(client, db_engine, caller)
    return caller


def answered(agent: str, accepted: str, end: str | None, **fields: Any) -> dict[str, Any]:
    segment = {"agentId": agent, "destinationType": "AgentSegment", "status": "Answered", "acceptedTime": accepted}
    if end is not None:
        segment["interactionEndTime"] = end
    return {**segment, **fields}


def queue_entry(queue: str, enter: str, **fields: Any) -> dict[str, Any]:
    return {"destinationType": "QueueEntry", "queueId": queue, "EnterTime": enter, **fields}


Q1 = "qu-e30b539-dd3c-4e10-90a9-354a3e72xxxx"
Q2 = "qu-7a58cc5-0599-4609-817c-873d8384xxxx"
A1 = "u-13b82e29-91a3-5092-a7ba-b92c8527xxxx"
A2 = "u-e3f58196-0f28-5419-9601-dc136e8dxxxx"


def test_v1_sample_writes_its_queue_entry_segment_and_interaction(
    caller: Caller, client: TestClient, db_engine: Engine
) -> None:
    ok(caller.ingest(client, sample(V1_SAMPLE)), 1, 0)
    # -330: local 07:40:36 is 02:10:36Z = DAY0 + 7836 s
    assert _rows(
        db_engine,
        "SELECT contact_key, conversation_id, bot_id, session_id, channel, direction, start_time, end_time"
        " FROM conversations",
    ) == [
        (
            "c-a5bc17c-9657-4ea7-92e5-8b97eabbxxxx",
            "c-a5bc17c-9657-4ea7-92e5-8b97eabbxxxx",
            "st-ceb5fb14-37eb-54a8-a32d-1d751c10xxxx",
            "68dc8d9c4afb07c72ac5xxxx",
            "Voice",
            "Inbound",  # customerinfo.Direction (v1 rows carry it there)
            DAY0 + 7836 * S,
            DAY0 + 7916 * S,
        )
    ]
    assert _rows(
        db_engine,
        "SELECT q.queue_id, e.position, e.enter_time, e.accepted_time, e.callback_opted_time, e.callback_accept_time"
        " FROM queue_entries e JOIN queues q ON q.id = e.queue_pk",
    ) == [(Q1, 0, DAY0 + 7836 * S, DAY0 + 7883 * S, DAY0 + 7857_780, DAY0 + 7884_591)]
    assert _rows(
        db_engine,
        "SELECT a.user_id, s.position, s.responded, s.transferred, s.non_response_event, s.assigned_at,"
        " s.accepted_time, s.first_response_time, s.interaction_end_time, s.acw_end_time, s.interaction_duration_s,"
        " s.first_response_duration_s, s.acw_duration_s, s.queue_entry_pk IS NOT NULL"
        " FROM agent_segments s JOIN agents a ON a.id = s.agent_pk",
    ) == [
        # acw as ingested (4), although the times say 5 (07:41:59 -> 07:42:04)
        (
            A1,
            0,
            True,
            False,
            None,
            DAY0 + 7858 * S,
            DAY0 + 7883 * S,
            DAY0 + 7883 * S,
            DAY0 + 7919 * S,
            DAY0 + 7924 * S,
            36,
            0,
            4,
            True,
        )
    ]
    assert _rows(
        db_engine,
        "SELECT a.user_id, i.interaction_id, i.start_time, i.end_time"
        " FROM agent_interactions i JOIN agents a ON a.id = i.agent_id",
    ) == [(A1, "c-a5bc17c-9657-4ea7-92e5-8b97eabbxxxx#1", DAY0 + 7883 * S, DAY0 + 7919 * S)]


def test_v2_sample_non_responding_then_bare_segment(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    ok(caller.ingest(client, sample(V2_SAMPLE)), 3, 0)
    assert _counts(db_engine) == {
        "conversations": 3,
        "queue_entries": 2,
        "agent_segments": 3,
        "agent_interactions": 2,
        "bots": 2,
    }
    segments = _rows(
        db_engine,
        "SELECT s.position, s.responded, s.transferred, s.non_response_event, s.queue_entry_pk IS NOT NULL,"
        " s.accepted_time, s.interaction_duration_s, s.acw_duration_s"
        " FROM agent_segments s JOIN conversations c ON c.id = s.conversation_pk"
        " WHERE c.contact_key = 'c-252425a-903a-469e-b16d-eee318e3xxxx' ORDER BY s.position",
    )
    # 15:30:45 at +05:30 = 10:00:45Z = DAY0 + 36045 s
    assert segments == [
        (0, False, False, "Supervisor Reassigned", True, None, None, None),
        (1, True, False, None, False, DAY0 + 36045 * S, 15, 32),
    ]
    # the queue entry nobody answered has no accepted_time
    assert _rows(
        db_engine,
        "SELECT e.accepted_time FROM queue_entries e JOIN queues q ON q.id = e.queue_pk"
        " WHERE q.queue_id = 'qu-577416d-3745-40e7-904c-85ba1a04xxxx'",
    ) == [(None,)]
    assert _rows(
        db_engine, "SELECT interaction_id, start_time, end_time FROM agent_interactions ORDER BY interaction_id"
    ) == [
        ("c-252425a-903a-469e-b16d-eee318e3xxxx#1", DAY0 + 36045 * S, DAY0 + 36060 * S),
        # 2025-09-30T12:37:20 at +05:30 = 07:07:20Z, the day before DAY0
        ("c-b48e690-7d7c-4e72-9855-a669d688xxxx#1", DAY0 - 86400 * S + 25640 * S, DAY0 - 86400 * S + 25689 * S),
    ]


def test_reingest_with_a_changed_segment_changes_the_interaction_never_doubles_it(
    caller: Caller, client: TestClient, db_engine: Engine
) -> None:
    rows = sample(V1_SAMPLE)
    ok(caller.ingest(client, rows), 1, 0)
    changed = copy.deepcopy(rows)
    changed[0]["destinations"][0]["respondingAgent"]["interactionEndTime"] = "2025-10-01T07:42:29"
    ok(caller.ingest(client, changed), 1, 0)
    ok(caller.ingest(client, changed), 0, 1)
    assert _counts(db_engine) == {
        "conversations": 1,
        "queue_entries": 1,
        "agent_segments": 1,
        "agent_interactions": 1,
        "bots": 1,
    }
    assert _rows(db_engine, "SELECT interaction_id, start_time, end_time FROM agent_interactions") == [
        ("c-a5bc17c-9657-4ea7-92e5-8b97eabbxxxx#1", DAY0 + 7883 * S, DAY0 + 7949 * S)
    ]
    # the conversation now ends in the bot: its entry, segment and interaction are gone
    changed[0]["destinations"] = []
    ok(caller.ingest(client, changed), 1, 0)
    assert _counts(db_engine) == {
        "conversations": 1,
        "queue_entries": 0,
        "agent_segments": 0,
        "agent_interactions": 0,
        "bots": 1,
    }


def test_transfer_between_two_queues_and_an_open_segment(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    record = row(
        1,
        destinations=[
            queue_entry(
                Q1, "2025-10-01T10:00:05Z", respondingAgent=answered(A1, "2025-10-01T10:00:10Z", "2025-10-01T10:01:10Z")
            ),
            queue_entry(Q2, "2025-10-01T10:01:11Z", respondingAgent=answered(A2, "2025-10-01T10:01:20Z", None)),
        ],
    )
    ok(caller.ingest(client, [record], offset=None), 1, 0)
    ten = DAY0 + 36000 * S
    assert _rows(
        db_engine,
        "SELECT position, responded, transferred, interaction_duration_s FROM agent_segments ORDER BY position",
    ) == [
        (0, True, True, 60),
        (1, True, False, None),
    ]
    assert _rows(
        db_engine, "SELECT interaction_id, start_time, end_time FROM agent_interactions ORDER BY interaction_id"
    ) == [
        ("c-1#1", ten + 10 * S, ten + 70 * S),
        ("c-1#2", ten + 80 * S, None),
    ]
    assert _rows(db_engine, "SELECT position, enter_time, accepted_time FROM queue_entries ORDER BY position") == [
        (0, ten + 5 * S, ten + 10 * S),
        (1, ten + 71 * S, ten + 80 * S),
    ]


def test_user_status_sees_the_interacting_time(caller: Caller, client: TestClient) -> None:
    ok(caller.ingest(client, sample(V1_SAMPLE)), 1, 0)
    event = {"eventId": "ev-1", "agent": A1, "status": "Available", "timestamp": "2025-10-01T02:00:00Z"}
    response = client.post(
        f"/ingest/accounts/{caller.account_id}/agent-status-events", json=[event], headers=caller.headers
    )
    assert response.status_code == 200, response.text
    body = user_status_body("2025-10-01T02:00:00Z", "2025-10-01T02:30:00Z", agents=[f"{A1[:10]}@example.com"])
    response = client.post(
        f"/agentassist/api/public/analytics/account/{caller.account_id}/userstatus", json=body, headers=caller.headers
    )
    assert response.status_code == 200, response.text
    status = response.json()["data"][0]["timeInterval"][0]["status"]
    # accepted 02:11:23Z, ended 02:11:59Z: 36 s interacting of the 1800 s available
    assert status == [
        {"metric": "AgentStatus", "value": "Available", "stats": {"sum": "1800 sec"}},
        {"metric": "AgentState", "value": "Available:Idle", "stats": {"sum": "1764 sec"}},
        {"metric": "AgentState", "value": "AVAILABLE:Interacting", "stats": {"sum": "36 sec"}},
    ]


def test_naive_and_zoned_times(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    # zoned times need no offset; "+0530", "+05:30", a space for the T and a fraction are read too
    records = [
        row(1, start="2025-10-01T15:30:00+05:30"),
        row(2, start="2025-10-01 15:30:00.999+0530"),
        row(3, start="2025-10-01T10:00:00.5Z", sessionEndTime=None),
    ]
    ok(caller.ingest(client, records, offset=None), 3, 0)
    ten = DAY0 + 36000 * S
    assert _rows(db_engine, "SELECT contact_key, start_time, end_time FROM conversations ORDER BY contact_key") == [
        ("c-1", ten, None),
        ("c-2", ten + 999, None),
        ("c-3", ten + 500, None),
    ]
    # a naive time needs ?timeZoneOffset
    msg = error(caller.ingest(client, [row(4), row(5, start="2025-10-01T10:00:00")], offset=None), 400, "record 1: ")
    assert (
        msg == "record 1: sessionStartTime: has no zone: give ?timeZoneOffset=N (minutes, UTC - local) for naive times"
    )
    assert _counts(db_engine)["conversations"] == 3
    # offset 330 (UTC-05:30): local 04:30 is 10:00Z
    ok(caller.ingest(client, [row(6, start="2025-10-01T04:30:00")], offset=330), 1, 0)
    assert _rows(db_engine, "SELECT start_time FROM conversations WHERE contact_key = 'c-6'") == [(ten,)]


def test_bot_only_rows_upsert_by_bot_and_session(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    bot_only = {
        "sessionId": "s-1",
        "channel": "rtm",
        "botId": "st-bot",
        "sessionStartTime": "2025-10-01T10:00:00Z",
        "source": "rtm",
    }
    ok(caller.ingest(client, [bot_only, {**bot_only, "botId": "st-other"}], offset=None), 2, 0)
    ok(caller.ingest(client, [{**bot_only, "finalStatus": "BotResolved"}], offset=None), 1, 0)
    assert _rows(db_engine, "SELECT contact_key, conversation_id, source FROM conversations ORDER BY contact_key") == [
        ("st-bot/s-1", None, "rtm"),
        ("st-other/s-1", None, "rtm"),
    ]
    assert (
        '"finalStatus":"BotResolved"'
        in _rows(db_engine, "SELECT row FROM conversations WHERE contact_key = 'st-bot/s-1'")[0][0]
    )


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)  # TOAST compression; SQLite compresses nothing
def test_a_long_row_is_compressed_with_lz4_on_postgresql(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    """A row over TOAST's ~2 kB is compressed, with lz4 where the server has it (this machine's has); a short
    row is not compressed at all."""
    with db_engine.connect() as conn:
        query = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        assert conn.execute(text(query)).scalar() is True, "this machine's PostgreSQL is built with lz4"
    ok(caller.ingest(client, [row(1, tags=["x" * 4000]), row(2)], offset=None), 2, 0)
    assert _rows(db_engine, "SELECT pg_column_compression(row) FROM conversations ORDER BY contact_key") == [
        ("lz4",),
        (None,),
    ]


def test_batch_duplicates_within_one_batch_last_wins(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    ok(caller.ingest(client, [row(1), row(1), row(1, channel="Chat")], offset=None), 2, 1)
    assert _rows(db_engine, "SELECT channel FROM conversations") == [("Chat",)]


def test_agents_by_email_and_the_row_is_stored_as_given(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    segment = {
        "email": "U-13B82E29@example.com",
        "destinationType": "AgentSegment",
        "acceptedTime": "2025-10-01T10:00:01Z",
    }
    ok(caller.ingest(client, [row(1, destinations=[segment])], offset=None), 1, 0)
    assert _rows(
        db_engine, "SELECT a.user_id, s.responded FROM agent_segments s JOIN agents a ON a.id = s.agent_pk"
    ) == [(A1, True)]
    stored = _rows(db_engine, "SELECT row FROM conversations")[0][0]
    assert json.loads(stored)["destinations"] == [
        {"email": "U-13B82E29@example.com", "destinationType": "AgentSegment", "acceptedTime": DAY0 + 36001 * S}
    ]


BAD_ROWS: list[tuple[Any, str]] = [
    ("not an object", "record 1: must be a JSON object"),
    ({**row(1), "sessionId": None}, "record 1: sessionId: required, 1 to 128 characters"),
    ({k: v for k, v in row(1).items() if k != "botId"}, "record 1: botId: required"),
    ({**row(1), "botId": "bad/bot"}, "record 1: botId: required"),
    ({**row(1), "sessionId": "s-1\n"}, "record 1: sessionId: required"),
    ({**row(1), "channel": ""}, "record 1: channel: required, a string of 1 to 64 characters"),
    ({**row(1), "channel": "x" * 65}, "record 1: channel: required, a string of 1 to 64 characters"),
    ({k: v for k, v in row(1).items() if k != "sessionStartTime"}, "record 1: sessionStartTime: required"),
    (row(1, start="2025-13-01T00:00:00Z"), "record 1: sessionStartTime: is not a valid date"),
    (row(1, start="2025-02-29T00:00:00Z"), "record 1: sessionStartTime: is not a valid date"),
    (row(1, start="2025-10-01T24:00:00Z"), "record 1: sessionStartTime: is not a valid time of day"),
    (row(1, start="1969-12-31T23:59:59Z"), "record 1: sessionStartTime: must be between 1970-01-01T00:00:00Z and"),
    (row(1, start="yesterday"), "record 1: sessionStartTime: must be a time like"),
    (row(1, sessionEndTime="2025-10-01T09:59:59Z"), "record 1: sessionEndTime: must not be before sessionStartTime"),
    (row(1, sessionEndTime=12), "record 1: sessionEndTime: must be a time string, null or empty"),
    (row(1, conversationId="c-" + "x" * 119), "record 1: conversationId: at most 120 characters"),
    (
        {**row(1), "conversationId": None, "destinations": [queue_entry(Q1, "2025-10-01T10:00:00Z")]},
        "record 1: destinations: a row with destinations needs a conversationId",
    ),
    (row(1, destinations={}), "record 1: destinations: must be an array"),
    (
        row(1, destinations=[{"queueId": Q1}]),
        "record 1: destinations[0].destinationType: must be QueueEntry or AgentSegment",
    ),
    (
        row(1, destinations=[queue_entry("qu-unknown", "2025-10-01T10:00:00Z")]),
        "record 1: destinations[0].queueId: no queue of this account has this id",
    ),
    (row(1, destinations=[{"destinationType": "QueueEntry"}]), "record 1: destinations[0].queueId: required"),
    (
        row(1, destinations=[answered("u-nobody", "2025-10-01T10:00:00Z", None)]),
        "record 1: destinations[0].agentId: no agent of this account has this userId or email",
    ),
    (
        row(
            1,
            destinations=[
                queue_entry(Q1, "2025-10-01T10:00:00Z", nonRespondingAgents=[{"email": "nobody@example.com"}])
            ],
        ),
        "record 1: destinations[0].nonRespondingAgents[0].email: no agent",
    ),
    (
        row(1, destinations=[{"destinationType": "AgentSegment", "name": "x"}]),
        "record 1: destinations[0].agentId: an agent segment needs agentId",
    ),
    (
        row(1, destinations=[answered(A1, "2025-10-01T10:00:10Z", "2025-10-01T10:00:09Z")]),
        "record 1: destinations[0].interactionEndTime: must not be before acceptedTime",
    ),
    (
        row(1, destinations=[answered(A1, "2025-10-01T10:00:10Z", None, interactionDuration=-1)]),
        "record 1: destinations[0].interactionDuration: must be an integer from 0",
    ),
    (
        row(1, destinations=[answered(A1, "2025-10-01T10:00:10Z", None, nonResponseEvent="x" * 65)]),
        "record 1: destinations[0].nonResponseEvent: a string of 1 to 64",
    ),
    (
        row(1, destinations=[answered(A1, "2025-10-01T10:00:10Z", None, ConsultingAgents=[{"acceptedTime": "soon"}])]),
        "record 1: destinations[0].ConsultingAgents[0].acceptedTime: must be a time like",
    ),
    (
        row(1, destinations=[queue_entry(Q1, "2025-10-01T10:00:00Z", CallbackOptedTime=True)]),
        "record 1: destinations[0].CallbackOptedTime: must be a time string",
    ),
    (row(1, csatScore="4"), "record 1: csatScore: must be an integer from 0 to 1000000000"),
    (row(1, csatScore=10**20), "record 1: csatScore: must be an integer from 0 to 1000000000"),
    (row(1, skills={}), "record 1: skills: must be an array"),
    (row(1, Direction="x" * 17), "record 1: Direction: a string of 1 to 16 characters"),
    (row(1, customerinfo={"Direction": 5}), "record 1: customerinfo.Direction: a string of 1 to 16 characters"),
    (row(1, metaInfo={"note": "a\x00b"}), "record 1: metaInfo.note: must not contain NUL characters"),
    (row(1, metaInfo={"note": "\ud800"}), "record 1: metaInfo.note: must be valid Unicode"),
    (row(1, deep=json.loads("[" * 20 + "]" * 20)), "record 1: deep"),
    (row(1, big=["x" * 32_768] * 9), "record 1: the row is longer than 262144 characters"),
]


@pytest.mark.parametrize(("bad", "msg_start"), BAD_ROWS)
def test_one_bad_row_refuses_the_batch(
    caller: Caller, client: TestClient, db_engine: Engine, bad: Any, msg_start: str
) -> None:
    before = _counts(db_engine)
    error(caller.ingest(client, [row(0), bad], offset=None), 400, msg_start)
    assert _counts(db_engine) == before


@pytest.mark.parametrize(
    ("content", "media", "status", "msg_start"),
    [
        ('{"numResults": 1}', "application/json", 400, "body must be an array of rows or a calldetails response"),
        ('{"numResults": 1, "data": [], "more": 1}', "application/json", 400, "body must be an array of rows"),
        ('"rows"', "application/json", 400, "body must be an array of rows"),
        ('[{"a": NaN}]', "application/json", 400, "body is not valid JSON"),
        ('[{"a": -Infinity}]', "application/json", 400, "body is not valid JSON"),
        ('[{"a": 1e999}]', "application/json", 400, "body is not valid JSON"),
        ('{"a": 1e999}', "application/x-ndjson", 400, "record 0 (line 1): not valid JSON"),
        ("[1e999999999", "application/json", 400, "body is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "application/json", 400, "body is not valid JSON"),
        (b'["\xff"]', "application/json", 400, "body is not valid JSON"),
        ('{"sessionId": 1}\n{', "application/x-ndjson", 400, "record 1 (line 2): not valid JSON"),
        ("[]", "text/plain", 415, "Content-Type must be"),
    ],
)
def test_bad_bodies(caller: Caller, client: TestClient, content: Any, media: str, status: int, msg_start: str) -> None:
    response = client.post(
        f"/ingest/accounts/{caller.account_id}/conversations",
        content=content,
        headers={**caller.headers, "Content-Type": media},
    )
    error(response, status, msg_start)


def _post_raw(caller: Caller, client: TestClient, content: bytes) -> Any:
    return client.post(
        f"/ingest/accounts/{caller.account_id}/conversations",
        content=content,
        headers={**caller.headers, "Content-Type": "application/json"},
    )


@pytest.mark.parametrize(
    "encoded",
    [
        lambda text: text.encode("utf-16"),  # with its byte order mark
        lambda text: text.encode("utf-16-le"),
        lambda text: text.encode("utf-32"),
        lambda text: b"\xef\xbb\xbf" + text.encode(),  # UTF-8 behind a byte order mark
    ],
    ids=["utf-16", "utf-16-le", "utf-32", "utf-8-bom"],
)
def test_a_body_that_is_not_plain_utf8_is_refused(
    caller: Caller, client: TestClient, db_engine: Engine, encoded: Callable[[str], bytes]
) -> None:
    # JSON is UTF-8 (contract, section 1); the standard library's json.loads(bytes) would read these, the other
    # ingest routes' parsers refuse them: this route refuses them alike, as an array and as NDJSON.
    rows = [row(1), row(2)]
    error(_post_raw(caller, client, encoded(json.dumps(rows))), 400, "body is not valid JSON")
    ndjson_body = encoded("".join(json.dumps(r) + "\n" for r in rows))
    response = client.post(
        f"/ingest/accounts/{caller.account_id}/conversations",
        content=ndjson_body,
        headers={**caller.headers, "Content-Type": "application/x-ndjson"},
    )
    error(response, 400, "record 0 (line 1): not valid JSON")
    assert _counts(db_engine)["conversations"] == 0
    ok(_post_raw(caller, client, json.dumps(rows).encode()), 2, 0)  # the same rows in UTF-8


def _nested(levels: int, innermost: list[Any]) -> list[Any]:
    value = innermost
    for _ in range(levels - 1):
        value = [value]
    return value


def test_depth_limit_is_on_the_values_not_the_containers(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    # The row is depth 1, its "deep" list depth 2: 15 nested lists put the innermost list at depth 16, the
    # limit. Empty, it holds no value deeper: stored. Holding 1 (depth 17): refused, at that value's path.
    ok(caller.ingest(client, [row(1, deep=_nested(15, []))], offset=None), 1, 0)
    error(
        caller.ingest(client, [row(2, deep=_nested(15, [1]))], offset=None),
        400,
        "record 0: deep" + "[0]" * 15 + ": nested deeper than 16 levels",
    )
    assert _rows(db_engine, "SELECT contact_key FROM conversations") == [("c-1",)]


def test_strings_the_body_search_cannot_rule_out_are_checked_one_by_one(
    caller: Caller, client: TestClient, db_engine: Engine
) -> None:
    # Raw UTF-8 bytes of a lone surrogate (read with surrogatepass, as json.loads reads bytes), and a NUL.
    raw_surrogate = json.dumps([row(1, metaInfo={"note": "X"})]).encode().replace(b"X", b"\xed\xa0\x80")
    error(_post_raw(caller, client, raw_surrogate), 400, "record 0: metaInfo.note: must be valid Unicode")
    escaped_nul = json.dumps([row(1, metaInfo={"note": "a\x00b"})]).encode()
    error(_post_raw(caller, client, escaped_nul), 400, "record 0: metaInfo.note: must not contain NUL characters")
    assert _counts(db_engine)["conversations"] == 0
    # An escaped surrogate pair, Hangul (UTF-8 lead byte ED) and an escaped backslash before u0000 are text.
    fine = [
        row(1, metaInfo={"note": "\U0001f600"}),
        row(2, metaInfo={"note": "\ud55c"}),
        row(3, metaInfo={"note": "\\u0000"}),
    ]
    ok(
        _post_raw(
            caller, client, json.dumps(fine, ensure_ascii=False).replace("\U0001f600", "\\ud83d\\ude00").encode()
        ),
        3,
        0,
    )
    notes = _rows(db_engine, "SELECT contact_key, row FROM conversations ORDER BY contact_key")
    assert [(key, json.loads(text)["metaInfo"]["note"]) for key, text in notes] == [
        ("c-1", "\U0001f600"),
        ("c-2", "\ud55c"),
        ("c-3", "\\u0000"),
    ]


@pytest.mark.parametrize("value", ["841", "-841", "abc", "1.5"])
def test_bad_time_zone_offset(caller: Caller, client: TestClient, value: str) -> None:
    response = client.post(
        f"/ingest/accounts/{caller.account_id}/conversations",
        params={"timeZoneOffset": value},
        json=[row(1)],
        headers=caller.headers,
    )
    error(response, 400, "query.timeZoneOffset: ")


def test_more_than_10000_rows_is_413(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    rows = [{"sessionId": str(n)} for n in range(10_001)]
    error(caller.ingest(client, rows), 413, "a batch holds at most 10000 records")
    error(caller.ingest(client, rows, ndjson=True), 413, "a batch holds at most 10000 records")
    error(caller.ingest(client, {"numResults": 10_001, "data": rows}), 413, "a batch holds at most 10000 records")
    assert _counts(db_engine)["conversations"] == 0


def test_isolation(caller: Caller, client: TestClient, db_engine: Engine) -> None:
    other = new_caller(client)
    ok(caller.ingest(client, [row(1)], offset=None), 1, 0)
    # another account's queues and agents are not this account's
    add_agents(client, other, ["u-other-agent"])
    add_queue(db_engine, other.account_id, "qu-other")
    error(
        caller.ingest(client, [row(3, destinations=[queue_entry("qu-other", "2025-10-01T10:00:00Z")])], offset=None),
        400,
        "record 0: destinations[0].queueId: no queue of this account",
    )
    error(
        caller.ingest(
            client, [row(3, destinations=[answered("u-other-agent", "2025-10-01T10:00:00Z", None)])], offset=None
        ),
        400,
        "record 0: destinations[0].agentId: no agent of this account",
    )
    # the same conversationId in two accounts: two conversations
    ok(other.ingest(client, [row(1, botId="st-other-bot")], offset=None), 1, 0)
    assert _rows(db_engine, "SELECT count(*) FROM conversations") == [(2,)]
    # a token of one account on another's path: 403
    response = client.post(f"/ingest/accounts/{caller.account_id}/conversations", json=[row(9)], headers=other.headers)
    error(response, 403)
