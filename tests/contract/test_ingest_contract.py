"""Ingest routes (docs/API.md §9) as a client sees them: batch formats, counts, idempotency, all-or-nothing
refusals, agent references, media types and access. What was stored is observed only through the
public read routes (IntentRealtimeData, UserStatus) and through later ingest counts. Refusals that need no
read route to observe (limits, media types, malformed bodies, unknown accounts, credentials) are tested once,
with the database checked, in tests/ingest/test_ingest_errors.py."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contract.ingest_support import intents, new_bot, realtime, session, session_ids, sessions_path
from tests.contract.support import Tenant, agent_row, body, bucket, error, held, page, tenant, user_status
from tests.support.ingest import NDJSON, accepted, ingest_path, ndjson, send, send_raw
from tests.support.tenants import ADMIN, INGEST
from tests.support.tokens import token

USER = "u-00000000-0000-4000-8000-0000000000aa"
DAY = body("2022-08-25", "2022-08-25", granularity="PT24H")
DAY_BUCKET = ("2022-08-25T00:00:00Z", "2022-08-26T00:00:00Z")


def _agents_path(t: Tenant) -> str:
    return ingest_path(t.account_id, "agents")


def _events_path(t: Tenant) -> str:
    return ingest_path(t.account_id, "agent-status-events")


def _interactions_path(t: Tenant) -> str:
    return ingest_path(t.account_id, "agent-interactions")


def _jsmith(client: TestClient, t: Tenant) -> None:
    agent = {"userId": USER, "email": "jsmith@domain.com", "firstName": "Joce", "lastName": "Tay", "customId": "505951"}
    assert accepted(client, _agents_path(t), [agent], method="PUT") == {"accepted": 1, "duplicates": 0}


def _jsmith_row(time_interval: list[dict[str, Any]]) -> dict[str, Any]:
    return agent_row(USER, "jsmith@domain.com", "Joce", "Tay", "505951", time_interval)


# --- formats and counts -------------------------------------------------------------------------------------


def test_json_array_and_ndjson_store_the_same(client: TestClient) -> None:
    t = tenant(client)
    bot_json, bot_nd = new_bot(), new_bot()
    records = [
        session("s1", end="2022-01-06T15:00:00.000Z", intent=["A", "B"]),
        session("s2", end="2022-01-06T16:00:00.000+01:00", timeHandled=59),
        session("s3", end=None),
    ]
    assert accepted(client, sessions_path(t.account_id, bot_json), records) == {"accepted": 3, "duplicates": 0}
    response = send_raw(
        client,
        sessions_path(t.account_id, bot_nd),
        b"\n" + ndjson(records[:1]) + b"\n   \n" + ndjson(records[1:]) + b"\n",
        NDJSON,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 3, "duplicates": 0}

    expected = realtime(client, t, bot_json)
    assert [(i["sessionId"], i["endTime"], i["timeHandled"], i["intent"]) for i in expected] == [
        ("s2", "2022-01-06T15:00:00.000+00:00", "59s", ["Book a Ticket"]),
        ("s1", "2022-01-06T15:00:00.000+00:00", "13m:8s", ["A", "B"]),
    ]
    assert realtime(client, t, bot_nd) == expected


def test_ndjson_without_final_newline(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    content = ndjson([session("s1")]) + json.dumps(session("s2")).encode()
    response = send_raw(client, sessions_path(t.account_id, bot), content, NDJSON)
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 2, "duplicates": 0}
    assert session_ids(client, t, bot) == ["s2", "s1"]


def test_same_session_batch_twice_is_all_duplicates(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    path = sessions_path(t.account_id, bot)
    records = [
        session("s1", end="2022-01-06T15:00:00Z"),
        session("s2", end="2022-01-06T16:00:00Z"),
        session("s3", end=None),
    ]
    assert accepted(client, path, records) == {"accepted": 3, "duplicates": 0}
    before = realtime(client, t, bot)

    assert accepted(client, path, records) == {"accepted": 0, "duplicates": 3}
    response = send_raw(client, path, ndjson(records), NDJSON)
    assert response.json() == {"accepted": 0, "duplicates": 3}
    assert realtime(client, t, bot) == before
    assert [i["sessionId"] for i in before] == ["s2", "s1"]


def test_a_changed_record_is_accepted_and_the_rest_are_duplicates(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    path = sessions_path(t.account_id, bot)
    records = [session("s1", end="2022-01-06T15:00:00Z"), session("s2", end="2022-01-06T16:00:00Z")]
    accepted(client, path, records)

    changed = [records[0], session("s2", end="2022-01-06T16:00:00Z", status="abandoned", deflectedTo="voice")]
    assert accepted(client, path, changed) == {"accepted": 1, "duplicates": 1}
    assert [(i["sessionId"], i["status"], i["deflectedTo"]) for i in realtime(client, t, bot)] == [
        ("s2", "abandoned", "voice"),
        ("s1", "completed", None),
    ]


def test_within_a_batch_repeats_are_duplicates_and_the_last_record_wins(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    path = sessions_path(t.account_id, bot)
    same = session("s1")
    assert accepted(client, path, [same, same]) == {"accepted": 1, "duplicates": 1}
    # README: "a record that changes any field counts as accepted": "first" is new, "last" changes it.
    result = accepted(client, path, [session("s2", status="first"), session("s2", status="last")])
    assert result == {"accepted": 2, "duplicates": 0}

    assert [(i["sessionId"], i["status"]) for i in realtime(client, t, bot)] == [("s2", "last"), ("s1", "completed")]


def test_same_agent_and_event_batches_twice_are_duplicates(client: TestClient) -> None:
    t = tenant(client)
    agents = [
        {"userId": USER, "email": "jsmith@domain.com", "firstName": "Joce", "lastName": "Tay", "customId": "505951"},
        {"email": "other@domain.com", "firstName": "Ola", "lastName": "Berg", "customId": "7"},
    ]
    assert accepted(client, _agents_path(t), agents, method="PUT") == {"accepted": 2, "duplicates": 0}
    assert accepted(client, _agents_path(t), agents, method="PUT") == {"accepted": 0, "duplicates": 2}
    events = [
        {"eventId": "e1", "agent": USER, "status": "Available", "timestamp": "2022-08-25T06:00:00Z"},
        {"eventId": "e2", "agent": USER, "status": "Offline", "timestamp": "2022-08-25T18:00:00Z"},
    ]
    assert accepted(client, _events_path(t), events) == {"accepted": 2, "duplicates": 0}
    assert accepted(client, _events_path(t), events) == {"accepted": 0, "duplicates": 2}
    spans = [
        {"interactionId": "i1", "agent": USER, "startTime": "2022-08-25T07:00:00Z", "endTime": "2022-08-25T08:00:00Z"}
    ]
    assert accepted(client, _interactions_path(t), spans) == {"accepted": 1, "duplicates": 0}
    assert accepted(client, _interactions_path(t), spans) == {"accepted": 0, "duplicates": 1}

    result = user_status(client, t, DAY)
    assert len(result["data"]) == 2
    assert result["data"][0] == _jsmith_row([bucket(*DAY_BUCKET, held("Available", 43200, 39600, 3600))])


def test_a_repeated_event_id_keeps_the_stored_event(client: TestClient) -> None:
    t = tenant(client)
    _jsmith(client, t)
    first = {"eventId": "e1", "agent": USER, "status": "Busy", "timestamp": "2022-08-25T12:00:00Z"}
    accepted(
        client,
        _events_path(t),
        [first, {"eventId": "e9", "agent": USER, "status": "Offline", "timestamp": "2022-08-25T13:00:00Z"}],
    )

    again = {**first, "status": "Away"}
    assert accepted(client, _events_path(t), [again]) == {"accepted": 0, "duplicates": 1}
    assert user_status(client, t, DAY)["data"] == [_jsmith_row([bucket(*DAY_BUCKET, held("Busy", 3600, 3600, 0))])]


def test_empty_batch_creates_nothing(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    assert accepted(client, sessions_path(t.account_id, bot), []) == {"accepted": 0, "duplicates": 0}
    response = send_raw(client, sessions_path(t.account_id, bot), b"\n\n", NDJSON)
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 0, "duplicates": 0}
    error(intents(client, bot, t.headers), 404)


# --- all-or-nothing refusals --------------------------------------------------------------------------------

MISSING = object()
BAD_SESSIONS: list[tuple[str, Any, str]] = [  # (field set on record 2, value, field the message must name)
    ("timeHandled", "788", "timeHandled"),
    ("timeHandled", 1.5, "timeHandled"),
    ("timeHandled", -1, "timeHandled"),
    ("timeHandled", True, "timeHandled"),
    ("intent", "Book a Ticket", "intent"),
    ("ANI", 126529865, "ANI"),
    ("unexpected", 1, "unexpected"),
    ("startTime", "2022-01-06T14:07:08.185", "startTime"),
    ("endTime", "2022-01-06T14:44:17", "endTime"),
    ("startTime", "yesterday", "startTime"),
    ("endTime", "2022-01-06T14:07:08.184Z", "endTime"),  # 1 ms before startTime
    ("endTime", "2022-01-06T19:37:08.000+05:30", "endTime"),  # 14:07:08.000Z, before startTime
    ("sessionId", "s 1", "sessionId"),
    ("sessionId", "s/1", "sessionId"),
    ("sessionId", "sé", "sessionId"),
    ("sessionId", "", "sessionId"),
    ("sessionId", "x" * 129, "sessionId"),
    ("sessionId", 7, "sessionId"),
    ("userId", "u 1", "userId"),
    ("userId", "", "userId"),
    ("channel", MISSING, "channel"),
    ("sessionId", MISSING, "sessionId"),
]


def _bad(field: str, value: Any) -> dict[str, Any]:
    record = session("new-bad")
    if value is MISSING:
        del record[field]
    else:
        record[field] = value
    return record


@pytest.mark.parametrize(("field", "value", "named"), BAD_SESSIONS)
def test_one_bad_session_refuses_the_whole_batch(client: TestClient, field: str, value: Any, named: str) -> None:
    t = tenant(client)
    bot = new_bot()
    path = sessions_path(t.account_id, bot)
    accepted(client, path, [session("keep", end="2022-01-06T15:00:00Z")])
    before = realtime(client, t, bot)
    good = [session("new-1", end="2022-01-06T16:00:00Z"), session("keep", end="2022-01-06T15:00:00Z", status="x")]

    for response in (
        send(client, path, [*good, _bad(field, value)]),
        send_raw(client, path, ndjson([*good, _bad(field, value)]), NDJSON),
    ):
        msg = error(response, 400)
        assert re.search(r"\brecord 2\b", msg), msg
        assert named in msg, msg
        assert realtime(client, t, bot) == before

    # Nothing of the good records was kept: sent alone now, both are changes, neither a duplicate.
    assert accepted(client, path, good) == {"accepted": 2, "duplicates": 0}


@pytest.mark.parametrize(
    ("route", "record", "named"),
    [
        ("agents", {"userId": "u 1", "email": "a@domain.com", "firstName": "A", "lastName": "B"}, "userId"),
        ("agents", {"userId": "u/1", "email": "a@domain.com", "firstName": "A", "lastName": "B"}, "userId"),
        (
            "agent-status-events",
            {"eventId": "e 1", "agent": USER, "status": "Busy", "timestamp": "2022-08-25T06:00:00Z"},
            "eventId",
        ),
        (
            "agent-status-events",
            {"eventId": "e1", "agent": USER, "status": "Busy", "timestamp": "2022-08-25T06:00:00"},
            "timestamp",
        ),
        (
            "agent-interactions",
            {"interactionId": "i#1", "agent": USER, "startTime": "2022-08-25T06:00:00Z", "endTime": None},
            "interactionId",
        ),
        (
            "agent-interactions",
            {
                "interactionId": "i1",
                "agent": USER,
                "startTime": "2022-08-25T06:00:00Z",
                "endTime": "2022-08-25T05:59:59Z",
            },
            "endTime",
        ),
    ],
)
def test_bad_records_on_the_other_routes_are_400(
    client: TestClient, route: str, record: dict[str, Any], named: str
) -> None:
    t = tenant(client)
    _jsmith(client, t)
    method = "PUT" if route == "agents" else "POST"
    response = send(client, f"/ingest/accounts/{t.account_id}/{route}", [record], method=method)
    msg = error(response, 400)
    assert re.search(r"\brecord 0\b", msg) and named in msg, msg
    assert user_status(client, t, DAY)["data"] == [_jsmith_row([])]


def test_a_refused_batch_does_not_create_the_bot(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    response = send(client, sessions_path(t.account_id, bot), [session("s1"), _bad("timeHandled", "1")])
    error(response, 400)
    error(intents(client, bot, t.headers), 404)


def test_ndjson_errors_name_record_and_line(client: TestClient) -> None:
    t = tenant(client)
    bot = new_bot()
    content = ndjson([session("s1")]) + b"\n" + ndjson([_bad("timeHandled", "1")])  # record 1 is on line 3
    response = send_raw(client, sessions_path(t.account_id, bot), content, NDJSON)
    msg = error(response, 400)
    assert re.search(r"\brecord 1\b", msg) and re.search(r"\bline 3\b", msg) and "timeHandled" in msg, msg
    error(intents(client, bot, t.headers), 404)


def test_unknown_agent_in_status_events_refuses_the_batch(client: TestClient) -> None:
    t = tenant(client)
    _jsmith(client, t)
    good = {"eventId": "e1", "agent": USER, "status": "Available", "timestamp": "2022-08-25T06:00:00Z"}
    ghost = {"eventId": "e2", "agent": "ghost@domain.com", "status": "Busy", "timestamp": "2022-08-25T07:00:00Z"}

    response = send(client, _events_path(t), [good, ghost])
    msg = error(response, 400)
    assert re.search(r"\brecord 1\b", msg) and "agent" in msg
    assert user_status(client, t, DAY)["data"] == [_jsmith_row([])]
    # e1 was not kept: it is new now, not a duplicate.
    assert accepted(client, _events_path(t), [good]) == {"accepted": 1, "duplicates": 0}


def test_unknown_agent_in_interactions_refuses_the_batch(client: TestClient) -> None:
    t = tenant(client)
    _jsmith(client, t)
    good = {"interactionId": "i1", "agent": USER, "startTime": "2022-08-25T07:00:00Z", "endTime": None}
    ghost = {
        "interactionId": "i2",
        "agent": "u-00000000-0000-4000-8000-000000000000",
        "startTime": "2022-08-25T07:00:00Z",
        "endTime": "2022-08-25T08:00:00Z",
    }

    response = send(client, _interactions_path(t), [good, ghost])
    msg = error(response, 400)
    assert re.search(r"\brecord 1\b", msg) and "agent" in msg
    assert accepted(client, _interactions_path(t), [good]) == {"accepted": 1, "duplicates": 0}


# --- agents ---------------------------------------------------------------------------------------------------


def test_agents_are_referenced_by_email_in_any_case_or_by_user_id(client: TestClient) -> None:
    t = tenant(client)
    _jsmith(client, t)
    events = [
        {"eventId": "e1", "agent": "JSmith@Domain.COM", "status": "Available", "timestamp": "2022-08-25T06:00:00Z"},
        {"eventId": "e2", "agent": USER, "status": "Busy", "timestamp": "2022-08-25T18:00:00+02:00"},
        {"eventId": "e3", "agent": "jsmith@domain.com", "status": "Offline", "timestamp": "2022-08-25T19:00:00Z"},
    ]
    assert accepted(client, _events_path(t), events) == {"accepted": 3, "duplicates": 0}
    spans = [
        {
            "interactionId": "i1",
            "agent": "JSMITH@domain.com",
            "startTime": "2022-08-25T07:00:00Z",
            "endTime": "2022-08-25T07:30:00Z",
        },
        {"interactionId": "i2", "agent": USER, "startTime": "2022-08-25T16:30:00Z", "endTime": "2022-08-25T17:00:00Z"},
    ]
    assert accepted(client, _interactions_path(t), spans) == {"accepted": 2, "duplicates": 0}

    # Available 06:00-16:00 (10 h, 30 min interacting), Busy 16:00-19:00 (3 h, 30 min interacting).
    assert user_status(client, t, DAY) == page(
        [_jsmith_row([bucket(*DAY_BUCKET, held("Available", 36000, 34200, 1800), held("Busy", 10800, 9000, 1800))])]
    )


def test_agent_upsert_by_email_keeps_one_agent_and_its_user_id(client: TestClient) -> None:
    t = tenant(client)
    first = {"email": "ann@domain.com", "firstName": "Ann", "lastName": "Lee", "customId": "1"}
    assert accepted(client, _agents_path(t), [first], method="PUT") == {"accepted": 1, "duplicates": 0}
    [row] = user_status(client, t, DAY)["data"]
    assert re.fullmatch(r"u-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", row["userId"]), row
    user_id = row["userId"]

    renamed = {**first, "firstName": "Anna", "customId": "2"}
    assert accepted(client, _agents_path(t), [renamed], method="PUT") == {"accepted": 1, "duplicates": 0}
    assert accepted(client, _agents_path(t), [renamed], method="PUT") == {"accepted": 0, "duplicates": 1}
    assert user_status(client, t, DAY)["data"] == [agent_row(user_id, "ann@domain.com", "Anna", "Lee", "2", [])]
    # The generated userId references the agent like a caller-supplied one.
    event = {"eventId": "e1", "agent": user_id, "status": "Away", "timestamp": "2022-08-25T23:00:00Z"}
    assert accepted(client, _events_path(t), [event]) == {"accepted": 1, "duplicates": 0}


def test_agent_user_id_held_by_another_email_is_400(client: TestClient) -> None:
    t = tenant(client)
    _jsmith(client, t)
    clash = {"userId": USER, "email": "someone@domain.com", "firstName": "S", "lastName": "O"}
    response = send(
        client, _agents_path(t), [{"email": "new@domain.com", "firstName": "N", "lastName": "W"}, clash], method="PUT"
    )
    msg = error(response, 400)
    assert re.search(r"\brecord 1\b", msg), msg
    assert [r["email"] for r in user_status(client, t, DAY)["data"]] == ["jsmith@domain.com"]


# --- limits and media types -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "encode"),
    [
        ("application/json; charset=utf-8", lambda r: json.dumps(r).encode()),
        ("application/x-ndjson; charset=utf-8", ndjson),
    ],
)
def test_charset_parameter_is_accepted(client: TestClient, content_type: str, encode: Any) -> None:
    t = tenant(client)
    bot = new_bot()
    response = client.post(
        sessions_path(t.account_id, bot),
        content=encode([session("s1")]),
        headers={**ADMIN, "Content-Type": content_type},
    )
    assert response.status_code == 200, response.text
    assert session_ids(client, t, bot) == ["s1"]


# --- access ---------------------------------------------------------------------------------------------------


def test_another_accounts_bot_id_is_its_own_bot_and_leaves_the_first_untouched(client: TestClient) -> None:
    """Contract §5: the same botId in two accounts names two bots; neither can learn of or block the other's."""
    a = tenant(client)
    b = tenant(client)
    bot = new_bot()
    accepted(client, sessions_path(a.account_id, bot), [session("s1")])
    before = realtime(client, a, bot)

    error(intents(client, bot, b.headers), 404)  # B has no such bot yet
    same_ids = [session("s1", status="stolen"), session("s2")]
    accepted(client, sessions_path(b.account_id, bot), same_ids)
    assert realtime(client, a, bot) == before
    assert sorted(item["status"] for item in realtime(client, b, bot)) == ["completed", "stolen"]


