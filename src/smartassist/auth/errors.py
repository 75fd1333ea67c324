"""AuthFailure: a 401/403 that carries a short reason label for metrics."""

from __future__ import annotations

from smartassist.errors import ApiError


class AuthFailure(ApiError):
    def __init__(self, reason: str, msg: str, status: int = 401):
        super().__init__(status, msg)
        self.reason = reason
