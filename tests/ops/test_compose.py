"""docker-compose.yml and the Dockerfile, checked as data (no container engine on CI machines)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import make_url

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return data


def server_command() -> list[str]:
    """The compose `command`, else the Dockerfile's exec-form CMD."""
    command = compose()["services"]["server"].get("command")
    if command is not None:
        return command.split() if isinstance(command, str) else list(command)
    cmd_lines = [line for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("CMD ")]
    assert len(cmd_lines) == 1
    parsed: list[str] = json.loads(cmd_lines[0][4:])
    return parsed


def test_services_and_database_healthcheck() -> None:
    services = compose()["services"]
    assert set(services) == {"db", "server"}
    db = services["db"]
    assert re.fullmatch(r"postgres:\d+", db["image"])
    check = " ".join(db["healthcheck"]["test"])
    assert "pg_isready" in check and db["environment"]["POSTGRES_DB"] in check
    assert services["server"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_server_points_at_the_db_service() -> None:
    services = compose()["services"]
    env = services["server"]["environment"]
    url = make_url(env["SMARTASSIST_DATABASE_URL"])
    db_env = services["db"]["environment"]
    assert url.drivername == "postgresql+psycopg" and url.host == "db" and url.port == 5432
    assert (url.username, url.password, url.database) == (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )
    # Secrets must be supplied, not defaulted: a generated key inside a container is lost with it.
    assert ":?" in env["SMARTASSIST_SECRET_KEY"] and ":?" in env["SMARTASSIST_ADMIN_TOKEN"]


def test_server_runs_serve_reachable_and_checked_by_readyz() -> None:
    command = server_command()
    assert command[:2] == ["smartassist", "serve"]  # serve applies migrations before listening
    assert command[command.index("--host") + 1] == "0.0.0.0"  # noqa: S104 - inside the container, on purpose
    port = command[command.index("--port") + 1]
    server = compose()["services"]["server"]
    assert any(str(mapping).endswith(f":{port}") for mapping in server["ports"])
    assert f"127.0.0.1:{port}/readyz" in " ".join(server["healthcheck"]["test"])
