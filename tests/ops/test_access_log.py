"""Access log: one JSON line per request on smartassist.access, route templates only, no token; X-Request-ID."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.support.tenants import create_account, create_app
from tests.support.tokens import token


def access_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "smartassist.access"]


@pytest.fixture(autouse=True)
def _capture(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="smartassist.access")


def test_one_line_per_request_with_client_id_and_no_token(probe: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    account = create_account(probe)
    creds = create_app(probe, account)
    minted = token(creds)
    caplog.clear()
    response = probe.get(f"/probe/{account}?secret=hunter2", headers={"auth": minted})
    assert response.status_code == 200
    lines = access_lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET" and line["route"] == "/probe/{accountId}" and line["status"] == 200
    assert line["clientId"] == creds["clientId"]
    assert isinstance(line["ms"], float | int) and line["ms"] >= 0
    assert line["requestId"] == response.headers["X-Request-ID"]
    assert "authFailure" not in line
    for secret in (minted, creds["clientSecret"], "hunter2", account):
        assert secret not in caplog.text


def test_auth_failure_logged_with_reason_without_token(probe: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    account = create_account(probe)
    creds = create_app(probe, account)
    forged = token(creds, secret="not-the-secret" * 3)
    caplog.clear()
    assert probe.get(f"/probe/{account}", headers={"auth": forged}).status_code == 401
    (line,) = access_lines(caplog)
    assert line["status"] == 401 and line["authFailure"] == "bad_signature" and line["clientId"] is None
    assert forged not in caplog.text and forged.split(".")[1] not in caplog.text


def test_unmatched_and_crash_are_logged(probe: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    probe.get("/nothing/here")
    probe.get("/boom")
    lines = access_lines(caplog)
    assert [(entry["route"], entry["status"]) for entry in lines] == [("unmatched", 404), ("/boom", 500)]
    assert "/nothing/here" not in caplog.text


@pytest.mark.parametrize("given", ["abc-123", "Trace.ID_9", "x" * 64])
def test_sane_request_id_is_echoed(probe: TestClient, caplog: pytest.LogCaptureFixture, given: str) -> None:
    response = probe.get("/healthz", headers={"X-Request-ID": given})
    assert response.headers["X-Request-ID"] == given
    assert access_lines(caplog)[-1]["requestId"] == given


@pytest.mark.parametrize("given", [None, "", "has space", "x" * 65, "semi;colon", "new\u00e9"])
def test_other_request_id_is_replaced(probe: TestClient, caplog: pytest.LogCaptureFixture, given: str | None) -> None:
    headers = {} if given is None else {"X-Request-ID": given.encode()}
    first = probe.get("/healthz", headers=headers).headers["X-Request-ID"]
    second = probe.get("/healthz", headers=headers).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    assert [entry["requestId"] for entry in access_lines(caplog)] == [first, second]


def test_error_responses_carry_the_request_id(probe: TestClient) -> None:
    response = probe.get("/nothing/here", headers={"X-Request-ID": "req-1"})
    assert response.status_code == 404 and response.headers["X-Request-ID"] == "req-1"
