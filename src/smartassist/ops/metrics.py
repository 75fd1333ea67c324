"""Prometheus metrics: request counts and latency by route template and status, auth failures by reason.

Single process: each app gets its own CollectorRegistry, so tests that build many apps never collide on
duplicate registration. Several uvicorn workers: `smartassist serve` sets PROMETHEUS_MULTIPROC_DIR before
the workers start; prometheus-client then keeps values in per-process files there, and /metrics merges the
files of every worker, whichever one answers the scrape.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"  # the variable prometheus-client itself reads at import
UNMATCHED_ROUTE = "unmatched"


class Metrics:
    """The collectors of one app instance."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "smartassist_http_requests_total",
            "HTTP requests by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "smartassist_http_request_duration_seconds",
            "HTTP request latency by route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.auth_failures = Counter(
            "smartassist_auth_failures_total",
            "Rejected tokens and credentials (401/403) by reason.",
            ["reason"],
            registry=self.registry,
        )

        # The children of each (method, route, status): labels() takes a lock and checks its arguments on every
        # call; the combinations are few (route templates, not paths), so each is looked up once.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        children = self._children.get((method, route, status))
        if children is None:
            labels = (method, route, str(status))
            children = self._children[method, route, status] = (
                self.requests.labels(*labels),
                self.latency.labels(*labels),
            )
        children[0].inc()
        children[1].observe(seconds)

    def count_auth_failure(self, reason: str) -> None:
        self.auth_failures.labels(reason).inc()

    def exposition(self) -> bytes:
        """The text format: this app's registry, or every worker's files in multiprocess mode."""
        multiproc_dir = os.environ.get(MULTIPROC_ENV)
        if multiproc_dir:
            merged = CollectorRegistry()
            MultiProcessCollector(merged, path=multiproc_dir)  # type: ignore[no-untyped-call]
            return generate_latest(merged)
        return generate_latest(self.registry)


def prepare_multiprocess_dir(default: Path) -> Path:
    """The directory workers share (PROMETHEUS_MULTIPROC_DIR if set, else `default`), emptied of old values.

    Must run before the workers start: leftover files from a previous run would be summed into the new
    counters. Only prometheus-client's own *.db files are removed, never anything else in the directory.
    """
    path = Path(os.environ.get(MULTIPROC_ENV) or default)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    return path


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


router = APIRouter(tags=["operations"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}},
)
def metrics_endpoint(request: Request) -> Response:
    return Response(get_metrics(request).exposition(), media_type=CONTENT_TYPE_LATEST)


def install_metrics(app: FastAPI) -> Metrics:
    """Attach this app's collectors (errors.py counts each AuthFailure through them when it renders one)."""
    metrics = Metrics()
    app.state.metrics = metrics
    return metrics
