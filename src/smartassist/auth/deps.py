"""`require_app(scope)`: the one dependency that authenticates public and ingest routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from smartassist.auth.admin import bearer_token, is_admin_token, parse_bearer
from smartassist.auth.errors import AuthFailure
from smartassist.auth.tokens import Credentials, verify_token
from smartassist.db import read_connection
from smartassist.ratelimit import enforce_rate_limit
from smartassist.state import get_runtime


@dataclass(frozen=True)
class Principal:
    """Who is calling: an app of an account, or the admin (client_id None; ingest only)."""

    account_id: str
    client_id: str | None


def read_token(request: Request) -> str:
    """The one token of the request, from `auth:` (doc) or `Authorization: Bearer`.

    Every `auth` and `Authorization` header is looked at, so a proxy-added or repeated header carrying
    a second, different token is refused (401) rather than resolved by whichever comes first.
    Empty values count as absent.
    """
    tokens = {value.strip() for value in request.headers.getlist("auth")}
    tokens.update(parse_bearer(value) or "" for value in request.headers.getlist("authorization"))
    tokens.discard("")
    if len(tokens) > 1:
        raise AuthFailure("conflicting_headers", "auth and Authorization headers carry different tokens")
    if not tokens:
        raise AuthFailure("missing", "token required in the auth header")
    return tokens.pop()


def require_app(scope: str, *, allow_admin: bool = False) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting apps granted `scope` (and, with allow_admin, the admin bearer token).

    Async, so it runs on the event loop although it waits for the database: its queries are one or two
    indexed single-row statements (credentials; a jti or rate-limit row), cheaper to wait for than the
    thread-pool hop a sync dependency costs (measured on IntentRealtimeData: ~0.5 ms of CPU per request,
    a fifth of it). Routes with long work stay sync and run that work in the thread pool.
    """

    async def dependency(request: Request) -> Principal:
        runtime = get_runtime(request)
        path_account = request.path_params.get("accountId")
        token = read_token(request)
        if allow_admin and token == bearer_token(request) and is_admin_token(request, token):
            if not isinstance(path_account, str):
                raise AuthFailure("admin_scope", "the admin token is not accepted on this route", status=403)
            return Principal(account_id=path_account, client_id=None)

        def authorize(app: Credentials) -> None:
            if scope not in app.scopes:
                raise AuthFailure("scope", f"scope {scope} not granted", status=403)
            if path_account is not None and path_account != app.account_id:
                raise AuthFailure("account", "token's app belongs to another account", status=403)
            header_account = request.headers.get("accountid")
            if header_account is not None and header_account != app.account_id:
                raise AuthFailure("account", "accountId header does not match the token's account", status=403)
            # Counted before the jti is consumed, so a 429 doesn't burn a single-use token.
            enforce_rate_limit(runtime, app.client_id)

        settings = runtime.settings
        with read_connection(runtime.read_engine) as connection:
            app = verify_token(connection, runtime.secret_box, token, leeway_s=settings.jwt_leeway_seconds,
                               max_bytes=settings.max_token_bytes, authorize=authorize)
        request.state.client_id = app.client_id
        return Principal(account_id=app.account_id, client_id=app.client_id)

    return dependency