def _every_route(t: Tenant, bot: str) -> list[tuple[str, str, list[dict[str, Any]]]]:
    return [
        ("PUT", _agents_path(t), [{"userId": USER, "email": "jsmith@domain.com", "firstName": "J", "lastName": "S"}]),
        ("POST", sessions_path(t.account_id, bot), [session("s1")]),
        (
            "POST",
            _events_path(t),
            [{"eventId": "e1", "agent": USER, "status": "Busy", "timestamp": "2022-08-25T06:00:00Z"}],
        ),
        (
            "POST",
            _interactions_path(t),
            [{"interactionId": "i1", "agent": USER, "startTime": "2022-08-25T07:00:00Z", "endTime": None}],
        ),
    ]


def test_app_with_ingest_scope_and_admin_token_are_accepted(client: TestClient) -> None:
    t = tenant(client, scopes=[INGEST])
    bot = new_bot()
    jwt = token(t.app)
    for i, (method, path, records) in enumerate(_every_route(t, bot)):
        headers = {"auth": jwt} if i % 2 == 0 else {"Authorization": f"Bearer {jwt}"}
        assert accepted(client, path, records, headers=headers, method=method) == {"accepted": 1, "duplicates": 0}
        assert accepted(client, path, records, method=method) == {"accepted": 0, "duplicates": 1}
