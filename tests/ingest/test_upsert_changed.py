"""bulk.upsert_changed and the counts built on it: the database compares each row with the stored one (no read
before the write), so these pin what a read-and-compare gave: duplicates, the last record for a key winning, the
stored row updated only when it differs."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, Table, text
from sqlalchemy.orm import Session

from smartassist.contactcenter.models import Bot
from smartassist.ingest import bulk
from tests.support.ingest import ok, post, session
from tests.support.tenants import create_account

SESSIONS = "bots/bot-1/sessions"
BOTS: Table = Bot.__table__  # type: ignore[assignment]


def test_sessions_counted_against_the_stored_rows_and_within_the_batch(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    ok(post(client, account, SESSIONS, [session(1), session(2), session(3)]), 3, 0)
    batch = [
        session(1),  # as stored: duplicate
        session(2, status="abandoned"),  # changed: accepted
        session(4),  # new: accepted
        session(3),  # repeated key: first as stored (duplicate) ...
        session(3, timeHandled=5),  # ... then changed (accepted) ...
        session(3, timeHandled=5),  # ... then as the record before it (duplicate)
        session(5),  # repeated new key: accepted ...
        session(5),  # ... then a duplicate of the record before it
    ]
    ok(post(client, account, SESSIONS, batch), 4, 4)
    with db_engine.connect() as conn:
        rows = conn.execute(text("SELECT session_id, status, time_handled FROM bot_sessions ORDER BY session_id"))
        assert [tuple(row) for row in rows] == [
            ("s-001", "completed", 788),
            ("s-002", "abandoned", 788),
            ("s-003", "completed", 5),
            ("s-004", "completed", 788),
            ("s-005", "completed", 788),
        ]
    ok(post(client, account, SESSIONS, batch[:3]), 0, 3)


def test_an_intent_list_that_differs_only_in_order_is_a_change(client: TestClient) -> None:
    account = create_account(client)
    ok(post(client, account, SESSIONS, [session(1, intent=["A", "B"])]), 1, 0)
    ok(post(client, account, SESSIONS, [session(1, intent=["A", "B"])]), 0, 1)
    ok(post(client, account, SESSIONS, [session(1, intent=["B", "A"])]), 1, 0)


def test_upsert_changed_returns_the_rows_written_and_whether_inserted(client: TestClient, db_engine: Engine) -> None:
    account = create_account(client)
    postgres = db_engine.dialect.name == "postgresql"

    def write(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
        with Session(db_engine) as db:
            written = bulk.upsert_changed(db, BOTS, rows, ("account_id", "bot_id"), ("created_at",), ("bot_id",))
            db.commit()
        return sorted(written, key=lambda row: str(row[0]))

    def bot(name: str, created_at: int) -> dict[str, object]:
        return {"account_id": account, "bot_id": name, "created_at": created_at}

    assert write([bot("a", 1), bot("b", 1)]) == [("a", True if postgres else None), ("b", True if postgres else None)]
    # a unchanged (not returned), b changed (updated), c new (inserted)
    assert write([bot("a", 1), bot("b", 2), bot("c", 1)]) == [
        ("b", False if postgres else None),
        ("c", True if postgres else None),
    ]
    with db_engine.connect() as conn:
        stored = conn.execute(text("SELECT bot_id, created_at FROM bots ORDER BY bot_id"))
        assert [tuple(row) for row in stored] == [("a", 1), ("b", 2), ("c", 1)]
