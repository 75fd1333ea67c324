"""One test per finding of the security review (what an unauthenticated or hostile client could do before
the fix), plus the secrets-never-leak regression over logs, audit trail and metrics."""

from __future__ import annotations

import hmac
import logging
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from smartassist import crypto
from smartassist.config import Settings
from tests.conftest import ADMIN_TOKEN
from tests.support.errors import error
from tests.support.ingest import ok, post
from tests.support.tenants import ADMIN, create_account, create_app
from tests.support.tokens import jti_claims, token

USER_STATUS = "/agentassist/api/public/analytics/account/{}/userstatus"
BODY = {"filter": {"dateFilter": {"startDate": "2022-08-25", "endDate": "2022-08-25"}}, "granularity": "PT24H"}
JSON = {"Content-Type": "application/json"}
MIB = 1024 * 1024


# Finding: arbitrary HTTP methods became metric labels (unbounded series, unauthenticated).
def test_metrics_method_label_is_bounded(client: TestClient) -> None:
    for index in range(5):
        assert client.request(f"X{index}EVIL", "/healthz").status_code == 405
        assert client.request(f"Y{index}EVIL", "/no/such/route").status_code == 404
    exposition = client.get("/metrics").text
    assert "EVIL" not in exposition
    assert 'smartassist_http_requests_total{method="other",route="/healthz",status="405"} 5.0' in exposition
    assert 'smartassist_http_requests_total{method="other",route="unmatched",status="404"} 5.0' in exposition


# Finding: the UserStatus body was parsed as JSON before the token was checked.
@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[" * 100_000 + b"]" * 100_000, b"[" + b"{}," * 300_000 + b"{}]"],
    ids=["invalid", "deeply-nested", "many-objects"],
)
def test_user_status_body_is_not_parsed_before_authentication(client: TestClient, body: bytes) -> None:
    account_id = create_account(client)
    error(client.post(USER_STATUS.format(account_id), content=body, headers=JSON), 401, contains="token required")
    error(
        client.post(USER_STATUS.format(account_id), content=body, headers={**JSON, "auth": "a.b.c"}),
        401,
        contains="not base64url",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "request body is not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "request body is not valid JSON"),
        (b'{"granularity": ' + b"9" * 5000 + b"}", "request body is not valid JSON"),
        (b'{"filter": "\xff"}', "request body is not valid JSON"),
        (b"", "request body must be a JSON object"),
    ],
    ids=["invalid", "deeply-nested", "5000-digit-number", "bad-utf8", "empty"],
)
def test_user_status_bad_bodies_after_authentication_are_400(client: TestClient, body: bytes, message: str) -> None:
    account_id = create_account(client)
    headers = {**JSON, "auth": token(create_app(client, account_id))}
    error(client.post(USER_STATUS.format(account_id), content=body, headers=headers), 400, contains=message)


def test_user_status_json_content_types_still_parse(client: TestClient) -> None:
    account_id = create_account(client)
    auth = {"auth": token(create_app(client, account_id))}
    path = USER_STATUS.format(account_id)
    for content_type in ("application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"):
        headers = {**auth, "Content-Type": content_type}
        response = client.post(
            path,
            content=b'{"filter": {"dateFilter": {"startDate": "2022-08-25", '
            b'"endDate": "2022-08-25"}}, "granularity": "PT24H"}',
            headers=headers,
        )
        assert response.status_code == 200, (content_type, response.text)
    for headers in ({**auth, "Content-Type": "text/plain"}, auth):  # no Content-Type: not JSON (FastAPI's rule)
        error(
            client.post(path, content=b"{}", headers=headers),
            400,
            contains="request body must be a JSON object, sent with Content-Type: application/json",
        )


