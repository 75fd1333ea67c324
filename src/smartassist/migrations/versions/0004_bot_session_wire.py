"""Bot sessions keep their IntentRealtimeData item as served (JSON text), rendered when ingested.

Existing ended sessions are rendered here by a frozen copy of the renderer the application had then
(contactcenter/intent_items.py now), so a later change to the application cannot change what this
migration wrote.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import json
import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def _iso_ms(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}+00:00"


def _time_handled(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m:{seconds % 60}s"
    return f"{seconds // 3600}h:{seconds % 3600 // 60}m:{seconds % 60}s"


def item_json(row: Sequence[Any]) -> str:
    """The IntentRealtimeData item as the application rendered it at revision 0004 (frozen copy), from
    (intents, ani, dni, channel, start, end, status, handled, deflected, user_id, session_id)."""
    intents, ani, dni, channel, start, end, status, handled, deflected, user_id, session_id = row
    item = {
        "intent": [str(i) for i in intents],
        "ANI": ani,
        "DNI": dni,
        "channel": channel,
        "startTime": _iso_ms(start),
        "endTime": _iso_ms(end),
        "status": status,
        "timeHandled": _time_handled(handled),
        "deflectedTo": deflected,
        "userId": user_id,
        "sessionId": session_id,
    }
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False)


sessions = sa.table(
    "bot_sessions",
    sa.column("id", sa.BigInteger()),
    sa.column("session_id", sa.String()),
    sa.column("user_id", sa.String()),
    sa.column("intents", sa.JSON()),
    sa.column("ani", sa.String()),
    sa.column("dni", sa.String()),
    sa.column("channel", sa.String()),
    sa.column("start_time", sa.BigInteger()),
    sa.column("end_time", sa.BigInteger()),
    sa.column("status", sa.String()),
    sa.column("time_handled", sa.BigInteger()),
    sa.column("deflected_to", sa.String()),
    sa.column("wire", sa.Text()),
)


def upgrade() -> None:
    op.add_column("bot_sessions", sa.Column("wire", sa.Text(), nullable=True))
    conn = op.get_bind()
    c = sessions.c
    last_id = 0
    while True:  # keyset batches: bounded memory however many sessions are stored
        rows = conn.execute(
            sa.select(
                c.id,
                c.intents,
                c.ani,
                c.dni,
                c.channel,
                c.start_time,
                c.end_time,
                c.status,
                c.time_handled,
                c.deflected_to,
                c.user_id,
                c.session_id,
            )
            .where(c.end_time.is_not(None), c.id > last_id)
            .order_by(c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            sessions.update().where(c.id == sa.bindparam("row_id")).values(wire=sa.bindparam("item")),
            [{"row_id": row[0], "item": item_json(row[1:])} for row in rows],
        )
        last_id = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("bot_sessions") as batch:
        batch.drop_column("wire")
