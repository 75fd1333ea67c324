"""What a simulate/demo run must have stored: recomputed from the pure model for the run's own cut."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import FastAPI
from sqlalchemy import Engine, func, select
from starlette.routing import Match

from smartassist.contactcenter.models import (
    Agent,
    AgentInteraction,
    AgentLoginEvent,
    AgentStatusEvent,
    BotSession,
    Conversation,
    Queue,
)
from smartassist.simulation.run import Days, backfill_batches, first_day_of
from smartassist.simulation.world import World
from smartassist.simulation.writer import KINDS

TABLES = {
    "queues": Queue,
    "agents": Agent,
    "sessions": BotSession,
    "conversations": Conversation,
    "status events": AgentStatusEvent,
    "login events": AgentLoginEvent,
    "interactions": AgentInteraction,
}


def serves(app: FastAPI, method: str, path: str) -> bool:
    """Whether this build of the server has the route (some are written in parallel, elsewhere)."""
    scope = {"type": "http", "path": path, "method": method}
    return any(route.matches(scope)[0] is Match.FULL for route in app.routes)


def served_kinds(app: FastAPI) -> set[str]:
    """The kinds whose ingest route this build of the server has."""
    return {
        kind.name
        for kind in KINDS
        if serves(app, kind.method, "/ingest/accounts/acc" + kind.path.format(botId="st-bot"))
    }


def stored(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: conn.scalar(select(func.count()).select_from(model)) or 0 for name, model in TABLES.items()}


def expected(world: World, days: int, end: int, served: set[str]) -> dict[str, int]:
    """Rows per table after a backfill of `days` up to `end` (0 for a kind the server can't take)."""
    batches = backfill_batches(world, Days(world), first_day_of(end, days), end)
    counts = dict.fromkeys(TABLES, 0)
    answered_segments = 0
    for kind, records in batches:
        if kind.name in served:
            counts[kind.name] += len(records)
        if kind.name == "conversations" and kind.name in served:
            answered_segments += sum(
                1 for row in records for entry in row.get("destinations", []) if "respondingAgent" in entry
            )
    counts["interactions"] = answered_segments  # the server derives them from answered segments
    if "agents" not in served:
        counts["agents"] = 0
    return counts


def zulu_after(label: str, text: str) -> int:
    """The `…Z` time printed after `label` in a command's output, as epoch seconds."""
    match = re.search(re.escape(label) + r"\s*(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)", text)
    assert match, f"{label!r} not in output:\n{text}"
    return int(datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())
