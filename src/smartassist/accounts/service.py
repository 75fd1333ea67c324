"""Account creation and lookup."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartassist.accounts.models import Account
from smartassist.clock import now_ms
from smartassist.errors import not_found
from smartassist.ids import is_account_id, new_account_id


def create_account(session: Session, name: str) -> Account:
    account = Account(id=new_account_id(), name=name, created_at=now_ms())
    session.add(account)
    session.commit()
    return account


def list_accounts(session: Session) -> list[Account]:
    return list(session.scalars(select(Account).order_by(Account.created_at, Account.id)))


def get_account(session: Session, account_id: str) -> Account:
    account = session.get(Account, account_id) if is_account_id(account_id) else None
    if account is None:
        raise not_found("account")
    return account
