"""A table of hostile tokens and header combinations: each is refused with the right status, code and
reason, the body is exactly the error shape, and the token is not echoed.

Every row runs on SQLite and PostgreSQL (see tests/conftest.py).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from smartassist.auth.errors import REASONS
from smartassist.auth.models import UsedJti
from tests.auth.helpers import World
from tests.conftest import ADMIN_TOKEN
from tests.support.tenants import ADMIN
from tests.support.tokens import b64, claims_json, fake_jwe, jti_claims, jwe_token, raw_jws, token, unknown_client_id

# The vendor's messages, verbatim from its SDK security page (restated, not imported from the code under test).
JTI_EXP_MSG = 'error verifying the jwt: if "jti" claim "exp" must be <= 1 hour(s)'
REPLAY_MSG = "error verifying the jwt: possibly a replay"

pytestmark = pytest.mark.filterwarnings("ignore:JWE algorithm .RSA1_5. is deprecated")

Headers = list[tuple[str, str | bytes]]


def now() -> int:
    """The time a row's token is built: rows run their lambdas when the test runs, which may be long after import."""
    return int(time.time())


@dataclass(frozen=True)
class Attack:
    """One hostile request: what to send (built against a World), and the refusal expected."""

    name: str
    build: Callable[[World], tuple[str, Headers]]
    status: int
    fragment: str  # part of the msg naming the failure class

    @property
    def reason(self) -> str:
        """The metrics label expected (auth/errors.py), by the failure class the message names."""
        return next(reason for fragment, reason in REASON_OF_FRAGMENT if fragment in self.fragment)


REASON_OF_FRAGMENT = [
    ("token required", "missing"),
    ("different tokens", "conflicting_headers"),
    ("larger than", "too_large"),
    ("admin token is not accepted", "admin_scope"),
    ("JWE alg must be", "jwe_alg"),
    ("alg must be", "alg_not_allowed"),
    ("not allowed for this app", "alg_not_allowed"),
    ("signature invalid", "bad_signature"),
    ("encrypted for", "app_id"),
    ("appId", "app_id"),
    ("does not name an app", "unknown_app"),
    ("token expired", "expired"),
    ("not yet valid", "not_yet_valid"),
    ("issued in the future", "not_yet_valid"),
    ("NumericDate", "invalid_claims"),
    ("jti claim", "jti_missing"),
    ("jti must be", "jti_invalid"),
    (JTI_EXP_MSG, "jti_exp"),
    (REPLAY_MSG, "jti_replayed"),
    ("requires an encrypted", "jwe_required"),
    ("could not be decrypted", "jwe_decrypt"),
    ("zip", "jwe_zip"),
    ("kid", "jwe_kid"),
    ("not granted", "scope"),
    ("another account", "account"),
    ("accountId header", "account"),
    ("", "malformed"),  # base64url, JSON, segment count, crit/b64 headers, non-JWS plaintext
]


def auth(tok: str | bytes) -> Callable[[World], tuple[str, Headers]]:
    """Send `tok` in the vendor's `auth` header to the analytics probe of the world's account."""
    return lambda w: (w.path, [("auth", tok)])


def at_app(make: Callable[[World], str]) -> Callable[[World], tuple[str, Headers]]:
    return lambda w: (w.path, [("auth", make(w))])


def _replayed(w: World) -> tuple[str, Headers]:
    tok = token(w.jti, **jti_claims())
    first = w.client.get(w.path, headers={"auth": tok})
    assert first.status_code == 200, first.text
    return w.path, [("auth", tok)]


def _replayed_plain(w: World) -> tuple[str, Headers]:
    """A jti on an app without Enforce JTI is single-use too."""
    tok = token(w.plain, **jti_claims())
    first = w.client.get(w.path, headers={"auth": tok})
    assert first.status_code == 200, first.text
    return w.path, [("auth", tok)]


def _other_key_jwe(w: World) -> str:
    from joserfc.jwk import RSAKey

    other = RSAKey.generate_key(2048, private=True).as_dict(private=False)
    return jwe_token(w.jwe, token(w.jwe), key=other)


def _bad_tag(w: World) -> str:
    parts = jwe_token(w.jwe, token(w.jwe)).split(".")
    tag = bytearray(jwt.utils.base64url_decode(parts[4]))
    tag[0] ^= 0x01
    parts[4] = b64(bytes(tag))
    return ".".join(parts)


