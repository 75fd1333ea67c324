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

from smartassist.auth.compact import b64url_decode, json_object
from smartassist.auth.credentials import StoredCredentials
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
class Presented:
    """A token parsed as far as it can be before its app's credentials are read (credentials.CredentialStore):
    a JWE names its app's key by `kid`; a JWS names its app by the `appId` claim."""

    token: str
    by_kid: bool
    key: str  # the JWE kid, or the JWS appId
    alg: str = ""  # JWS only: header alg and claims, parsed once
    claims: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Verified:
    """A genuine token's app, and the jti it carries, if any, to claim (claim_jti) before serving."""

    app: StoredCredentials
    jti: str | None = None
    jti_expires_at: int = 0  # the last instant the token is accepted (exp plus leeway), epoch ms


def present(token: str, *, max_bytes: int) -> Presented:
    """Size and shape checks, then the parts that name the app: cheap work that refuses most garbage before
    any lookup. Header values are latin-1 decoded, one character per byte: len() is the size on the wire."""
    if len(token) > max_bytes:
        raise AuthFailure("too_large", f"token larger than {max_bytes} bytes")
    segments = token.split(".")
    if len(segments) == 5:
        return Presented(token, True, header_kid(checked_header(segments[0])))
    if len(segments) != 3:
        raise AuthFailure("malformed", "token is not a compact JWS or JWE")
    alg = _header_alg(json_object(segments[0], "token header"))
    claims = json_object(segments[1], "token payload")
    return Presented(token, False, _app_id(claims), alg, claims)


@dataclass(frozen=True, slots=True)
class Genuine:
    """A token its app signed (or encrypted for): the app's credentials it was checked against and its claims.
    Its time claims and jti are checked apart (check_claims), on every use, since they depend on the time."""

    app: StoredCredentials
    claims: dict[str, Any]
    by_current_secret: bool  # False: signed with the previous secret, accepted only while its grace lasts


def verify_token(presented: Presented, app: StoredCredentials | None, box: SecretBox, *, leeway_s: int) -> Verified:
    """`app` (the credentials `presented` names, None when there are none) signed the token, or AuthFailure
    naming what is wrong (never echoing the token). Reads nothing: the caller claims the returned jti, if
    any, once it has nothing else to refuse the request for.
    """
    return check_claims(verify_signature(presented, app, box), leeway_s=leeway_s)


def verify_signature(presented: Presented, app: StoredCredentials | None, box: SecretBox) -> Genuine:
    """The JWE layer, the app binding, the algorithm and the signature: what does not change with the time."""
    if presented.by_kid:
        if app is None or not app.enforce_jwe or app.jwe_private_key_enc is None:
            raise AuthFailure("jwe_kid", "JWE kid does not name the key of an app that uses JWE")
        jws = decrypt_nested(presented.token, box.open(app.jwe_private_key_enc))
        header_segment, claims_segment, _ = jws.split(".")
        alg = _header_alg(json_object(header_segment, "token header"))
        claims = json_object(claims_segment, "token payload")
        if app.client_id != _app_id(claims):
            raise AuthFailure("app_id", "appId does not match the app the token was encrypted for")
    else:
        if app is None:
            raise AuthFailure("unknown_app", "appId does not name an app")
        if app.enforce_jwe:
            raise AuthFailure("jwe_required", "this app requires an encrypted (JWE) token")
        jws, alg, claims = presented.token, presented.alg, presented.claims or {}
    if alg not in app.algorithms:
        raise AuthFailure("alg_not_allowed", f"algorithm {alg} not allowed for this app")
    by_current = _check_hmac(jws, alg, _secrets(app, box, now_ms()))
    return Genuine(app, claims, by_current)


def check_claims(genuine: Genuine, *, leeway_s: int) -> Verified:
    """exp, nbf, iat and the jti rules against the current time, and the previous secret's grace period."""
    app = genuine.app
    now = now_ms()
    if not genuine.by_current_secret and not (app.previous_secret_until and now < app.previous_secret_until):
        raise AuthFailure("bad_signature", "token signature invalid")
    times = _time_claims(genuine.claims, now, leeway_s * 1000)
    jti = _jti(genuine.claims, times, now, required=app.enforce_jti)
    if jti is None:
        return Verified(app)
    return Verified(app, jti, int(times["exp"] * 1000) + leeway_s * 1000)


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


def _check_hmac(jws: str, alg: str, keys: list[str]) -> bool:
    """The HMAC of the signing input (RFC 7515 §5.2: `header.payload` as sent), compared in constant time with
    the signature, for each key; True when the first (current) key verifies it. Claims are checked by us,
    strictly.

    Computed here rather than by PyJWT's decode, which parsed the header and payload again (compact.py
    already did, strictly) and inspected the key on every call: 8% of an authenticated request's CPU.
    """
    signing_input, _, signature_segment = jws.rpartition(".")
    signature = b64url_decode(signature_segment, "token signature")
    message = signing_input.encode("ascii")  # compact.py admitted only base64url characters and one dot
    for index, key in enumerate(keys):
        if hmac.compare_digest(hmac.new(key.encode(), message, DIGESTS[alg]).digest(), signature):
            return index == 0
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
