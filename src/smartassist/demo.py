"""The demo data set: an account, an app, a bot, 20 agents and a week of contact-center activity.

Everything is deterministic so that loading twice stores nothing twice: fixed names and ids, and one
`random.Random` per (agent, day) seeded with both, so a day's data is the same whenever it is generated.
Loading goes through the ingest services, whose upserts are idempotent by record id. The week ends at the
load time floored to the hour; what would lie after it is cut (an interaction still running has no end).
"""

from __future__ import annotations

import json
import random
import shlex
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from smartassist.accounts.models import Account
from smartassist.accounts.service import create_account
from smartassist.apps.models import App
from smartassist.apps.service import register_app, view_credentials
from smartassist.crypto import SecretBox
from smartassist.ingest.schemas import AgentIn, InteractionIn, SessionIn, StatusEventIn
from smartassist.ingest.service import add_status_events, upsert_agents, upsert_interactions, upsert_sessions
from smartassist.scopes import ANALYTICS, INGEST
from smartassist.timefmt import ms_to_datetime

T = TypeVar("T")

ACCOUNT_NAME = "SmartAssist Demo"
APP_NAME = "Demo dashboard"
BOT_ID = "st-5a1e7d3e-0000-4000-8000-00000000de70"
AGENT_COUNT = 20
DAYS = 7
BATCH = 1000
_AGENT_NAMESPACE = uuid.UUID("0b3c52f4-52f0-4b59-9d3a-2c1b4d0e7a11")

FIRST_NAMES = (
    "Joce",
    "Amara",
    "Liam",
    "Priya",
    "Mateo",
    "Yuki",
    "Noah",
    "Fatima",
    "Elena",
    "Kwame",
    "Sofia",
    "Arjun",
    "Chloe",
    "Diego",
    "Hana",
    "Omar",
    "Ingrid",
    "Tomas",
    "Leila",
    "Ravi",
)
LAST_NAMES = (
    "Tay",
    "Okafor",
    "Murphy",
    "Sharma",
    "Garcia",
    "Tanaka",
    "Smith",
    "Haddad",
    "Petrova",
    "Mensah",
    "Rossi",
    "Patel",
    "Martin",
    "Lopez",
    "Kim",
    "Farouk",
    "Larsen",
    "Novak",
    "Aziz",
    "Iyer",
)
SHIFT_START_HOURS = (6, 9, 14)  # UTC: early, day and late shifts, agents assigned round-robin
SHIFT_HOURS = 8
WEEKEND_STAFFING = 0.4
INTENTS = (
    "Book a Ticket",
    "Book a Flight",
    "Check Order Status",
    "Reset Password",
    "Billing Question",
    "Cancel Subscription",
    "Update Address",
    "Report an Issue",
    "Talk to an Agent",
)
CHANNELS = (("voice", 40), ("rtm", 35), ("sms", 10), ("whatsapp", 10), ("email", 5))
SESSION_STATUSES = (("completed", 85), ("transferred", 8), ("abandoned", 7))
SUPPORT_NUMBER = "+18005550123"
SUPPORT_ADDRESS = "support@demo.example"


@dataclass
class Week:
    """The generated activity of all agents, in the ingest wire shapes."""

    sessions: list[SessionIn] = field(default_factory=list)
    events: list[StatusEventIn] = field(default_factory=list)
    interactions: list[InteractionIn] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.sessions) + len(self.events) + len(self.interactions)


@dataclass(frozen=True)
class DemoSetup:
    account_id: str
    client_id: str
    client_secret: str
    bot_id: str


def demo_agents() -> list[AgentIn]:
    agents = []
    for index, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        user_id = f"u-{uuid.uuid5(_AGENT_NAMESPACE, f'agent-{index}')}"
        agents.append(
            AgentIn(
                userId=user_id,
                email=f"{first.lower()}.{last.lower()}@demo.example",
                firstName=first,
                lastName=last,
                customId=str(505950 + index),
            )
        )
    return agents


def week_end(now_ms: int) -> datetime:
    """The end of the demo week: now, floored to the hour (so nothing lies in the future)."""
    return ms_to_datetime(now_ms).replace(minute=0, second=0, microsecond=0)