def _bad_ciphertext(w: World) -> str:
    parts = jwe_token(w.jwe, token(w.jwe), enc="A128CBC-HS256").split(".")
    body = bytearray(jwt.utils.base64url_decode(parts[3]))
    body[-1] ^= 0x80
    parts[3] = b64(bytes(body))
    return ".".join(parts)


def _jwe_header(w: World, **fields: Any) -> str:
    header = {"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT", "kid": w.jwe["jwePublicKey"]["kid"], **fields}
    return fake_jwe({k: v for k, v in header.items() if v is not None})


def _deep(w: World) -> str:
    return raw_jws('{"alg":"HS256"}', '{"appId": ' + "[" * 2500 + "]" * 2500 + "}", w.plain["clientSecret"])


ATTACKS: list[Attack] = [
    # --- headers -------------------------------------------------------------------------------------
    Attack("no_token", lambda w: (w.path, []), 401, "token required"),
    Attack("empty_auth_header", auth(""), 401, "token required"),
    Attack("blank_auth_header", auth("   "), 401, "token required"),
    Attack(
        "basic_authorization_only", lambda w: (w.path, [("authorization", "Basic dXNlcjpwYXNz")]), 401, "token required"
    ),
    Attack("bearer_without_value", lambda w: (w.path, [("authorization", "Bearer   ")]), 401, "token required"),
    Attack(
        "auth_and_bearer_differ",
        lambda w: (w.path, [("auth", token(w.plain)), ("authorization", f"Bearer {token(w.analytics_only)}")]),
        401,
        "different tokens",
    ),
    Attack(
        "two_auth_headers_differ",
        lambda w: (w.path, [("auth", token(w.plain)), ("auth", token(w.analytics_only))]),
        401,
        "different tokens",
    ),
    Attack(
        "two_bearer_headers_differ",
        lambda w: (
            w.path,
            [("authorization", f"Bearer {token(w.plain)}"), ("authorization", f"Bearer {token(w.foreign)}")],
        ),
        401,
        "different tokens",
    ),
    Attack("lone_bearer_scheme", lambda w: (w.path, [("authorization", "Bearer")]), 401, "token required"),
    Attack(
        "auth_and_raw_authorization_differ",
        lambda w: (w.path, [("auth", token(w.plain)), ("authorization", token(w.analytics_only))]),
        401,
        "different tokens",
    ),
    Attack(
        "bearer_and_raw_authorization_differ",
        lambda w: (w.path, [("authorization", f"Bearer {token(w.plain)}"), ("authorization", token(w.foreign))]),
        401,
        "different tokens",
    ),
    Attack(
        "auth_bearer_and_raw_authorization_one_differs",
        lambda w: (
            w.path,
            [
                ("auth", token(w.plain)),
                ("authorization", f"Bearer {token(w.plain)}"),
                ("authorization", token(w.analytics_only)),
            ],
        ),
        401,
        "different tokens",
    ),
    Attack(
        "raw_admin_token_on_ingest",
        lambda w: (f"/probe/ingest/{w.account}", [("authorization", ADMIN_TOKEN)]),
        401,
        "not a compact JWS",
    ),
    Attack("non_ascii_header_bytes", auth(b"eyJhbGciOiJIUzI1NiJ9.\xff\xfe.c2ln"), 401, "not base64url"),
    Attack(
        "admin_token_on_app_route",
        lambda w: (w.path, [("authorization", f"Bearer {ADMIN_TOKEN}")]),
        401,
        "not a compact JWS",
    ),
    Attack(
        "wrong_admin_token_on_ingest",
        lambda w: (f"/probe/ingest/{w.account}", [("authorization", f"Bearer {ADMIN_TOKEN}x")]),
        401,
        "not a compact JWS",
    ),
    Attack(
        "admin_token_on_route_without_account",
        lambda w: ("/probe/ingest-any", [("authorization", f"Bearer {ADMIN_TOKEN}")]),
        403,
        "admin token is not accepted",
    ),
    # --- shape ---------------------------------------------------------------------------------------
    Attack("two_segments", auth("eyJhbGciOiJIUzI1NiJ9.e30"), 401, "not a compact JWS"),
    Attack("four_segments", auth("a.b.c.d"), 401, "not a compact JWS"),
    Attack("six_segments", auth("a.b.c.d.e.f"), 401, "not a compact JWS"),
    Attack(
        "header_not_base64url",
        at_app(lambda w: "eyJ!bGciOiJIUzI1NiJ9." + token(w.plain).split(".", 1)[1]),
        401,
        "not base64url",
    ),
    Attack(
        "header_impossible_length", at_app(lambda w: "eyJhb." + token(w.plain).split(".", 1)[1]), 401, "not base64url"
    ),
    Attack(
        "payload_not_json",
        at_app(lambda w: raw_jws('{"alg":"HS256"}', b"\x80not json", w.plain["clientSecret"])),
        401,
        "payload is not a JSON object",
    ),
    Attack(
        "payload_json_array",
        at_app(lambda w: raw_jws('{"alg":"HS256"}', "[1, 2]", w.plain["clientSecret"])),
        401,
        "payload is not a JSON object",
    ),
    Attack(
        "payload_json_string",
        at_app(lambda w: raw_jws('{"alg":"HS256"}', '"x"', w.plain["clientSecret"])),
        401,
        "payload is not a JSON object",
    ),
    Attack("payload_deeply_nested", at_app(_deep), 401, "payload is not a JSON object"),
    Attack(
        "header_duplicate_alg",
        at_app(lambda w: raw_jws('{"alg":"none","alg":"HS256"}', claims_json(w.plain), w.plain["clientSecret"])),
        401,
        "header is not a JSON",
    ),
    Attack(
        "payload_duplicate_app_id",
        at_app(
            lambda w: raw_jws(
                '{"alg":"HS256"}',
                claims_json(w.foreign, f', "appId": "{w.plain["clientId"]}"'),
                w.plain["clientSecret"],
            )
        ),
        401,
        "payload is not a JSON object",
    ),
    Attack(
        "crit_header",
        at_app(lambda w: raw_jws('{"alg":"HS256","crit":["exp"]}', claims_json(w.plain), w.plain["clientSecret"])),
        401,
        "crit",
    ),
    Attack(
        "unencoded_payload_b64_false",
        at_app(
            lambda w: raw_jws(
                '{"alg":"HS256","b64":false,"crit":["b64"]}', claims_json(w.plain), w.plain["clientSecret"]
            )
        ),
        401,
        "crit",
    ),
    Attack(
        "jws_kid_number",
        at_app(lambda w: raw_jws('{"alg":"HS256","kid":7}', claims_json(w.plain), w.plain["clientSecret"])),
        401,
        "malformed token",
    ),
    Attack("huge_token", at_app(lambda w: token(w.plain, pad="x" * 9000)), 401, "larger than 8192 bytes"),
    # --- algorithm -----------------------------------------------------------------------------------
    Attack(
        "alg_none",
        at_app(lambda w: b64(b'{"alg":"none"}') + "." + b64(claims_json(w.plain).encode()) + "."),
        401,
        "alg must be one of",
    ),
    Attack(
        "alg_none_with_signature",
        at_app(lambda w: raw_jws('{"alg":"none"}', claims_json(w.plain), w.plain["clientSecret"])),
        401,
        "alg must be one of",
    ),
    Attack(
        "alg_missing",
        at_app(lambda w: raw_jws('{"typ":"JWT"}', claims_json(w.plain), w.plain["clientSecret"])),
        401,
        "alg must be one of",
    ),
    Attack("alg_hs384", at_app(lambda w: token(w.plain, alg="HS384")), 401, "alg must be one of"),
    Attack(
        "alg_rs256_confusion",
        at_app(lambda w: raw_jws('{"alg":"RS256"}', claims_json(w.plain), w.plain["clientSecret"])),
        401,
        "alg must be one of",
    ),
    Attack(
        "alg_lowercase",
        at_app(lambda w: raw_jws('{"alg":"hs256"}', claims_json(w.plain), w.plain["clientSecret"])),
        401,
        "alg must be one of",
    ),
    Attack("hs512_to_hs256_only_app", at_app(lambda w: token(w.plain, alg="HS512")), 401, "not allowed for this app"),
    Attack("hs256_to_hs512_only_app", at_app(lambda w: token(w.hs512, alg="HS256")), 401, "not allowed for this app"),
    # --- key -----------------------------------------------------------------------------------------
    Attack(
        "wrong_secret", at_app(lambda w: token(w.plain, secret="not-the-secret-" + "z" * 40)), 401, "signature invalid"
    ),
    Attack(
        "other_apps_secret",
        at_app(lambda w: token(w.plain, secret=w.foreign["clientSecret"])),
        401,
        "signature invalid",
    ),
    Attack("signature_stripped", at_app(lambda w: token(w.plain).rsplit(".", 1)[0] + "."), 401, "signature invalid"),
    Attack("signature_truncated", at_app(lambda w: token(w.plain)[:-4]), 401, "signature invalid"),
    Attack("signature_padded", at_app(lambda w: token(w.plain) + "="), 401, "not base64url"),
    Attack(
        "signature_with_stray_character",
        at_app(lambda w: token(w.plain)[:-2] + "+" + token(w.plain)[-1:]),
        401,
        "not base64url",
    ),
    Attack(
        "payload_swapped_keeping_signature",
        at_app(
            lambda w: ".".join(
                [token(w.plain).split(".")[0], token(w.plain, sub="admin").split(".")[1], token(w.plain).split(".")[2]]
            )
        ),
        401,
        "signature invalid",
    ),
    # --- appId ---------------------------------------------------------------------------------------
    Attack("app_id_missing", at_app(lambda w: jwt.encode({"sub": "x"}, w.plain["clientSecret"])), 401, "appId"),
    Attack("app_id_number", at_app(lambda w: token(w.plain, appId=12345)), 401, "appId"),
    Attack("app_id_list", at_app(lambda w: token(w.plain, appId=[w.plain["clientId"]])), 401, "appId"),
    Attack("app_id_null", at_app(lambda w: token(w.plain, appId=None)), 401, "appId"),
    Attack("app_id_object", at_app(lambda w: token(w.plain, appId={"id": w.plain["clientId"]})), 401, "appId"),
    Attack("app_id_empty", at_app(lambda w: token(w.plain, appId="")), 401, "appId"),
    Attack("app_id_nul_byte", at_app(lambda w: token(w.plain, appId=w.plain["clientId"] + "\x00")), 401, "appId"),
    Attack(
        "app_id_lone_surrogate",
        at_app(lambda w: raw_jws('{"alg":"HS256"}', '{"appId": "cs-\\ud800"}', w.plain["clientSecret"])),
        401,
        "appId",
    ),
    Attack("app_id_huge", at_app(lambda w: token(w.plain, appId="cs-" + "a" * 3000)), 401, "appId"),
    Attack(
        "app_id_wrong_case_key",
        at_app(lambda w: jwt.encode({"appid": w.plain["clientId"]}, w.plain["clientSecret"])),
        401,
        "appId",
    ),
    Attack("app_id_unknown", at_app(lambda w: token(w.plain, appId=unknown_client_id())), 401, "does not name an app"),
    Attack("app_id_deleted_app", at_app(lambda w: token(w.deleted)), 401, "does not name an app"),
    # --- time claims ---------------------------------------------------------------------------------
    Attack("expired", at_app(lambda w: token(w.plain, exp=now() - 120)), 401, "token expired"),
    Attack("expired_beyond_leeway", at_app(lambda w: token(w.plain, exp=now() - 45)), 401, "token expired"),
    Attack("nbf_in_future", at_app(lambda w: token(w.plain, nbf=now() + 600)), 401, "not yet valid"),
    Attack("iat_in_future", at_app(lambda w: token(w.plain, iat=now() + 600)), 401, "issued in the future"),
    Attack("exp_string", at_app(lambda w: token(w.plain, exp=str(now() + 600))), 401, "exp must be a NumericDate"),
    Attack("exp_boolean", at_app(lambda w: token(w.plain, exp=True)), 401, "exp must be a NumericDate"),
    Attack("exp_null", at_app(lambda w: token(w.plain, exp=None)), 401, "exp must be a NumericDate"),
    Attack("exp_huge_int", at_app(lambda w: token(w.plain, exp=10**30)), 401, "exp must be a NumericDate"),
    Attack(
        "exp_float_overflow",
        at_app(lambda w: raw_jws('{"alg":"HS256"}', claims_json(w.plain, ', "exp": 1e400'), w.plain["clientSecret"])),
        401,
        "exp must be a NumericDate",
    ),
    Attack(
        "exp_nan",
        at_app(lambda w: raw_jws('{"alg":"HS256"}', claims_json(w.plain, ', "exp": NaN'), w.plain["clientSecret"])),
        401,
        "payload is not a JSON object",
    ),
    Attack("exp_negative", at_app(lambda w: token(w.plain, exp=-1)), 401, "exp must be a NumericDate"),
    Attack("iat_string", at_app(lambda w: token(w.plain, iat="yesterday")), 401, "iat must be a NumericDate"),
    Attack(
        "iat_infinity",
        at_app(
            lambda w: raw_jws('{"alg":"HS256"}', claims_json(w.plain, ', "iat": Infinity'), w.plain["clientSecret"])
        ),
        401,
        "payload is not a JSON object",
    ),
    Attack("nbf_list", at_app(lambda w: token(w.plain, nbf=[1])), 401, "nbf must be a NumericDate"),
    # --- jti: Enforce JTI requires one; any app's token that carries one obeys the vendor's rules ------
    Attack("jti_missing", at_app(lambda w: token(w.jti, iat=now(), exp=now() + 600)), 401, "jti claim"),
    Attack("jti_number", at_app(lambda w: token(w.jti, jti=7, iat=now(), exp=now() + 600)), 401, "jti must be"),
    Attack("jti_empty", at_app(lambda w: token(w.jti, jti="", iat=now(), exp=now() + 600)), 401, "jti must be"),
    Attack("jti_list", at_app(lambda w: token(w.jti, jti=["a"], iat=now(), exp=now() + 600)), 401, "jti must be"),
    Attack(
        "jti_too_long",
        at_app(lambda w: token(w.jti, jti="j" * 256, iat=now(), exp=now() + 600)),
        401,
        "jti must be a non-empty string of at most 255",
    ),
    Attack(
        "jti_nul_byte",
        at_app(lambda w: token(w.jti, jti="abc\x00", iat=now(), exp=now() + 600)),
        401,
        "jti must be a non-empty string of at most 255",
    ),
    Attack("jti_without_exp", at_app(lambda w: token(w.jti, jti="j-1", iat=now())), 401, JTI_EXP_MSG),
    Attack(
        "jti_lifetime_over_1h", at_app(lambda w: token(w.jti, jti="j-2", iat=now(), exp=now() + 3601)), 401, JTI_EXP_MSG
    ),
    Attack(
        "jti_lifetime_over_1h_no_iat",
        at_app(lambda w: token(w.jti, jti="j-3", exp=int(time.time()) + 3900)),
        401,
        JTI_EXP_MSG,
    ),
    Attack("jti_replayed", _replayed, 401, REPLAY_MSG),
    # The same rules on an app without Enforce JTI, once its token carries a jti (the vendor: "in case jti
    # claim is passed").
    Attack("plain_app_jti_without_exp", at_app(lambda w: token(w.plain, jti="p-1")), 401, JTI_EXP_MSG),
    Attack(
        "plain_app_jti_without_exp_with_iat", at_app(lambda w: token(w.plain, jti="p-2", iat=now())), 401, JTI_EXP_MSG
    ),
    Attack(
        "plain_app_jti_lifetime_over_1h",
        at_app(lambda w: token(w.plain, jti="p-3", iat=now(), exp=now() + 3601)),
        401,
        JTI_EXP_MSG,
    ),
    Attack(
        "plain_app_jti_lifetime_over_1h_no_iat",
        at_app(lambda w: token(w.plain, jti="p-4", exp=int(time.time()) + 3700)),
        401,
        JTI_EXP_MSG,
    ),
    # iat an hour before exp but the token already an hour old: the lifetime, not the time left, counts.
    Attack(
        "plain_app_jti_old_iat_long_lifetime",
        at_app(lambda w: token(w.plain, jti="p-5", iat=now() - 3000, exp=now() + 700)),
        401,
        JTI_EXP_MSG,
    ),
    Attack(
        "plain_app_jti_number",
        at_app(lambda w: token(w.plain, jti=7, iat=now(), exp=now() + 600)),
        401,
        "jti must be a non-empty string",
    ),
    Attack(
        "plain_app_jti_null",
        at_app(lambda w: token(w.plain, jti=None, iat=now(), exp=now() + 600)),
        401,
        "jti must be a non-empty string",
    ),
    Attack("plain_app_jti_replayed", _replayed_plain, 401, REPLAY_MSG),
    Attack(
        "jwe_app_jti_lifetime_over_1h",
        at_app(lambda w: jwe_token(w.jwe, token(w.jwe, jti="e-1", iat=now(), exp=now() + 7200))),
        401,
        JTI_EXP_MSG,
    ),
    # --- Enforce JWE ---------------------------------------------------------------------------------
    Attack("jws_when_jwe_enforced", at_app(lambda w: token(w.jwe)), 401, "requires an encrypted (JWE) token"),
    Attack("jwe_wrong_key", at_app(_other_key_jwe), 401, "could not be decrypted"),
    Attack("jwe_bad_tag", at_app(_bad_tag), 401, "could not be decrypted"),
    Attack("jwe_bad_ciphertext_cbc", at_app(_bad_ciphertext), 401, "could not be decrypted"),
    Attack("jwe_zip", at_app(lambda w: _jwe_header(w, zip="DEF")), 401, "zip"),
    Attack("jwe_alg_dir", at_app(lambda w: _jwe_header(w, alg="dir")), 401, "JWE alg must be one of"),
    Attack("jwe_alg_a256kw", at_app(lambda w: _jwe_header(w, alg="A256KW")), 401, "JWE alg must be one of"),
    Attack(
        "jwe_alg_rsa1_5", at_app(lambda w: jwe_token(w.jwe, token(w.jwe), alg="RSA1_5")), 401, "JWE alg must be one of"
    ),
    Attack(
        "jwe_enc_a192gcm",
        at_app(lambda w: jwe_token(w.jwe, token(w.jwe), enc="A192GCM")),
        401,
        "JWE alg must be one of",
    ),
    Attack("jwe_crit", at_app(lambda w: _jwe_header(w, crit=["exp"])), 401, "critical JWE header"),
    Attack("jwe_kid_missing", at_app(lambda w: _jwe_header(w, kid=None)), 401, "kid"),
    Attack("jwe_kid_unknown", at_app(lambda w: _jwe_header(w, kid="no-such-key")), 401, "kid"),
    Attack("jwe_kid_nul", at_app(lambda w: _jwe_header(w, kid="k\x00")), 401, "kid"),
    Attack("jwe_kid_number", at_app(lambda w: _jwe_header(w, kid=5)), 401, "kid"),
    Attack("jwe_header_not_json", at_app(lambda w: "e30x." + _jwe_header(w).split(".", 1)[1]), 401, "JWE header"),
    Attack(
        "jwe_inner_app_mismatch",
        at_app(lambda w: jwe_token(w.jwe, token(w.plain))),
        401,
        "does not match the app the token was encrypted for",
    ),
    Attack("jwe_inner_not_jws", at_app(lambda w: jwe_token(w.jwe, "just text")), 401, "not a JWS"),
    Attack("jwe_inner_is_jwe", at_app(lambda w: jwe_token(w.jwe, jwe_token(w.jwe, token(w.jwe)))), 401, "not a JWS"),
    Attack(
        "jwe_inner_wrong_secret",
        at_app(lambda w: jwe_token(w.jwe, token(w.jwe, secret="w" * 64))),
        401,
        "signature invalid",
    ),
    Attack("jwe_to_app_without_jwe", at_app(lambda w: _jwe_header(w, kid=w.plain["clientId"])), 401, "kid"),
    # --- scope and account (403) ---------------------------------------------------------------------
    Attack("scope_missing", at_app(lambda w: token(w.ingest_only)), 403, "scope SmartAssist Analytics not granted"),
    Attack(
        "scope_missing_ingest",
        lambda w: (f"/probe/ingest/{w.account}", [("auth", token(w.analytics_only))]),
        403,
        "scope SmartAssist Data Ingestion not granted",
    ),
    Attack("account_mismatch", at_app(lambda w: token(w.foreign)), 403, "another account"),
    Attack(
        "account_unknown",
        lambda w: ("/probe/analytics/" + "0" * 24, [("auth", token(w.plain))]),
        403,
        "another account",
    ),
    Attack(
        "account_header_mismatch",
        lambda w: ("/probe/whoami", [("auth", token(w.plain)), ("accountId", w.other_account)]),
        403,
        "accountId header",
    ),
]


