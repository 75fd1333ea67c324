"""FastAPI's native OpenTelemetry: consulted per request only when SMARTASSIST_OTEL_TELEMETRY asks for it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace

from smartassist.app import create_app
from smartassist.config import Settings


@pytest.mark.parametrize("enabled", [False, True])
def test_the_tracer_provider_is_looked_up_only_when_telemetry_is_on(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, enabled: bool
) -> None:
    lookups: list[object] = []
    real = trace.get_tracer_provider

    def counted() -> trace.TracerProvider:
        lookups.append(None)
        return real()

    monkeypatch.setattr(trace, "get_tracer_provider", counted)
    app = create_app(settings.model_copy(update={"otel_telemetry": enabled}))
    try:
        with TestClient(app) as client:
            lookups.clear()  # startup may look once
            for _ in range(3):
                assert client.get("/healthz").status_code == 200
    finally:
        app.state.runtime.dispose()
    assert (len(lookups) >= 3) is enabled, lookups
