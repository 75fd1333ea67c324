"""The OpenAPI document: error responses in the contract's shape, the security schemes per route family, and
every path parameter of every operation.

FastAPI infers none of these from our token check (auth.deps.require_app reads headers and
`request.path_params` directly), so they are added here, in one place: security and errors from the path
prefix (/admin: admin bearer; /ingest: app token or admin bearer; public analytics: app token in `auth` or
`Authorization: Bearer`), and a string
path parameter for each `{name}` of the path template that no handler argument declares (the ingest routes'
`accountId` is read by `require_app`, not by the handler), so generated clients keep those operations.
"""

from __future__ import annotations

import re
from importlib.resources import files
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

# /docs and /redoc load their JavaScript and CSS from here, never from a CDN: this server is meant to run where
# there is no network. The assets are those the fastapi-offline package ships (swagger-ui, redoc).
DOCS_ASSETS = "/docs-assets"
_ASSET_DIR = str(files("fastapi_offline") / "static")

ERROR_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "additionalProperties": False,
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["msg", "code"],
                "additionalProperties": False,
                "properties": {
                    "msg": {"type": "string"},
                    "code": {"type": "integer"},
                },
            },
        }
    },
}

SECURITY_SCHEMES = {
    "appToken": {
        "type": "apiKey",
        "in": "header",
        "name": "auth",
        "description": "JWT signed with the app's client secret (HS256/HS512), or a nested JWE.",
    },
    "appBearer": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The same app token in Authorization: Bearer.",
    },
    "adminToken": {"type": "http", "scheme": "bearer", "description": "SMARTASSIST_ADMIN_TOKEN."},
}

_DESCRIPTIONS = {
    "400": "Invalid request",
    "401": "Missing or invalid credentials",
    "403": "Scope or account not allowed",
    "404": "Not found",
    "409": "Conflict",
    "413": "Payload too large",
    "415": "Unsupported media type",
    "429": "Rate limited",
    "503": "Database unavailable",
}


def _family(path: str) -> tuple[list[dict[str, list[str]]], list[str]]:
    """Security requirement and error statuses of a route family."""
    if path.startswith("/admin"):
        return [{"adminToken": []}], ["400", "401", "404", "409", "503"]
    if path.startswith("/ingest"):
        return (
            [{"appToken": []}, {"appBearer": []}, {"adminToken": []}],
            ["400", "401", "403", "404", "413", "415", "429", "503"],
        )
    if path.startswith(("/api/public", "/agentassist")):
        return [{"appToken": []}, {"appBearer": []}], ["400", "401", "403", "404", "429", "503"]
    return [], []


_TEMPLATE_PARAM = re.compile(r"{([^}/]+)}")


def _declare_path_parameters(path: str, operation: dict[str, Any]) -> None:
    """Add each `{name}` of the path that the operation does not declare, in template order."""
    parameters = operation.setdefault("parameters", [])
    declared = {p["name"] for p in parameters if p.get("in") == "path"}
    missing = [name for name in _TEMPLATE_PARAM.findall(path) if name not in declared]
    added = [{"name": n, "in": "path", "required": True, "schema": {"type": "string", "title": n}} for n in missing]
    operation["parameters"] = added + parameters


def build_openapi(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Errors"] = ERROR_SCHEMA
    components["securitySchemes"] = SECURITY_SCHEMES
    error_ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}
    for path, item in schema.get("paths", {}).items():
        security, statuses = _family(path)
        for operation in item.values():
            _declare_path_parameters(path, operation)
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            if security:
                operation["security"] = security
            for status in statuses:
                responses.setdefault(status, {"description": _DESCRIPTIONS[status], **error_ref})
    return schema


def install_openapi(app: FastAPI) -> None:
    """The OpenAPI document, and /docs and /redoc served from the package's own assets (the app is created with
    docs_url=None and redoc_url=None, so FastAPI's CDN pages are not mounted)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.mount(DOCS_ASSETS, StaticFiles(directory=_ASSET_DIR), name="docs-assets")
    title, spec = app.title, app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=spec,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            swagger_ui_parameters={"validatorUrl": None},  # Swagger UI's default validator is an online service
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=spec,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )
