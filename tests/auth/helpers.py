"""Token crafting for the auth tests: hand-built JWS/JWE (any header, any bytes) and the apps to aim at."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from functools import cached_property
from typing import Any

from fastapi.testclient import TestClient
from joserfc import jwe
from joserfc.jwk import RSAKey

from tests.factories import ADMIN, ANALYTICS, INGEST, create_account, create_app, token

JWE_ALGS = ("RSA-OAEP-256", "RSA-OAEP")
JWE_ENCS = ("A256GCM", "A128GCM", "A128CBC-HS256", "A256CBC-HS512")
REGISTRY = jwe.JWERegistry(algorithms=[*JWE_ALGS, *JWE_ENCS, "RSA1_5", "A192GCM"])


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def raw_jws(header: bytes | str, payload: bytes | str, secret: str, digest: str = "sha256") -> str:
    """A JWS over exactly these header and payload bytes (so duplicate keys, NaN … can be sent)."""
    header_b = header.encode() if isinstance(header, str) else header
    payload_b = payload.encode() if isinstance(payload, str) else payload
    signing_input = f"{b64(header_b)}.{b64(payload_b)}"
    mac = hmac.new(secret.encode(), signing_input.encode(), getattr(hashlib, digest)).digest()
    return f"{signing_input}.{b64(mac)}"


def claims_json(app: dict[str, Any], extra: str = "") -> str:
    """The vendor's payload as JSON text, with raw `extra` members appended (e.g. ', "exp": NaN')."""
    return '{"sub": "tester", "appId": "' + app["clientId"] + '"' + extra + "}"


def jwe_token(
    app: dict[str, Any],
    inner: str,
    alg: str = "RSA-OAEP-256",
    enc: str = "A256GCM",
    key: dict[str, Any] | None = None,
    **header: Any,
) -> str:
    """A compact JWE (nested JWT) of `inner`, to the app's public key unless `key` is given."""
    public = key or app["jwePublicKey"]
    protected = {"alg": alg, "enc": enc, "cty": "JWT", "kid": app["jwePublicKey"]["kid"], **header}
    protected = {k: v for k, v in protected.items() if v is not None}
    return jwe.encrypt_compact(protected, inner.encode(), RSAKey.import_key(public), registry=REGISTRY)


def fake_jwe(header: dict[str, Any]) -> str:
    """Five segments with a chosen header and junk elsewhere: for headers joserfc would not produce."""
    junk = b64(b"\x01" * 32)
    return ".".join([b64(json.dumps(header).encode()), junk, b64(b"\x02" * 12), junk, b64(b"\x03" * 16)])


def jti_claims(ttl: int = 600) -> dict[str, Any]:
    now = int(time.time())
    return {"jti": uuid.uuid4().hex, "iat": now, "exp": now + ttl}


def unknown_client_id() -> str:
    return f"cs-{uuid.uuid4()}"


class World:
    """Two accounts and, created on first use, the apps a test aims tokens at."""

    def __init__(self, client: TestClient):
        self.client = client
        self.account = create_account(client, "Acme")
        self.other_account = create_account(client, "Globex")

    @cached_property
    def plain(self) -> dict[str, Any]:
        return create_app(self.client, self.account)

    @cached_property
    def hs512(self) -> dict[str, Any]:
        return create_app(self.client, self.account, algorithms=["HS512"])

    @cached_property
    def both_algs(self) -> dict[str, Any]:
        return create_app(self.client, self.account, algorithms=["HS256", "HS512"])

    @cached_property
    def jti(self) -> dict[str, Any]:
        return create_app(self.client, self.account, enforceJti=True)

    @cached_property
    def jwe(self) -> dict[str, Any]:
        return create_app(self.client, self.account, enforceJwe=True)

    @cached_property
    def jwe_jti(self) -> dict[str, Any]:
        return create_app(self.client, self.account, enforceJwe=True, enforceJti=True)

    @cached_property
    def ingest_only(self) -> dict[str, Any]:
        return create_app(self.client, self.account, scopes=[INGEST])

    @cached_property
    def analytics_only(self) -> dict[str, Any]:
        return create_app(self.client, self.account, scopes=[ANALYTICS])

    @cached_property
    def foreign(self) -> dict[str, Any]:
        """An app of the other account."""
        return create_app(self.client, self.other_account)

    @cached_property
    def deleted(self) -> dict[str, Any]:
        app = create_app(self.client, self.account)
        response = self.client.delete(
            f"/admin/accounts/{self.account}/apps/{app['clientId']}?confirm=DELETE", headers=ADMIN
        )
        assert response.status_code == 204
        return app

    @property
    def path(self) -> str:
        return f"/probe/analytics/{self.account}"

    def jws(self, app: dict[str, Any], **claims: Any) -> str:
        return token(app, **claims)
