"""Identifier formats: generated ids shaped like the vendor's, the rule for caller-supplied ids, and the one
rule by which emails are compared.

Every pattern here is matched against the whole string (`fullmatch`): `$` in Python also matches before a
final newline, which let "<128 characters>\n" through as a bot id.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from typing import TypeGuard

CALLER_ID_CHARS = r"[A-Za-z0-9._:@+\-]{1,128}"
# For pydantic (its Rust regex engine: `$` there is the end of the text only).
CALLER_ID_PATTERN = rf"^{CALLER_ID_CHARS}$"
CALLER_ID = re.compile(CALLER_ID_CHARS)
CALLER_ID_RULE = "1 to 128 characters of A-Z a-z 0-9 . _ : @ + -"
ACCOUNT_ID = re.compile(r"[0-9a-f]{24}")
MAX_CLIENT_ID_LENGTH = 64  # generated ids are 39 characters; anything longer names no app
MAX_EMAIL_LENGTH = 320  # the agents.email and agents.email_norm columns


def is_caller_id(value: str) -> bool:
    return CALLER_ID.fullmatch(value) is not None


def is_account_id(value: str) -> bool:
    return ACCOUNT_ID.fullmatch(value) is not None


def normalize_email(email: str) -> str:
    """The key two emails are the same agent by: NFKC, then Unicode case folding (so `\\u212aate@x.io`, with a
    Kelvin sign, is `kate@x.io`, and `STRASSE@x.io` is `straße@x.io`). Surrounding whitespace is not part of it.
    The result can be longer than the input (`İ` folds to two characters): callers check its length."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email.strip()).casefold())


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
