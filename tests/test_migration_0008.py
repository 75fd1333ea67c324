"""Migration 0008 on rows written before it: email keys re-computed (collisions resolved deterministically,
nothing deleted), bots rebuilt with a surrogate key keeping their sessions, audit rows given the admin actor;
and back down."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from smartassist import migrate
from tests.conftest import migrated_to

KELVIN = "\u212a"


def test_0008_renormalises_rebuilds_bots_and_downgrades(backend: str, tmp_path: Path) -> None:
    with migrated_to(backend, tmp_path, "0007") as (url, engine):
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES ('a1', 'A', 0), ('a2', 'B', 0)"))
            agents = [
                # a1: "straße" and "STRASSE" were two agents under lower(); now one key: the older keeps it.
                (1, "a1", "u-1", "straße@x.io", "straße@x.io"),
                (2, "a1", "u-2", "STRASSE@x.io", "strasse@x.io"),
                (3, "a1", "u-3", f"{KELVIN}ate@x.io", "kate@x.io"),
                (4, "a1", "u-4", "Plain@X.io", "plain@x.io"),
                (5, "a2", "u-5", "Strasse@x.io", "strasse@x.io"),  # another account: untouched by a1
            ]
            conn.execute(
                text(
                    "INSERT INTO agents (id, account_id, user_id, agent_key, email, email_norm, first_name, "
                    "last_name) "
                    "VALUES (:id, :account, :user, :key, :email, :norm, 'F', 'L')"
                ),
                [
                    {"id": i, "account": a, "user": u, "key": f"a-{i}", "email": e, "norm": n}
                    for i, a, u, e, n in agents
                ],
            )
            conn.execute(text("INSERT INTO bots (id, account_id, created_at) VALUES ('st-1', 'a1', 5)"))
            conn.execute(
                text(
                    "INSERT INTO bot_sessions (account_id, bot_id, session_id, user_id, intents, ani, dni, "
                    "channel, start_time, end_time, status, time_handled, wire) VALUES ('a1', 'st-1', 's-1', "
                    "'c', '[]', '', '', 'rtm', 0, 1, 'completed', 1, '{}')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO audit_events (account_id, at, action, client_id, detail) "
                    "VALUES ('a1', 1, 'app.created', NULL, '{}')"
                )
            )
        migrate.upgrade(url)
        with engine.begin() as conn:
            keys = dict(conn.execute(text("SELECT id, email_norm FROM agents")).all())
            bots = conn.execute(text("SELECT account_id, bot_id, created_at FROM bots")).all()
            sessions = conn.execute(text("SELECT account_id, bot_id, session_id FROM bot_sessions")).all()
            actors = conn.execute(text("SELECT actor FROM audit_events")).scalars().all()
            # The same bot id in another account is now another bot.
            conn.execute(text("INSERT INTO bots (account_id, bot_id, created_at) VALUES ('a2', 'st-1', 6)"))
        assert keys == {
            1: "straße@x.io",  # its new key was already STRASSE's: it keeps its old one (reachable by userId)
            2: "strasse@x.io",
            3: "kate@x.io",
            4: "plain@x.io",
            5: "strasse@x.io",
        }
        assert bots == [("a1", "st-1", 5)] and sessions == [("a1", "st-1", "s-1")]
        assert actors == ["admin"]
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM bots WHERE account_id = 'a2'"))
        migrate.downgrade(url, "0007")
        with engine.begin() as conn:
            assert conn.execute(text("SELECT id, account_id FROM bots")).all() == [("st-1", "a1")]
            assert conn.execute(text("SELECT bot_id, session_id FROM bot_sessions")).all() == [("st-1", "s-1")]
            lowered = dict(conn.execute(text("SELECT id, email_norm FROM agents")).all())
        assert lowered == {1: "straße@x.io", 2: "strasse@x.io", 3: "kate@x.io", 4: "plain@x.io", 5: "strasse@x.io"}
