"""The admin API end to end: accounts, apps, credentials, edits, deletion, rotation, audit, scopes."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.support.errors import error
from tests.support.tenants import ADMIN, ANALYTICS, INGEST, create_account, create_app


def _snapshot(client: TestClient, account_id: str) -> tuple[Any, Any]:
    apps = client.get(f"/admin/accounts/{account_id}/apps", headers=ADMIN).json()
    audit = client.get(f"/admin/accounts/{account_id}/audit", headers=ADMIN).json()
    return apps, audit


def test_account_create_list_get(client: TestClient) -> None:
    response = client.post("/admin/accounts", json={"name": "Acme"}, headers=ADMIN)
    assert response.status_code == 201
    account = response.json()
    assert set(account) == {"accountId", "name", "createdAt"}
    assert len(account["accountId"]) == 24 and int(account["accountId"], 16) >= 0
    assert account["accountId"] == account["accountId"].lower()
    assert account["name"] == "Acme"
    assert account["createdAt"].endswith("+00:00")
    assert client.get(f"/admin/accounts/{account['accountId']}", headers=ADMIN).json() == account
    assert client.get("/admin/accounts", headers=ADMIN).json() == [account]


def test_unknown_account_is_404(client: TestClient) -> None:
    error(client.get("/admin/accounts/" + "0" * 24, headers=ADMIN), 404)
    error(client.get("/admin/accounts/not-an-id/apps", headers=ADMIN), 404)


def test_create_app_returns_secret_once_and_listing_has_none(client: TestClient) -> None:
    account_id = create_account(client)
    response = client.post(
        f"/admin/accounts/{account_id}/apps", headers=ADMIN, json={"name": "Dashboards", "scopes": [ANALYTICS]}
    )
    assert response.status_code == 201
    app = response.json()
    assert app["clientId"].startswith("cs-") and len(app["clientId"]) == 39
    assert len(app["clientSecret"]) >= 43
    assert app["scopes"] == [ANALYTICS]
    assert app["algorithms"] == ["HS256"]
    assert app["enforceJti"] is False and app["enforceJwe"] is False
    assert app["accountId"] == account_id
    assert "jwePublicKey" not in app
    listing = client.get(f"/admin/accounts/{account_id}/apps", headers=ADMIN)
    assert [a["clientId"] for a in listing.json()] == [app["clientId"]]
    assert app["clientSecret"] not in listing.text
    one = client.get(f"/admin/accounts/{account_id}/apps/{app['clientId']}", headers=ADMIN)
    assert "clientSecret" not in one.json() and app["clientSecret"] not in one.text


def test_credentials_show_secret_and_are_audited(client: TestClient) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    response = client.get(f"/admin/accounts/{account_id}/apps/{app['clientId']}/credentials", headers=ADMIN)
    assert response.json() == {
        "clientId": app["clientId"],
        "clientSecret": app["clientSecret"],
        "accountId": account_id,
    }
    audit = client.get(f"/admin/accounts/{account_id}/audit", headers=ADMIN)
    assert [e["action"] for e in audit.json()] == ["app.credentials_viewed", "app.created"]
    assert app["clientSecret"] not in audit.text


def test_secret_is_encrypted_at_rest(client: TestClient, db_engine: Engine) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    with db_engine.connect() as conn:
        stored = conn.execute(text("SELECT secret_enc FROM apps")).scalar_one()
    assert app["clientSecret"] not in stored


def test_jwe_app_has_public_key_only(client: TestClient) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id, enforceJwe=True)
    key = app["jwePublicKey"]
    assert key["kty"] == "RSA" and key["kid"] and key["e"] == "AQAB"
    assert len(key["n"]) >= 342  # 2048-bit modulus, base64url
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
    credentials = client.get(f"/admin/accounts/{account_id}/apps/{app['clientId']}/credentials", headers=ADMIN).json()
    assert credentials["jwePublicKey"] == key


def test_patch_changes_fields_and_is_audited(client: TestClient) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id, name="one")
    url = f"/admin/accounts/{account_id}/apps/{app['clientId']}"
    response = client.patch(
        url,
        headers=ADMIN,
        json={"name": "two", "enforceJti": True, "algorithms": ["HS256", "HS512"], "scopes": [INGEST]},
    )
    assert response.status_code == 200, response.text
    patched = response.json()
    assert (patched["name"], patched["enforceJti"], patched["algorithms"], patched["scopes"]) == (
        "two",
        True,
        ["HS256", "HS512"],
        [INGEST],
    )
    assert client.get(url, headers=ADMIN).json() == patched
    audit = client.get(f"/admin/accounts/{account_id}/audit", headers=ADMIN).json()
    assert audit[0]["action"] == "app.updated"
    assert audit[0]["detail"]["changed"] == {
        "name": "two",
        "enforceJti": True,
        "algorithms": ["HS256", "HS512"],
        "scopes": [INGEST],
    }


def test_patch_enabling_jwe_generates_key(client: TestClient) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    patched = client.patch(
        f"/admin/accounts/{account_id}/apps/{app['clientId']}", headers=ADMIN, json={"enforceJwe": True}
    ).json()
    assert patched["jwePublicKey"]["kty"] == "RSA"


def test_delete_requires_confirm_word(client: TestClient) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    url = f"/admin/accounts/{account_id}/apps/{app['clientId']}"
    before = _snapshot(client, account_id)
    for query in ("", "?confirm=delete", "?confirm=DELETE%20", "?confirm=yes"):
        error(client.delete(url + query, headers=ADMIN), 400)
    assert _snapshot(client, account_id) == before
    response = client.delete(url + "?confirm=DELETE", headers=ADMIN)
    assert response.status_code == 204 and response.content == b""
    error(client.get(url, headers=ADMIN), 404)
    assert client.get(f"/admin/accounts/{account_id}/audit", headers=ADMIN).json()[0]["action"] == "app.deleted"


def test_rotate_secret_returns_new_secret(client: TestClient) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    url = f"/admin/accounts/{account_id}/apps/{app['clientId']}"
    response = client.post(url + "/rotate-secret", headers=ADMIN, json={"graceSeconds": 60})
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["clientSecret"] != app["clientSecret"]
    assert rotated["previousSecretValidUntil"].endswith("+00:00")
    assert client.get(url + "/credentials", headers=ADMIN).json()["clientSecret"] == rotated["clientSecret"]
    audit = client.get(f"/admin/accounts/{account_id}/audit", headers=ADMIN)
    assert audit.json()[1] == {**audit.json()[1], "action": "app.secret_rotated", "detail": {"graceSeconds": 60}}
    assert app["clientSecret"] not in audit.text and rotated["clientSecret"] not in audit.text


def test_scopes(client: TestClient) -> None:
    assert client.get("/admin/scopes", headers=ADMIN).json() == {"scopes": [ANALYTICS, INGEST]}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "x", "scopes": [ANALYTICS], "clientId": "cs-mine"},
        {"name": "x", "scopes": [ANALYTICS], "clientSecret": "s"},
        {"name": "x", "scopes": [ANALYTICS], "accountId": "a" * 24},
        {"name": "x", "scopes": ["Everything"]},
        {"name": "x", "scopes": []},
        {"name": "x", "scopes": [ANALYTICS, ANALYTICS]},
        {"name": "", "scopes": [ANALYTICS]},
        {"name": "y" * 101, "scopes": [ANALYTICS]},
        {"name": "x", "scopes": [ANALYTICS], "algorithms": ["none"]},
        {"name": "x", "scopes": [ANALYTICS], "algorithms": ["RS256"]},
        {"name": "x", "scopes": [ANALYTICS], "algorithms": []},
        {"name": "x", "scopes": [ANALYTICS], "enforceJti": "true"},
        {"name": 5, "scopes": [ANALYTICS]},
        {"scopes": [ANALYTICS]},
        [],
    ],
)
def test_bad_create_is_400_and_changes_nothing(client: TestClient, body: Any) -> None:
    account_id = create_account(client)
    before = _snapshot(client, account_id)
    error(client.post(f"/admin/accounts/{account_id}/apps", json=body, headers=ADMIN), 400)
    assert _snapshot(client, account_id) == before


@pytest.mark.parametrize("raw", [b'{"name": "a\\u0000b"}', b'{"name": "\\ud800"}'])
def test_unstorable_text_is_400_and_creates_nothing(client: TestClient, raw: bytes) -> None:
    response = client.post("/admin/accounts", content=raw, headers={**ADMIN, "Content-Type": "application/json"})
    error(response, 400)
    assert client.get("/admin/accounts", headers=ADMIN).json() == []


def test_non_json_body_is_400(client: TestClient) -> None:
    account_id = create_account(client)
    response = client.post(f"/admin/accounts/{account_id}/apps", content=b"{not json", headers=ADMIN)
    error(response, 400)


@pytest.mark.parametrize("body", [{"clientSecret": "x"}, {"name": None}, {"scopes": ["Nope"]}, {"enforceJwe": 1}])
def test_bad_patch_is_400_and_changes_nothing(client: TestClient, body: Any) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    before = _snapshot(client, account_id)
    response = client.patch(f"/admin/accounts/{account_id}/apps/{app['clientId']}", json=body, headers=ADMIN)
    error(response, 400)
    assert _snapshot(client, account_id) == before


def test_duplicate_name_is_409_on_create_and_patch(client: TestClient) -> None:
    account_id = create_account(client)
    create_app(client, account_id, name="same")
    other = create_app(client, account_id, name="other")
    before = _snapshot(client, account_id)
    response = client.post(
        f"/admin/accounts/{account_id}/apps", headers=ADMIN, json={"name": "same", "scopes": [ANALYTICS]}
    )
    error(response, 409)
    response = client.patch(
        f"/admin/accounts/{account_id}/apps/{other['clientId']}", headers=ADMIN, json={"name": "same"}
    )
    error(response, 409)
    assert _snapshot(client, account_id) == before
    second_account = create_account(client, "Other")
    create_app(client, second_account, name="same")  # names are unique per account only


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
        {"auth": ADMIN["Authorization"][7:]},
    ],
)
def test_wrong_admin_token_is_401_and_changes_nothing(client: TestClient, headers: dict[str, str]) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    before = _snapshot(client, account_id)
    base = f"/admin/accounts/{account_id}/apps"
    for response in (
        client.post("/admin/accounts", json={"name": "x"}, headers=headers),
        client.get("/admin/accounts", headers=headers),
        client.post(base, json={"name": "x", "scopes": [ANALYTICS]}, headers=headers),
        client.get(f"{base}/{app['clientId']}/credentials", headers=headers),
        client.patch(f"{base}/{app['clientId']}", json={"name": "y"}, headers=headers),
        client.delete(f"{base}/{app['clientId']}?confirm=DELETE", headers=headers),
        client.post(f"{base}/{app['clientId']}/rotate-secret", json={}, headers=headers),
        client.get(f"/admin/accounts/{account_id}/audit", headers=headers),
    ):
        error(response, 401)
        assert app["clientSecret"] not in response.text
    assert _snapshot(client, account_id) == before
    assert len(client.get("/admin/accounts", headers=ADMIN).json()) == 1


def test_foreign_accounts_app_is_404_and_unchanged(client: TestClient) -> None:
    mine = create_account(client, "Mine")
    theirs = create_account(client, "Theirs")
    their_app = create_app(client, theirs)
    before = _snapshot(client, theirs)
    base = f"/admin/accounts/{mine}/apps/{their_app['clientId']}"
    for response in (
        client.get(base, headers=ADMIN),
        client.get(base + "/credentials", headers=ADMIN),
        client.patch(base, json={"name": "stolen"}, headers=ADMIN),
        client.delete(base + "?confirm=DELETE", headers=ADMIN),
        client.post(base + "/rotate-secret", json={"graceSeconds": 0}, headers=ADMIN),
    ):
        error(response, 404)
        assert their_app["clientSecret"] not in response.text
    assert _snapshot(client, theirs) == before
    assert client.get(f"/admin/accounts/{mine}/audit", headers=ADMIN).json() == []


@pytest.mark.parametrize("grace", [-1, 86_401, "10", 1.5])
def test_rotate_bad_grace_is_400(client: TestClient, grace: Any) -> None:
    account_id = create_account(client)
    app = create_app(client, account_id)
    url = f"/admin/accounts/{account_id}/apps/{app['clientId']}"
    error(client.post(url + "/rotate-secret", json={"graceSeconds": grace}, headers=ADMIN), 400)
    assert client.get(url + "/credentials", headers=ADMIN).json()["clientSecret"] == app["clientSecret"]
