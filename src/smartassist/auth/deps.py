"""`require_app(scope)`: the route class that authenticates every public and ingest route, before anything else
of the request is parsed.

A route class rather than a FastAPI dependency: solving a sub-dependency (its own parameters, cache key,
signature checks) was about a tenth of an authenticated request's CPU (py-spy, wrk on IntentRealtimeData),
more than the token check itself once tokens are remembered (auth/genuine.py). The check runs first, as the
dependency did (declared before any body), so a refused token is refused before a body or a query parameter
is looked at; the route reads who is calling with principal_of(request).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

import anyio.to_thread
from fastapi import Request, Response
from fastapi._compat import ModelField
from fastapi.dependencies.utils import request_params_to_args
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from smartassist.auth import failed_auth
from smartassist.auth.admin import bearer_token, is_admin_token, parse_app_authorization
from smartassist.auth.errors import AuthFailure
from smartassist.auth.jti import claim_jti
from smartassist.auth.ratelimit import enforce_rate_limit, rate_limit_subject
from smartassist.auth.tokens import Genuine, Verified, check_claims, present, verify_signature
from smartassist.clock import now_ms
from smartassist.db import read_connection
from smartassist.state import Runtime, get_runtime


@dataclass(frozen=True)
class Principal:
    """Who is calling: an app of an account, or the admin (client_id None; ingest only)."""

    account_id: str
    client_id: str | None


def read_token(request: Request) -> str:
    """The one token of the request, from `auth:` (doc), `Authorization: Bearer <token>` or `Authorization:
    <token>` with no scheme (a vendor sample).

    Every `auth` and `Authorization` header is looked at, so a proxy-added or repeated header carrying
    a second, different token is refused (401) rather than resolved by whichever comes first.
    Empty values count as absent.
    """
    tokens: set[str] = set()
    for name, value in request.scope["headers"]:  # one pass over the raw headers (Starlette's Headers: two)
        if name == b"auth":
            tokens.add(value.decode("latin-1").strip())
        elif name == b"authorization":
            tokens.add(parse_app_authorization(value.decode("latin-1")) or "")
    tokens.discard("")
    if len(tokens) > 1:
        raise AuthFailure("conflicting_headers", "auth and Authorization headers carry different tokens")
    if not tokens:
        raise AuthFailure("missing", "token required in the auth header")
    return tokens.pop()


PRINCIPAL = "smartassist.principal"  # where require_app's routes keep the caller, in the ASGI scope


def require_app(scope: str, *, allow_admin: bool = False) -> type[APIRoute]:
    """The route class of a router whose routes admit apps granted `scope` (and, with allow_admin, the admin
    bearer token): `APIRouter(route_class=require_app(ANALYTICS))`.

    The token check reads the app's credentials on the event loop (remembered by the worker for up to a
    second, read through reads.Reads otherwise, which on PostgreSQL awaits instead of blocking), and its writes
    (rate-limit count, jti) run in a thread; why, in docs/ARCHITECTURE.md (Concurrency model).
    """

    class AuthenticatedRoute(APIRoute):
        def matches(self, scope: Scope) -> tuple[Match, Scope]:
            """No match, at once, for a path that does not begin and end as this route's path does; else the
            route's own matching. The router tries its routes in order, and FastAPI's matching of a route was
            ~10,000 instructions even where the path could not match (callgrind: 94,000 of an in-process Call
            Details request's 602,000 went to routing, the v2 route being the eighth tried)."""
            if scope["type"] == "http" and not scope.get("root_path"):
                path: str = scope["path"]
                prefix, suffix = self._literal_ends
                if not (path.startswith(prefix) and path.endswith(suffix)):
                    return Match.NONE, {}
            return super().matches(scope)

        @functools.cached_property
        def _literal_ends(self) -> tuple[str, str]:
            """The route path's literal text before its first parameter and after its last."""
            path = self.path_format
            if "{" not in path:
                return path, ""  # the whole path: startswith is enough (an exact match is the regex's)
            return path[: path.index("{")], path[path.rindex("}") + 1 :]

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if _direct_handler(self) is not None:
                self.app = _plain_app(self.get_route_handler())

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = _direct_handler(self) or super().get_route_handler()

            async def authenticated(request: Request) -> Response:
                request.scope[PRINCIPAL] = await authenticate(request, scope, allow_admin=allow_admin)
                return await handler(request)

            return authenticated

    return AuthenticatedRoute


def _plain_app(handler: Callable[[Request], Coroutine[Any, Any, Response]]) -> ASGIApp:
    """The ASGI app of a route called directly (_direct_handler): the handler's response, sent. FastAPI's own app
    (request_response) also opens two AsyncExitStacks for dependencies with `yield` (such a route has none) and
    wraps the call in the exception handlers, which the app's ExceptionMiddleware applies around every route
    anyway: 32,000 of an in-process Call Details request's ~600,000 instructions (callgrind)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await handler(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


def _direct_handler(route: APIRoute) -> Callable[[Request], Coroutine[Any, Any, Response]] | None:
    """The endpoint called with the request, its `str` path parameters and its `str | None = None` and `int`
    query parameters, as FastAPI would call it, when that is all it takes (no dependency, body, header or cookie
    parameter; a route that reads a body reads it itself, analytics.body.json_body) and it is a coroutine that
    returns a Response. FastAPI's own handler then only validates strings as strings and integers against their
    Query bounds, yet its dependency solving and per-request setup cost ~45 µs, about a seventh of an
    IntentRealtimeData request's CPU in process (py-spy). `str | None` values are passed as they are (validating
    a string as a string changes nothing); `int` ones absent or plainly within bounds are passed as FastAPI would
    (_IntegerQuery), any other by FastAPI's own request_params_to_args, so their defaults, bounds and 400s are
    FastAPI's (RequestValidationError, errors.py). The signature still
    declares every parameter, so the OpenAPI document is FastAPI's; a route that needs more gets FastAPI's handler
    (None here). Routers are included without dependencies (app.py), so the route's own dependant is all there is.
    """
    d = route.dependant
    call = d.call
    if (
        d.dependencies
        or d.body_params
        or d.header_params
        or d.cookie_params
        or route.dependencies
        or d.websocket_param_name
        or d.http_connection_param_name
        or d.response_param_name
        or d.background_tasks_param_name
        or d.security_scopes_param_name
        or not inspect.iscoroutinefunction(call)
        or any(f.field_info.annotation is not str for f in d.path_params)
        or not all(_plain(f) or f.field_info.annotation is int for f in d.query_params)
    ):
        return None
    path = [(f.name, f.alias) for f in d.path_params]
    query = [(f.name, f.alias) for f in d.query_params if _plain(f)]
    validated = [f for f in d.query_params if not _plain(f)]
    integers = [_IntegerQuery.of(f) for f in validated]
    request_name = d.request_param_name

    async def direct(request: Request) -> Response:
        kwargs: dict[str, Any] = {name: request.path_params[alias] for name, alias in path}
        if query or validated:
            last = last_query_values(request.scope["query_string"])
            kwargs.update((name, last.get(alias)) for name, alias in query)
            if validated:
                plain = [each.plain(last.get(each.alias)) for each in integers]
                if None in plain:
                    checked, errors = request_params_to_args(validated, request.query_params)
                    if errors:
                        raise RequestValidationError(errors)
                    kwargs.update(checked)
                else:
                    kwargs.update(zip((each.name for each in integers), plain, strict=True))
        if request_name is not None:
            kwargs[request_name] = request
        response = await call(**kwargs)
        if not isinstance(response, Response):
            raise TypeError(f"{route.name} returned {type(response).__name__}, not a Response")
        return response

    return direct


def last_query_values(query_string: bytes) -> dict[str, str]:
    """Each parameter's last value, as Starlette's request.query_params.get() gives it (its parse_qsl with blank
    values kept, on the string decoded as latin-1), without building its multidict: half the cost (timeit), 2-4 %
    of the WFM poll's CPU in process (py-spy)."""
    values: dict[str, str] = {}
    for part in query_string.decode("latin-1").split("&"):
        if part:
            if "%" in part or "+" in part:
                name, _, value = part.partition("=")
                values[unquote_plus(name)] = unquote_plus(value)
            else:  # nothing to unquote (a page's `limit=100&offset=0`)
                name, _, value = part.partition("=")
                values[name] = value
    return values


