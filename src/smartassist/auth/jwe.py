"""Decrypting the outer layer of a nested JWT (a compact JWE whose plaintext is the signed JWS)."""

from __future__ import annotations

import functools
from typing import Any

from joserfc import jwe
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from smartassist.auth.compact import json_object
from smartassist.auth.errors import AuthFailure
from smartassist.ids import plausible_key

ALLOWED_ALGS = ("RSA-OAEP-256", "RSA-OAEP")
ALLOWED_ENCS = ("A256GCM", "A128GCM", "A128CBC-HS256", "A256CBC-HS512")
REGISTRY = jwe.JWERegistry(algorithms=[*ALLOWED_ALGS, *ALLOWED_ENCS])
MAX_KID_LENGTH = 64


def checked_header(segment: str) -> dict[str, Any]:
    """The JWE protected header, refused before any key work when it asks for anything not allowed."""
    header = json_object(segment, "JWE header")
    if "zip" in header:
        raise AuthFailure("jwe_zip", "compressed (zip) JWE is not accepted")
    if "crit" in header:
        raise AuthFailure("malformed", "critical JWE header extensions are not supported")
    if header.get("alg") not in ALLOWED_ALGS or header.get("enc") not in ALLOWED_ENCS:
        raise AuthFailure(
            "jwe_alg", f"JWE alg must be one of {', '.join(ALLOWED_ALGS)} and enc one of {', '.join(ALLOWED_ENCS)}"
        )
    return header


def header_kid(header: dict[str, Any]) -> str:
    """The `kid` naming the app's key; shape-checked so no odd value (NUL, 6 KB) reaches the database."""
    kid = header.get("kid")
    if not plausible_key(kid, MAX_KID_LENGTH):
        raise AuthFailure("jwe_kid", "JWE header needs the kid of the app's public key")
    return kid


@functools.lru_cache(maxsize=256)
def _private_key(private_pem: str) -> RSAKey:
    """Importing a PEM validates the RSA key (~35 ms); a cache keeps that off the request path."""
    return RSAKey.import_key(private_pem)


def decrypt_nested(token: str, private_pem: str) -> str:
    """The inner JWS of a compact JWE whose header passed `checked_header`; one message for every failure."""
    try:
        plaintext = jwe.decrypt_compact(token, _private_key(private_pem), registry=REGISTRY).plaintext
    except (JoseError, ValueError, TypeError) as exc:
        raise AuthFailure("jwe_decrypt", "JWE could not be decrypted") from exc
    if plaintext is None:
        raise AuthFailure("jwe_decrypt", "JWE could not be decrypted")
    try:
        inner = plaintext.decode("ascii")
    except UnicodeDecodeError as exc:
        raise AuthFailure("malformed", "JWE payload is not a JWS") from exc
    if inner.count(".") != 2:
        raise AuthFailure("malformed", "JWE payload is not a JWS")
    return inner
