"""GET and POST /api/public/bot/{botId}/intentrealtimedata (scope SmartAssist Analytics); the body is ignored."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from smartassist.analytics.intents.service import IntentSession, latest_ended_sessions_json
from smartassist.auth.deps import principal_of, require_app
from smartassist.scopes import ANALYTICS
from smartassist.state import get_runtime

router = APIRouter(tags=["analytics"], route_class=require_app(ANALYTICS))
PATH = "/api/public/bot/{botId}/intentrealtimedata"


@router.get(PATH, response_model=list[IntentSession], operation_id="getIntentRealtimeData")
@router.post(PATH, response_model=list[IntentSession], operation_id="intentRealtimeData")
async def intent_realtime_data(
    request: Request,
    botId: str,  # noqa: N803
) -> Response:
    principal = principal_of(request)
    # On the event loop, like require_app (reads.Reads awaits PostgreSQL instead of blocking the loop).
    body = await latest_ended_sessions_json(get_runtime(request).reads, principal.account_id, botId)
    return Response(body, media_type="application/json")
