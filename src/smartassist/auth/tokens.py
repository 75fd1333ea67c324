"""Verifying a client's token: size, JWE layer, JWS header, appId, signature, time claims, jti.

Everything an attacker controls is parsed strictly (auth/compact.py) and checked for type and range
before it reaches the database or a comparison, so odd input is a 401 and never a 500. The order is
cheap-first: size, shape, headers, app lookup, then key work (RSA, HMAC), then claims, then the caller's
scope/account checks. The jti is returned, not written: the caller claims it last (auth/deps.py), so a
refused request never burns a jti.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from smartassist.apps.models import App
from smartassist.auth.compact import b64url_decode, json_object
from smartassist.auth.errors import AuthFailure
from smartassist.auth.jwe import checked_header, decrypt_nested, header_kid
from smartassist.clock import now_ms
from smartassist.crypto import SecretBox
from smartassist.ids import MAX_CLIENT_ID_LENGTH, plausible_key

DIGESTS = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}
KNOWN_ALGS = tuple(DIGESTS)
MAX_JTI_LIFETIME_S = 3600
# The vendor's messages, verbatim (SDK security page); clients written for the vendor may match on them.
JTI_EXP_MSG = 'error verifying the jwt: if "jti" claim "exp" must be <= 1 hour(s)'
MAX_JTI_LENGTH = 255
MAX_NUMERIC_DATE = 253_402_300_799  # 9999-12-31T23:59:59Z: anything later is not a date
TIME_CLAIMS = ("exp", "nbf", "iat")


@dataclass(frozen=True, slots=True)
class StoredCredentials:
    """What token checks read of an app: a plain row, not an ORM object (read on every request)."""

    client_id: str
    account_id: str
    scopes: list[str]
    algorithms: list[str]
    enforce_jti: bool
    enforce_jwe: bool
    secret_enc: str
    previous_secret_enc: str | None
    previous_secret_until: int | None
    jwe_private_key_enc: str | None


# Built once, as Core statements with bound parameters: constructing an ORM statement per request (and its
# cache key, and the ORM result loading) cost more CPU than the query's round trip.
_apps = App.__table__.c
_CREDENTIALS = select(
    _apps.client_id,
    _apps.account_id,
    _apps.scopes,
    _apps.algorithms,
    _apps.enforce_jti,
    _apps.enforce_jwe,
    _apps.secret_enc,
    _apps.previous_secret_enc,
    _apps.previous_secret_until,
    _apps.jwe_private_key_enc,
)
BY_CLIENT_ID = _CREDENTIALS.where(_apps.client_id == bindparam("key"))
BY_JWE_KID = _CREDENTIALS.where(_apps.jwe_kid == bindparam("key"))


def _credentials(connection: Connection, statement: Select[Any], key: str) -> StoredCredentials | None:
    row = connection.execute(statement, {"key": key}).first()
    return None if row is None else StoredCredentials(**row._mapping)


@dataclass(frozen=True, slots=True)
class Verified:
    """A genuine token's app, and the jti it carries, if any, to claim (claim_jti) before serving."""

    app: StoredCredentials
    jti: str | None = None
    jti_expires_at: int = 0  # the last instant the token is accepted (exp plus leeway), epoch ms


def verify_token(
    connection: Connection,
    box: SecretBox,
    token: str,
    *,
    leeway_s: int,
    max_bytes: int,
) -> Verified:
    """The app that signed `token`, or AuthFailure naming what is wrong (never echoing the token). Reads only:
    the caller claims the returned jti, if any, once it has nothing else to refuse the request for.
    """
    # Header values are latin-1 decoded, one character per byte: len() is the size on the wire.
    if len(token) > max_bytes:
        raise AuthFailure("too_large", f"token larger than {max_bytes} bytes")
    segments = token.split(".")
    app: StoredCredentials | None = None
    if len(segments) == 5:
        app = _app_for_jwe(connection, checked_header(segments[0]))
        jws = decrypt_nested(token, box.open(app.jwe_private_key_enc or ""))
        segments = jws.split(".")
    elif len(segments) == 3:
        jws = token
    else:
        raise AuthFailure("malformed", "token is not a compact JWS or JWE")
    alg = _header_alg(json_object(segments[0], "token header"))
    claims = json_object(segments[1], "token payload")
    app_id = _app_id(claims)
    if app is None:
        app = _credentials(connection, BY_CLIENT_ID, app_id)
        if app is None:
            raise AuthFailure("unknown_app", "appId does not name an app")
        if app.enforce_jwe:
            raise AuthFailure("jwe_required", "this app requires an encrypted (JWE) token")
    elif app.client_id != app_id:
        raise AuthFailure("app_id", "appId does not match the app the token was encrypted for")
    if alg not in app.algorithms:
        raise AuthFailure("alg_not_allowed", f"algorithm {alg} not allowed for this app")
    now = now_ms()
    _verify_signature(jws, alg, _secrets(app, box, now))
    times = _time_claims(claims, now, leeway_s * 1000)
    jti = _jti(claims, times, now, required=app.enforce_jti)
    if jti is None:
        return Verified(app)
    return Verified(app, jti, int(times["exp"] * 1000) + leeway_s * 1000)


