"""`smartassist token`: every mode mints a token the server accepts, and what it refuses it says why."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from smartassist.auth.deps import principal_of, require_app
from smartassist.cli import app as cli
from tests.support.tenants import ANALYTICS, create_account, create_app

runner = CliRunner()


@pytest.fixture
def probe(app: FastAPI) -> Iterator[TestClient]:
    """The real app plus one route guarded by the analytics scope, echoing who called."""

    guarded = APIRouter(route_class=require_app(ANALYTICS))

    @guarded.get("/probe/{accountId}")
    def _probe(request: Request) -> dict[str, Any]:
        principal = principal_of(request)
        return {"account": principal.account_id, "client": principal.client_id}

    app.include_router(guarded)

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def mint(*args: str, env: dict[str, str] | None = None) -> str:
    result = runner.invoke(cli, ["token", *args], env=env)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1  # the token alone, so $(smartassist token …) works
    return lines[0]


def call(probe: TestClient, account: str, token: str) -> int:
    return probe.get(f"/probe/{account}", headers={"auth": token}).status_code


def test_hs256_default_is_accepted_and_carries_app_id(probe: TestClient) -> None:
    account = create_account(probe)
    creds = create_app(probe, account)
    token = mint("--client-id", creds["clientId"], "--client-secret", creds["clientSecret"], "--sub", "me")
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, creds["clientSecret"], algorithms=["HS256"])
    assert claims["appId"] == creds["clientId"] and claims["sub"] == "me" and "exp" not in claims
    response = probe.get(f"/probe/{account}", headers={"auth": token})
    assert response.status_code == 200
    assert response.json() == {"account": account, "client": creds["clientId"]}


def test_secret_from_environment(probe: TestClient) -> None:
    account = create_account(probe)
    creds = create_app(probe, account)
    token = mint("--client-id", creds["clientId"], env={"SMARTASSIST_CLIENT_SECRET": creds["clientSecret"]})
    assert call(probe, account, token) == 200


def test_hs512_only_where_enabled(probe: TestClient) -> None:
    account = create_account(probe)
    both = create_app(probe, account, algorithms=["HS256", "HS512"])
    only256 = create_app(probe, account)
    token = mint("--client-id", both["clientId"], "--client-secret", both["clientSecret"], "--alg", "HS512")
    assert jwt.get_unverified_header(token)["alg"] == "HS512"
    assert call(probe, account, token) == 200
    token = mint("--client-id", only256["clientId"], "--client-secret", only256["clientSecret"], "--alg", "HS512")
    assert call(probe, account, token) == 401


def test_jti_token_is_single_use_and_expires_within_an_hour(probe: TestClient) -> None:
    account = create_account(probe)
    creds = create_app(probe, account, enforceJti=True)
    args = ("--client-id", creds["clientId"], "--client-secret", creds["clientSecret"])
    plain = mint(*args)
    assert call(probe, account, plain) == 401  # the app requires a jti
    token = mint(*args, "--jti")
    claims = jwt.decode(token, creds["clientSecret"], algorithms=["HS256"])
    assert isinstance(claims["jti"], str) and len(claims["jti"]) >= 16
    assert claims["exp"] - claims["iat"] == 3600
    assert call(probe, account, token) == 200
    assert call(probe, account, token) == 401  # replay
    assert call(probe, account, mint(*args, "--jti")) == 200  # a fresh jti each run


def test_ttl_sets_exp(probe: TestClient) -> None:
    account = create_account(probe)
    creds = create_app(probe, account)
    before = int(time.time())
    token = mint("--client-id", creds["clientId"], "--client-secret", creds["clientSecret"], "--ttl", "120")
    claims = jwt.decode(token, creds["clientSecret"], algorithms=["HS256"])
    assert before + 120 <= claims["exp"] <= int(time.time()) + 120
    assert call(probe, account, token) == 200


def test_jti_with_ttl_over_an_hour_is_refused_by_the_cli() -> None:
    result = runner.invoke(cli, ["token", "--client-id", "cs-x", "--client-secret", "s", "--jti", "--ttl", "3601"])
    assert result.exit_code == 2
    assert "3600" in result.output and result.stdout == ""


@pytest.mark.parametrize("from_credentials", [False, True])
def test_jwe_token_is_accepted(probe: TestClient, tmp_path: Path, from_credentials: bool) -> None:
    account = create_account(probe)
    creds = create_app(probe, account, enforceJwe=True)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(creds if from_credentials else creds["jwePublicKey"]))
    args = ("--client-id", creds["clientId"], "--client-secret", creds["clientSecret"])
    assert call(probe, account, mint(*args)) == 401  # a plain JWS is refused when JWE is enforced
    token = mint(*args, "--jwe-key", str(key_file))
    assert token.count(".") == 4
    header = json.loads(jwt.utils.base64url_decode(token.split(".")[0]))
    assert header == {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT", "kid": creds["jwePublicKey"]["kid"]}
    assert call(probe, account, token) == 200


def test_jwe_with_jti_together(probe: TestClient, tmp_path: Path) -> None:
    account = create_account(probe)
    creds = create_app(probe, account, enforceJwe=True, enforceJti=True, algorithms=["HS512"])
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(creds["jwePublicKey"]))
    token = mint(
        "--client-id",
        creds["clientId"],
        "--client-secret",
        creds["clientSecret"],
        "--alg",
        "HS512",
        "--jti",
        "--jwe-key",
        str(key_file),
    )
    assert call(probe, account, token) == 200
    assert call(probe, account, token) == 401


def test_bad_key_file_is_a_clear_error(tmp_path: Path) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text('{"kty": "oct", "k": "abc"}')
    result = runner.invoke(cli, ["token", "--client-id", "cs-x", "--client-secret", "s", "--jwe-key", str(key_file)])
    assert result.exit_code == 2
    assert "RSA public JWK" in result.output and result.stdout == ""