@dataclass(frozen=True)
class _IntegerQuery:
    """An `int` query parameter with a default and Query bounds, and the values that need no validation: absent
    (its default) or up to 9 ASCII digits within the bounds, which FastAPI's request_params_to_args passes as
    int(text). Anything else (a sign, blanks, `_`, other digits, out of bounds) is left to request_params_to_args,
    for FastAPI's own value or 400: so a valid page costs a dict lookup, not FastAPI's validation (~10 us of the
    Call Details request's ~0.4 ms in process, py-spy)."""

    name: str
    alias: str
    default: int | None  # None: no default, always validated
    low: int | None
    high: int | None

    @classmethod
    def of(cls, field: ModelField) -> _IntegerQuery:
        info = field.field_info
        bounds = {type(m).__name__: m for m in info.metadata}
        known = set(bounds) <= {"Ge", "Le"} and isinstance(info.default, int) and not info.is_required()
        return cls(
            field.name,
            field.alias,
            info.default if known else None,
            bounds["Ge"].ge if "Ge" in bounds else None,
            bounds["Le"].le if "Le" in bounds else None,
        )

    def plain(self, text: str | None) -> int | None:
        """The parameter's value when it needs no validation, else None."""
        if self.default is None:
            return None
        if text is None:
            return self.default
        if not (0 < len(text) <= 9 and text.isascii() and text.isdigit()):
            return None
        value = int(text)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            return None
        return value


