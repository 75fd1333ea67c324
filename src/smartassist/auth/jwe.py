"""Decrypting the outer layer of a nested JWT (JWE whose plaintext is the signed JWS)."""

from __future__ import annotations

import base64
import json

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from smartassist.auth.errors import AuthFailure

ALLOWED_ALGS = ("RSA-OAEP-256", "RSA-OAEP")
ALLOWED_ENCS = ("A256GCM", "A128GCM", "A128CBC-HS256", "A256CBC-HS512")
REGISTRY = jwe.JWERegistry(algorithms=[*ALLOWED_ALGS, *ALLOWED_ENCS])


def protected_header(token: str) -> dict[str, object]:
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, UnicodeDecodeError) as exc:
        raise AuthFailure("malformed", "malformed JWE header") from exc
    if not isinstance(header, dict):
        raise AuthFailure("malformed", "malformed JWE header")
    return header


def decrypt_nested(token: str, private_pem: str) -> str:
    """The inner JWS of a compact JWE, after checking the header against the allowed algorithms."""
    header = protected_header(token)
    if "zip" in header:
        raise AuthFailure("jwe_zip", "compressed (zip) JWE is not accepted")
    if header.get("alg") not in ALLOWED_ALGS or header.get("enc") not in ALLOWED_ENCS:
        raise AuthFailure("jwe_alg", "JWE alg/enc not allowed")
    try:
        key = RSAKey.import_key(private_pem)
        plaintext = jwe.decrypt_compact(token, key, registry=REGISTRY).plaintext
    except (JoseError, ValueError, TypeError) as exc:
        raise AuthFailure("jwe_decrypt", "JWE could not be decrypted") from exc
    if plaintext is None:
        raise AuthFailure("jwe_decrypt", "JWE could not be decrypted")
    try:
        return plaintext.decode("ascii")
    except UnicodeDecodeError as exc:
        raise AuthFailure("malformed", "JWE payload is not a JWS") from exc
