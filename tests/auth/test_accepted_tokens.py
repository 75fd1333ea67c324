"""Every way in: the vendor's recipe, both headers, each algorithm and mode, and rotation grace."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from smartassist.apps.models import App
from smartassist.auth.models import UsedJti
from tests.auth.helpers import World
from tests.support.tenants import ADMIN, create_app
from tests.support.tokens import JWE_ALGS, JWE_ENCS, claims_json, jti_claims, jwe_token, raw_jws, token

REPLAY_MSG = "error verifying the jwt: possibly a replay"  # the vendor's sentence


def ok(client: TestClient, world: World, app: dict[str, Any], headers: dict[str, str], path: str | None = None) -> None:
    response = client.get(path or world.path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"ok": True, "accountId": world.account, "clientId": app["clientId"]}


def refused(client: TestClient, world: World, tok: str, fragment: str) -> None:
    response = client.get(world.path, headers={"auth": tok})
    assert response.status_code == 401, response.text
    assert fragment in response.json()["errors"][0]["msg"]


def test_vendor_recipe_hs256_sub_and_app_id_in_auth_header(client: TestClient) -> None:
    """Exactly what the vendor's docs tell a client to do: no exp, no iat, header `auth`."""
    world = World(client)
    tok = jwt.encode(
        {"sub": "1234567890", "appId": world.plain["clientId"]}, world.plain["clientSecret"], algorithm="HS256"
    )
    ok(client, world, world.plain, {"auth": tok})


@pytest.mark.parametrize(
    "headers",
    [
        lambda t: {"Authorization": f"Bearer {t}"},
        lambda t: {"authorization": f"bearer {t}"},
        lambda t: {"Authorization": f"Bearer    {t}   "},
        lambda t: {"auth": f"  {t} "},
        lambda t: {"auth": t, "Authorization": f"Bearer {t}"},
        lambda t: {"auth": t, "Authorization": "Basic dXNlcjpwYXNz"},
        lambda t: {"auth": "", "Authorization": f"Bearer {t}"},
        lambda t: {"authorization": t},
        lambda t: {"Authorization": f"  {t} "},
        lambda t: {"auth": t, "authorization": t},
        lambda t: {"Authorization": t, "auth": f" {t}"},
    ],
    ids=[
        "bearer",
        "bearer_lowercase",
        "bearer_extra_spaces",
        "auth_padded",
        "both_same",
        "auth_plus_basic",
        "empty_auth_plus_bearer",
        "raw_authorization",
        "raw_authorization_padded",
        "auth_and_raw_authorization_same",
        "raw_authorization_and_auth_same",
    ],
)
def test_header_variants(client: TestClient, headers: Any) -> None:
    world = World(client)
    ok(client, world, world.plain, headers(token(world.plain)))


def test_route_without_account_and_matching_account_header(client: TestClient) -> None:
    world = World(client)
    tok = token(world.plain)
    ok(client, world, world.plain, {"auth": tok}, path="/probe/whoami")
    ok(client, world, world.plain, {"auth": tok, "accountId": world.account}, path="/probe/whoami")


def test_ingest_route_accepts_app_with_ingest_scope(client: TestClient) -> None:
    world = World(client)
    ok(client, world, world.ingest_only, {"auth": token(world.ingest_only)}, path=f"/probe/ingest/{world.account}")


def test_hs512(client: TestClient) -> None:
    world = World(client)
    ok(client, world, world.hs512, {"auth": token(world.hs512, alg="HS512")})


@pytest.mark.parametrize("alg", ["HS256", "HS512"])
def test_app_with_both_algorithms_accepts_each(client: TestClient, alg: str) -> None:
    world = World(client)
    ok(client, world, world.both_algs, {"auth": token(world.both_algs, alg=alg)})


def test_time_claims_within_leeway(client: TestClient) -> None:
    """exp 20 s ago, nbf and iat 20 s ahead: all inside the 30 s leeway."""
    world = World(client)
    now = int(time.time())
    ok(client, world, world.plain, {"auth": token(world.plain, exp=now - 20, nbf=now + 20, iat=now + 20)})
    ok(client, world, world.plain, {"auth": token(world.plain, exp=now + 86_400 * 365, iat=float(now))})


def test_unrelated_claims_of_any_type_are_ignored(client: TestClient) -> None:
    """aud, iss and header kid are not ours to judge (a jti is: see the jti tests)."""
    world = World(client)
    tok = raw_jws(
        '{"alg":"HS256","typ":"JWT","kid":"k1"}',
        claims_json(world.plain, ', "aud": ["x"], "iss": null'),
        world.plain["clientSecret"],
    )
    ok(client, world, world.plain, {"auth": tok})


def test_jti_each_fresh_token_once(client: TestClient) -> None:
    world = World(client)
    first, second = token(world.jti, **jti_claims()), token(world.jti, **jti_claims())
    ok(client, world, world.jti, {"auth": first})
    ok(client, world, world.jti, {"auth": second})
    refused(client, world, first, REPLAY_MSG)


def test_jti_lifetime_exactly_one_hour_and_without_iat(client: TestClient) -> None:
    world = World(client)
    now = int(time.time())
    ok(client, world, world.jti, {"auth": token(world.jti, jti="a", iat=now, exp=now + 3600)})
    ok(client, world, world.jti, {"auth": token(world.jti, jti="b", exp=now + 3000)})


