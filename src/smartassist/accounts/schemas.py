"""Account request and response bodies (response field names are the wire names)."""

from __future__ import annotations

from pydantic import BaseModel

from smartassist.schemas import Name, StrictBody


class AccountCreate(StrictBody):
    name: Name


class AccountOut(BaseModel):
    accountId: str
    name: str
    createdAt: str
