"""IntentRealtimeData: the latest ended sessions of a bot, in the vendor's wire format."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from smartassist.errors import not_found
from smartassist.ids import CALLER_ID
from smartassist.ingest.models import Bot, BotSession
from smartassist.timefmt import iso_ms

LATEST = 25


class IntentSession(BaseModel):
    """One item of the response, fields in the vendor's order and spelling."""

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


def to_item(row: BotSession) -> IntentSession:
    if row.end_time is None:
        raise ValueError("only ended sessions are reported")
    return IntentSession(intent=[str(i) for i in row.intents], ANI=row.ani, DNI=row.dni, channel=row.channel,
                         startTime=iso_ms(row.start_time), endTime=iso_ms(row.end_time), status=row.status,
                         timeHandled=format_time_handled(row.time_handled), deflectedTo=row.deflected_to,
                         userId=row.user_id, sessionId=row.session_id)


def latest_ended_sessions(session: Session, account_id: str, bot_id: str) -> list[IntentSession]:
    """Newest endTime first, ties by sessionId descending. Another account's bot is 404 like a missing one."""
    owner = session.scalar(select(Bot.account_id).where(Bot.id == bot_id)) if CALLER_ID.match(bot_id) else None
    if owner != account_id:
        raise not_found("bot")
    rows = session.scalars(
        select(BotSession)
        .where(BotSession.bot_id == bot_id, BotSession.end_time.is_not(None))
        .order_by(BotSession.end_time.desc(), BotSession.session_id.desc())
        .limit(LATEST))
    return [to_item(row) for row in rows]
