"""`smartassist demo`: row counts, idempotence, realistic shifts, and the printed commands really work."""

from __future__ import annotations

import shlex
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from smartassist.accounts.models import Account
from smartassist.apps.models import App
from smartassist.cli import app as cli
from smartassist.contactcenter.models import Agent, AgentInteraction, AgentStatusEvent, Bot, BotSession
from smartassist.demo import demo_agents, generate_week
from tests.conftest import ADMIN_TOKEN, SERVER_KEY

runner = CliRunner()
TABLES = (Account, App, Bot, Agent, BotSession, AgentStatusEvent, AgentInteraction)


@pytest.fixture
def env(database_url: str, tmp_path: Path) -> dict[str, str]:
    return {
        "SMARTASSIST_DATABASE_URL": database_url,
        "SMARTASSIST_SECRET_KEY": SERVER_KEY,
        "SMARTASSIST_ADMIN_TOKEN": ADMIN_TOKEN,
        "SMARTASSIST_DATA_DIR": str(tmp_path / "data"),
    }


def run_demo(env: dict[str, str]) -> str:
    result = runner.invoke(cli, ["demo"], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {model.__tablename__: conn.scalar(select(func.count()).select_from(model)) or 0 for model in TABLES}


def test_loads_a_week_and_second_run_adds_nothing(client: TestClient, db_engine: Engine, env: dict[str, str]) -> None:
    started_ms = time.time_ns() // 1_000_000
    first_output = run_demo(env)
    first = counts(db_engine)
    assert {k: first[k] for k in ("accounts", "apps", "bots", "agents")} == {
        "accounts": 1,
        "apps": 1,
        "bots": 1,
        "agents": 20,
    }
    # 20 agents, at least 4 weekday shifts of 8 h each in any week, several conversations an hour.
    assert first["bot_sessions"] == first["agent_interactions"] > 20 * 4 * 8 * 2
    # a shift: Available, three pauses each followed by Available again, Offline = at least 8 events.
    assert first["agent_status_events"] >= 20 * 4 * 8
    with db_engine.connect() as conn:
        account_id, account_name = conn.execute(select(Account.id, Account.name)).one()
        client_id = conn.scalar(select(App.client_id))
        lo, hi = conn.execute(select(func.min(AgentStatusEvent.ts), func.max(AgentStatusEvent.ts))).one()
        agents_with_events = conn.scalar(select(func.count(func.distinct(AgentStatusEvent.agent_id))))
        statuses = set(conn.scalars(select(AgentStatusEvent.status).distinct()))
    assert account_name == "SmartAssist Demo"
    assert account_id in first_output and client_id in first_output
    assert hi < started_ms + 1 and lo >= started_ms - 9 * 86_400_000
    assert hi >= started_ms - 3 * 86_400_000  # the week reaches the present, not some fixed past
    assert agents_with_events == 20
    assert statuses == {"Available", "Away", "Busy", "Offline"}

    second_output = run_demo(env)
    assert counts(db_engine) == first
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

    responses = []
    for line in (line for line in lines if line.startswith("curl ")):
        args = [arg.replace("$TOKEN", token) for arg in shlex.split(line)]
        url = urlsplit(next(arg for arg in args if arg.startswith("http")))
        headers = dict(args[i + 1].split(": ", 1) for i, arg in enumerate(args) if arg == "-H")
        body = args[args.index("-d") + 1] if "-d" in args else None
        method = args[args.index("-X") + 1]
        responses.append(
            client.request(method, f"{url.path}?{url.query}" if url.query else url.path, headers=headers, content=body)
        )
    intents, user_status = responses
    assert intents.status_code == 200, intents.text
    assert len(intents.json()) == 25 and all(item["endTime"] for item in intents.json())
    assert user_status.status_code == 200, user_status.text
    page = user_status.json()
    assert page["hasMore"] is True and len(page["data"]) == 3
    held = [status for agent in page["data"] for bucket in agent["timeInterval"] for status in bucket["status"]]
    assert any(entry["value"] == "AVAILABLE:Interacting" for entry in held)


def test_shifts_have_breaks_and_conversations_only_while_available() -> None:
    end = datetime(2025, 3, 14, 12, tzinfo=UTC)  # a Friday noon: the late shift has not started yet
    week = generate_week(demo_agents(), end)
    assert week == generate_week(demo_agents(), end)  # deterministic
    by_agent_day: dict[tuple[str, str], list[tuple[datetime, str, str | None]]] = {}
    for event in week.events:
        assert event.timestamp < end
        by_agent_day.setdefault((event.agent, event.eventId[:-3]), []).append(
            (event.timestamp, event.status, event.reason)
        )
    full_days = [events for (_, day), events in by_agent_day.items() if not day.endswith("20250314")]
    assert len(full_days) > 20 * 4
    for events in full_days:
        assert events == sorted(events)
        statuses = [status for _, status, _ in events]
        reasons = [reason for _, _, reason in events]
        assert statuses[0] == "Available" and statuses[-1] == "Offline"
        assert reasons.count("Break") == 2 and reasons.count("Lunch") == 1
        assert events[-1][0] - events[0][0] >= timedelta(hours=8)
    running = [i for i in week.interactions if i.endTime is None]
    assert running and all(i.startTime < end for i in running)
    assert all(i.endTime is None or i.endTime <= end for i in week.interactions)
    # every finished conversation lies inside an Available period of its agent
    for interaction in (i for i in week.interactions if i.endTime is not None):
        day = by_agent_day[(interaction.agent, f"demo-ev-{interaction.interactionId[8:19]}")]
        before = [status for at, status, _ in day if at <= interaction.startTime]
        assert before[-1] == "Available"
        assert not any(interaction.startTime < at < interaction.endTime for at, _, _ in day)
