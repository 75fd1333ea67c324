"""`smartassist db prune`: refuses without a retention, keeps SMARTASSIST_RETENTION_DAYS, or --days over it."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from smartassist.cli import app as cli
from tests.support.rows import DAY, add_account, add_agent, add_events, status_events

pytestmark = pytest.mark.usefixtures("app")  # empties every table after the test


def test_db_prune_keeps_the_configured_days(db_engine: Engine, env: dict[str, str]) -> None:
    now = int(time.time() * 1000)
    account = add_account(db_engine)
    agent = add_agent(db_engine, account, "a@x.com")
    add_events(
        db_engine, account, agent, [(now - 50 * DAY, "Busy"), (now - 40 * DAY, "Away"), (now - 20 * DAY, "Busy")]
    )
    runner = CliRunner()

    refused = runner.invoke(cli, ["db", "prune"], env=env)
    assert refused.exit_code == 2 and "SMARTASSIST_RETENTION_DAYS" in refused.output
    assert len(status_events(db_engine, agent)) == 3

    result = runner.invoke(cli, ["db", "prune"], env={**env, "SMARTASSIST_RETENTION_DAYS": "30"})
    assert result.exit_code == 0, result.output
    assert "agent_status_events 1," in result.output
    assert status_events(db_engine, agent) == [(now - 40 * DAY, "Away"), (now - 20 * DAY, "Busy")]

    result = runner.invoke(cli, ["db", "prune", "--days", "10"], env={**env, "SMARTASSIST_RETENTION_DAYS": "30"})
    assert result.exit_code == 0, result.output
    assert status_events(db_engine, agent) == [(now - 20 * DAY, "Busy")]
