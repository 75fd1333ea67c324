"""Every bad input of the ingest routes: a clear 4xx in the error shape, and the database unchanged."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.factories import ADMIN, ANALYTICS, create_account, create_app, token
from tests.ingest.support import agent, counts, error, event, interaction, ok, post, session

SESSIONS = "bots/bot-1/sessions"
EVENTS = "agent-status-events"
INTERACTIONS = "agent-interactions"


@pytest.fixture
def seeded(client: TestClient, db_engine: Engine) -> Iterator[str]:
    """An account with two agents, a bot with one session, one event and one interaction; the test's bad
    request must leave exactly these rows."""
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1), agent(2, userId="u-two")]), 2, 0)
    ok(post(client, account, SESSIONS, [session(1)]), 1, 0)
    ok(post(client, account, EVENTS, [event(1)]), 1, 0)
    ok(post(client, account, INTERACTIONS, [interaction(1)]), 1, 0)
    before = counts(db_engine)
    assert before == {"bots": 1, "agents": 2, "bot_sessions": 1, "agent_status_events": 1, "agent_interactions": 1}
    yield account
    assert counts(db_engine) == before


CHECKED_AGAINST_DATA = ("agent: no agent", "userId: already belongs")
BAD_RECORDS: list[tuple[str, list[dict[str, Any]], str]] = [
    (SESSIONS, [session(2), session(3, timeHandled="50")], "record 1: timeHandled: "),
    (SESSIONS, [session(2), session(3, timeHandled=1.5)], "record 1: timeHandled: "),
    (SESSIONS, [session(2), session(3, timeHandled=-1)], "record 1: timeHandled: "),
    (SESSIONS, [session(2, intent="Book")], "record 0: intent: "),
    (SESSIONS, [session(2, extra=1)], "record 0: extra: Extra inputs are not permitted"),
    (
        SESSIONS,
        [session(2), session(3), session(4), session(5, startTime="2022-01-06T14:07:08")],
        "record 3: startTime: Input should have timezone info",
    ),
    (SESSIONS, [session(2, endTime="2022-01-06T14:07:08.185")], "record 0: endTime: "),
    (SESSIONS, [session(2, startTime=1641477600)], "record 0: startTime: "),
    (SESSIONS, [session(2, startTime="yesterday")], "record 0: startTime: "),
    (SESSIONS, [session(2, sessionId="has space")], "record 0: sessionId: "),
    (SESSIONS, [session(2, sessionId="")], "record 0: sessionId: "),
    (SESSIONS, [session(2, sessionId="x" * 129)], "record 0: sessionId: "),
    (SESSIONS, [session(2, sessionId="é")], "record 0: sessionId: "),
    (SESSIONS, [session(2, ANI="1" * 129)], "record 0: ANI: "),
    (SESSIONS, [session(2, endTime="2022-01-06T13:59:59.999Z")], "record 0: endTime: must not be before startTime"),
    (SESSIONS, [{k: v for k, v in session(2).items() if k != "status"}], "record 0: status: Field required"),
    (SESSIONS, [session(2), [1]], "record 1: must be a JSON object"),
    (SESSIONS, [session(2, intent=["ok", "x\x00"])], "record 0: intent.1: must not contain NUL characters"),
    (
        SESSIONS,
        [session(2, startTime="1969-12-31T23:59:59.999Z")],
        "record 0: startTime: must be between 1970-01-01 and 9999-12-31 (UTC)",
    ),
    (SESSIONS, [session(2, endTime="9999-12-31T23:00:00-05:00")], "record 0: endTime: must be between"),
    (EVENTS, [event(2), event(3, eventId="bad/id")], "record 1: eventId: "),
    (EVENTS, [event(2, timestamp="2022-01-06T14:07:08")], "record 0: timestamp: "),
    (
        EVENTS,
        [event(2), event(3, agent_ref="nobody@example.com")],
        "record 1: agent: no agent of this account has this email or userId",
    ),
    (EVENTS, [event(2, agent_ref="u-unknown")], "record 0: agent: no agent"),
    (EVENTS, [event(2, agent_ref="agent1@example.com\x00")], "record 0: agent: must not contain NUL characters"),
    (EVENTS, [event(2, reason="\x00")], "record 0: reason: must not contain NUL characters"),
    (EVENTS, [event(2, status=None)], "record 0: status: "),
    (INTERACTIONS, [interaction(2, endTime="2022-01-06T13:00:00Z")], "record 0: endTime: must not be before"),
    (INTERACTIONS, [interaction(2, agent_ref="ghost")], "record 0: agent: no agent"),
    ("agents", [agent(3), agent(4, email="not-an-email")], "record 1: email: "),
    ("agents", [agent(3, userId="u-two")], "record 0: userId: already belongs to the agent with another email"),
    ("agents", [agent(3, userId="u-new"), agent(4, userId="u-new")], "record 1: userId: already belongs"),
    ("agents", [agent(3, firstName=7)], "record 0: firstName: "),
]


@pytest.mark.parametrize(("route", "records", "msg"), BAD_RECORDS)
@pytest.mark.parametrize("ndjson", [False, True], ids=["json", "ndjson"])
def test_bad_record_rejects_whole_batch(
    client: TestClient, seeded: str, route: str, records: list[dict[str, Any]], msg: str, ndjson: bool
) -> None:
    """Schema errors of NDJSON also name the line; rules checked against stored data (agents, userIds) name
    the record only."""
    response = post(client, seeded, route, records, ndjson=ndjson)
    if ndjson and not any(rule in msg for rule in CHECKED_AGAINST_DATA):
        line = int(msg.split()[1].rstrip(":")) + 1
        msg = msg.replace(":", f" (line {line}):", 1)
    error(response, 400, 400, msg)


@pytest.mark.parametrize(
    ("body", "content_type", "msg"),
    [
        (b'[{"email": "a@b.c",', "application/json", "body is not valid JSON"),
        (b"", "application/json", "body is not valid JSON"),
        (b'{"email": "a@b.c"}', "application/json", "body must be a JSON array of records"),
        (b"[]]", "application/json", "body is not valid JSON"),
        (
            b'{"email": "a@b.c", "firstName": "A", "lastName": "B"}\n{"email": "d@e.f",\n',
            "application/x-ndjson",
            "record 1 (line 2): not valid JSON",
        ),
        (
            b'{"email": "a@b.c", "firstName": "A", "lastName": "B"}, {"email": "d@e.f"}',
            "application/x-ndjson",
            "record 0 (line 1): not valid JSON",
        ),
        (b"\xff\xfe[]", "application/json", "body is not valid JSON"),
    ],
)
def test_malformed_body_is_400(client: TestClient, seeded: str, body: bytes, content_type: str, msg: str) -> None:
    response = client.put(
        f"/ingest/accounts/{seeded}/agents", content=body, headers={"Content-Type": content_type, **ADMIN}
    )
    error(response, 400, 400, msg)


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"],
)
def test_unsupported_content_type_is_415(client: TestClient, seeded: str, content_type: str | None) -> None:
    headers = {**ADMIN, **({"Content-Type": content_type} if content_type else {})}
    response = client.post(f"/ingest/accounts/{seeded}/{EVENTS}", content=json.dumps([event(2)]), headers=headers)
    error(response, 415, 415, "Content-Type must be application/json")


@pytest.mark.parametrize("ndjson", [False, True], ids=["json", "ndjson"])
def test_more_than_10000_records_is_413(client: TestClient, seeded: str, ndjson: bool) -> None:
    response = post(client, seeded, EVENTS, [event(n) for n in range(2, 10_003)], ndjson=ndjson)
    error(response, 413, 413, "a batch holds at most 10000 records")


def test_exactly_10000_records_is_accepted(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, "agents", [agent(1)]), 1, 0)
    ok(post(client, account, EVENTS, [event(n) for n in range(10_000)]), 10_000, 0)
    assert counts(db_engine)["agent_status_events"] == 10_000


def test_body_over_10_mb_is_413_by_content_length(client: TestClient, seeded: str) -> None:
    body = b"[" + b" " * (10 * 1024 * 1024) + b"]"
    response = client.post(
        f"/ingest/accounts/{seeded}/{EVENTS}", content=body, headers={"Content-Type": "application/json", **ADMIN}
    )
    error(response, 413, 413, "request body is larger than 10485760 bytes")


def test_chunked_body_over_10_mb_is_413_while_reading(client: TestClient, seeded: str) -> None:
    sent: list[int] = []

    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(40):
            sent.append(1)
            yield b" " * (512 * 1024)
        yield b"]"

    response = client.post(
        f"/ingest/accounts/{seeded}/{EVENTS}",
        content=chunks(),
        headers={"Content-Type": "application/x-ndjson", **ADMIN},
    )
    error(response, 413, 413, "request body is larger than")


@pytest.mark.parametrize("bot_id", ["bad%20id", "a" * 128 + "%0A", "a%0A", "%0A", "a" * 129, "%C3%A9"])
def test_bad_bot_id_is_400(client: TestClient, db_engine: Engine, seeded: str, bot_id: str) -> None:
    """Matched whole: a final newline is not allowed by `$`-anchored matching to slip through."""
    error(post(client, seeded, f"bots/{bot_id}/sessions", [session(5)]), 400, 400, "botId must be")
    assert counts(db_engine)["bots"] == 1


def test_agent_of_another_account_is_unknown(client: TestClient, seeded: str) -> None:
    other = create_account(client, "Other")
    error(post(client, other, EVENTS, [event(5)]), 400, 400, "record 0: agent: ")


def test_unknown_account_is_404(client: TestClient, seeded: str) -> None:
    error(post(client, "0" * 24, "agents", [agent(5)]), 404, 404, "account not found")
    error(post(client, "not-an-account", SESSIONS, [session(5)]), 404, 404, "account not found")


def test_missing_auth_is_401(client: TestClient, seeded: str) -> None:
    for route in ("agents", SESSIONS, EVENTS, INTERACTIONS):
        error(post(client, seeded, route, [agent(5)], headers={}), 401, 401)
    error(post(client, seeded, "agents", [agent(5)], headers={"Authorization": "Bearer wrong"}), 401, 401)


def test_app_without_ingest_scope_is_403(client: TestClient, seeded: str) -> None:
    app = create_app(client, seeded, scopes=[ANALYTICS])
    error(
        post(client, seeded, SESSIONS, [session(5)], headers={"auth": token(app)}),
        403,
        403,
        "scope SmartAssist Data Ingestion not granted",
    )


def test_account_mismatch_is_403(client: TestClient, seeded: str) -> None:
    other = create_account(client, "Other")
    other_app = create_app(client, other)
    error(post(client, seeded, EVENTS, [event(5)], headers={"auth": token(other_app)}), 403, 403)
    own_app = create_app(client, seeded)
    error(post(client, seeded, EVENTS, [event(5)], headers={"auth": token(own_app), "accountId": other}), 403, 403)