def _app_for_jwe(connection: Connection, header: dict[str, Any]) -> StoredCredentials:
    """The app whose key the JWE is encrypted to, found by the `kid` header."""
    app = _credentials(connection, BY_JWE_KID, header_kid(header))
    if app is None or not app.enforce_jwe or app.jwe_private_key_enc is None:
        raise AuthFailure("jwe_kid", "JWE kid does not name the key of an app that uses JWE")
    return app


def _header_alg(header: dict[str, Any]) -> str:
    alg = header.get("alg")
    if alg not in KNOWN_ALGS:
        raise AuthFailure("alg_not_allowed", f"token alg must be one of {', '.join(KNOWN_ALGS)}")
    if "crit" in header or header.get("b64", True) is not True:
        raise AuthFailure("malformed", "JWS header extensions (crit, b64) are not supported")
    if not isinstance(header.get("kid", ""), str):  # RFC 7515 §4.1.4: a string (unused here, but checked)
        raise AuthFailure("malformed", "malformed token: kid must be a string")
    return str(alg)


def _app_id(claims: dict[str, Any]) -> str:
    """The appId claim, shape-checked so no odd value (NUL, lone surrogate, 6 KB) reaches the database."""
    app_id = claims.get("appId")
    if not plausible_key(app_id, MAX_CLIENT_ID_LENGTH):
        raise AuthFailure("app_id", "appId claim must be the clientId of an app (a string)")
    return app_id


def _secrets(app: StoredCredentials, box: SecretBox, now: int) -> list[str]:
    """The current secret, then the previous one while its rotation grace period lasts."""
    keys = [box.open(app.secret_enc)]
    if app.previous_secret_enc and app.previous_secret_until and now < app.previous_secret_until:
        keys.append(box.open(app.previous_secret_enc))
    return keys


def _verify_signature(jws: str, alg: str, keys: list[str]) -> None:
    """The HMAC of the signing input (RFC 7515 §5.2: `header.payload` as sent), compared in constant time with
    the signature, for each key; claims are checked by us, strictly.

    Computed here rather than by PyJWT's decode, which parsed the header and payload again (compact.py
    already did, strictly) and inspected the key on every call: 8% of an authenticated request's CPU.
    """
    signing_input, _, signature_segment = jws.rpartition(".")
    signature = b64url_decode(signature_segment, "token signature")
    message = signing_input.encode("ascii")  # compact.py admitted only base64url characters and one dot
    for key in keys:
        if hmac.compare_digest(hmac.new(key.encode(), message, DIGESTS[alg]).digest(), signature):
            return
    raise AuthFailure("bad_signature", "token signature invalid")


def _time_claims(claims: dict[str, Any], now: int, leeway_ms: int) -> dict[str, float]:
    """exp/nbf/iat that are present, as NumericDates (seconds), checked against now with leeway."""
    times: dict[str, float] = {}
    for name in TIME_CLAIMS:
        if name not in claims:
            continue
        value = claims[name]
        # The range test also refuses NaN and infinities, and compares huge ints without converting them.
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= MAX_NUMERIC_DATE:
            raise AuthFailure("invalid_claims", f"{name} must be a NumericDate (seconds since the epoch)")
        times[name] = float(value)
    if "exp" in times and times["exp"] * 1000 <= now - leeway_ms:
        raise AuthFailure("expired", "token expired")
    if "nbf" in times and times["nbf"] * 1000 > now + leeway_ms:
        raise AuthFailure("not_yet_valid", "token not yet valid (nbf)")
    if "iat" in times and times["iat"] * 1000 > now + leeway_ms:
        raise AuthFailure("not_yet_valid", "token issued in the future (iat)")
    return times


def _jti(claims: dict[str, Any], times: dict[str, float], now: int, *, required: bool) -> str | None:
    """The token's jti, to be claimed once, or None when it carries none (refused when the app requires one).

    The rules hold for every app whose token carries a jti, as the vendor's SDK security page states them
    ("in case jti claim is passed"): a jti that could not be claimed (not a printable string) is refused
    rather than ignored, so no token escapes the single-use rule by its jti's type; and the token must
    carry `exp` no more than an hour after `iat` (or after now, without iat).
    """
    if "jti" not in claims:
        if required:
            raise AuthFailure("jti_missing", "jti claim (a non-empty string) required by this app")
        return None
    jti = claims["jti"]
    if not plausible_key(jti, MAX_JTI_LENGTH):
        raise AuthFailure(
            "jti_invalid", f"jti must be a non-empty string of at most {MAX_JTI_LENGTH} printable characters"
        )
    if "exp" not in times or times["exp"] - times.get("iat", now / 1000) > MAX_JTI_LIFETIME_S:
        raise AuthFailure("jti_exp", JTI_EXP_MSG)
    return jti
