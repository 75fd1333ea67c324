"""Minting a token the way a client of the vendor API does: an HS256/HS512 JWS, optionally wrapped in a JWE.

Used by `smartassist token` and the demo; it only needs the app's credentials (and public JWK for JWE),
never the server's database, so it shows exactly what a client has to do.
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path
from typing import Any

import jwt
from joserfc import jwe
from joserfc.jwk import RSAKey

# The server's own rules (algorithms, the Enforce JTI lifetime, the accepted JWE algorithms): one definition.
from smartassist.auth.jwe import REGISTRY
from smartassist.auth.tokens import KNOWN_ALGS, MAX_JTI_LIFETIME_S

JWE_ALG = "RSA-OAEP-256"  # of the accepted alg/enc pairs, the one this client encrypts with
JWE_ENC = "A256GCM"


class TokenOptionError(ValueError):
    """Options that cannot make a token the server would accept."""


def token_claims(
    client_id: str, *, now_s: int, sub: str | None = None, jti: str | None = None, ttl_s: int | None = None
) -> dict[str, Any]:
    """The claims: appId (vendor spelling), iat, and exp/jti/sub when asked for.

    A jti token always carries exp: the server refuses jti tokens living longer than an hour or forever,
    so without --ttl a jti token gets the maximum hour.
    """
    if ttl_s is not None and ttl_s <= 0:
        raise TokenOptionError("ttl must be a positive number of seconds")
    if jti is not None:
        ttl_s = MAX_JTI_LIFETIME_S if ttl_s is None else ttl_s
        if ttl_s > MAX_JTI_LIFETIME_S:
            raise TokenOptionError(f"a token with a jti may live at most {MAX_JTI_LIFETIME_S} seconds")
    claims: dict[str, Any] = {"appId": client_id, "iat": now_s}
    if sub is not None:
        claims["sub"] = sub
    if ttl_s is not None:
        claims["exp"] = now_s + ttl_s
    if jti is not None:
        claims["jti"] = jti
    return claims


def sign(claims: dict[str, Any], secret: str, alg: str = "HS256") -> str:
    if alg not in KNOWN_ALGS:
        raise TokenOptionError(f"algorithm must be one of {', '.join(KNOWN_ALGS)}")
    return jwt.encode(claims, secret, algorithm=alg)


def load_public_jwk(path: Path) -> dict[str, Any]:
    """A public JWK from a file: the JWK itself, or the app's credentials JSON holding `jwePublicKey`."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise TokenOptionError(f"cannot read a JSON key from {path}: {exc}") from exc
    if isinstance(data, dict) and isinstance(data.get("jwePublicKey"), dict):
        data = data["jwePublicKey"]
    if not isinstance(data, dict) or data.get("kty") != "RSA" or not data.get("kid"):
        raise TokenOptionError(f"{path} does not hold an RSA public JWK with a kid")
    return data


def encrypt(jws: str, public_jwk: dict[str, Any]) -> str:
    """Nested JWT: the signed token as the plaintext of a compact JWE to the app's public key."""
    key = RSAKey.import_key(public_jwk)
    header = {"alg": JWE_ALG, "enc": JWE_ENC, "cty": "JWT", "kid": public_jwk["kid"]}
    return jwe.encrypt_compact(header, jws, key, registry=REGISTRY)


def mint(
    client_id: str,
    secret: str,
    *,
    alg: str = "HS256",
    sub: str | None = None,
    with_jti: bool = False,
    ttl_s: int | None = None,
    public_jwk: dict[str, Any] | None = None,
) -> str:
    jti = secrets.token_hex(16) if with_jti else None
    claims = token_claims(client_id, now_s=int(time.time()), sub=sub, jti=jti, ttl_s=ttl_s)
    token = sign(claims, secret, alg)
    return encrypt(token, public_jwk) if public_jwk is not None else token
