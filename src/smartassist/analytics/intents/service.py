"""IntentRealtimeData: the latest ended sessions of a bot, in the vendor's wire format."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import bindparam, select

from smartassist.contactcenter.models import Bot, BotSession
from smartassist.errors import not_found
from smartassist.ids import CALLER_ID
from smartassist.reads import Reads

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


async def latest_ended_sessions_json(reads: Reads, account_id: str, bot_id: str) -> str:
    """The response body: newest endTime first, ties by sessionId descending. Another account's bot is 404
    like a missing one.

    Hot path: one indexed query (ix_bot_sessions_bot_end, read backwards) of the stored item texts; the bot's
    owner is only looked up when the account has no ended session of that bot, to tell [] from 404.
    """
    if not CALLER_ID.match(bot_id):
        raise not_found("bot")
    items = [row[0] for row in await reads.rows(LATEST_ENDED, {"bot_id": bot_id, "account_id": account_id})]
    if not items and await reads.rows(BOT_OWNER, {"bot_id": bot_id}) != [(account_id,)]:
        raise not_found("bot")
    return f"[{','.join(items)}]"
