"""IntentRealtimeData: the latest ended sessions of a bot, in the vendor's wire format."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import bindparam, select

from smartassist.contactcenter.models import Bot, BotSession
from smartassist.errors import not_found
from smartassist.ids import is_caller_id
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
_bots = Bot.__table__.c
BOT_EXISTS = select(_bots.id).where(_bots.account_id == bindparam("account_id"), _bots.bot_id == bindparam("bot_id"))


async def latest_ended_sessions_json(reads: Reads, account_id: str, bot_id: str) -> str:
    """The response body: newest endTime first, ties by sessionId descending. The bot is looked up within the
    token's account only: another account's bot of the same botId is not this account's bot, so 404.

    Hot path: one indexed query of the stored item texts (ix_bot_sessions_bot_end = (account_id, bot_id,
    end_time, session_id): equality on the first two, read backwards along end_time, session_id, stopping
    after 25 rows). Only when that finds nothing is the account's bot looked up (uq_bots_account_id_bot_id,
    one index probe), to tell [] from 404.
    """
    if not is_caller_id(bot_id):
        raise not_found("bot")
    params = {"bot_id": bot_id, "account_id": account_id}
    items = [row[0] for row in await reads.rows(LATEST_ENDED, params)]
    if not items and not await reads.rows(BOT_EXISTS, params):
        raise not_found("bot")
    return f"[{','.join(items)}]"