def _plain(field: ModelField) -> bool:
    """A `str | None = None` query parameter: passed as the request has it (its last value, or None)."""
    return field.field_info.annotation == str | None and field.field_info.default is None


def principal_of(request: Request) -> Principal:
    """The caller of a require_app route, as its token check admitted it."""
    principal: Principal = request.scope[PRINCIPAL]
    return principal


async def authenticate(request: Request, scope: str, *, allow_admin: bool = False) -> Principal:
    """The request's token checked: genuine, of an app granted `scope` (or the admin's, with allow_admin), of the
    path's and the accountId header's account; then counted against the rate limit and its jti claimed."""
    runtime = get_runtime(request)
    path_account = request.path_params.get("accountId")
    token = read_token(request)
    if allow_admin and token == bearer_token(request) and is_admin_token(request, token):
        if not isinstance(path_account, str):
            raise AuthFailure("admin_scope", "the admin token is not accepted on this route", status=403)
        return Principal(account_id=path_account, client_id=None)

    settings = runtime.settings
    address = failed_auth.admit(request)
    try:
        verified = check_claims(await _genuine(runtime, token), leeway_s=settings.jwt_leeway_seconds)
    except AuthFailure as failure:
        await failed_auth.refused(request, address, failure)
        raise
    app = verified.app
    if scope not in app.scopes:
        raise AuthFailure("scope", f"scope {scope} not granted", status=403)
    if path_account is not None and path_account != app.account_id:
        raise AuthFailure("account", "token's app belongs to another account", status=403)
    header_account = next((value for name, value in request.scope["headers"] if name == b"accountid"), None)
    if header_account is not None and header_account.decode("latin-1") != app.account_id:
        raise AuthFailure("account", "accountId header does not match the token's account", status=403)
    if settings.rate_limit_per_minute > 0 or verified.jti is not None:
        await anyio.to_thread.run_sync(_count_and_claim, runtime, verified)
    request.state.client_id = app.client_id
    return Principal(account_id=app.account_id, client_id=app.client_id)


async def _genuine(runtime: Runtime, token: str) -> Genuine:
    """The token verified against its app's current credentials: remembered from an earlier request while those
    credentials are the ones the store still holds (auth/genuine.py), else parsed and verified now."""
    known = runtime.genuine_tokens.get(token)
    if known is not None:
        presented, genuine = known
        if await runtime.credentials.lookup(presented.by_kid, presented.key) is genuine.app:
            return genuine
    presented = present(token, max_bytes=runtime.settings.max_token_bytes)
    stored = await runtime.credentials.lookup(presented.by_kid, presented.key)
    genuine = verify_signature(presented, stored, runtime.secret_box)
    runtime.genuine_tokens.remember(token, presented, genuine)
    return genuine


def _count_and_claim(runtime: Runtime, verified: Verified) -> None:
    """Count the request against the rate limit (of its account or app), then claim its jti: in this order,
    so a 429 doesn't burn a single-use token."""
    app = verified.app
    enforce_rate_limit(runtime, rate_limit_subject(runtime.settings.rate_limit_scope, app.account_id, app.client_id))
    if verified.jti is not None:
        with read_connection(runtime.read_engine) as connection:
            claim_jti(connection, verified.app.client_id, verified.jti, verified.jti_expires_at, now_ms())
