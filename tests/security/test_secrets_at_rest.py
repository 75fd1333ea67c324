"""Secrets at rest and in transit: private files whatever the data directory's mode, no admin token in the
log, no cached secret responses, an audit trail that pages through every entry and names its actor."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from smartassist import cli
from smartassist.config import Settings
from smartassist.db import make_engine
from tests.support.tenants import ADMIN, create_account, create_app


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_0600_in_a_0755_data_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "secret.key").write_text("an-existing-key\n")
    (data / "secret.key").chmod(0o644)
    settings = Settings(data_dir=data, database_url=None, admin_token=None, secret_key=None)
    cli._prepare(settings)  # migrates (creating the database), makes the secrets
    engine = make_engine(settings.resolved_database_url())
    try:
        with engine.begin() as conn:  # a write, so SQLite has its -wal and -shm open
            conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0)"))
            files = {p.name: _mode(p) for p in data.iterdir() if p.is_file()}
    finally:
        engine.dispose()
    assert {"smartassist.db", "smartassist.db-wal", "smartassist.db-shm", "admin.token", "secret.key"} <= set(files)
    assert files == dict.fromkeys(files, 0o600)
    err = capsys.readouterr().err
    token = (data / "admin.token").read_text().strip()
    assert token not in err and str(data / "admin.token") in err


@pytest.mark.parametrize("route", ["create", "credentials", "rotate"])
def test_responses_with_a_secret_are_not_stored(client: TestClient, route: str) -> None:
    account = create_account(client)
    body = {"name": "app", "scopes": ["SmartAssist Analytics"]}
    response = client.post(f"/admin/accounts/{account}/apps", json=body, headers=ADMIN)
    path = f"/admin/accounts/{account}/apps/{response.json()['clientId']}"
    if route == "credentials":
        response = client.get(f"{path}/credentials", headers=ADMIN)
    elif route == "rotate":
        response = client.post(f"{path}/rotate-secret", headers=ADMIN)
    assert response.status_code in (200, 201) and "clientSecret" in response.json()
    assert response.headers["cache-control"] == "no-store"
    assert "no-store" not in client.get(path, headers=ADMIN).headers.get("cache-control", "")


def test_audit_pages_through_every_entry_newest_first_with_the_actor(client: TestClient) -> None:
    account = create_account(client)
    app = create_app(client, account)
    path = f"/admin/accounts/{account}/apps/{app['clientId']}"
    assert client.get(f"{path}/credentials", headers=ADMIN).status_code == 200
    for n in range(24):  # harmless edits after the credentials view
        assert client.patch(path, json={"name": f"renamed-{n}"}, headers=ADMIN).status_code == 200
    pages = [
        client.get(f"/admin/accounts/{account}/audit?limit=10&offset={offset}", headers=ADMIN).json()
        for offset in (0, 10, 20)
    ]
    assert [len(page) for page in pages] == [10, 10, 6]
    entries = [entry for page in pages for entry in page]
    assert [e["action"] for e in entries] == ["app.updated"] * 24 + ["app.credentials_viewed", "app.created"]
    names = [e["detail"].get("changed", {}).get("name") for e in entries[:3]]
    assert names == ["renamed-23", "renamed-22", "renamed-21"]
    assert {e["actor"] for e in entries} == {"admin"}
    for query in ("limit=0", "limit=1001", "offset=-1", "limit=x"):
        response = client.get(f"/admin/accounts/{account}/audit?{query}", headers=ADMIN)
        assert response.status_code == 400 and response.json()["errors"][0]["code"] == 400
