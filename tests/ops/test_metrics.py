"""/metrics: counts and latency by route template and status, auth failures by reason, one registry per app."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from smartassist.app import create_app as build_app
from smartassist.config import Settings
from tests.support.tenants import ADMIN, create_account, create_app
from tests.support.tokens import token

REQUESTS = "smartassist_http_requests_total"


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(client: TestClient, name: str, **labels: str) -> float:
    return samples(client).get((name, frozenset(labels.items())), 0.0)


def test_requests_counted_with_latency(probe: TestClient) -> None:
    for _ in range(3):
        assert probe.get("/healthz").status_code == 200
    assert value(probe, REQUESTS, method="GET", route="/healthz", status="200") == 3
    assert (
        value(probe, "smartassist_http_request_duration_seconds_count", method="GET", route="/healthz", status="200")
        == 3
    )
    assert (
        value(
            probe,
            "smartassist_http_request_duration_seconds_bucket",
            method="GET",
            route="/healthz",
            status="200",
            le="+Inf",
        )
        == 3
    )
    probe.get("/healthz")
    assert value(probe, REQUESTS, method="GET", route="/healthz", status="200") == 4


def test_route_template_not_raw_path(probe: TestClient) -> None:
    missing = "0123456789abcdef01234567"
    assert probe.get(f"/admin/accounts/{missing}", headers=ADMIN).status_code == 404
    assert probe.get("/no/such/route/xyz").status_code == 404
    text = probe.get("/metrics").text
    assert missing not in text and "xyz" not in text
    assert value(probe, REQUESTS, method="GET", route="/admin/accounts/{accountId}", status="404") == 1
    assert value(probe, REQUESTS, method="GET", route="unmatched", status="404") == 1


def test_crash_counted_as_500(probe: TestClient) -> None:
    assert probe.get("/boom").status_code == 500
    assert value(probe, REQUESTS, method="GET", route="/boom", status="500") == 1


def test_auth_failures_by_reason(probe: TestClient) -> None:
    account = create_account(probe)
    creds = create_app(probe, account)
    assert probe.get(f"/probe/{account}").status_code == 401
    assert probe.get(f"/probe/{account}", headers={"auth": token(creds, secret="wrong" * 8)}).status_code == 401
    assert probe.get(f"/probe/{account}", headers={"auth": token(creds, secret="wrong" * 8)}).status_code == 401
    other = create_account(probe, "Other")
    assert probe.get(f"/probe/{other}", headers={"auth": token(creds)}).status_code == 403
    assert probe.get("/admin/accounts", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert probe.get(f"/probe/{account}", headers={"auth": token(creds)}).status_code == 200
    failures = "smartassist_auth_failures_total"
    assert value(probe, failures, reason="missing") == 1
    assert value(probe, failures, reason="bad_signature") == 2
    assert value(probe, failures, reason="account") == 1
    assert value(probe, failures, reason="admin_token") == 1
    assert sum(v for (name, _), v in samples(probe).items() if name == failures) == 5
    assert value(probe, REQUESTS, method="GET", route="/probe/{accountId}", status="401") == 3


def test_each_app_has_its_own_registry(probe: TestClient, settings: Settings) -> None:
    probe.get("/healthz")
    with TestClient(build_app(settings)) as second:
        assert value(second, REQUESTS, method="GET", route="/healthz", status="200") == 0
        second.get("/healthz")
        assert value(second, REQUESTS, method="GET", route="/healthz", status="200") == 1
    assert value(probe, REQUESTS, method="GET", route="/healthz", status="200") == 1


WORKER = textwrap.dedent("""
    import sys
    from fastapi.testclient import TestClient
    from smartassist.app import create_app as build_app
    from smartassist.config import Settings

    settings = Settings(data_dir=sys.argv[1], admin_token="a" * 32, secret_key="k")
    with TestClient(build_app(settings)) as client:
        for _ in range(int(sys.argv[2])):
            client.get("/healthz")
        if sys.argv[3] == "scrape":
            sys.stdout.write(client.get("/metrics").text)
""")


def test_multiprocess_mode_merges_workers(tmp_path: Path) -> None:
    """Two 'workers' count requests; a third process's scrape sees the sum (as with uvicorn --workers)."""
    multiproc = tmp_path / "prom"
    multiproc.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc)}
    env.pop("SMARTASSIST_DATABASE_URL", None)
    for count in ("3", "2"):
        subprocess.run([sys.executable, "-c", WORKER, str(tmp_path / "data"), count, "no"], env=env, check=True)
    scrape = subprocess.run(
        [sys.executable, "-c", WORKER, str(tmp_path / "data"), "0", "scrape"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(scrape)
        for s in family.samples
    }
    key = frozenset({"method": "GET", "route": "/healthz", "status": "200"}.items())
    assert found[(REQUESTS, key)] == 5
