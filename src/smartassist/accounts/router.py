"""/admin/accounts routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from smartassist.accounts import service
from smartassist.accounts.models import Account
from smartassist.accounts.schemas import AccountCreate, AccountOut
from smartassist.auth.admin import require_admin
from smartassist.db import get_session
from smartassist.timefmt import iso_ms

router = APIRouter(prefix="/admin/accounts", tags=["admin"], dependencies=[Depends(require_admin)])


def _out(account: Account) -> AccountOut:
    return AccountOut(accountId=account.id, name=account.name, createdAt=iso_ms(account.created_at))


@router.post("", status_code=201, response_model=AccountOut)
def create_account(body: AccountCreate, session: Session = Depends(get_session)) -> AccountOut:
    return _out(service.create_account(session, body.name))


@router.get("", response_model=list[AccountOut])
def list_accounts(session: Session = Depends(get_session)) -> list[AccountOut]:
    return [_out(a) for a in service.list_accounts(session)]


@router.get("/{accountId}", response_model=AccountOut)
def get_account(accountId: str, session: Session = Depends(get_session)) -> AccountOut:  # noqa: N803
    return _out(service.get_account(session, accountId))
