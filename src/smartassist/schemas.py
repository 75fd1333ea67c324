"""Shared pydantic base for request bodies: unknown fields and type coercion are refused."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _storable(value: str) -> str:
    """Text every database can store: PostgreSQL refuses NUL, and UTF-8 can't encode lone surrogates
    (which JSON's \\ud800 escapes can produce). Refused here, so it is a 400 and not a database error."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode (no lone surrogates)") from None
    return value


StorableText = AfterValidator(_storable)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), StorableText]
