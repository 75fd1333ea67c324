"""SMARTASSIST_WORKER_THREADS bounds the threads a worker runs routes in (the rest wait for one)."""

from __future__ import annotations

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from smartassist.app import create_app
from smartassist.config import Settings


def _thread_limit(client: TestClient) -> float:
    async def read() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    return client.portal.call(read)


@pytest.mark.parametrize(("configured", "expected"), [(None, 4), (1, 1), (9, 9)])
def test_the_thread_limit_is_set_when_the_app_starts(settings: Settings, configured: int | None, expected: int) -> None:
    if configured is not None:
        settings = settings.model_copy(update={"worker_threads": configured})
    with TestClient(create_app(settings)) as client:
        assert _thread_limit(client) == expected
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("value", ["0", "-1", "65", "many"])
def test_out_of_range_values_are_refused(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SMARTASSIST_WORKER_THREADS", value)
    with pytest.raises(ValidationError):
        Settings()
