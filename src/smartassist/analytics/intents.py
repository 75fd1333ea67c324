"""IntentRealtimeData: the latest ended sessions of a bot, in the vendor's wire format."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, bindparam, select

from smartassist.errors import not_found
from smartassist.ids import CALLER_ID
from smartassist.ingest.models import Bot, BotSession
from smartassist.timefmt import iso_ms

LATEST = 25


class IntentSession(BaseModel):
    """One item of the response, fields in the vendor's order and spelling (documents the route's schema)."""

    intent: list[str]
    ANI: str
    DNI: str
    channel: str
    startTime: str
    endTime: str
    status: str
    timeHandled: str
    deflectedTo: str | None
    userId: str
    sessionId: str


def format_time_handled(seconds: int) -> str:
    """`50s`, `13m:8s`, `1h:0m:5s`: the vendor's samples, no zero padding."""
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m:{seconds % 60}s"
    return f"{seconds // 3600}h:{seconds % 3600 // 60}m:{seconds % 60}s"


# Built once, a Core statement with bound parameters: building it per request (and its cache key, and
# ORM result loading) cost more CPU than the query itself. It reads each item's stored JSON text.
_sessions = BotSession.__table__.c
LATEST_ENDED = (
    select(_sessions.wire)
    .where(
        _sessions.bot_id == bindparam("bot_id"),
        _sessions.account_id == bindparam("account_id"),
        _sessions.end_time.is_not(None),
    )
    .order_by(_sessions.end_time.desc(), _sessions.session_id.desc())
    .limit(LATEST)
)
BOT_OWNER = select(Bot.__table__.c.account_id).where(Bot.__table__.c.id == bindparam("bot_id"))


def item_json(
    intents: Sequence[Any],
    ani: str,
    dni: str,
    channel: str,
    start: int,
    end: int,
    status: str,
    handled: int,
    deflected: str | None,
    user_id: str,
    session_id: str,
) -> str:
    """One ended session as a response item, JSON text with the keys in the vendor's order and spelling (see
    IntentSession).

    Rendered once, when the session is ingested, and stored in bot_sessions.wire: the route then only joins
    25 stored texts (formatting them per request was a fifth of its CPU). Changing this function therefore
    needs a migration that renders the stored items again (as 0004 did when the column was added).
    """
    return json.dumps(
        {
            "intent": [str(i) for i in intents],
            "ANI": ani,
            "DNI": dni,
            "channel": channel,
            "startTime": iso_ms(start),
            "endTime": iso_ms(end),
            "status": status,
            "timeHandled": format_time_handled(handled),
            "deflectedTo": deflected,
            "userId": user_id,
            "sessionId": session_id,
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def latest_ended_sessions_json(connection: Connection, account_id: str, bot_id: str) -> str:
    """The response body: newest endTime first, ties by sessionId descending. Another account's bot is 404
    like a missing one.

    Hot path: one indexed query (ix_bot_sessions_bot_end, read backwards) of the stored item texts; the bot's
    owner is only looked up when the account has no ended session of that bot, to tell [] from 404.
    """
    if not CALLER_ID.match(bot_id):
        raise not_found("bot")
    items = connection.execute(LATEST_ENDED, {"bot_id": bot_id, "account_id": account_id}).scalars().all()
    if not items and connection.scalar(BOT_OWNER, {"bot_id": bot_id}) != account_id:
        raise not_found("bot")
    return f"[{','.join(items)}]"