def _sent_tokens(headers: Headers) -> list[str]:
    """The token-ish values sent (header values minus any scheme), to check none is echoed."""
    values = [v.decode("latin-1") if isinstance(v, bytes) else v for _, v in headers]
    return [v.split(" ", 1)[-1].strip() for v in values if len(v.strip()) > 8]


def test_table_is_large_and_names_are_unique() -> None:
    assert len(ATTACKS) >= 40
    assert len({a.name for a in ATTACKS}) == len(ATTACKS)


def test_every_reason_label_is_short_snake_case_and_exercised() -> None:
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{1,23}", reason) for reason in REASONS)
    # admin_token is the /admin guard's label, exercised in tests/ops/test_metrics.py.
    assert {a.reason for a in ATTACKS} | {"admin_token"} == set(REASONS)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_hostile_request_is_refused(
    client: TestClient, db_engine: Engine, auth_failures: list[str], attack: Attack
) -> None:
    world = World(client)
    path, headers = attack.build(world)
    auth_failures.clear()
    response = client.get(path, headers=headers)
    assert auth_failures == [attack.reason]
    assert response.status_code == attack.status, response.text
    body = response.json()
    assert list(body) == ["errors"] and len(body["errors"]) == 1
    error = body["errors"][0]
    assert set(error) == {"msg", "code"} and error["code"] == attack.status
    assert attack.fragment in error["msg"]
    if attack.fragment in (JTI_EXP_MSG, REPLAY_MSG):
        assert error["msg"] == attack.fragment  # the vendor's sentence, exactly
    for sent in _sent_tokens(headers):
        assert sent not in response.text
        for segment in sent.split("."):
            assert len(segment) < 16 or segment not in response.text
    assert '"ok"' not in response.text
    with db_engine.connect() as conn:
        used = conn.scalar(select(func.count()).select_from(UsedJti))
    assert used == (1 if attack.name.endswith("jti_replayed") else 0)