# Finding: every route accepted 10 MB bodies, and FastAPI parses admin JSON bodies before the admin token.
@pytest.mark.parametrize("path", ["/admin/accounts", USER_STATUS.format("a" * 24)])
def test_bodies_outside_ingest_are_limited_to_one_mib(client: TestClient, path: str) -> None:
    body = b"[" + b"{}," * (MIB // 3) + b"{}]"
    assert len(body) > MIB
    response = client.post(path, content=body, headers=JSON)
    error(response, 413, contains=f"request body is larger than {MIB} bytes")
    response = client.post(path, content=iter([body[:MIB], body[MIB:]]), headers={**JSON, **ADMIN})
    error(response, 413, contains=f"request body is larger than {MIB} bytes")


def test_ingest_still_takes_bodies_over_one_mib(client: TestClient) -> None:
    account_id = create_account(client)
    body = b"\n" * (2 * MIB)
    response = client.post(
        f"/ingest/accounts/{account_id}/agent-status-events",
        content=body,
        headers={**ADMIN, "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"accepted": 0, "duplicates": 0}


# Finding: a NUL (or 6 KB) clientId in an admin path reached PostgreSQL: 500 instead of 404.
@pytest.mark.parametrize("client_id", ["%00", "cs-%00", "x" * 65, "%1B"])
@pytest.mark.parametrize(
    ("method", "suffix", "kwargs"),
    [
        ("GET", "", {}),
        ("GET", "/credentials", {}),
        ("PATCH", "", {"json": {"name": "x"}}),
        ("DELETE", "?confirm=DELETE", {}),
        ("POST", "/rotate-secret", {"json": {"graceSeconds": 1}}),
    ],
    ids=["get", "credentials", "patch", "delete", "rotate"],
)
def test_odd_client_id_in_admin_path_is_404(
    client: TestClient, client_id: str, method: str, suffix: str, kwargs: dict[str, Any]
) -> None:
    account_id = create_account(client)
    response = client.request(method, f"/admin/accounts/{account_id}/apps/{client_id}{suffix}", headers=ADMIN, **kwargs)
    error(response, 404, contains="app not found")


# Finding: compare_digest returns early on a length mismatch, so the admin token's length showed in timing.
def test_admin_token_comparison_sees_equal_length_digests(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[int, int]] = []
    compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((len(a), len(b)))
        return compare(a, b)

    monkeypatch.setattr(crypto.hmac, "compare_digest", spy)
    assert crypto.constant_time_equal("s3cret-token", "s3cret-token")
    assert not crypto.constant_time_equal("s3cret-token", "s3cret")
    assert not crypto.constant_time_equal("s3cret-token", "s3cret-tokeN")
    assert not crypto.constant_time_equal("s3cret-token", "")
    assert seen == [(32, 32)] * 4


# Finding: the data directory (SQLite database next to the generated secrets) was created world-readable.
def test_generated_data_dir_and_secrets_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SMARTASSIST_ADMIN_TOKEN", "SMARTASSIST_SECRET_KEY", "SMARTASSIST_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setattr("os.umask", lambda mask: 0o022)  # irrelevant: mkdir applies the umask itself
    settings = Settings(data_dir=tmp_path / "data")
    settings.resolved_admin_token()
    settings.resolved_secret_key()
    settings.resolved_database_url()
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "data" / "admin.token").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data" / "secret.key").stat().st_mode) == 0o600


# Regression: no client secret, token or admin token in a log line, the audit trail, /metrics or an error body.
def test_secrets_never_leak_to_logs_audit_or_metrics(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    account_id = create_account(client)
    app = create_app(client, account_id, enforceJti=True)
    secrets_seen = {ADMIN_TOKEN, app["clientSecret"]}
    secrets_seen.add(
        client.get(f"/admin/accounts/{account_id}/apps/{app['clientId']}/credentials", headers=ADMIN).json()[
            "clientSecret"
        ]
    )
    rotated = client.post(
        f"/admin/accounts/{account_id}/apps/{app['clientId']}/rotate-secret", json={"graceSeconds": 60}, headers=ADMIN
    ).json()
    secrets_seen.add(rotated["clientSecret"])
    good = token(rotated, **jti_claims())
    forged = token(rotated, secret="not-the-secret-" * 4, **jti_claims())
    secrets_seen |= {good, forged}
    bodies = []
    for auth in (good, good, forged, good + "x"):  # accepted, replayed, bad signature, malformed
        for path in (USER_STATUS.format(account_id), f"/ingest/accounts/{account_id}/agent-status-events"):
            response = client.post(path, json=BODY if "userstatus" in path else [], headers={"auth": auth})
            bodies.append(response.text)
    bearer = token(rotated, **jti_claims())
    secrets_seen.add(bearer)
    ok(post(client, account_id, "agents", [], headers={"Authorization": f"Bearer {bearer}"}), 0, 0)
    bodies.append(client.get("/admin/accounts", headers={"Authorization": f"Bearer {ADMIN_TOKEN}x"}).text)
    audit = client.get(f"/admin/accounts/{account_id}/audit", headers=ADMIN).text
    metrics = client.get("/metrics").text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "error verifying the jwt: possibly a replay" in "".join(bodies) and "token signature invalid" in "".join(
        bodies
    )
    for secret in secrets_seen:
        for where, text in (("log", logged), ("audit", audit), ("metrics", metrics), ("body", "".join(bodies))):
            assert secret not in text, where
