"""`smartassist simulate`: what it stores is exactly the model's world at the run's cut, once, in process,
live and over HTTP to a real server."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from smartassist.cli import app as cli
from smartassist.simulation.world import build_world
from tests.cli.simulation_support import expected, served_kinds, stored, zulu_after
from tests.conftest import ADMIN_TOKEN, SERVER_KEY
from tests.server_process import ServerProcess

runner = CliRunner()
UNTIL = "2025-03-12T15:30:00Z"  # a Wednesday afternoon: every shift has worked
SIM = ["simulate", "--days", "1", "--agents", "4", "--seed", "7", "--until", UNTIL, "--batch-size", "500"]
WORLD = build_world(7, 4)


def run(env: dict[str, str], *args: str) -> tuple[str, str]:
    result = runner.invoke(cli, [*SIM, *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_stores_the_world_at_the_cut_once(client: TestClient, db_engine: Engine, env: dict[str, str]) -> None:
    served = served_kinds(client.app)  # type: ignore[arg-type]
    stdout, stderr = run(env)
    end = zulu_after("to", stderr)
    assert end == zulu_after("", UNTIL)
    want = expected(WORLD, 1, end, served)
    assert stored(db_engine) == want and want["sessions"] > 100 and want["status events"] > 10
    account_line = [line for line in stdout.splitlines() if line.startswith("Account: ")]
    assert len(account_line) == 1
    # one warning line per kind this build of the server lacks
    warnings = [line for line in stderr.splitlines() if line.startswith("warning: the server has no")]
    assert len(warnings) == len({"queues", "conversations", "login events"} - served)

    again_stdout, again_stderr = run(env)
    assert stored(db_engine) == want
    assert again_stdout == stdout  # the same account, found by name
    for line in again_stderr.splitlines():
        if "new or changed" in line:
            assert line.split(":", 1)[1].strip().startswith("0 new or changed"), line


def test_live_continues_from_the_cut(client: TestClient, db_engine: Engine, env: dict[str, str]) -> None:
    served = served_kinds(client.app)  # type: ignore[arg-type]
    _, stderr = run(env, "--live", "--speed", "1200", "--duration", "2")
    last = zulu_after("to", stderr)
    start = zulu_after("", UNTIL)
    assert start + 1200 <= last <= start + 2 * 1200
    # what live mode added by its last cut is exactly a backfill to that cut
    assert stored(db_engine) == expected(WORLD, 1, last, served)
    assert stored(db_engine)["sessions"] > expected(WORLD, 1, start, served)["sessions"]


def test_refuses_a_naive_until(env: dict[str, str]) -> None:
    result = runner.invoke(cli, ["simulate", "--until", "2025-03-12T15:30:00"], env=env)
    assert result.exit_code == 2 and "zone" in result.output


def test_over_http_to_a_running_server(tmp_path: Path) -> None:
    """One real server on SQLite (the in-process tests cover both databases)."""
    server = ServerProcess(f"sqlite:///{tmp_path / 'remote.db'}", tmp_path / "server", ADMIN_TOKEN, SERVER_KEY)
    server.start()
    try:
        result = runner.invoke(
            cli,
            [*SIM, "--base-url", server.base_url, "--admin-token", ADMIN_TOKEN, "--account", "Remote"],
            env={"SMARTASSIST_DATA_DIR": str(tmp_path / "client")},
        )
        assert result.exit_code == 0, result.output + server.log_tail()
        account_id = result.stdout.strip().rsplit(" ", 1)[-1]
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        accounts = httpx.get(f"{server.base_url}/admin/accounts", headers=headers).json()
        assert [a["name"] for a in accounts if a["accountId"] == account_id] == ["Remote"]
        # the bot's ended sessions are there to read
        app = httpx.post(
            f"{server.base_url}/admin/accounts/{account_id}/apps",
            json={"name": "reader", "scopes": ["SmartAssist Analytics"]},
            headers=headers,
        ).json()
        token = runner.invoke(cli, ["token", "--client-id", app["clientId"], "--client-secret", app["clientSecret"]])
        sessions = httpx.post(
            f"{server.base_url}/api/public/bot/{WORLD.bot_id}/intentrealtimedata",
            headers={"auth": token.stdout.strip()},
        )
        assert sessions.status_code == 200 and len(sessions.json()) == 25
    finally:
        server.stop()


def test_a_refusal_stops_with_the_servers_message(env: dict[str, str]) -> None:
    result = runner.invoke(cli, [*SIM, "--admin-token", "not-the-admin-token"], env=env)
    assert result.exit_code == 1
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert "401" in line and '{"errors":[{"msg"' in line  # the body as the server wrote it, brackets and all


def test_four_requests_in_flight_to_two_workers_store_the_world_once(
    client: TestClient, db_engine: Engine, database_url: str, tmp_path: Path
) -> None:
    """Batches of every kind at once on two server processes (each transaction bumps the account's data version
    last, so they serialize at commit): nothing lost, nothing doubled, no refusal, and the same run again changes
    nothing."""
    served = served_kinds(client.app)  # type: ignore[arg-type]
    server = ServerProcess(database_url, tmp_path / "server", ADMIN_TOKEN, SERVER_KEY, workers=2)
    server.start()
    try:
        args = [*SIM, "--batch-size", "40", "--in-flight", "4", "--base-url", server.base_url]
        outputs = []
        for _ in range(2):
            result = runner.invoke(
                cli,
                [*args, "--admin-token", ADMIN_TOKEN, "--account", "Concurrent"],
                env={"SMARTASSIST_DATA_DIR": str(tmp_path / "client")},
            )
            assert result.exit_code == 0, result.output + server.log_tail()
            outputs.append(result.stderr)
            end = zulu_after("to", result.stderr)
            assert stored(db_engine) == expected(WORLD, 1, end, served)
        tallies = [line for line in outputs[1].splitlines() if "new or changed" in line]
        assert len(tallies) == len(served)
        for line in tallies:
            assert line.split(":", 1)[1].strip().startswith("0 new or changed"), line
    finally:
        server.stop()
