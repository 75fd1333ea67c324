"""Cross-route consistency on simulated data (one seed, 8 agents, two days cut at a busy moment): what Contact
Volume, Agent Performance, UserStatus, Queue Size and Call Details report about the same contacts agrees.

Call Details rows are the ground truth here: each expectation is re-derived from the rows as the vendor
writes them (destinations, respondingAgent, EnterTime, sessionEndTime), not from the code under test.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from sqlalchemy import Engine, select

from smartassist.contactcenter.models import Agent, AgentInteraction
from smartassist.simulation.command import Options, simulate
from tests.support.tenants import ANALYTICS, INGEST, tenant
from tests.wfm.support import WFM

UNTIL = 1_741_766_893  # 2025-03-12T08:08:13Z (epoch seconds): six contacts in progress, waiting or talking
UNTIL_ISO = "2025-03-12T08:08:13Z"
BASE = "/agentassist/api/public/analytics/account/{}/"
QUEUE_SIZE = "/agentassist/api/v1/public/{}/monitor/queueStatsById/{}"
SUMMED = ("offeredContacts", "answeredContacts", "abandonedContacts", "conversationTalkTime", "acwDuration")
SUMMED += ("holdDuration", "conversationHandleTime")


@dataclass
class Simulated:
    account_id: str
    headers: dict[str, str]
    bot_id: str
    queue_ids: list[str]

    def post(self, client: TestClient, route: str, body: Any, **params: Any) -> Any:
        response = client.post(BASE.format(self.account_id) + route, json=body, params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def call_details(self, client: TestClient) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for offset in range(11):
            body = {"startDate": "2025-03-10", "endDate": "2025-03-12"}
            page = self.post(client, "v2/calldetails", body, limit=100, offset=offset)
            rows += page["data"]
            if page["numResults"] < 100:
                return rows
        raise AssertionError("more Call Details rows than 11 pages")


@pytest.fixture
def simulated(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> Simulated:
    monkeypatch.setattr("smartassist.analytics.queues.router.now_ms", lambda: UNTIL * 1000)
    t = tenant(client, scopes=[ANALYTICS, INGEST, WFM])
    options = Options(seed=5, agents=8, days=2, until=UNTIL)
    outcome = simulate(client, t.account_id, t.headers, options, Console(quiet=True))
    assert not outcome.unsupported
    queues = [queue.queue_id for queue in outcome.world.queues]
    return Simulated(t.account_id, t.headers, outcome.world.bot_id, queues)


def _entries(rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any], bool]]:
    """(row, queue entry, is the row's last destination) for every QueueEntry that has an EnterTime."""
    found = []
    for row in rows:
        destinations = row.get("destinations", [])
        for index, entry in enumerate(destinations):
            if entry.get("destinationType") == "QueueEntry" and entry.get("EnterTime"):
                found.append((row, entry, index == len(destinations) - 1))
    return found


def _answered(entry: dict[str, Any]) -> bool:
    return bool(entry.get("respondingAgent", {}).get("acceptedTime"))


def _sums(items: list[dict[str, Any]]) -> Counter[str]:
    sums: Counter[str] = Counter()
    for item in items:
        for name in SUMMED:
            sums[name] += item.get(name, 0)
    return sums


def test_the_routes_agree(client: TestClient, db_engine: Engine, simulated: Simulated) -> None:
    rows = simulated.call_details(client)
    volume = simulated.post(client, "callvolume", {"orgId": "o-sim", "toTimeStamp": UNTIL_ISO, "limit": 1000})
    performance = simulated.post(client, "agentperformance", {"toTimeStamp": UNTIL_ISO, "limit": 100})
    assert not volume["hasMore"] and not performance["hasMore"]
    records = volume["CallVolumeUpdate"]
    per_agent = {
        agent["agentId"]: [queue for interval in agent["intervals"] for queue in interval["queues"]]
        for agent in performance["AgentPerformance"]
    }
    agent_items = [item for items in per_agent.values() for item in items]
    cv, ap = _sums(records), _sums(agent_items)

    # Contact Volume against the Call Details rows
    entries = _entries(rows)
    answered = [e for _, e, _ in entries if _answered(e)]
    abandoned = [e for row, e, last in entries if not _answered(e) and last and row.get("sessionEndTime")]
    moved_on = [e for _, e, last in entries if not _answered(e) and not last]
    open_unanswered = [e for row, e, last in entries if not _answered(e) and last and not row.get("sessionEndTime")]
    assert cv["offeredContacts"] == len(entries) > 300
    assert (cv["answeredContacts"], cv["abandonedContacts"]) == (len(answered), len(abandoned))
    # the seed has abandoned and waiting contacts; the simulator transfers only answered contacts, so moved_on
    # (left a queue unanswered for another) is empty here and kept in the identity below for what it means
    assert abandoned and open_unanswered

    # Queue Size at the cut, per queue: waiting + engaged = the open rows whose last destination is that queue
    stats = {}
    for queue_id in simulated.queue_ids:
        response = client.post(QUEUE_SIZE.format(simulated.bot_id, queue_id), json={}, headers=simulated.headers)
        assert response.status_code == 200, response.text
        [stats[queue_id]] = response.json()
    open_rows = [row for row in rows if row.get("destinations") and not row.get("sessionEndTime")]
    open_by_queue = Counter(row["destinations"][-1]["queueId"] for row in open_rows)
    assert {q: s["waiting"] + s["engaged"] for q, s in stats.items() if s["waiting"] + s["engaged"]} == open_by_queue
    assert sum(s["waiting"] for s in stats.values()) == len(open_unanswered)
    assert len(open_rows) >= 4
    # offered = answered + abandoned + still waiting + moved on to another queue
    waiting = sum(s["waiting"] for s in stats.values())
    assert cv["offeredContacts"] == cv["answeredContacts"] + cv["abandonedContacts"] + waiting + len(moved_on)

    # Agent Performance against Contact Volume (the whole history is in both windows) and the rows
    for name in ("answeredContacts", "conversationTalkTime", "acwDuration", "holdDuration", "conversationHandleTime"):
        assert ap[name] == cv[name], name
    segments = [
        segment
        for _, entry, _ in entries
        for segment in [*entry.get("nonRespondingAgents", []), entry.get("respondingAgent")]
        if segment and segment.get("assignedAt")
    ]
    assert ap["offeredContacts"] == len(segments)
    for item in agent_items:
        assert item["answeredContacts"] == item["completedContacts"] + item["transferredContacts"]

    # Agent Performance talk time against UserStatus Interacting, per agent, within a second per contact
    with db_engine.connect() as conn:
        agent_key = dict(conn.execute(select(Agent.user_id, Agent.agent_key)).all())
        open_talk = defaultdict(int)
        for user_id, start in conn.execute(
            select(Agent.user_id, AgentInteraction.start_time)
            .join(Agent, Agent.id == AgentInteraction.agent_id)
            .where(AgentInteraction.end_time.is_(None))
        ):
            open_talk[agent_key[user_id]] += UNTIL * 1000 - start
    body = {
        "filter": {"dateFilter": {"startDate": "2025-03-10T00:00:00Z", "endDate": UNTIL_ISO}},
        "granularity": "PT24H",
    }
    interacting: Counter[str] = Counter()
    entries_seen: Counter[str] = Counter()
    for row in simulated.post(client, "userstatus", body)["data"]:
        for bucket in row["timeInterval"]:
            for status in bucket["status"]:
                if status["metric"] == "AgentState" and status["value"].endswith(":Interacting"):
                    seconds = int(re.fullmatch(r"(\d+) sec", status["stats"]["sum"]).group(1))  # type: ignore[union-attr]
                    interacting[agent_key[row["userId"]]] += seconds * 1000
                    entries_seen[agent_key[row["userId"]]] += 1
    assert set(per_agent) <= set(agent_key.values()) and len(per_agent) >= 6
    assert sum(interacting.values()) > 3_600_000 and sum(open_talk.values()) > 0  # hours of talk, some ongoing
    for agent_id, items in per_agent.items():
        talk = sum(item["conversationTalkTime"] for item in items)
        contacts = sum(item["answeredContacts"] for item in items)
        slack = contacts * 1000 + entries_seen[agent_id] * 500
        assert abs(talk + open_talk[agent_id] - interacting[agent_id]) <= slack, (agent_id, talk, interacting[agent_id])