def test_refused_jti_token_is_not_burnt_and_works_on_the_right_route(client: TestClient, db_engine: Engine) -> None:
    """A scope/account refusal happens before the jti is consumed: the same token then works once."""
    world = World(client)
    tok = token(world.jti, **jti_claims())
    wrong = client.get(f"/probe/analytics/{world.other_account}", headers={"auth": tok})
    assert wrong.status_code == 403
    with db_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(UsedJti)) == 0
    assert client.get(world.path, headers={"auth": tok}).status_code == 200
    assert client.get(world.path, headers={"auth": tok}).status_code == 401


def test_huge_token_is_refused_before_any_parsing(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    world = World(client)
    tok = token(world.plain, pad="x" * 9000)

    def explode(*_: object) -> None:
        raise AssertionError("parsed a token over the size limit")

    monkeypatch.setattr("smartassist.auth.tokens.json_object", explode)
    monkeypatch.setattr("smartassist.auth.tokens.checked_header", explode)
    response = client.get(world.path, headers={"auth": tok})
    assert response.status_code == 401 and "larger than" in response.json()["errors"][0]["msg"]


def test_admin_token_is_still_required_to_be_exact_on_ingest(client: TestClient) -> None:
    world = World(client)
    response = client.get(f"/probe/ingest/{world.account}", headers=ADMIN)
    assert response.status_code == 200
    assert response.json() == {"ok": True, "accountId": world.account, "clientId": None}


def test_admin_routes_take_the_admin_token_only_as_bearer(client: TestClient) -> None:
    """A bare token in `Authorization` is an app token; the admin token must come with its Bearer scheme."""
    raw = client.get("/admin/accounts", headers={"Authorization": ADMIN_TOKEN})
    assert raw.status_code == 401
    assert raw.json()["errors"][0]["code"] == 401 and ADMIN_TOKEN not in raw.text
    assert client.get("/admin/accounts", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}).status_code == 200
