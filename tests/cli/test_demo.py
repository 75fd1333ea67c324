"""`smartassist demo` (= simulate --days 7 on the demo account): row counts, idempotence, and the printed
commands really work."""

from __future__ import annotations

import shlex
import time
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from smartassist import demo
from smartassist.accounts.models import Account
from smartassist.apps.models import App
from smartassist.cli import app as cli
from smartassist.contactcenter.models import AgentStatusEvent, Bot
from smartassist.simulation.run import utc_date
from smartassist.simulation.world import build_world
from tests.cli.simulation_support import expected, served_kinds, serves, stored, zulu_after

runner = CliRunner()
DEMO_WORLD = build_world(demo.SEED, demo.AGENT_COUNT, demo.BOT_ID)


def run_demo(env: dict[str, str]) -> str:
    result = runner.invoke(cli, ["demo"], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_loads_a_week_and_second_run_adds_nothing(client: TestClient, db_engine: Engine, env: dict[str, str]) -> None:
    started_s = time.time_ns() // 1_000_000_000
    served = served_kinds(client.app)  # type: ignore[arg-type]
    first_output = run_demo(env)
    end = zulu_after("up to", first_output)
    assert started_s <= end <= time.time() + 1  # the week reaches the present
    first = stored(db_engine)
    # every table holds exactly what the simulated week shows at the run's cut, nothing twice
    assert first == expected(DEMO_WORLD, demo.DAYS, end, served)
    # 20 agents, at least 4 weekday shifts of 8 h each in any week, several contacts an hour
    assert first["agents"] == 20 and first["sessions"] > 20 * 4 * 8 * 2
    assert first["status events"] >= 20 * 4 * 8
    with db_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Account)) == 1
        assert conn.scalar(select(func.count()).select_from(App)) == 1
        assert conn.scalar(select(func.count()).select_from(Bot)) == 1
        account_id, account_name = conn.execute(select(Account.id, Account.name)).one()
        client_id = str(conn.scalar(select(App.client_id)))
        lo, hi = conn.execute(select(func.min(AgentStatusEvent.ts), func.max(AgentStatusEvent.ts))).one()
        agents_with_events = conn.scalar(select(func.count(func.distinct(AgentStatusEvent.agent_id))))
        statuses = set(conn.scalars(select(AgentStatusEvent.status).distinct()))
    assert account_name == "SmartAssist Demo"
    assert account_id in first_output and client_id in first_output
    assert hi < (end + 1) * 1000 and lo >= (end - 9 * 86_400) * 1000
    assert agents_with_events == 20
    assert statuses == {"Available", "Away", "Busy", "Offline"}

    second_output = run_demo(env)
    second_end = zulu_after("up to", second_output)
    # the second run only adds what happened between the two cuts: still exactly the week at its own cut
    # (plus the first run's oldest day, should midnight UTC have passed between the two runs)
    span = demo.DAYS + (utc_date(second_end) - utc_date(end)).days
    assert stored(db_engine) == expected(DEMO_WORLD, span, second_end, served)
    assert f"Demo account: {account_id}" in second_output and client_id in second_output


def test_printed_commands_succeed(client: TestClient, env: dict[str, str]) -> None:
    output = run_demo(env)
    lines = output.splitlines()
    (export,) = [line for line in lines if line.startswith("export SMARTASSIST_CLIENT_SECRET=")]
    secret = shlex.split(export)[1].split("=", 1)[1]
    (token_line,) = [line for line in lines if line.startswith("TOKEN=$(")]
    token_args = shlex.split(token_line[len("TOKEN=$(") : -1])
    assert token_args[1] == "token"
    minted = runner.invoke(cli, token_args[1:], env={"SMARTASSIST_CLIENT_SECRET": secret})
    assert minted.exit_code == 0, minted.output
    token = minted.stdout.strip()

    responses = {}
    for line in (line for line in lines if line.startswith("curl ")):
        args = [arg.replace("$TOKEN", token) for arg in shlex.split(line)]
        url = urlsplit(next(arg for arg in args if arg.startswith("http")))
        headers = dict(args[i + 1].split(": ", 1) for i, arg in enumerate(args) if arg == "-H")
        body = args[args.index("-d") + 1] if "-d" in args else None
        method = args[args.index("-X") + 1]
        target = f"{url.path}?{url.query}" if url.query else url.path
        response = client.request(method, target, headers=headers, content=body)
        name = next(part for part in reversed(url.path.split("/")) if not part.startswith("qu-"))
        responses[name] = (response, serves(client.app, method, url.path))  # type: ignore[arg-type]
    assert list(responses) == [
        "intentrealtimedata",
        "userstatus",
        "agentstatusdetails",
        "agentactivity",
        "calldetails",
        "queueStatsById",
        "callvolume",
        "agentperformance",
    ]
    for name, (response, served) in responses.items():
        # a route this build lacks (written in parallel) answers 404; every route it has must answer 200
        assert response.status_code == (200 if served else 404), (name, response.text)
    intents, _ = responses["intentrealtimedata"]
    assert len(intents.json()) == 25 and all(item["endTime"] for item in intents.json())
    user_status, _ = responses["userstatus"]
    page = user_status.json()
    assert page["hasMore"] is True and len(page["data"]) == 3
    held = [status for agent in page["data"] for bucket in agent["timeInterval"] for status in bucket["status"]]
    assert any(entry["value"].startswith("Available") for entry in held)
    if "conversations" in served_kinds(client.app):  # type: ignore[arg-type]
        # the Interacting split comes from the conversations' answered segments
        assert any(entry["value"] == "AVAILABLE:Interacting" for entry in held)
        volume, _ = responses["callvolume"]
        assert volume.json()["hasMore"] is True and len(volume.json()["CallVolumeUpdate"]) == 5
        performance, _ = responses["agentperformance"]
        assert performance.json()["hasMore"] is True and len(performance.json()["AgentPerformance"]) == 3
