"""/docs and /redoc work without a network: every script, style sheet and icon they reference is served by
the server itself, from assets installed with the package."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_reference_only_assets_the_server_serves(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert not re.search(r"(?:src|href)\s*=\s*['\"]?(?:https?:)?//", html), "an external URL"
    assert not re.search(r"https?://(?!127\.0\.0\.1)", re.sub(r"<!--.*?-->", "", html, flags=re.S))
    assets = re.findall(r"""(?:src|href)\s*=\s*['"]([^'"]+)['"]""", html)
    assert assets
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        assert len(served.content) > 1000, asset
    assert client.get("/openapi.json").status_code == 200
