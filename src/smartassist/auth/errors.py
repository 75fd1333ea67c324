"""AuthFailure: a 401/403 that carries a short, stable reason label (the metrics label of auth failures)."""

from __future__ import annotations

from typing import Literal, get_args

from smartassist.errors import ApiError

Reason = Literal[
    "missing",  # no token in `auth:` or `Authorization: Bearer`
    "conflicting_headers",  # two headers carrying different tokens
    "too_large",  # over the size limit; refused before any parsing
    "malformed",  # not compact JOSE, bad base64url/JSON, duplicate keys, crit headers
    "alg_not_allowed",  # JWS alg not HS256/HS512, or not in the app's list
    "app_id",  # appId claim missing, not a string, or not the app the JWE was encrypted for
    "unknown_app",  # appId names no app (never created, or deleted)
    "bad_signature",  # no current (or in-grace previous) secret verifies the signature
    "invalid_claims",  # exp/nbf/iat present but not a NumericDate
    "expired",  # exp passed (beyond leeway)
    "not_yet_valid",  # nbf or iat in the future (beyond leeway)
    "jti_missing",  # Enforce JTI: no jti claim
    "jti_invalid",  # a jti claim (any app) that is not a non-empty string of printable characters ≤ 255
    "jti_exp",  # a token with a jti (any app): exp missing or lifetime over one hour
    "jti_replayed",  # a token with a jti (any app): jti already used by this app
    "jwe_required",  # Enforce JWE: a plain JWS was sent
    "jwe_kid",  # JWE kid missing or not the key of an app that uses JWE
    "jwe_alg",  # JWE alg/enc outside the allowed lists
    "jwe_zip",  # compressed JWE
    "jwe_decrypt",  # JWE decryption or integrity check failed
    "scope",  # 403: the app lacks the route's scope
    "account",  # 403: the app belongs to another account than the route's
    "admin_scope",  # 403: admin token on an ingest route without an account in the path
    "admin_token",  # /admin: admin bearer token missing or wrong
]
REASONS: tuple[Reason, ...] = get_args(Reason)


class AuthFailure(ApiError):
    """Raised for every authentication/authorization failure; `reason` never contains client input."""

    def __init__(self, reason: Reason, msg: str, status: int = 401):
        super().__init__(status, msg)
        self.reason: Reason = reason
        self.auth_reason = reason
