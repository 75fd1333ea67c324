"""Every bad input of the ingest routes: a clear 4xx in the error shape, and the database unchanged.

The `seeded` fixture checks every table's row count after the test, so "stores nothing" (no record, no
bot) is asserted for each refusal here; the black-box contract suite (tests/contract/) leaves these cases
to this module and keeps the ones observed through the read routes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.support.errors import error
from tests.support.ingest import agent, counts, event, ingest_path, interaction, ok, post, send_raw, session
from tests.support.tenants import ANALYTICS, create_account, create_app, tenant
from tests.support.tokens import token

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
    # A string of digits is no ISO-8601 time (pydantic alone read it as Unix seconds or milliseconds).
    (SESSIONS, [session(2, startTime="1641477600")], "record 0: startTime: must be an ISO-8601 time with a zone"),
    (SESSIONS, [session(2, endTime="1641478388000")], "record 0: endTime: must be an ISO-8601 time with a zone"),
    (EVENTS, [event(2), event(3, timestamp="0")], "record 1: timestamp: must be an ISO-8601 time with a zone"),
    (EVENTS, [event(2, timestamp="1641478028.5")], "record 0: timestamp: must be an ISO-8601 time with a zone"),
    (INTERACTIONS, [interaction(2, startTime="0", endTime="1")], "record 0: startTime: must be an ISO-8601"),
    # An unknown key is named only when it is short and plain: the caller's text is not echoed.
    (EVENTS, [event(2, **{"K" * 65: 1})], "record 0: <a field name>: Extra inputs are not permitted"),
    (EVENTS, [event(2, **{"x\nINJECTED\u001b[31m": 1})], "record 0: <a field name>: Extra inputs are not permitted"),
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
    error(response, 400, msg)


NEW_BOT = "bots/bot-new/sessions"
# One valid record per route, so a refusal can only come from what the test changes.
EVERY_ROUTE: list[tuple[str, dict[str, Any]]] = [
    ("agents", agent(5)),
    (SESSIONS, session(5)),
    (NEW_BOT, session(6)),
    (EVENTS, event(5)),
    (INTERACTIONS, interaction(5)),
]


@pytest.mark.parametrize(
    ("route", "body", "content_type", "msg"),
    [
        ("agents", b'[{"email": "a@b.c",', "application/json", "body is not valid JSON"),
        ("agents", b"", "application/json", "body is not valid JSON"),
        ("agents", b'{"email": "a@b.c"}', "application/json", "body must be a JSON array of records"),
        ("agents", b"[]]", "application/json", "body is not valid JSON"),
        (
            "agents",
            b'{"email": "a@b.c", "firstName": "A", "lastName": "B"}\n{"email": "d@e.f",\n',
            "application/x-ndjson",
            "record 1 (line 2): not valid JSON",
        ),
        (
            "agents",
            b'{"email": "a@b.c", "firstName": "A", "lastName": "B"}, {"email": "d@e.f"}',
            "application/x-ndjson",
            "record 0 (line 1): not valid JSON",
        ),
        ("agents", b"\xff\xfe[]", "application/json", "body is not valid JSON"),
        (NEW_BOT, b'{"sessionId": "s1"}', "application/json", "body must be a JSON array of records"),
        (NEW_BOT, b"[" + json.dumps(session(7)).encode(), "application/json", "body is not valid JSON"),
        (NEW_BOT, b"", "application/json", "body is not valid JSON"),
        (
            NEW_BOT,
            json.dumps(session(7)).encode() + b"\n{not json\n",
            "application/x-ndjson",
            "record 1 (line 2): not valid JSON",
        ),
        (
            NEW_BOT,
            json.dumps([session(7)]).encode(),
            "application/x-ndjson",
            "record 0 (line 1): must be a JSON object",
        ),
        (
            NEW_BOT,
            json.dumps(session(7)).encode() + b"\n42\n",
            "application/x-ndjson",
            "record 1 (line 2): must be a JSON object",
        ),
    ],
)
def test_malformed_body_is_400(
    client: TestClient, seeded: str, route: str, body: bytes, content_type: str, msg: str
) -> None:
    error(send_raw(client, ingest_path(seeded, route), body, content_type), 400, msg)


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
        "text/csv",
        "application/jsonx",
    ],
)
@pytest.mark.parametrize("route", [EVENTS, NEW_BOT])
def test_unsupported_content_type_is_415(client: TestClient, seeded: str, route: str, content_type: str | None) -> None:
    records = [session(7)] if route == NEW_BOT else [event(2)]
    response = send_raw(client, ingest_path(seeded, route), json.dumps(records).encode(), content_type)
    error(response, 415, "Content-Type must be application/json")


@pytest.mark.parametrize("ndjson", [False, True], ids=["json", "ndjson"])
@pytest.mark.parametrize("route", [EVENTS, NEW_BOT])
def test_more_than_10000_records_is_413(client: TestClient, seeded: str, route: str, ndjson: bool) -> None:
    records = [session(n) for n in range(10_001)] if route == NEW_BOT else [event(n) for n in range(2, 10_003)]
    response = post(client, seeded, route, records, ndjson=ndjson)
    error(response, 413, "a batch holds at most 10000 records")


def test_exactly_10000_records_is_accepted(client: TestClient, db_engine: Engine) -> None:
    """On both batch kinds; and the bot's read route still answers only its 25 latest sessions."""
    t = tenant(client)
    ok(post(client, t.account_id, "agents", [agent(1)]), 1, 0)
    ok(post(client, t.account_id, EVENTS, [event(n) for n in range(10_000)]), 10_000, 0)
    small = [session(n, intent=[], ANI="1", DNI="d", channel="c", status="s") for n in range(10_000)]
    ok(post(client, t.account_id, SESSIONS, small), 10_000, 0)
    assert counts(db_engine) == {
        "bots": 1,
        "agents": 1,
        "bot_sessions": 10_000,
        "agent_status_events": 10_000,
        "agent_interactions": 0,
    }
    response = client.get("/api/public/bot/bot-1/intentrealtimedata", headers=t.headers)
    assert response.status_code == 200, response.text
    assert len(response.json()) == 25


