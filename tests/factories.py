"""Kept for older imports (`from tests.factories import ...`): the builders live in tests/support/."""

from __future__ import annotations

from tests.support.tenants import ADMIN, ANALYTICS, INGEST, Tenant, create_account, create_app, tenant
from tests.support.tokens import jti_claims, token

__all__ = ["ADMIN", "ANALYTICS", "INGEST", "Tenant", "create_account", "create_app", "jti_claims", "tenant", "token"]
