"""Where two routes report the same quantity, they agree: on one simulated contact center (a seed, a few
agents, two days up to a fixed past cut), loaded through the ingest routes, read back through the routes.

Each expected figure is read off another route's response (Call Details rows as served, UserStatus sums),
never recomputed by the code that serves the route under test.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from rich.console import Console

from smartassist.simulation.command import Options, Outcome, simulate
from tests.support.status_seconds import span_seconds, user_status_seconds
from tests.support.tenants import ADMIN, ANALYTICS, INGEST, WFM, tenant

CUT = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)  # a weekday afternoon: shifts and open contacts at the cut
# A weekday morning at which the six agents are Available, Busy (training), Away (lunch) and off shift.
LIVE_CUT = datetime(2026, 11, 17, 10, 20, tzinfo=UTC)
DAYS = 2
BASE = "/agentassist/api/public/analytics/account/{}"


def _post(client: TestClient, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _simulated(client: TestClient, cut: datetime = CUT) -> tuple[str, dict[str, str], Outcome]:
    t = tenant(client, "Consistency", scopes=[ANALYTICS, WFM, INGEST])
    options = Options(seed=11, agents=6, days=DAYS, until=int(cut.timestamp()))
    outcome = simulate(client, t.account_id, ADMIN, options, Console(quiet=True))
    assert not outcome.unsupported, outcome.unsupported
    return t.account_id, t.headers, outcome


def _call_details(client: TestClient, account: str, headers: dict[str, str], start: datetime) -> list[dict[str, Any]]:
    """Every row of the simulated period, day by day (a day's rows fit the 11 reachable pages): the `DAYS` whole
    days before the cut's day, and the cut's day up to the cut (simulation.run.first_day_of)."""
    rows: list[dict[str, Any]] = []
    for day in range(DAYS + 1):
        date = (start + timedelta(days=day)).date().isoformat()
        for page in range(11):
            body = {"startDate": date, "endDate": date, "timeZoneOffset": 0}
            got = client.post(
                BASE.format(account) + f"/v2/calldetails?limit=100&offset={page}", json=body, headers=headers
            )
            assert got.status_code == 200, got.text
            data = got.json()["data"]
            rows.extend(data)
            if len(data) < 100:
                break
        else:
            raise AssertionError(f"more than 1,100 rows on {date}: lower the simulated agents")
    return rows


def _naive(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)


def _entries(row: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in row.get("destinations", []) if d.get("destinationType") == "QueueEntry"]


def _volume(client: TestClient, account: str, headers: dict[str, str], start: datetime) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    while True:
        body = {"orgId": "o-sim", "fromTimeStamp": _iso(start), "toTimeStamp": _iso(CUT), "skip": len(records)}
        page = _post(client, BASE.format(account) + "/callvolume", {**body, "limit": 1000}, headers)
        records.extend(page["CallVolumeUpdate"])
        if not page["hasMore"]:
            assert len(records) == page["totalCount"]
            return records


def _performance(client: TestClient, account: str, headers: dict[str, str], start: datetime) -> list[dict[str, Any]]:
    agents: list[dict[str, Any]] = []
    while True:
        body = {"fromTimeStamp": _iso(start), "toTimeStamp": _iso(CUT), "skip": len(agents), "limit": 100}
        page = _post(client, BASE.format(account) + "/agentperformance", body, headers)
        agents.extend(page["AgentPerformance"])
        if not page["hasMore"]:
            assert len(agents) == page["totalCount"]
            return agents


def test_routes_agree_on_one_simulated_contact_center(client: TestClient) -> None:
    account, headers, outcome = _simulated(client)
    start = datetime.fromtimestamp(outcome.start, UTC)
    rows = _call_details(client, account, headers, start)
    conversations = [row for row in rows if "conversationId" in row]
    assert conversations, "the simulation produced no conversation"

    # Contact Volume: offered = every queue entry of the period's conversations (Call Details).
    volume = _volume(client, account, headers, start)
    entries = [entry for row in conversations for entry in _entries(row) if entry.get("EnterTime")]
    offered = sum(r["offeredContacts"] for r in volume)
    assert offered == len(entries) > 0
    per_queue = Counter(entry["queueId"] for entry in entries)
    volume_per_queue: Counter[str] = Counter()
    for record in volume:
        volume_per_queue[record["queueId"]] += record["offeredContacts"]
    assert volume_per_queue == per_queue

    # Every offered contact is answered, abandoned or still in the queue at the cut.
    answered = sum(r["answeredContacts"] for r in volume)
    abandoned = sum(r["abandonedContacts"] for r in volume)
    still_open = sum(
        1
        for row in conversations
        if "sessionEndTime" not in row or not row["sessionEndTime"]
        for entry in _entries(row)[-1:]
        if "respondingAgent" not in entry
    )
    assert answered + abandoned + still_open == offered
    assert answered == sum(1 for entry in entries if "respondingAgent" in entry)

    # Agent Performance answers the same contacts, and talks as long, as Contact Volume.
    performance = _performance(client, account, headers, start)
    cells = [queue for agent in performance for interval in agent["intervals"] for queue in interval["queues"]]
    assert sum(cell["answeredContacts"] for cell in cells) == answered
    assert sum(cell["conversationTalkTime"] for cell in cells) == sum(r["conversationTalkTime"] for r in volume)

    # Each agent's talk time (Agent Performance, ms) is the Interacting time UserStatus reports, within a second
    # per contact; agents still talking at the cut are left out (UserStatus counts their talk up to now).
    talking_at_cut = {
        entry["respondingAgent"]["agentId"]
        for row in conversations
        for entry in _entries(row)
        if "respondingAgent" in entry and not entry["respondingAgent"].get("interactionEndTime")
    }
    by_user = {agent.user_id: agent for agent in outcome.world.agents}
    talk_ms = {agent["agentId"]: 0 for agent in performance}
    contacts: Counter[str] = Counter()
    for agent in performance:
        for interval in agent["intervals"]:
            for cell in interval["queues"]:
                talk_ms[agent["agentId"]] += cell["conversationTalkTime"]
                contacts[agent["agentId"]] += cell["answeredContacts"]
    status_body = {
        "filter": {"dateFilter": {"startDate": start.isoformat(), "endDate": CUT.isoformat()}},
        "granularity": "PT24H",
    }
    page = _post(client, BASE.format(account) + "/userstatus?limit=50", status_body, headers)
    interacting: dict[str, float] = defaultdict(float)
    for agent in page["data"]:
        for bucket in agent["timeInterval"]:
            for entry in bucket["status"]:
                if entry["value"].endswith(":Interacting"):
                    interacting[agent["userId"]] += int(entry["stats"]["sum"].split()[0])
    compared = 0
    for user_id, agent in by_user.items():
        if user_id in talking_at_cut or agent.agent_id not in talk_ms:
            continue
        assert abs(talk_ms[agent.agent_id] / 1000 - interacting[user_id]) <= max(1, contacts[agent.agent_id]), user_id
        compared += 1
    assert compared >= 2

    # Queue Size: waiting + engaged = the contacts of that queue still open in Call Details.
    for queue in outcome.world.queues:
        open_here = 0
        for row in conversations:
            if row.get("sessionEndTime"):
                continue
            queue_entries = _entries(row)
            for position, entry in enumerate(queue_entries):
                if entry["queueId"] != queue.queue_id:
                    continue
                agent = entry.get("respondingAgent")
                if agent is None:
                    open_here += position == len(queue_entries) - 1  # waiting here, not moved on
                elif agent.get("acceptedTime") and not agent.get("interactionEndTime"):
                    open_here += 1  # engaged
        path = f"/agentassist/api/v1/public/{outcome.world.bot_id}/monitor/queueStatsById/{queue.queue_id}"
        [stats] = _post(client, path, {}, headers)
        assert stats["waiting"] + stats["engaged"] == open_here, queue.queue_id


def _spans_from_activity(updates: list[dict[str, Any]], day: datetime) -> dict[str, list[tuple[str, str, str, str]]]:
    """Each agent's status spans that start on `day`, rebuilt from agent activity's events (WFM): a span runs from
    an event that is not `loggedout` to the agent's next event, as (Activity, ReasonCode upper-cased, start, end),
    the times as Agent Status Details writes them at offset 0 (`-` where no later event is in the list)."""
    by_agent: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for update in updates:
        by_agent[update["AgentId"]].append(update)
    day_end = day + timedelta(days=1)
    spans: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for agent_id, events in by_agent.items():
        times = [datetime.strptime(e["EventTime"], "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC) for e in events]
        for n, (event, at) in enumerate(zip(events, times, strict=True)):
            if event["Activity"] == "loggedout" or not day <= at < day_end:
                continue
            end = times[n + 1].strftime("%Y-%m-%dT%H:%M:%S") if n + 1 < len(events) else "-"
            spans[agent_id].append(
                (event["Activity"], event["ReasonCode"].upper(), at.strftime("%Y-%m-%dT%H:%M:%S"), end)
            )
    return spans


def test_status_routes_agree_on_one_simulated_contact_center(client: TestClient) -> None:
    """UserStatus, Agent Status Details (v1, v2, v3) and WFM agent activity read the same status events: on a whole
    simulated day, ASD's spans are the spans agent activity's events make, v1 and v2 list v3's spans, and each
    agent's UserStatus seconds per status are its ASD spans' seconds inside the day (the simulator's times are
    whole seconds, so every figure is exact)."""
    account, headers, outcome = _simulated(client)
    day = datetime.combine(CUT.date() - timedelta(days=1), datetime.min.time(), UTC)  # a whole day before the cut
    day_end = day + timedelta(days=1)
    date_filter = {"date": day.date().isoformat(), "timeZoneOffSet": 0}
    details = {
        version: _post(
            client,
            BASE.format(account) + f"{version}/agentstatusdetails?limit=50",
            {"filter": {"dateFilter": date_filter}},
            headers,
        )["data"]
        for version in ("", "/v2", "/v3")
    }
    v3 = details["/v3"]
    assert [a["userId"] for a in details[""]] == [a["userId"] for a in details["/v2"]] == [a["userId"] for a in v3]
    # WFM's agent list names the same agents (by their aId) with the same names.
    listed = client.get(BASE.format(account) + "/agents?limit=1000", headers=headers)
    assert listed.status_code == 200, listed.text
    assert sorted((a["agentId"], a["firstName"], a["lastName"]) for a in listed.json()) == sorted(
        (a["aId"], a["firstName"], a["lastName"]) for a in v3
    )
    for version in ("", "/v2"):
        assert [a.get("status") for a in details[version]] == [a.get("status") for a in v3], version

    # Agent activity's events, from the day's start to the cut (so the day's last spans see their ends).
    query = f"fromTimeStamp={_iso(day)}&toTimeStamp={_iso(CUT)}"
    activity = client.get(BASE.format(account) + f"/agentactivity?{query}", headers=headers)
    assert activity.status_code == 200, activity.text
    rebuilt = _spans_from_activity(activity.json()["AgentUpdates"], day)
    spans_compared = 0
    for agent in v3:
        listed = [s for s in agent.get("status", []) if s["startTime"] >= f"{day:%Y-%m-%dT%H:%M:%S}"]
        events = rebuilt.get(agent["aId"], [])
        # Agent activity names no status, only ready (Available) or notready; ASD writes a reason-less event's
        # status as its secondary status, where agent activity's ReasonCode is "".
        kinds = ["ready" if s["primaryStatus"] == "AVAILABLE" else "notready" for s in listed]
        assert [(k, s["startTime"], s["endTime"]) for k, s in zip(kinds, listed, strict=True)] == [
            (kind, start, end) for kind, _, start, end in events
        ], agent["userId"]
        for span, (_, reason, _, _) in zip(listed, events, strict=True):
            assert span["secondaryStatus"] == (reason or span["primaryStatus"]), (agent["userId"], span)
        spans_compared += len(listed)
    assert spans_compared > 20

    # UserStatus: one PT24H bucket of the day; each status's seconds are the ASD spans' seconds inside the day.
    body = {
        "filter": {"dateFilter": {"startDate": day.date().isoformat(), "endDate": day.date().isoformat()}},
        "granularity": "PT24H",
    }
    summary = _post(client, BASE.format(account) + "/userstatus?limit=50", body, headers)["data"]
    assert [a["userId"] for a in summary] == [a["userId"] for a in v3]
    worked = 0
    for agent, detail in zip(summary, v3, strict=True):
        from_spans = span_seconds(detail.get("status", []), day, day_end)
        assert user_status_seconds([agent]) == from_spans, agent["userId"]
        worked += bool(from_spans)
    assert worked >= 3


def test_current_statuses_and_latest_sessions_agree(client: TestClient) -> None:
    """Two live views read against their history: Queue Size's agentStatus (each queue's agents by current status,
    kept at ingest in agent_latest_status) counts the statuses of the spans Agent Status Details leaves open
    (`"endTime": "-"`: no later event), under the queue names WFM's queue list gives; IntentRealtimeData's 25
    sessions are the 25 Call Details rows that ended last, with the same times and channel."""
    account, headers, outcome = _simulated(client, LIVE_CUT)
    date_filter = {"date": LIVE_CUT.date().isoformat(), "timeZoneOffSet": 0}
    body = {"filter": {"dateFilter": date_filter}}
    details = _post(client, BASE.format(account) + "/v3/agentstatusdetails?limit=50", body, headers)["data"]
    kind = {"AVAILABLE": "available", "BUSY": "busy"}  # any other listed status is away; none listed is offline
    current: dict[str, str] = {}
    for agent in details:
        spans = agent.get("status", [])
        open_spans = [span for span in spans if span["endTime"] == "-"]
        assert open_spans in ([], spans[-1:]), agent["userId"]  # none, or the last span only
        current[agent["userId"]] = kind.get(open_spans[0]["primaryStatus"], "away") if open_spans else "offline"
    assert set(current.values()) == {"available", "busy", "away", "offline"}, current
    queues = client.get(BASE.format(account) + "/queues", headers=headers)
    assert queues.status_code == 200, queues.text
    wfm_queues = {q["collectionPointId"]: q["Description"] for q in queues.json()}  # WFM's list of the same queues
    assert len(wfm_queues) == len(outcome.world.queues)
    for index, queue in enumerate(outcome.world.queues):
        members = [agent.user_id for agent in outcome.world.agents if index in agent.queues]
        path = f"/agentassist/api/v1/public/{outcome.world.bot_id}/monitor/queueStatsById/{queue.queue_id}"
        [stats] = _post(client, path, {}, headers)
        assert (stats["queueId"], stats["queueName"]) == (queue.queue_id, wfm_queues[queue.queue_id])
        expected = Counter({"available": 0, "offline": 0, "busy": 0, "away": 0})
        expected.update(current.get(user_id, "offline") for user_id in members)
        assert stats["agentStatus"] == dict(expected), queue.queue_id
        assert stats["noOfAgents"] == len(members) > 0

    start = datetime.fromtimestamp(outcome.start, UTC)
    ended = [row for row in _call_details(client, account, headers, start) if row.get("sessionEndTime")]
    ended.sort(key=lambda row: (row["sessionEndTime"], row["sessionId"]), reverse=True)
    got = client.post(f"/api/public/bot/{outcome.world.bot_id}/intentrealtimedata", headers=headers)
    assert got.status_code == 200, got.text
    items = got.json()
    assert len(items) == 25
    assert [item["sessionId"] for item in items] == [row["sessionId"] for row in ended[:25]]
    for item, row in zip(items, ended, strict=False):
        assert item["startTime"] == row["sessionStartTime"] + ".000+00:00", item["sessionId"]
        assert item["endTime"] == row["sessionEndTime"] + ".000+00:00", item["sessionId"]
        assert item["channel"] == row["source"], item["sessionId"]


def _interval(text: str) -> str:
    """The 15-minute UTC interval a Call Details time (naive, offset 0) falls in, as the WFM routes write it."""
    moment = _naive(text)
    return _iso(moment.replace(minute=moment.minute - moment.minute % 15, second=0))


def test_intervals_agree_with_call_details(client: TestClient) -> None:
    """Contact Volume's and Agent Performance's 15-minute cells hold the Call Details rows they count: each queue
    entry in the interval of its EnterTime (per queue and source: offered, answered, abandoned, completed, talk,
    after-call work, handle time, queue hold), each agent segment in the interval of its assignedAt (per agent and
    queue: offered, answered, completed, transferred, talk, after-call work)."""
    account, headers, outcome = _simulated(client)
    start = datetime.fromtimestamp(outcome.start, UTC)
    conversations = [row for row in _call_details(client, account, headers, start) if "conversationId" in row]
    volume_cells: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    agent_cells: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    agent_of = {agent.user_id: agent.agent_id for agent in outcome.world.agents}
    for row in conversations:
        entries = _entries(row)
        for position, entry in enumerate(entries):
            cell = volume_cells[(_interval(entry["EnterTime"]), entry["queueId"], row["source"])]
            cell["offeredContacts"] += 1
            entered = _naive(entry["EnterTime"])
            responding = entry.get("respondingAgent")
            talk_ms = acw_ms = 0
            if responding is not None:
                talk_ms = 1000 * responding.get("interactionDuration", 0)
                acw_ms = 1000 * responding.get("afterCallWorkDuration", 0)
                held = int((_naive(responding["acceptedTime"]) - entered).total_seconds() * 1000)
                cell["answeredContacts"] += 1
                cell["completedContacts"] += bool(responding.get("interactionEndTime"))
                cell["queueHoldTimeAnswered"] += held
                cell["maxQueueHoldTimeAnswered"] = max(cell["maxQueueHoldTimeAnswered"], held)
            elif row.get("sessionEndTime") and position == len(entries) - 1:
                held = int((_naive(row["sessionEndTime"]) - entered).total_seconds() * 1000)
                cell["abandonedContacts"] += 1
                cell["queueHoldTimeAbandoned"] += held
                cell["maxqueueHoldTimeAbandoned"] = max(cell["maxqueueHoldTimeAbandoned"], held)
            cell["conversationTalkTime"] += talk_ms
            cell["acwDuration"] += acw_ms
            cell["conversationHandleTime"] += talk_ms + acw_ms  # no hold in the simulated rows
            for segment in [responding] * (responding is not None) + entry.get("nonRespondingAgents", []):
                key = (agent_of[segment["agentId"]], _interval(segment["assignedAt"]), entry["queueId"])
                performed_here = agent_cells[key]
                performed_here["offeredContacts"] += 1
                if segment is responding:
                    performed_here["answeredContacts"] += 1
                    last = position == len(entries) - 1
                    performed_here["completedContacts"] += last
                    performed_here["transferredContacts"] += not last
                    performed_here["conversationTalkTime"] += talk_ms
                    performed_here["acwDuration"] += acw_ms
    names = (
        "offeredContacts", "answeredContacts", "abandonedContacts", "completedContacts", "conversationTalkTime",
        "acwDuration", "conversationHandleTime", "queueHoldTimeAnswered", "maxQueueHoldTimeAnswered",
        "queueHoldTimeAbandoned", "maxqueueHoldTimeAbandoned",
    )  # fmt: skip
    served = {
        (r["intervalStartTimeStamp"], r["queueId"], r["source"]): Counter({n: r[n] for n in names})
        for r in _volume(client, account, headers, start)
    }
    assert {key: +cell for key, cell in served.items()} == {key: +cell for key, cell in volume_cells.items()}
    assert len(served) > 50
    totals = sum(volume_cells.values(), Counter())
    assert totals["abandonedContacts"] > 0 and totals["queueHoldTimeAbandoned"] > 0 and totals["acwDuration"] > 0

    agent_names = (
        "offeredContacts", "answeredContacts", "completedContacts", "transferredContacts", "conversationTalkTime",
        "acwDuration",
    )  # fmt: skip
    performed = {
        (agent["agentId"], interval["intervalStartTimeStamp"], queue["queueId"]): Counter(
            {n: queue[n] for n in agent_names}
        )
        for agent in _performance(client, account, headers, start)
        for interval in agent["intervals"]
        for queue in interval["queues"]
    }
    assert {key: +cell for key, cell in performed.items()} == {key: +cell for key, cell in agent_cells.items()}
    performed_totals = sum(agent_cells.values(), Counter())
    assert performed_totals["offeredContacts"] > performed_totals["answeredContacts"]  # some did not respond
    assert performed_totals["transferredContacts"] > 0
