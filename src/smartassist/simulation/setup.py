"""The account (and, for the demo, the app) the simulator writes to, found or created through the admin routes.

Through HTTP only, like the records themselves, so a remote server of this contract works the same as the
in-process one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx


class SetupError(Exception):
    """An admin route answered something other than what the contract promises."""


def _admin(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _json(response: httpx.Response, *expected: int) -> Any:
    if response.status_code not in expected:
        raise SetupError(
            f"{response.request.method} {response.request.url.path} -> {response.status_code}: {response.text[:300]}"
        )
    return response.json()


def ensure_account(client: httpx.Client, admin_token: str, name: str) -> str:
    """The oldest account with this name, created when there is none."""
    accounts = _json(client.get("/admin/accounts", headers=_admin(admin_token)), 200)
    named = sorted((a["createdAt"], a["accountId"]) for a in accounts if a["name"] == name)
    if named:
        return str(named[0][1])
    created = _json(client.post("/admin/accounts", json={"name": name}, headers=_admin(admin_token)), 201)
    return str(created["accountId"])


def check_account(client: httpx.Client, admin_token: str, account_id: str) -> None:
    _json(client.get(f"/admin/accounts/{account_id}", headers=_admin(admin_token)), 200)


@dataclass(frozen=True)
class AppCredentials:
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


def ensure_app(
    client: httpx.Client, admin_token: str, account_id: str, name: str, wanted_scopes: Sequence[str]
) -> AppCredentials:
    """The account's app of this name with every wanted scope the server knows (added to an existing app)."""
    headers = _admin(admin_token)
    known = set(_json(client.get("/admin/scopes", headers=headers), 200)["scopes"])
    scopes = [scope for scope in wanted_scopes if scope in known]
    apps = _json(client.get(f"/admin/accounts/{account_id}/apps", headers=headers), 200)
    existing = next((app for app in apps if app["name"] == name), None)
    if existing is None:
        body = {"name": name, "scopes": scopes, "algorithms": ["HS256", "HS512"]}
        created = _json(client.post(f"/admin/accounts/{account_id}/apps", json=body, headers=headers), 201)
        return AppCredentials(created["clientId"], created["clientSecret"], tuple(created["scopes"]))
    path = f"/admin/accounts/{account_id}/apps/{existing['clientId']}"
    granted = list(existing["scopes"])
    missing = [scope for scope in scopes if scope not in granted]
    if missing:
        granted = _json(client.patch(path, json={"scopes": granted + missing}, headers=headers), 200)["scopes"]
    credentials = _json(client.get(path + "/credentials", headers=headers), 200)
    return AppCredentials(credentials["clientId"], credentials["clientSecret"], tuple(granted))