def test_jti_on_an_app_without_enforce_jti_is_single_use(client: TestClient, db_engine: Engine) -> None:
    """The vendor's jti rules hold "in case jti claim is passed", whatever the app's Enforce JTI flag."""
    world = World(client)
    now = int(time.time())
    tok = token(world.plain, jti="vendor-1", iat=now, exp=now + 3600)  # exactly one hour: allowed
    ok(client, world, world.plain, {"auth": tok})
    second = client.get(world.path, headers={"authorization": tok})
    assert (second.status_code, second.json()) == (
        401,
        {"errors": [{"msg": "error verifying the jwt: possibly a replay", "code": 401}]},
    )
    ok(client, world, world.plain, {"auth": token(world.plain, jti="vendor-2", exp=now + 1800)})
    with db_engine.connect() as conn:
        assert sorted(conn.scalars(select(UsedJti.jti))) == ["vendor-1", "vendor-2"]


def test_token_without_jti_on_an_app_without_enforce_jti_is_reusable(client: TestClient) -> None:
    world = World(client)
    tok = token(world.plain)
    for _ in range(3):
        ok(client, world, world.plain, {"auth": tok})


def test_same_jti_on_two_apps_is_two_uses(client: TestClient) -> None:
    """Single use is per app: another app's jti namespace is its own."""
    world = World(client)
    other = create_app(client, world.account, enforceJti=True)
    claims = jti_claims()
    ok(client, world, world.jti, {"auth": token(world.jti, **claims)})
    ok(client, world, other, {"auth": token(other, **claims)})


@pytest.mark.parametrize("enc", JWE_ENCS)
@pytest.mark.parametrize("alg", JWE_ALGS)
def test_jwe_each_allowed_alg_and_enc(client: TestClient, alg: str, enc: str) -> None:
    world = World(client)
    ok(client, world, world.jwe, {"auth": jwe_token(world.jwe, token(world.jwe), alg=alg, enc=enc)})


def test_jwe_without_cty_and_with_bearer(client: TestClient) -> None:
    world = World(client)
    tok = jwe_token(world.jwe, token(world.jwe), cty=None)
    ok(client, world, world.jwe, {"Authorization": f"Bearer {tok}"})


def test_jwe_with_jti(client: TestClient) -> None:
    world = World(client)
    tok = jwe_token(world.jwe_jti, token(world.jwe_jti, **jti_claims()))
    ok(client, world, world.jwe_jti, {"auth": tok})
    refused(client, world, tok, REPLAY_MSG)


def test_public_key_is_in_credentials_and_turning_jwe_on_refuses_plain_jws(client: TestClient) -> None:
    world = World(client)
    app = world.plain
    base = f"/admin/accounts/{world.account}/apps/{app['clientId']}"
    patched = client.patch(base, json={"enforceJwe": True}, headers=ADMIN)
    assert patched.status_code == 200
    creds = client.get(f"{base}/credentials", headers=ADMIN).json()
    jwk = creds["jwePublicKey"]
    assert jwk["kty"] == "RSA" and isinstance(jwk["kid"], str) and "d" not in jwk and "p" not in jwk
    refused(client, world, token(app), "requires an encrypted (JWE) token")
    ok(client, world, app, {"auth": jwe_token({**app, "jwePublicKey": jwk}, token(app))})
    client.patch(base, json={"enforceJwe": False}, headers=ADMIN)
    ok(client, world, app, {"auth": token(app)})
    refused(client, world, jwe_token({**app, "jwePublicKey": jwk}, token(app)), "kid")


def test_patch_algorithms_takes_effect_on_next_request(client: TestClient) -> None:
    world = World(client)
    app = world.plain
    tok = token(app, alg="HS512")
    refused(client, world, tok, "not allowed for this app")
    client.patch(
        f"/admin/accounts/{world.account}/apps/{app['clientId']}", json={"algorithms": ["HS512"]}, headers=ADMIN
    )
    ok(client, world, app, {"auth": tok})
    refused(client, world, token(app), "not allowed for this app")


def _rotate(client: TestClient, world: World, app: dict[str, Any], grace: int) -> str:
    response = client.post(
        f"/admin/accounts/{world.account}/apps/{app['clientId']}/rotate-secret",
        json={"graceSeconds": grace},
        headers=ADMIN,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["clientSecret"])


def test_rotation_grace_both_secrets_then_only_the_new(client: TestClient, db_engine: Engine) -> None:
    world = World(client)
    app = world.plain
    old = token(app)
    new_secret = _rotate(client, world, app, grace=600)
    new = token(app, secret=new_secret)
    ok(client, world, app, {"auth": old})
    ok(client, world, app, {"auth": new})
    with db_engine.begin() as conn:  # the grace period is over (instead of sleeping)
        conn.execute(
            update(App)
            .where(App.client_id == app["clientId"])
            .values(previous_secret_until=int(time.time() * 1000) - 1)
        )
    refused(client, world, old, "signature invalid")
    ok(client, world, app, {"auth": new})


def test_rotation_without_grace_drops_the_old_secret_at_once(client: TestClient) -> None:
    world = World(client)
    app = world.plain
    old = token(app)
    new_secret = _rotate(client, world, app, grace=0)
    refused(client, world, old, "signature invalid")
    ok(client, world, app, {"auth": token(app, secret=new_secret)})


def test_second_rotation_ends_the_first_grace(client: TestClient) -> None:
    """Only the secret just replaced gets a grace period: two rotations leave the first secret dead."""
    world = World(client)
    app = world.plain
    first = token(app)
    second_secret = _rotate(client, world, app, grace=600)
    third_secret = _rotate(client, world, app, grace=600)
    refused(client, world, first, "signature invalid")
    ok(client, world, app, {"auth": token(app, secret=second_secret)})
    ok(client, world, app, {"auth": token(app, secret=third_secret)})
