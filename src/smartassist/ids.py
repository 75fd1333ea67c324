"""Identifier formats: generated ids shaped like the vendor's, and the rule for caller-supplied ids."""

from __future__ import annotations

import re
import secrets
import uuid

CALLER_ID_PATTERN = r"^[A-Za-z0-9._:@+\-]{1,128}$"
CALLER_ID = re.compile(CALLER_ID_PATTERN)
ACCOUNT_ID = re.compile(r"^[0-9a-f]{24}$")


def new_account_id() -> str:
    return secrets.token_hex(12)


def new_client_id() -> str:
    return f"cs-{uuid.uuid4()}"


def new_user_id() -> str:
    return f"u-{uuid.uuid4()}"
