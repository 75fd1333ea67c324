"""Identifier formats: generated ids shaped like the vendor's, and the rule for caller-supplied ids."""

from __future__ import annotations

import re
import secrets
import uuid
from typing import TypeGuard

CALLER_ID_PATTERN = r"^[A-Za-z0-9._:@+\-]{1,128}$"
CALLER_ID = re.compile(CALLER_ID_PATTERN)
ACCOUNT_ID = re.compile(r"^[0-9a-f]{24}$")
MAX_CLIENT_ID_LENGTH = 64  # generated ids are 39 characters; anything longer names no app


def plausible_key(value: object, max_length: int) -> TypeGuard[str]:
    """A caller-sent string fit to look up by: 1..max_length printable characters. Anything else (NUL, control
    characters, lone surrogates, megabytes) would be a database error or wasted work, so it is refused first."""
    return isinstance(value, str) and 0 < len(value) <= max_length and value.isprintable()


def new_account_id() -> str:
    return secrets.token_hex(12)


def new_client_id() -> str:
    return f"cs-{uuid.uuid4()}"


def new_user_id() -> str:
    return f"u-{uuid.uuid4()}"


def new_agent_key() -> str:
    """An agent's `agentId` (the vendor's `aId`, `a-` + UUID), the id WFM routes name agents by."""
    return f"a-{uuid.uuid4()}"
