"""Hostile input on the contact-center ingest routes (API.md §5, docs/API.md §9): queues, agents' agentId and
queues, agent login events. Black-box: no read route serves these records yet, so what was stored is observed
through later ingest counts (a record stored before is a duplicate; one that was refused is accepted)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.support.errors import error
from tests.support.ingest import accepted, ndjson, send
from tests.support.tenants import ADMIN, ANALYTICS, INGEST, Tenant, create_app, tenant
from tests.support.tokens import token

KEY = "a-0b03c008-bd13-4a06-9c2e-1f0a2b2a8a9d"
UNKNOWN_QUEUE = ["qu-1", "qu-404"]
GHOST = "ghost@domain.com"
CHECKED_AGAINST_DATA = (UNKNOWN_QUEUE, GHOST)
MISSING = object()


def _path(t: Tenant, route: str) -> str:
    return f"/ingest/accounts/{t.account_id}/{route}"


def _method(route: str) -> str:
    return "PUT" if route in ("agents", "queues") else "POST"


def _queue(n: int, **fields: Any) -> dict[str, Any]:
    return {"queueId": f"qu-{n}", "name": f"Queue {n}", "skills": [{"skillId": "sk-1", "skillName": "Sales"}], **fields}


def _agent(n: int, **fields: Any) -> dict[str, Any]:
    return {"email": f"agent{n}@domain.com", "firstName": "F", "lastName": "L", **fields}


def _login(n: int, **fields: Any) -> dict[str, Any]:
    return {"eventId": f"li-{n}", "agent": "agent1@domain.com", "type": "entry", "at": "2023-01-07T09:45:00Z", **fields}


def _seeded(client: TestClient) -> Tenant:
    """An account with queue qu-1 and agent1 (member of qu-1)."""
    t = tenant(client)
    assert accepted(client, _path(t, "queues"), [_queue(1)], method="PUT") == {"accepted": 1, "duplicates": 0}
    agent = _agent(1, agentId=KEY, queues=["qu-1"])
    assert accepted(client, _path(t, "agents"), [agent], method="PUT") == {"accepted": 1, "duplicates": 0}
    return t


def _post(client: TestClient, t: Tenant, route: str, records: Any, nd: bool = False, **headers: str) -> Response:
    content = ndjson(records) if nd else json.dumps(records).encode()
    content_type = "application/x-ndjson" if nd else "application/json"
    response: Response = client.request(
        _method(route), _path(t, route), content=content, headers={**ADMIN, "Content-Type": content_type, **headers}
    )
    return response


def _with(record: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    changed = dict(record)
    if value is MISSING:
        del changed[field]
    else:
        changed[field] = value
    return changed


# Good records of each route, none stored by _seeded: a refused batch must leave them unstored.
GOOD: dict[str, list[dict[str, Any]]] = {
    "queues": [_queue(2), _queue(3, skills=[])],
    "agents": [_agent(2, queues=["qu-1"]), _agent(1, agentId=KEY, queues=[])],
    "agent-login-events": [_login(1), _login(2, type="exit", ip="10.32.130.10")],
}
BAD: list[tuple[str, dict[str, Any], str, Any, str]] = [  # (route, base record, field, value, field named)
    ("queues", _queue(9), "queueId", MISSING, "queueId"),
    ("queues", _queue(9), "queueId", "", "queueId"),
    ("queues", _queue(9), "queueId", "qu 9", "queueId"),
    ("queues", _queue(9), "queueId", "qu/9", "queueId"),
    ("queues", _queue(9), "queueId", "qu-é", "queueId"),
    ("queues", _queue(9), "queueId", "q" * 129, "queueId"),
    ("queues", _queue(9), "queueId", 9, "queueId"),
    ("queues", _queue(9), "name", MISSING, "name"),
    ("queues", _queue(9), "name", "", "name"),
    ("queues", _queue(9), "name", "n" * 201, "name"),
    ("queues", _queue(9), "name", "a\x00b", "name"),
    ("queues", _queue(9), "name", ["Queue"], "name"),
    ("queues", _queue(9), "skills", {"skillId": "s", "skillName": "n"}, "skills"),
    ("queues", _queue(9), "skills", None, "skills"),
    ("queues", _queue(9), "skills", ["Sales"], "skills.0"),
    ("queues", _queue(9), "skills", [{"skillId": "s"}], "skills.0.skillName"),
    ("queues", _queue(9), "skills", [{"skillId": "s 1", "skillName": "n"}], "skills.0.skillId"),
    ("queues", _queue(9), "skills", [{"skillId": "s", "skillName": "n" * 201}], "skills.0.skillName"),
    ("queues", _queue(9), "skills", [{"skillId": "s", "skillName": "n", "level": 3}], "skills.0.level"),
    (
        "queues",
        _queue(9),
        "skills",
        [{"skillId": "s", "skillName": "a"}, {"skillId": "s", "skillName": "b"}],
        "skills.1",
    ),
    ("queues", _queue(9), "skills", [{"skillId": f"s{i}", "skillName": "n"} for i in range(101)], "skills"),
    ("queues", _queue(9), "extra", 1, "extra"),
    ("agents", _agent(9), "agentId", "", "agentId"),
    ("agents", _agent(9), "agentId", "u-0b03c008-bd13-4a06-9c2e-1f0a2b2a8a9d", "agentId"),
    ("agents", _agent(9), "agentId", "a-", "agentId"),
    ("agents", _agent(9), "agentId", "a-" + "0" * 127, "agentId"),
    ("agents", _agent(9), "agentId", "a-has space", "agentId"),
    ("agents", _agent(9), "agentId", 7, "agentId"),
    ("agents", _agent(9), "queues", "qu-1", "queues"),
    ("agents", _agent(9), "queues", [1], "queues.0"),
    ("agents", _agent(9), "queues", ["qu 1"], "queues.0"),
    ("agents", _agent(9), "queues", ["qu-1", "qu-1"], "queues.1"),
    ("agents", _agent(9), "queues", [f"qu-{i}" for i in range(1001)], "queues"),
    ("agents", _agent(9), "queues", UNKNOWN_QUEUE, "queues.1"),  # unknown to the account
    ("agents", _agent(9), "agentid", KEY, "agentid"),
    ("agent-login-events", _login(9), "eventId", MISSING, "eventId"),
    ("agent-login-events", _login(9), "eventId", "li 9", "eventId"),
    ("agent-login-events", _login(9), "eventId", "x" * 129, "eventId"),
    ("agent-login-events", _login(9), "agent", MISSING, "agent"),
    ("agent-login-events", _login(9), "agent", "", "agent"),
    ("agent-login-events", _login(9), "agent", 1, "agent"),
    ("agent-login-events", _login(9), "agent", GHOST, "agent"),  # unknown to the account
    ("agent-login-events", _login(9), "type", "login", "type"),
    ("agent-login-events", _login(9), "type", "Entry", "type"),
    ("agent-login-events", _login(9), "type", MISSING, "type"),
    ("agent-login-events", _login(9), "at", "2023-01-07T09:45:00", "at"),
    ("agent-login-events", _login(9), "at", 1673084700000, "at"),
    ("agent-login-events", _login(9), "at", "yesterday", "at"),
    ("agent-login-events", _login(9), "at", "1969-12-31T23:59:59Z", "at"),
    ("agent-login-events", _login(9), "ip", "", "ip"),
    ("agent-login-events", _login(9), "ip", "1" * 65, "ip"),
    ("agent-login-events", _login(9), "ip", "10.0.0.1<script>", "ip"),
    ("agent-login-events", _login(9), "ip", 10, "ip"),
    ("agent-login-events", _login(9), "timestamp", "2023-01-07T09:45:00Z", "timestamp"),
]


@pytest.mark.parametrize(("route", "base", "field", "value", "named"), BAD)
def test_one_bad_record_refuses_the_whole_batch(
    client: TestClient, route: str, base: dict[str, Any], field: str, value: Any, named: str
) -> None:
    t = _seeded(client)
    batch = [*GOOD[route], _with(base, field, value)]
    for nd in (False, True):
        response = _post(client, t, route, batch, nd=nd)
        msg = error(response, 400)
        assert re.search(r"\brecord 2\b", msg), msg
        assert named in msg, msg
        if nd and value not in CHECKED_AGAINST_DATA:  # checked once parsed: the record index only, as for status events
            assert re.search(r"\bline 3\b", msg), msg
        if isinstance(value, str) and len(value) > 3:
            assert value not in msg, msg
    # Nothing of the good records was kept: sent alone now, both are changes, neither a duplicate.
    assert accepted(client, _path(t, route), GOOD[route], method=_method(route)) == {"accepted": 2, "duplicates": 0}


def test_agent_id_held_by_another_agent_refuses_the_batch(client: TestClient) -> None:
    t = _seeded(client)
    batch = [_agent(2, queues=["qu-1"]), _agent(3, agentId=KEY)]
    response = send(client, _path(t, "agents"), batch, method="PUT")
    msg = error(response, 400, "record 1: agentId: ")
    assert KEY not in msg
    assert accepted(client, _path(t, "agents"), batch[:1], method="PUT") == {"accepted": 1, "duplicates": 0}


def test_queue_of_another_account_is_unknown(client: TestClient) -> None:
    a, b = _seeded(client), tenant(client)
    accepted(client, _path(b, "queues"), [_queue(7)], method="PUT")
    for queue_id in ("qu-7", "QU-1"):
        response = send(client, _path(a, "agents"), [_agent(1, agentId=KEY, queues=[queue_id])], method="PUT")
        error(response, 400, "record 0: queues.0: ")
    # agent1's membership is still exactly qu-1
    again = [_agent(1, agentId=KEY, queues=["qu-1"])]
    assert accepted(client, _path(a, "agents"), again, method="PUT") == {"accepted": 0, "duplicates": 1}


def test_login_agent_of_another_account_is_unknown(client: TestClient) -> None:
    a, b = _seeded(client), tenant(client)
    response = send(client, _path(b, "agent-login-events"), [_login(1)])
    error(response, 400, "record 0: agent: ")
    assert accepted(client, _path(a, "agent-login-events"), [_login(1)]) == {"accepted": 1, "duplicates": 0}


# --- counts -----------------------------------------------------------------------------------------------------


def test_batches_twice_are_duplicates_in_json_and_ndjson(client: TestClient) -> None:
    t = _seeded(client)
    for route, records in GOOD.items():
        assert _post(client, t, route, records).json() == {"accepted": 2, "duplicates": 0}
        assert _post(client, t, route, records).json() == {"accepted": 0, "duplicates": 2}
        assert _post(client, t, route, records, nd=True).json() == {"accepted": 0, "duplicates": 2}


def test_membership_only_change_is_accepted(client: TestClient) -> None:
    t = _seeded(client)
    path = _path(t, "agents")
    assert accepted(client, path, [_agent(1)], method="PUT") == {"accepted": 0, "duplicates": 1}  # absent: kept
    assert accepted(client, path, [_agent(1, queues=["qu-1"])], method="PUT") == {"accepted": 0, "duplicates": 1}
    assert accepted(client, path, [_agent(1, queues=[])], method="PUT") == {"accepted": 1, "duplicates": 0}
    assert accepted(client, path, [_agent(1, queues=[])], method="PUT") == {"accepted": 0, "duplicates": 1}


def test_a_repeated_login_event_id_keeps_the_stored_event(client: TestClient) -> None:
    t = _seeded(client)
    path = _path(t, "agent-login-events")
    assert accepted(client, path, [_login(1), _login(1, type="exit")]) == {"accepted": 1, "duplicates": 1}
    assert accepted(client, path, [_login(1, at="2024-01-01T00:00:00Z")]) == {"accepted": 0, "duplicates": 1}


@pytest.mark.parametrize("route", list(GOOD))
def test_empty_batches_are_zero(client: TestClient, route: str) -> None:
    t = _seeded(client)
    assert _post(client, t, route, []).json() == {"accepted": 0, "duplicates": 0}
    assert _post(client, t, route, [], nd=True).json() == {"accepted": 0, "duplicates": 0}


# --- malformed bodies, media types, limits -------------------------------------------------------------------------


@pytest.mark.parametrize("route", list(GOOD))
@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"queueId": "qu-1"}', "application/json"),
        (b"[", "application/json"),
        (b"", "application/json"),
        (b"null", "application/json"),
        (b'[{"a": 1}', "application/json"),
        (b"[1, 2]", "application/json"),
        (b"\xff\xfe[]", "application/json"),
        (b'{"eventId": 1}\n{not json\n', "application/x-ndjson"),
        (b"[]\n", "application/x-ndjson"),
        (b"42\n", "application/x-ndjson"),
    ],
)
def test_malformed_bodies_are_400(client: TestClient, route: str, content: bytes, content_type: str) -> None:
    t = _seeded(client)
    response = client.request(
        _method(route), _path(t, route), content=content, headers={**ADMIN, "Content-Type": content_type}
    )
    error(response, 400)


@pytest.mark.parametrize("route", list(GOOD))
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x", ""])
def test_unsupported_content_type_is_415_and_stores_nothing(client: TestClient, route: str, content_type: str) -> None:
    t = _seeded(client)
    response = client.request(
        _method(route),
        _path(t, route),
        content=json.dumps(GOOD[route]).encode(),
        headers={**ADMIN, "Content-Type": content_type},
    )
    error(response, 415)
    assert accepted(client, _path(t, route), GOOD[route], method=_method(route)) == {"accepted": 2, "duplicates": 0}


def _many(route: str, n: int) -> list[dict[str, Any]]:
    if route == "queues":
        return [{"queueId": f"q{i}", "name": "q"} for i in range(n)]
    if route == "agents":
        return [{"email": f"a{i}@d", "firstName": "", "lastName": ""} for i in range(n)]
    return [_login(i) for i in range(n)]


@pytest.mark.parametrize("route", list(GOOD))
def test_more_than_10000_records_is_413_and_10000_are_accepted(client: TestClient, route: str) -> None:
    t = _seeded(client)
    records = _many(route, 10_001)
    error(_post(client, t, route, records), 413)
    error(_post(client, t, route, records, nd=True), 413)
    assert _post(client, t, route, records[1:]).json() == {"accepted": 10_000, "duplicates": 0}


@pytest.mark.parametrize("route", list(GOOD))
def test_more_than_10_mb_is_413_and_stores_nothing(client: TestClient, route: str) -> None:
    t = _seeded(client)
    padded = [*GOOD[route], {**GOOD[route][0], "pad": "x" * 10_500_000}]
    error(_post(client, t, route, padded), 413)
    assert accepted(client, _path(t, route), GOOD[route], method=_method(route)) == {"accepted": 2, "duplicates": 0}


# --- access -----------------------------------------------------------------------------------------------------


def test_ingest_scope_app_and_admin_token_are_accepted(client: TestClient) -> None:
    t = _seeded(client)
    ingest_app = create_app(client, t.account_id, scopes=[INGEST])
    jwt = token(ingest_app)
    for i, (route, records) in enumerate(GOOD.items()):
        headers = {"auth": jwt} if i % 2 == 0 else {"Authorization": f"Bearer {jwt}"}
        assert accepted(client, _path(t, route), records, headers, _method(route)) == {"accepted": 2, "duplicates": 0}
        assert accepted(client, _path(t, route), records, method=_method(route)) == {"accepted": 0, "duplicates": 2}


def test_app_of_another_account_or_without_ingest_scope_is_403(client: TestClient) -> None:
    owner, stranger = _seeded(client), tenant(client)
    analytics_only = {"auth": token(create_app(client, owner.account_id, scopes=[ANALYTICS]))}
    for route, records in GOOD.items():
        for headers in (stranger.headers, analytics_only):
            error(send(client, _path(owner, route), records, headers, _method(route)), 403)
    for route, records in GOOD.items():
        assert accepted(client, _path(owner, route), records, method=_method(route)) == {"accepted": 2, "duplicates": 0}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-admin-token"}, {"auth": "garbage"}])
def test_without_valid_credentials_is_401(client: TestClient, headers: dict[str, str]) -> None:
    t = _seeded(client)
    for route, records in GOOD.items():
        error(send(client, _path(t, route), records, headers, _method(route)), 401)
    for route, records in GOOD.items():
        assert accepted(client, _path(t, route), records, method=_method(route)) == {"accepted": 2, "duplicates": 0}


def test_admin_token_on_unknown_account_is_404(client: TestClient) -> None:
    nobody = Tenant("0" * 24, {})
    for route, records in GOOD.items():
        error(send(client, _path(nobody, route), records, method=_method(route)), 404)


@pytest.mark.parametrize(("route", "wrong"), [("queues", "POST"), ("agent-login-events", "PUT")])
def test_wrong_method_is_405(client: TestClient, route: str, wrong: str) -> None:
    t = _seeded(client)
    error(send(client, _path(t, route), GOOD[route], method=wrong), 405)
