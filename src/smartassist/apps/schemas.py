"""App request and response bodies (response field names are the wire names)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from smartassist.schemas import Name, StrictBody
from smartassist.scopes import Scope

Algorithm = Literal["HS256", "HS512"]


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


class AppCreate(StrictBody):
    name: Name
    scopes: list[Scope] = Field(min_length=1)
    enforceJti: bool = False
    enforceJwe: bool = False
    algorithms: list[Algorithm] = Field(default=["HS256"], min_length=1)

    _unique = field_validator("scopes", "algorithms")(_unique)


class AppPatch(StrictBody):
    name: Name | None = None
    scopes: list[Scope] | None = Field(default=None, min_length=1)
    enforceJti: bool | None = None
    enforceJwe: bool | None = None
    algorithms: list[Algorithm] | None = Field(default=None, min_length=1)

    _unique = field_validator("scopes", "algorithms")(lambda v: v if v is None else _unique(v))

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null (omit the field to leave it unchanged)")
        return value


class RotateSecret(StrictBody):
    graceSeconds: int = Field(default=0, ge=0, le=86_400)


class AppOut(BaseModel):
    clientId: str
    accountId: str
    name: str
    scopes: list[str]
    enforceJti: bool
    enforceJwe: bool
    algorithms: list[str]
    createdAt: str
    updatedAt: str
    jwePublicKey: dict[str, Any] | None = None


class AppCreated(AppOut):
    clientSecret: str


class AppCredentials(BaseModel):
    clientId: str
    clientSecret: str
    accountId: str
    jwePublicKey: dict[str, Any] | None = None


class RotatedSecret(AppCredentials):
    previousSecretValidUntil: str | None = None  # omitted without a grace period (exclude_none)


class AuditOut(BaseModel):
    at: str
    action: str
    clientId: str | None
    detail: dict[str, Any]
    actor: str  # "admin", or "app:<clientId>"


class ScopesOut(BaseModel):
    scopes: list[str]