@pytest.mark.parametrize("route", [EVENTS, NEW_BOT])
def test_body_over_10_mb_is_413_by_content_length(client: TestClient, seeded: str, route: str) -> None:
    """A declared Content-Length over the limit, whether the body is whitespace or one huge valid record."""
    body = b"[" + b" " * (10 * 1024 * 1024) + b"]"
    error(send_raw(client, ingest_path(seeded, route), body), 413, "request body is larger than 10485760 bytes")
    huge = json.dumps([session(7, ANI="1" * 10_500_000)]).encode()
    error(send_raw(client, ingest_path(seeded, route), huge), 413, "request body is larger than 10485760 bytes")


def test_chunked_body_over_10_mb_is_413_while_reading(client: TestClient, seeded: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"["
        for _ in range(40):
            yield b" " * (512 * 1024)
        yield b"]"

    response = send_raw(client, ingest_path(seeded, EVENTS), chunks(), "application/x-ndjson")
    error(response, 413, "request body is larger than")


def test_another_account_writing_bot_1_gets_its_own_bot_and_the_seeded_one_is_untouched(
    client: TestClient, db_engine: Engine, seeded: str
) -> None:
    """Contract §5: bot-1 is the seeded account's; another account's bot-1 is another bot (no 404, nothing to
    learn from an empty batch), and the seeded session is served unchanged."""
    owner = create_app(client, seeded)
    before = client.get("/api/public/bot/bot-1/intentrealtimedata", headers={"auth": token(owner)})
    assert before.status_code == 200 and len(before.json()) == 1, before.text
    other = tenant(client, "Other")
    error(client.get("/api/public/bot/bot-1/intentrealtimedata", headers=other.headers), 404)
    ok(post(client, other.account_id, SESSIONS, [], headers=other.headers), 0, 0)
    ok(post(client, other.account_id, SESSIONS, [session(1, status="stolen")], headers=other.headers), 1, 0)
    after = client.get("/api/public/bot/bot-1/intentrealtimedata", headers={"auth": token(owner)})
    assert after.json() == before.json()
    mine = client.get("/api/public/bot/bot-1/intentrealtimedata", headers=other.headers).json()
    assert [item["status"] for item in mine] == ["stolen"]
    with db_engine.begin() as conn:  # the seeded fixture checks its counts afterwards
        conn.execute(text("DELETE FROM bots WHERE account_id = :a"), {"a": other.account_id})


@pytest.mark.parametrize("bot_id", ["bad%20id", "a" * 128 + "%0A", "a%0A", "%0A", "a" * 129, "%C3%A9"])
def test_bad_bot_id_is_400(client: TestClient, db_engine: Engine, seeded: str, bot_id: str) -> None:
    """Matched whole: a final newline is not allowed by `$`-anchored matching to slip through."""
    error(post(client, seeded, f"bots/{bot_id}/sessions", [session(5)]), 400, "botId must be")
    assert counts(db_engine)["bots"] == 1


@pytest.mark.parametrize("agent_ref", ["agent1@example.com", "u-two"], ids=["email", "userId"])
def test_agent_of_another_account_is_unknown(client: TestClient, seeded: str, agent_ref: str) -> None:
    other = create_account(client, "Other")
    error(post(client, other, EVENTS, [event(5, agent_ref)]), 400, "record 0: agent: no agent")
    error(post(client, other, INTERACTIONS, [interaction(5, agent_ref)]), 400, "record 0: agent: no agent")


@pytest.mark.parametrize("account", ["0" * 24, "not-an-account"])
def test_unknown_account_is_404(client: TestClient, seeded: str, account: str) -> None:
    for route, record in EVERY_ROUTE:
        error(post(client, account, route, [record]), 404, "account not found")


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-admin-token"}, {"auth": "garbage"}, {"Authorization": "Bearer wrong"}],
    ids=["none", "wrong-admin", "garbage-auth", "short-bearer"],
)
def test_missing_or_invalid_credentials_are_401(client: TestClient, seeded: str, headers: dict[str, str]) -> None:
    for route, record in EVERY_ROUTE:
        error(post(client, seeded, route, [record], headers=headers), 401)


def test_app_without_ingest_scope_is_403(client: TestClient, seeded: str) -> None:
    app = create_app(client, seeded, scopes=[ANALYTICS])
    for route, record in EVERY_ROUTE:
        response = post(client, seeded, route, [record], headers={"auth": token(app)})
        error(response, 403, "scope SmartAssist Data Ingestion not granted")


def test_account_mismatch_is_403(client: TestClient, seeded: str) -> None:
    """An app of another account, by the path; and the seeded account's own app naming another account in
    the accountId header."""
    other = create_account(client, "Other")
    other_app = create_app(client, other)
    for route, record in EVERY_ROUTE:
        error(post(client, seeded, route, [record], headers={"auth": token(other_app)}), 403)
    own_app = create_app(client, seeded)
    error(post(client, seeded, EVENTS, [event(5)], headers={"auth": token(own_app), "accountId": other}), 403)
