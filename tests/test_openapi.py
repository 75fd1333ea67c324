"""The OpenAPI document describes errors and security precisely enough for generated clients and fuzzers."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_every_operation_documents_errors_and_security(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["appToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "auth",
        "description": "JWT signed with the app's client secret (HS256/HS512), or a nested JWE.",
    }
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert operations
    for path, method, op in operations:
        assert "422" not in op["responses"], (path, method)
        if path.startswith("/admin"):
            assert op["security"] == [{"adminToken": []}], (path, method)
            for status in ("400", "401", "404"):
                assert op["responses"][status]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Errors"
                }, (path, method, status)
        if path.startswith(("/api/public", "/agentassist")):
            assert {"appToken": []} in op["security"], (path, method)
            assert "401" in op["responses"] and "403" in op["responses"], (path, method)


def test_every_path_parameter_is_declared(client: TestClient) -> None:
    """Generators drop an operation whose path template names a parameter it does not declare."""
    schema = client.get("/openapi.json").json()
    ingest = schema["paths"]["/ingest/accounts/{accountId}/agents"]["put"]
    assert ingest["parameters"] == [
        {"name": "accountId", "in": "path", "required": True, "schema": {"type": "string", "title": "accountId"}}
    ]
    for path, item in schema["paths"].items():
        for method, op in item.items():
            declared = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            assert sorted(declared) == sorted(re.findall(r"{([^}]+)}", path)), (path, method, declared)
            assert all(p["required"] is True for p in op.get("parameters", []) if p["in"] == "path"), (path, method)


def test_the_app_matches_one_flat_list_of_routes(client: TestClient) -> None:
    """app.py adds the routers' routes to the app's own list (include_router's nested matching cost ~60 us a
    request): every route is a plain Starlette Route or Mount, and the document still lists each public one."""
    from fastapi.routing import APIRoute
    from starlette.routing import Mount, Route

    routes = client.app.router.routes  # type: ignore[attr-defined]
    assert all(isinstance(route, Route | Mount) for route in routes)
    documented = {path for path in client.get("/openapi.json").json()["paths"]}
    assert {r.path for r in routes if isinstance(r, APIRoute) and r.include_in_schema} == documented
