"""Verifying a client's token: size, JWE layer, JWS header, appId, signature, time claims, jti."""

from __future__ import annotations

from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from smartassist.apps.models import App
from smartassist.auth.errors import AuthFailure
from smartassist.auth.jti import claim_jti
from smartassist.auth.jwe import decrypt_nested, protected_header
from smartassist.crypto import SecretBox
from smartassist.db import now_ms

KNOWN_ALGS = ("HS256", "HS512")
MAX_JTI_LIFETIME_S = 3600
MAX_JTI_LENGTH = 255


def verify_token(session: Session, box: SecretBox, token: str, *, leeway_s: int, max_bytes: int) -> App:
    """The app that signed `token`, or AuthFailure naming what is wrong (never echoing the token)."""
    if len(token) > max_bytes:
        raise AuthFailure("too_large", f"token larger than {max_bytes} bytes")
    parts = token.count(".")
    if parts not in (2, 4):
        raise AuthFailure("malformed", "token is not a compact JWS or JWE")
    jws = token
    app: App | None = None
    if parts == 4:
        app = _app_for_jwe(session, token)
        jws = decrypt_nested(token, box.open(app.jwe_private_key_enc or ""))
        if jws.count(".") != 2:
            raise AuthFailure("malformed", "JWE payload is not a JWS")
    alg = _header_alg(jws)
    claims = _unverified_claims(jws)
    app_id = claims.get("appId")
    if not isinstance(app_id, str) or not app_id:
        raise AuthFailure("app_id", "appId claim missing or not a string")
    if app is None:
        app = session.get(App, app_id)
        if app is None:
            raise AuthFailure("unknown_app", "appId does not name an app")
        if app.enforce_jwe:
            raise AuthFailure("jwe_required", "this app requires an encrypted (JWE) token")
    elif app.client_id != app_id:
        raise AuthFailure("app_id", "appId does not match the app the token was encrypted for")
    if alg not in app.algorithms:
        raise AuthFailure("alg_not_allowed", f"algorithm {alg} not allowed for this app")
    now = now_ms()
    verified = _verify_signature(jws, alg, _secrets(app, box, now), leeway_s)
    _check_iat(verified, now, leeway_s)
    if app.enforce_jti:
        jti, expires_at_ms = _jti_claims(verified, now)
        claim_jti(session, app.client_id, jti, expires_at_ms + leeway_s * 1000, now)
    return app


def _app_for_jwe(session: Session, token: str) -> App:
    """The app whose key the JWE is encrypted to, found by the `kid` header."""
    kid = protected_header(token).get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthFailure("jwe_kid", "JWE header has no kid")
    app = session.scalar(select(App).where(App.jwe_kid == kid))
    if app is None or not app.enforce_jwe or app.jwe_private_key_enc is None:
        raise AuthFailure("jwe_kid", "JWE kid does not name the key of an app that uses JWE")
    return app


def _header_alg(token: str) -> str:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise AuthFailure("malformed", "malformed token header") from exc
    alg = header.get("alg")
    if alg not in KNOWN_ALGS:
        raise AuthFailure("alg_not_allowed", "token algorithm not allowed")
    return str(alg)


def _unverified_claims(token: str) -> dict[str, Any]:
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise AuthFailure("malformed", "malformed token payload") from exc
    if not isinstance(claims, dict):
        raise AuthFailure("malformed", "token payload is not a JSON object")
    return claims


def _secrets(app: App, box: SecretBox, now: int) -> list[str]:
    keys = [box.open(app.secret_enc)]
    if app.previous_secret_enc and app.previous_secret_until and now < app.previous_secret_until:
        keys.append(box.open(app.previous_secret_enc))
    return keys


def _verify_signature(token: str, alg: str, keys: list[str], leeway_s: int) -> dict[str, Any]:
    for key in keys:
        try:
            claims: dict[str, Any] = jwt.decode(
                token, key, algorithms=[alg], leeway=leeway_s,
                options={"require": [], "verify_aud": False, "verify_iss": False, "verify_sub": False},
            )
            return claims
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError as exc:
            raise AuthFailure("expired", "token expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise AuthFailure("not_yet_valid", "token not yet valid (nbf/iat in the future)") from exc
        except jwt.PyJWTError as exc:
            raise AuthFailure("invalid_claims", "token claims invalid (exp/nbf/iat must be numbers)") from exc
    raise AuthFailure("bad_signature", "token signature invalid")


def _check_iat(claims: dict[str, Any], now: int, leeway_s: int) -> None:
    iat = claims.get("iat")
    if iat is not None and (not isinstance(iat, int | float) or isinstance(iat, bool)):
        raise AuthFailure("invalid_claims", "iat must be a number")
    if iat is not None and iat * 1000 > now + leeway_s * 1000:
        raise AuthFailure("not_yet_valid", "token issued in the future (iat)")


def _jti_claims(claims: dict[str, Any], now: int) -> tuple[str, int]:
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        raise AuthFailure("jti_missing", "jti claim required by this app")
    if len(jti) > MAX_JTI_LENGTH:
        raise AuthFailure("jti_invalid", f"jti longer than {MAX_JTI_LENGTH} characters")
    exp = claims.get("exp")
    if not isinstance(exp, int | float) or isinstance(exp, bool):
        raise AuthFailure("jti_exp", "exp claim required when jti is enforced")
    start = claims.get("iat", now / 1000)
    if exp - start > MAX_JTI_LIFETIME_S:
        raise AuthFailure("jti_exp", "token lifetime over 1 hour is not allowed when jti is enforced")
    return jti, int(exp * 1000)
