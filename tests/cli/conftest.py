"""The environment a CLI command run by the tests sees: the test database and the test secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ADMIN_TOKEN, SERVER_KEY


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "SMARTASSIST_DATABASE_URL": database_url,
        "SMARTASSIST_SECRET_KEY": SERVER_KEY,
        "SMARTASSIST_ADMIN_TOKEN": ADMIN_TOKEN,
        "SMARTASSIST_DATA_DIR": str(tmp_path / "data"),
    }
