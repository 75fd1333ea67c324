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
