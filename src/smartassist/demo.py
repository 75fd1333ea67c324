"""The demo: `simulate --days 7` on a fixed account and app, and the commands to paste afterwards.

The account and app are found by their fixed names (created on the first run), the data comes from the
simulator with a fixed seed, so a second run stores nothing twice and adds only the time that has passed.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from smartassist.scopes import ANALYTICS, INGEST
from smartassist.simulation.render import zulu
from smartassist.simulation.world import DEFAULT_BOT_ID, QUEUES

ACCOUNT_NAME = "SmartAssist Demo"
APP_NAME = "Demo dashboard"
BOT_ID = DEFAULT_BOT_ID
AGENT_COUNT = 20
DAYS = 7
SEED = 1
WFM = "WFM Integration"  # contract §8; granted when the server knows the scope
WANTED_SCOPES = (ANALYTICS, INGEST, WFM)


@dataclass(frozen=True)
class DemoSetup:
    account_id: str
    client_id: str
    client_secret: str
    bot_id: str
    scopes: tuple[str, ...]


def _post(url: str, body: object | None, account_id: str | None = None, query: str = "") -> str:
    parts = [f"curl -s -X POST {shlex.quote(url + query)}", '-H "auth: $TOKEN"']
    if account_id is not None:
        parts.append(f'-H "accountId: {account_id}"')
    if body is not None:
        parts += ['-H "Content-Type: application/json"', f"-d {shlex.quote(json.dumps(body))}"]
    return " ".join(parts)


def instructions(setup: DemoSetup, end: int, base_url: str, smartassist: str) -> str:
    """What to paste: the credentials, a token line, and one curl per public route."""
    base = base_url.rstrip("/")
    today = datetime.fromtimestamp(end, tz=UTC).date()
    yesterday = today - timedelta(days=1)
    account = f"{base}/agentassist/api/public/analytics/account/{setup.account_id}"
    window = {"startDate": yesterday.isoformat(), "endDate": today.isoformat()}
    status_body = {"filter": {"dateFilter": {**window, "timeZoneOffSet": 0}}, "granularity": "PT1H"}
    since = zulu(int(datetime(yesterday.year, yesterday.month, yesterday.day, tzinfo=UTC).timestamp()))
    activity_query = urlencode({"fromTimeStamp": since, "toTimeStamp": zulu(end)})
    queue = QUEUES[0]
    return "\n".join(
        [
            f"Demo account: {setup.account_id} ({ACCOUNT_NAME})",
            f"App:          {setup.client_id} ({APP_NAME}; scopes: {', '.join(setup.scopes)})",
            f"Secret:       {setup.client_secret}",
            f"Bot:          {setup.bot_id}",
            f"Data:         {AGENT_COUNT} agents, {len(QUEUES)} queues, up to {zulu(end)}",
            "",
            "# a token, minted like a client would (HS256, signed with the client secret):",
            f"export SMARTASSIST_CLIENT_SECRET={shlex.quote(setup.client_secret)}",
            f"TOKEN=$({smartassist} token --client-id {setup.client_id})",
            "",
            "# IntentRealtimeData: the bot's 25 most recently ended sessions",
            _post(f"{base}/api/public/bot/{setup.bot_id}/intentrealtimedata", None, setup.account_id),
            "",
            "# UserStatus: the first 3 agents' status time per hour, yesterday and today (UTC)",
            _post(
                f"{base}/agentassist/api/public/analytics/1.1/account/{setup.account_id}/userstatus",
                status_body,
                query="?limit=3",
            ),
            "",
            "# Agent Status Details v3: the first 3 agents' status spans and logins yesterday (UTC)",
            _post(
                f"{account}/v3/agentstatusdetails",
                {"filter": {"dateFilter": {"date": yesterday.isoformat(), "timeZoneOffSet": 0}}},
                query="?limit=3",
            ),
            "",
            "# Agent Activity (WFM): every status event since yesterday's midnight (UTC)",
            f'curl -s {shlex.quote(f"{account}/agentactivity?{activity_query}")} -X GET -H "auth: $TOKEN"',
            "",
            "# Call Details: the first 5 contacts of yesterday and today (UTC)",
            _post(
                f"{account}/v2/calldetails",
                {**window, "timeZoneOffset": 0},
                query="?limit=5",
            ),
            "",
            f"# Queue Size: the {queue.name} queue right now",
            _post(f"{base}/agentassist/api/v1/public/{setup.bot_id}/monitor/queueStatsById/{queue.queue_id}", {}),
            "",
            "# Contact Volume (WFM): 15-minute records per queue and channel since yesterday (UTC), first 5",
            _post(
                f"{account}/callvolume",
                {"orgId": setup.account_id, "fromTimeStamp": since, "toTimeStamp": zulu(end), "limit": 5},
            ),
            "",
            "# Agent Performance (WFM): the first 3 agents, per 15-minute interval and queue since yesterday (UTC)",
            _post(f"{account}/agentperformance", {"fromTimeStamp": since, "toTimeStamp": zulu(end), "limit": 3}),
        ]
    )
