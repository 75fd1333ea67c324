"""Two accounts holding the same contact center, id for id (the simulator with one seed: the same bot, queue,
agent, session, conversation and event ids), are two contact centers: every analytics and WFM route answers
account A the same before and after account B is loaded, and answers B what it answers A. A query that lost
its account condition anywhere would count B's twin rows in A's answer (twice the contacts, twice each
status's seconds, each span listed twice)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console

from smartassist.simulation.command import Options, Outcome, simulate
from tests.support.tenants import ADMIN, ANALYTICS, INGEST, WFM, tenant

CUT = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)  # in the past: what is stored stays as it is between reads
OPTIONS = Options(seed=5, agents=4, days=2, until=int(CUT.timestamp()))
# Queue Size's waits run on to the moment of the request (a contact still waiting at CUT waits on): not compared.
NOW_DEPENDENT = ("avgWait", "maxWait")


def _load(client: TestClient, account: str) -> Outcome:
    outcome = simulate(client, account, ADMIN, OPTIONS, Console(quiet=True))
    assert not outcome.unsupported, outcome.unsupported
    return outcome


def _answers(client: TestClient, account: str, headers: dict[str, str], outcome: Outcome) -> dict[str, Any]:
    """Every read route's answer for the account over the simulated period (windows before the cut's day where a
    status still open would run on to now)."""
    base = f"/agentassist/api/public/analytics/account/{account}"
    start = datetime.fromtimestamp(outcome.start, UTC)
    day = (CUT - timedelta(days=1)).date().isoformat()
    iso = {"fromTimeStamp": f"{start:%Y-%m-%dT%H:%M:%S}.000Z", "toTimeStamp": f"{CUT:%Y-%m-%dT%H:%M:%S}.000Z"}
    posts: dict[str, tuple[str, dict[str, Any]]] = {
        "userstatus": (
            "/userstatus?limit=50",
            {"filter": {"dateFilter": {"startDate": day, "endDate": day}}, "granularity": "PT1H"},
        ),
        "callvolume": ("/callvolume", {"orgId": "o-twin", **iso, "limit": 1000}),
        "agentperformance": ("/agentperformance", {**iso, "limit": 100}),
    }
    for version in ("", "/v2", "/v3"):
        posts[f"asd{version}"] = (f"{version}/agentstatusdetails?limit=50", {"filter": {"dateFilter": {"date": day}}})
    for version in ("", "/v2"):
        body = {"startDate": start.date().isoformat(), "endDate": CUT.date().isoformat(), "timeZoneOffset": -330}
        for page in range(3):
            posts[f"calldetails{version} {page}"] = (f"{version}/calldetails?limit=100&offset={page}", body)
    answers: dict[str, Any] = {}
    for name, (path, body) in posts.items():
        response = client.post(base + path, json=body, headers=headers)
        assert response.status_code == 200, (name, response.text)
        answers[name] = response.json()
    for name, path in (
        ("agents", "/agents?limit=1000"),
        ("queues", "/queues"),
        ("agentactivity", "/agentactivity?fromTimeStamp={fromTimeStamp}&toTimeStamp={toTimeStamp}".format(**iso)),
    ):
        response = client.get(base + path, headers=headers)
        assert response.status_code == 200, (name, response.text)
        answers[name] = response.json()
    bot = outcome.world.bot_id
    response = client.post(f"/api/public/bot/{bot}/intentrealtimedata", headers=headers)
    assert response.status_code == 200, response.text
    answers["intentrealtimedata"] = response.json()
    for queue in outcome.world.queues:
        response = client.post(
            f"/agentassist/api/v1/public/{bot}/monitor/queueStatsById/{queue.queue_id}", json={}, headers=headers
        )
        assert response.status_code == 200, response.text
        [stats] = response.json()
        for key in NOW_DEPENDENT:
            stats["queueSummary"].pop(key)
        answers[f"queue size {queue.queue_id}"] = stats
    return answers


def _with_account(answer: Any, account: str, other: str) -> Any:
    """The answer with `other` account's id written as `account` (the routes echo the caller's accountId)."""
    if isinstance(answer, dict):
        return {key: _with_account(value, account, other) for key, value in answer.items()}
    if isinstance(answer, list):
        return [_with_account(value, account, other) for value in answer]
    return account if answer == other else answer


def test_a_twin_accounts_data_changes_no_answer(client: TestClient) -> None:
    twin_a = tenant(client, "Twin A", scopes=[ANALYTICS, WFM, INGEST])
    account_a, headers_a = twin_a.account_id, twin_a.headers
    outcome_a = _load(client, account_a)
    alone = _answers(client, account_a, headers_a, outcome_a)
    assert alone["callvolume"]["CallVolumeUpdate"] and alone["asd/v3"]["data"] and alone["calldetails 2"]["data"]
    assert alone["agentperformance"]["AgentPerformance"] and alone["agentactivity"]["AgentUpdates"]

    twin_b = tenant(client, "Twin B", scopes=[ANALYTICS, WFM, INGEST])
    account_b, headers_b = twin_b.account_id, twin_b.headers
    outcome_b = _load(client, account_b)
    assert outcome_b.world.bot_id == outcome_a.world.bot_id  # the same ids in both accounts
    assert [q.queue_id for q in outcome_b.world.queues] == [q.queue_id for q in outcome_a.world.queues]

    beside_twin = _answers(client, account_a, headers_a, outcome_a)
    for name, answer in alone.items():
        assert beside_twin[name] == answer, name
    twin = _answers(client, account_b, headers_b, outcome_b)
    # Contact Volume's `_id` hashes the account with the interval, queue and source (docs/API.md §8): the twins'
    # records are told apart by it, and are otherwise the same.
    ids = {
        name: [record.pop("_id") for record in answers["callvolume"]["CallVolumeUpdate"]]
        for name, answers in (("a", alone), ("b", twin))
    }
    assert len(set(ids["a"])) == len(ids["a"]) and not set(ids["a"]) & set(ids["b"])
    for name, answer in alone.items():
        assert _with_account(twin[name], account_a, account_b) == answer, name