def generate_week(agents: Sequence[AgentIn], end: datetime) -> Week:
    """Every agent's shifts from the day DAYS days before `end` up to `end`."""
    week = Week()
    first_day = (end - timedelta(days=DAYS)).date()
    for offset in range((end.date() - first_day).days + 1):
        for index, agent in enumerate(agents):
            _agent_day(week, index, agent, first_day + timedelta(days=offset), end)
    return week


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in choices], weights=[weight for _, weight in choices])[0]


def _shift_plan(rng: random.Random, start: datetime, end: datetime) -> list[tuple[str, str | None, datetime]]:
    """Status changes of one shift: Available, two short breaks and lunch (Away), maybe a meeting (Busy)."""
    pauses: list[tuple[datetime, int, str, str]] = [
        (start + timedelta(minutes=120 + rng.randint(-15, 15)), 15, "Away", "Break"),
        (start + timedelta(minutes=240 + rng.randint(-20, 20)), rng.choice((30, 45)), "Away", "Lunch"),
        (start + timedelta(minutes=360 + rng.randint(-15, 15)), 15, "Away", "Break"),
    ]
    if rng.random() < 0.3:
        pauses.append((start + timedelta(minutes=rng.choice((60, 300))), rng.choice((20, 30)), "Busy", "Meeting"))
    plan: list[tuple[str, str | None, datetime]] = [("Available", None, start)]
    for at, minutes, status, reason in sorted(pauses):
        plan += [(status, reason, at), ("Available", None, at + timedelta(minutes=minutes))]
    plan.append(("Offline", None, end))
    return plan


def _agent_day(week: Week, index: int, agent: AgentIn, day: date, cutoff: datetime) -> None:
    rng = random.Random(f"smartassist-demo:{index}:{day.isoformat()}")  # noqa: S311 - demo data, not secrets
    if day.weekday() >= 5 and rng.random() > WEEKEND_STAFFING:
        return
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    start = midnight + timedelta(hours=SHIFT_START_HOURS[index % len(SHIFT_START_HOURS)], minutes=rng.randint(-5, 10))
    plan = _shift_plan(rng, start, start + timedelta(hours=SHIFT_HOURS, minutes=rng.randint(0, 15)))
    user_id = agent.userId or ""
    tag = f"{index:02d}-{day:%Y%m%d}"
    count = 0
    for number, ((status, reason, at), (_, _, until)) in enumerate(zip(plan, [*plan[1:], plan[-1]], strict=True)):
        if at < cutoff:
            week.events.append(
                StatusEventIn(
                    eventId=f"demo-ev-{tag}-{number:02d}", agent=user_id, status=status, reason=reason, timestamp=at
                )
            )
        if status == "Available":
            count = _conversations(week, rng, user_id, tag, count, at, until, cutoff)


def _conversations(
    week: Week, rng: random.Random, user_id: str, tag: str, count: int, start: datetime, end: datetime, cutoff: datetime
) -> int:
    """Back-to-back conversations while Available: each a bot session handed to the agent."""
    cursor = start + timedelta(seconds=rng.randint(30, 360))
    while True:
        handled = int(rng.triangular(60, 900, 240))
        finish = cursor + timedelta(seconds=handled)
        if finish > end or cursor >= cutoff:
            return count
        running = finish > cutoff
        ident = f"{tag}-{count:03d}"
        week.interactions.append(
            InteractionIn(
                interactionId=f"demo-ia-{ident}", agent=user_id, startTime=cursor, endTime=None if running else finish
            )
        )
        channel = _weighted(rng, CHANNELS)
        phone = channel in ("voice", "sms", "whatsapp")
        deflected = "sms" if channel == "voice" and rng.random() < 0.08 else None
        week.sessions.append(
            SessionIn(
                sessionId=f"demo-ss-{ident}",
                userId=user_id,
                intent=rng.sample(INTENTS, rng.choice((1, 1, 2))),
                ANI=f"+1{rng.randint(2_000_000_000, 9_899_999_999)}",
                DNI=SUPPORT_NUMBER if phone else SUPPORT_ADDRESS,
                channel=channel,
                startTime=cursor - timedelta(seconds=rng.randint(20, 180)),
                endTime=None if running else finish,
                status="in-progress" if running else _weighted(rng, SESSION_STATUSES),
                timeHandled=int((min(finish, cutoff) - cursor).total_seconds()),
                deflectedTo=deflected,
            )
        )
        count += 1
        cursor = finish + timedelta(seconds=rng.randint(20, 420))


