"""The stored IntentRealtimeData item of an ended bot session: one typed record in, the wire JSON text out.

Rendered once, when the session is ingested, and stored in bot_sessions.wire: the route then only joins 25
stored texts (formatting them per request was a fifth of its CPU). Changing the rendering therefore needs a
migration that renders the stored items again (as 0004 did when the column was added, with its own frozen
copy of this renderer).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from smartassist.timefmt import iso_ms


@dataclass(frozen=True, slots=True)
class EndedSession:
    """What the item shows of a bot session that has ended (times in epoch ms, time handled in seconds)."""

    session_id: str
    user_id: str
    intents: Sequence[Any]
    ani: str
    dni: str
    channel: str
    start_time: int
    end_time: int
    status: str
    time_handled: int
    deflected_to: str | None


def format_time_handled(seconds: int) -> str:
    """`50s`, `13m:8s`, `1h:0m:5s`: the vendor's samples, no zero padding."""
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m:{seconds % 60}s"
    return f"{seconds // 3600}h:{seconds % 3600 // 60}m:{seconds % 60}s"


def render_item(session: EndedSession) -> str:
    """The response item, JSON text with the keys in the vendor's order and spelling (the route's IntentSession).

    Strings and null only: orjson writes them as json.dumps(separators=(",", ":"), ensure_ascii=False) does,
    character for character, at a fraction of its time (it was 14 % of the sessions ingest under py-spy); a lone
    surrogate, which orjson refuses, goes to the standard library as before."""
    item = {
        "intent": [str(i) for i in session.intents],
        "ANI": session.ani,
        "DNI": session.dni,
        "channel": session.channel,
        "startTime": iso_ms(session.start_time),
        "endTime": iso_ms(session.end_time),
        "status": session.status,
        "timeHandled": format_time_handled(session.time_handled),
        "deflectedTo": session.deflected_to,
        "userId": session.user_id,
        "sessionId": session.session_id,
    }
    try:
        return orjson.dumps(item).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(item, separators=(",", ":"), ensure_ascii=False)
