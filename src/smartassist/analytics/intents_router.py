"""GET and POST /api/public/bot/{botId}/intentrealtimedata (scope SmartAssist Analytics); the body is ignored."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from sqlalchemy import Connection

from smartassist.analytics.intents import IntentSession, latest_ended_sessions_json
from smartassist.auth.deps import Principal, require_app
from smartassist.db import get_read_connection
from smartassist.scopes import ANALYTICS

router = APIRouter(tags=["analytics"])
PATH = "/api/public/bot/{botId}/intentrealtimedata"


@router.get(PATH, response_model=list[IntentSession], operation_id="getIntentRealtimeData")
@router.post(PATH, response_model=list[IntentSession], operation_id="intentRealtimeData")
async def intent_realtime_data(botId: str, principal: Principal = Depends(require_app(ANALYTICS)),  # noqa: N803
                               connection: Connection = Depends(get_read_connection)) -> Response:
    # On the event loop, like require_app: one indexed LIMIT 25 query waits less than a thread-pool hop costs.
    return Response(latest_ended_sessions_json(connection, principal.account_id, botId), media_type="application/json")