def ensure_account_and_app(session: Session, box: SecretBox) -> DemoSetup:
    """The demo account and app, found by their fixed names, created on the first run only."""
    account = session.scalar(
        select(Account).where(Account.name == ACCOUNT_NAME).order_by(Account.created_at, Account.id).limit(1)
    )
    if account is None:
        account = create_account(session, ACCOUNT_NAME)
    app = session.scalar(select(App).where(App.account_id == account.id, App.name == APP_NAME))
    if app is None:
        app, secret = register_app(
            session,
            box,
            account.id,
            name=APP_NAME,
            scopes=[ANALYTICS, INGEST],
            algorithms=["HS256", "HS512"],
            enforce_jti=False,
            enforce_jwe=False,
        )
    else:
        app, secret = view_credentials(session, box, account.id, app.client_id)
    return DemoSetup(account_id=account.id, client_id=app.client_id, client_secret=secret, bot_id=BOT_ID)


def _batches(records: Sequence[T]) -> Iterator[list[T]]:
    for start in range(0, len(records), BATCH):
        yield list(records[start : start + BATCH])


def load(
    session: Session, setup: DemoSetup, agents: list[AgentIn], week: Week, on_progress: Callable[[int], None]
) -> None:
    """Ingest agents, sessions, status events and interactions in batches, reporting records done."""
    upsert_agents(session, setup.account_id, agents)
    on_progress(len(agents))
    for sessions in _batches(week.sessions):
        upsert_sessions(session, setup.account_id, setup.bot_id, sessions)
        on_progress(len(sessions))
    for events in _batches(week.events):
        add_status_events(session, setup.account_id, events)
        on_progress(len(events))
    for interactions in _batches(week.interactions):
        upsert_interactions(session, setup.account_id, interactions)
        on_progress(len(interactions))


def instructions(setup: DemoSetup, end: datetime, base_url: str, smartassist: str) -> str:
    """What to paste: the credentials, a token line, and one curl per public route."""
    base = base_url.rstrip("/")
    yesterday = (end - timedelta(days=1)).date().isoformat()
    body = json.dumps(
        {
            "filter": {"dateFilter": {"startDate": yesterday, "endDate": end.date().isoformat(), "timeZoneOffSet": 0}},
            "granularity": "PT1H",
        }
    )
    intents_url = f"{base}/api/public/bot/{setup.bot_id}/intentrealtimedata"
    status_url = f"{base}/agentassist/api/public/analytics/1.1/account/{setup.account_id}/userstatus?limit=3"
    return "\n".join(
        [
            f"Demo account: {setup.account_id} ({ACCOUNT_NAME})",
            f"App:          {setup.client_id} ({APP_NAME}; scopes: {ANALYTICS}, {INGEST})",
            f"Secret:       {setup.client_secret}",
            f"Bot:          {setup.bot_id}",
            f"Data:         {AGENT_COUNT} agents, up to {end.isoformat().replace('+00:00', 'Z')}",
            "",
            "# a token, minted like a client would (HS256, signed with the client secret):",
            f"export SMARTASSIST_CLIENT_SECRET={shlex.quote(setup.client_secret)}",
            f"TOKEN=$({smartassist} token --client-id {setup.client_id})",
            "",
            "# IntentRealtimeData: the bot's 25 most recently ended sessions",
            f'curl -s -X POST {shlex.quote(intents_url)} -H "auth: $TOKEN" -H "accountId: {setup.account_id}"',
            "",
            "# UserStatus: the first 3 agents' status time per hour, yesterday and today (UTC)",
            f'curl -s -X POST {shlex.quote(status_url)} -H "auth: $TOKEN" -H "Content-Type: application/json" '
            f"-d {shlex.quote(body)}",
        ]
    )
