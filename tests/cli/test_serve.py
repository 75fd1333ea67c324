"""`smartassist serve --workers 2` for real: metrics summed over workers, stale values cleared, JSON access log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.server_process import free_port, wait_ready

SMARTASSIST = Path(sys.executable).with_name("smartassist")
STALE = """
from prometheus_client import CollectorRegistry, Counter
counter = Counter("smartassist_http_requests_total", "x", ["method", "route", "status"], registry=CollectorRegistry())
counter.labels("GET", "/healthz", "200").inc(1000)
"""


def test_two_workers_share_metrics_and_log_json(tmp_path: Path) -> None:
    data = tmp_path / "data"
    stale = data / "prometheus"
    stale.mkdir(parents=True)
    # A counter file left by an earlier run: it must not be summed into this run's counters.
    subprocess.run(
        [sys.executable, "-c", STALE], env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(stale)}, check=True
    )
    assert list(stale.glob("counter_*.db"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTASSIST_", "PROMETHEUS_"))}
    env["SMARTASSIST_DATA_DIR"] = str(data)
    server = subprocess.Popen(
        [str(SMARTASSIST), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        wait_ready(base, server, timeout_s=30)
        with httpx.Client(base_url=base) as http:  # new connections spread over the workers
            for _ in range(20):
                http.get("/healthz?token=hunter2", headers={"Connection": "close"})
            scrape = http.get("/metrics").text
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    counts = {
        (s.name, s.labels.get("route"), s.labels.get("status")): s.value
        for family in text_string_to_metric_families(scrape)
        for s in family.samples
    }
    assert counts[("smartassist_http_requests_total", "/healthz", "200")] == 20
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    healthz = [line for line in lines if line["route"] == "/healthz"]
    assert len(healthz) == 20 and all(line["status"] == 200 for line in healthz)
    assert "hunter2" not in output
