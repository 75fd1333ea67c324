"""App management: create, read, update, delete, rotate; every change is written to the audit trail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from smartassist.accounts.service import get_account
from smartassist.apps.models import App, AuditEvent
from smartassist.clock import now_ms
from smartassist.crypto import SecretBox, new_client_secret, new_jwe_keypair
from smartassist.errors import ApiError, not_found
from smartassist.ids import MAX_CLIENT_ID_LENGTH, new_client_id, plausible_key


@dataclass(frozen=True)
class AppChanges:
    name: str | None = None
    scopes: Sequence[str] | None = None
    enforce_jti: bool | None = None
    enforce_jwe: bool | None = None
    algorithms: Sequence[str] | None = None


ADMIN_ACTOR = "admin"
MAX_AUDIT_PAGE = 1000


def app_actor(client_id: str) -> str:
    return f"app:{client_id}"


def _audit(session: Session, app: App, action: str, detail: dict[str, Any] | None = None) -> None:
    """Every change is made through the admin routes today, so the actor is the admin; an app acting on its
    own account would be recorded as app_actor(its clientId)."""
    session.add(
        AuditEvent(
            account_id=app.account_id,
            at=now_ms(),
            action=action,
            client_id=app.client_id,
            detail=detail or {},
            actor=ADMIN_ACTOR,
        )
    )


def _ensure_jwe_key(app: App, box: SecretBox) -> None:
    if app.enforce_jwe and app.jwe_private_key_enc is None:
        private_pem, public_jwk = new_jwe_keypair()
        app.jwe_private_key_enc = box.seal(private_pem)
        app.jwe_public_jwk = public_jwk
        app.jwe_kid = public_jwk["kid"]


def _name_taken(session: Session, account_id: str, name: str, except_client_id: str | None = None) -> bool:
    query = select(App.client_id).where(App.account_id == account_id, App.name == name)
    if except_client_id:
        query = query.where(App.client_id != except_client_id)
    return session.scalar(query) is not None


def _commit_unique_name(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise ApiError(409, "an app with this name already exists in the account") from exc


def register_app(
    session: Session,
    box: SecretBox,
    account_id: str,
    *,
    name: str,
    scopes: list[str],
    algorithms: list[str],
    enforce_jti: bool,
    enforce_jwe: bool,
) -> tuple[App, str]:
    """Create an app; returns it with its plaintext secret (shown to the creator once here)."""
    get_account(session, account_id)
    if _name_taken(session, account_id, name):
        raise ApiError(409, "an app with this name already exists in the account")
    secret = new_client_secret()
    now = now_ms()
    app = App(
        client_id=new_client_id(),
        account_id=account_id,
        name=name,
        scopes=scopes,
        algorithms=algorithms,
        enforce_jti=enforce_jti,
        enforce_jwe=enforce_jwe,
        secret_enc=box.seal(secret),
        previous_secret_enc=None,
        previous_secret_until=None,
        jwe_private_key_enc=None,
        jwe_public_jwk=None,
        jwe_kid=None,
        created_at=now,
        updated_at=now,
    )
    _ensure_jwe_key(app, box)
    session.add(app)
    _audit(
        session,
        app,
        "app.created",
        {
            "name": app.name,
            "scopes": app.scopes,
            "enforceJti": app.enforce_jti,
            "enforceJwe": app.enforce_jwe,
            "algorithms": app.algorithms,
        },
    )
    _commit_unique_name(session)
    return app, secret


def list_apps(session: Session, account_id: str) -> list[App]:
    get_account(session, account_id)
    return list(session.scalars(select(App).where(App.account_id == account_id).order_by(App.created_at, App.name)))


def get_app(session: Session, account_id: str, client_id: str) -> App:
    """An app of this account; another account's app is reported exactly like a missing one."""
    get_account(session, account_id)
    # A NUL in the path would be a PostgreSQL error (500), not a 404.
    app = session.get(App, client_id) if plausible_key(client_id, MAX_CLIENT_ID_LENGTH) else None
    if app is None or app.account_id != account_id:
        raise not_found("app")
    return app


def view_credentials(session: Session, box: SecretBox, account_id: str, client_id: str) -> tuple[App, str]:
    app = get_app(session, account_id, client_id)
    _audit(session, app, "app.credentials_viewed")
    session.commit()
    return app, box.open(app.secret_enc)


def update_app(session: Session, box: SecretBox, account_id: str, client_id: str, changes: AppChanges) -> App:
    app = get_app(session, account_id, client_id)
    changed: dict[str, tuple[str, Any]] = {}
    for attr, wire in (
        ("name", "name"),
        ("scopes", "scopes"),
        ("enforce_jti", "enforceJti"),
        ("enforce_jwe", "enforceJwe"),
        ("algorithms", "algorithms"),
    ):
        value = getattr(changes, attr)
        if isinstance(value, Sequence) and not isinstance(value, str):
            value = list(value)
        if value is not None and value != getattr(app, attr):
            changed[wire] = (attr, value)
    if "name" in changed and _name_taken(session, account_id, changed["name"][1], except_client_id=client_id):
        raise ApiError(409, "an app with this name already exists in the account")
    if changed:
        for attr, value in changed.values():
            setattr(app, attr, value)
        _ensure_jwe_key(app, box)
        app.updated_at = now_ms()
        _audit(session, app, "app.updated", {"changed": {wire: value for wire, (_, value) in changed.items()}})
        _commit_unique_name(session)
    return app


def delete_app(session: Session, account_id: str, client_id: str) -> None:
    app = get_app(session, account_id, client_id)
    _audit(session, app, "app.deleted", {"name": app.name})
    session.delete(app)
    session.commit()


def rotate_secret(
    session: Session, box: SecretBox, account_id: str, client_id: str, grace_seconds: int
) -> tuple[App, str]:
    """New secret now; the old one keeps verifying for `grace_seconds` (0: not at all)."""
    app = get_app(session, account_id, client_id)
    secret = new_client_secret()
    now = now_ms()
    if grace_seconds > 0:
        app.previous_secret_enc = app.secret_enc
        app.previous_secret_until = now + grace_seconds * 1000
    else:
        app.previous_secret_enc = None
        app.previous_secret_until = None
    app.secret_enc = box.seal(secret)
    app.updated_at = now
    _audit(session, app, "app.secret_rotated", {"graceSeconds": grace_seconds})
    session.commit()
    return app, secret


def list_audit(session: Session, account_id: str, limit: int, offset: int) -> list[AuditEvent]:
    """A page of the account's trail, newest first (ties by id): every entry is reachable by paging on.
    Reads ix_audit_events_account_at_id backwards."""
    get_account(session, account_id)
    query = (
        select(AuditEvent)
        .where(AuditEvent.account_id == account_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query))
