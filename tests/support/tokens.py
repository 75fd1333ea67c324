"""Client tokens: the vendor's recipe (PyJWT), and hand-built JWS/JWE with any header and any bytes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import jwt
from joserfc import jwe
from joserfc.jwk import RSAKey

JWE_ALGS = ("RSA-OAEP-256", "RSA-OAEP")
JWE_ENCS = ("A256GCM", "A128GCM", "A128CBC-HS256", "A256CBC-HS512")
REGISTRY = jwe.JWERegistry(algorithms=[*JWE_ALGS, *JWE_ENCS, "RSA1_5", "A192GCM"])


def token(app: dict[str, Any], alg: str = "HS256", secret: str | None = None, **claims: Any) -> str:
    """A token the way the vendor's recipe makes one: {"sub", "appId"} signed with the client secret."""
    payload = {"sub": "tester", "appId": app["clientId"], **claims}
    return jwt.encode(payload, secret or app["clientSecret"], algorithm=alg)


def jti_claims(ttl: int = 600) -> dict[str, Any]:
    """A fresh jti with iat now and exp `ttl` seconds ahead (what an Enforce JTI app needs)."""
    now = int(time.time())
    return {"jti": uuid.uuid4().hex, "iat": now, "exp": now + ttl}


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


def unknown_client_id() -> str:
    return f"cs-{uuid.uuid4()}"
