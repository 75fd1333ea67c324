"""The admin token guard for /admin routes (and, as an alternative to an app token, ingest)."""

from __future__ import annotations

from fastapi import Request

from smartassist.auth.errors import AuthFailure
from smartassist.crypto import constant_time_equal
from smartassist.state import get_runtime


def parse_bearer(header: str) -> str | None:
    """The credential of an `Authorization: Bearer <credential>` value (scheme case-insensitive)."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def parse_app_authorization(header: str) -> str | None:
    """The app token of an `Authorization` value: `Bearer <token>`, or the bare token with no scheme (a vendor
    sample sends the raw JWT in `authorization`). Another scheme (`Basic …`) or a lone `Bearer` carries none.

    Only app tokens are read this way; the admin token stays `Authorization: Bearer` only (require_admin).
    """
    value = header.strip()
    if " " in value:
        return parse_bearer(value)
    return None if value.lower() == "bearer" else value or None


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    return parse_bearer(header) if header else None


def is_admin_token(request: Request, token: str | None) -> bool:
    return token is not None and constant_time_equal(token, get_runtime(request).admin_token)


def require_admin(request: Request) -> None:
    token = bearer_token(request)
    if token is None:
        raise AuthFailure("admin_token", "admin token required: Authorization: Bearer <SMARTASSIST_ADMIN_TOKEN>")
    if not is_admin_token(request, token):
        raise AuthFailure("admin_token", "admin token invalid")
