"""/admin routes for apps, their credentials, the audit trail and the scope list."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from smartassist.apps import service
from smartassist.apps.models import App, AuditEvent
from smartassist.apps.schemas import (
    AppCreate,
    AppCreated,
    AppCredentials,
    AppOut,
    AppPatch,
    AuditOut,
    RotatedSecret,
    RotateSecret,
    ScopesOut,
)
from smartassist.auth.admin import require_admin
from smartassist.auth.credentials import CredentialStore
from smartassist.crypto import SecretBox
from smartassist.db import get_session
from smartassist.errors import bad_request
from smartassist.scopes import ALL_SCOPES
from smartassist.state import get_credentials, get_secret_box
from smartassist.timefmt import iso_ms

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])
APP = "/accounts/{accountId}/apps/{clientId}"
DEFAULT_AUDIT_PAGE = 500


def no_store(response: Response) -> None:
    """For responses carrying a client secret: no cache (browser, proxy) may keep a copy."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


def _out(app: App) -> AppOut:
    return AppOut(
        clientId=app.client_id,
        accountId=app.account_id,
        name=app.name,
        scopes=app.scopes,
        enforceJti=app.enforce_jti,
        enforceJwe=app.enforce_jwe,
        algorithms=app.algorithms,
        createdAt=iso_ms(app.created_at),
        updatedAt=iso_ms(app.updated_at),
        jwePublicKey=app.jwe_public_jwk if app.enforce_jwe else None,
    )


def _credentials(app: App, secret: str) -> AppCredentials:
    return AppCredentials(
        clientId=app.client_id,
        clientSecret=secret,
        accountId=app.account_id,
        jwePublicKey=app.jwe_public_jwk if app.enforce_jwe else None,
    )


def _audit_out(event: AuditEvent) -> AuditOut:
    return AuditOut(
        at=iso_ms(event.at), action=event.action, clientId=event.client_id, detail=event.detail, actor=event.actor
    )


@router.get("/scopes", response_model=ScopesOut)
def list_scopes() -> ScopesOut:
    return ScopesOut(scopes=list(ALL_SCOPES))


@router.post(
    "/accounts/{accountId}/apps",
    status_code=201,
    response_model=AppCreated,
    response_model_exclude_none=True,
    dependencies=[Depends(no_store)],
)
def post_app(
    accountId: str,
    body: AppCreate,
    session: Session = Depends(get_session),  # noqa: N803
    box: SecretBox = Depends(get_secret_box),
) -> AppCreated:
    app, secret = service.register_app(
        session,
        box,
        accountId,
        name=body.name,
        scopes=list(body.scopes),
        algorithms=list(body.algorithms),
        enforce_jti=body.enforceJti,
        enforce_jwe=body.enforceJwe,
    )
    return AppCreated(**_out(app).model_dump(), clientSecret=secret)


@router.get("/accounts/{accountId}/apps", response_model=list[AppOut], response_model_exclude_none=True)
def list_apps(accountId: str, session: Session = Depends(get_session)) -> list[AppOut]:  # noqa: N803
    return [_out(app) for app in service.list_apps(session, accountId)]


@router.get(APP, response_model=AppOut, response_model_exclude_none=True)
def get_app(accountId: str, clientId: str, session: Session = Depends(get_session)) -> AppOut:  # noqa: N803
    return _out(service.get_app(session, accountId, clientId))


@router.get(
    APP + "/credentials",
    response_model=AppCredentials,
    response_model_exclude_none=True,
    dependencies=[Depends(no_store)],
)
def view_credentials(
    accountId: str,
    clientId: str,
    session: Session = Depends(get_session),  # noqa: N803
    box: SecretBox = Depends(get_secret_box),
) -> AppCredentials:
    return _credentials(*service.view_credentials(session, box, accountId, clientId))


@router.patch(APP, response_model=AppOut, response_model_exclude_none=True)
def update_app(
    accountId: str,
    clientId: str,
    body: AppPatch,
    session: Session = Depends(get_session),  # noqa: N803
    box: SecretBox = Depends(get_secret_box),
    credentials: CredentialStore = Depends(get_credentials),
) -> AppOut:
    changes = service.AppChanges(
        name=body.name,
        scopes=body.scopes,
        enforce_jti=body.enforceJti,
        enforce_jwe=body.enforceJwe,
        algorithms=body.algorithms,
    )
    app = service.update_app(session, box, accountId, clientId, changes)
    credentials.invalidate()
    return _out(app)


@router.delete(APP, status_code=204, response_class=Response)
def delete_app(
    accountId: str,
    clientId: str,
    confirm: str | None = None,  # noqa: N803
    session: Session = Depends(get_session),
    credentials: CredentialStore = Depends(get_credentials),
) -> Response:
    if confirm != "DELETE":
        raise bad_request("confirm the deletion with ?confirm=DELETE")
    service.delete_app(session, accountId, clientId)
    credentials.invalidate()
    return Response(status_code=204)


@router.post(
    APP + "/rotate-secret",
    response_model=RotatedSecret,
    response_model_exclude_none=True,
    dependencies=[Depends(no_store)],
)
def rotate_secret(
    accountId: str,
    clientId: str,
    body: RotateSecret | None = None,  # noqa: N803
    session: Session = Depends(get_session),
    box: SecretBox = Depends(get_secret_box),
    credentials: CredentialStore = Depends(get_credentials),
) -> RotatedSecret:
    grace = body.graceSeconds if body else 0
    app, secret = service.rotate_secret(session, box, accountId, clientId, grace)
    credentials.invalidate()
    until = iso_ms(app.previous_secret_until) if app.previous_secret_until else None
    return RotatedSecret(**_credentials(app, secret).model_dump(), previousSecretValidUntil=until)


@router.get("/accounts/{accountId}/audit", response_model=list[AuditOut])
def list_audit(
    accountId: str,  # noqa: N803
    limit: int = Query(DEFAULT_AUDIT_PAGE, ge=1, le=service.MAX_AUDIT_PAGE),
    offset: int = Query(0, ge=0, le=2**53),
    session: Session = Depends(get_session),
) -> list[AuditOut]:
    """Newest first; page on with offset += limit until a page is shorter than limit."""
    return [_audit_out(e) for e in service.list_audit(session, accountId, limit, offset)]
