"""Emails compared by one rule, bot ids scoped to their account, and the audit trail's actor.

- agents.email_norm is re-computed as NFKC + case folding (smartassist.ids.normalize_email; a frozen copy
  here). Two agents of an account whose emails now fold to the same key are resolved deterministically: an
  agent already stored under that key keeps it (what an email found before, it still finds), else the lowest
  agent id takes it; any other keeps its old key (it stays reachable by userId) or, if that is taken too,
  "<key>#<id>". A key longer than the column keeps the old key. Nothing is deleted.
- bots get a surrogate key; a bot is (account_id, bot_id), unique, and bot_sessions reference it by that
  pair, so the same botId in two accounts names two bots.
- audit_events gain `actor` ("admin" for every existing row: only the admin routes wrote the trail) and the
  index the paged, newest-first list reads.

Downgrade refuses when two accounts have a bot of the same botId (the old schema cannot hold both).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EMAIL_COLUMN = 320
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _fold(email: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email.strip()).casefold())


def _lower(email: str) -> str:
    return email.lower()


def _renormalise(key: Callable[[str], str]) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, account_id, email, email_norm FROM agents ORDER BY account_id, id")).all()
    final: dict[int, str] = {}
    assigned: dict[str, set[str]] = {account_id: set() for _, account_id, _, _ in rows}
    wanted: dict[int, str] = {}
    for row_id, account_id, email, norm in rows:
        key_now = key(email)
        wanted[row_id] = norm if len(key_now) > EMAIL_COLUMN else key_now
        if wanted[row_id] == norm:  # already stored under its new key: it keeps it, whatever comes later
            assigned[account_id].add(norm)
            final[row_id] = norm
    for row_id, account_id, _, norm in rows:  # the others in agent id order
        if row_id in final:
            continue
        for candidate in (wanted[row_id], norm, f"{wanted[row_id][: EMAIL_COLUMN - 21]}#{row_id}"):
            if candidate not in assigned[account_id]:
                assigned[account_id].add(candidate)
                final[row_id] = candidate
                break
    changed = [(row_id, final[row_id]) for row_id, _, _, norm in rows if final[row_id] != norm]
    update = sa.text("UPDATE agents SET email_norm = :norm WHERE id = :id")
    # Two steps, so a key moving from one agent to another is never held by both at once.
    for row_id, _ in changed:
        conn.execute(update, {"norm": f"#renormalising#{row_id}", "id": row_id})
    for row_id, norm in changed:
        conn.execute(update, {"norm": norm, "id": row_id})


def upgrade() -> None:
    _renormalise(_fold)
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("bot_sessions") as batch:
        batch.drop_constraint("fk_bot_sessions_bot_id_bots", type_="foreignkey")
        batch.drop_constraint("uq_bot_sessions_bot_id_session_id", type_="unique")
        batch.drop_index("ix_bot_sessions_bot_end")
    op.drop_index("ix_bots_account_id", table_name="bots")
    if sqlite:
        # SQLite can't change a primary key in place: a new table, filled in the old one's creation order.
        op.create_table(
            "bots_new",
            sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
            sa.Column("account_id", sa.String(24), nullable=False),
            sa.Column("bot_id", sa.String(128), nullable=False),
            sa.Column("created_at", sa.BigInteger(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"], ["accounts.id"], name="fk_bots_account_id_accounts", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name="pk_bots"),
            sa.UniqueConstraint("account_id", "bot_id", name="uq_bots_account_id_bot_id"),
        )
        op.execute(
            "INSERT INTO bots_new (account_id, bot_id, created_at) "
            "SELECT account_id, id, created_at FROM bots ORDER BY created_at, id"
        )
        op.drop_table("bots")
        op.rename_table("bots_new", "bots")
    else:
        op.drop_constraint("pk_bots", "bots", type_="primary")
        op.alter_column("bots", "id", new_column_name="bot_id")
        op.execute("ALTER TABLE bots ADD COLUMN id BIGSERIAL NOT NULL")
        op.create_primary_key("pk_bots", "bots", ["id"])
        op.create_unique_constraint("uq_bots_account_id_bot_id", "bots", ["account_id", "bot_id"])
    with op.batch_alter_table("bot_sessions") as batch:
        batch.create_foreign_key(
            "fk_bot_sessions_account_id_bot_id_bots",
            "bots",
            ["account_id", "bot_id"],
            ["account_id", "bot_id"],
            ondelete="CASCADE",
        )
        batch.create_unique_constraint(
            "uq_bot_sessions_account_id_bot_id_session_id", ["account_id", "bot_id", "session_id"]
        )
        batch.create_index("ix_bot_sessions_bot_end", ["account_id", "bot_id", "end_time", "session_id"])
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("actor", sa.String(64), server_default="admin", nullable=False))
        batch.create_index("ix_audit_events_account_at_id", ["account_id", "at", "id"])


def downgrade() -> None:
    conn = op.get_bind()
    shared = conn.execute(sa.text("SELECT bot_id FROM bots GROUP BY bot_id HAVING COUNT(*) > 1 LIMIT 1")).first()
    if shared is not None:
        raise RuntimeError(
            f"cannot downgrade below 0008: bot id {shared[0]!r} exists in more than one account, which the older "
            "schema (one global bot id) cannot hold"
        )
    sqlite = conn.dialect.name == "sqlite"
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_index("ix_audit_events_account_at_id")
        batch.drop_column("actor")
    with op.batch_alter_table("bot_sessions") as batch:
        batch.drop_constraint("fk_bot_sessions_account_id_bot_id_bots", type_="foreignkey")
        batch.drop_constraint("uq_bot_sessions_account_id_bot_id_session_id", type_="unique")
        batch.drop_index("ix_bot_sessions_bot_end")
    if sqlite:
        op.create_table(
            "bots_old",
            sa.Column("id", sa.String(128), nullable=False),
            sa.Column("account_id", sa.String(24), nullable=False),
            sa.Column("created_at", sa.BigInteger(), nullable=False),
            sa.ForeignKeyConstraint(
                ["account_id"], ["accounts.id"], name="fk_bots_account_id_accounts", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name="pk_bots"),
        )
        op.execute("INSERT INTO bots_old (id, account_id, created_at) SELECT bot_id, account_id, created_at FROM bots")
        op.drop_table("bots")
        op.rename_table("bots_old", "bots")
    else:
        op.drop_constraint("uq_bots_account_id_bot_id", "bots", type_="unique")
        op.drop_constraint("pk_bots", "bots", type_="primary")
        op.drop_column("bots", "id")
        op.alter_column("bots", "bot_id", new_column_name="id")
        op.create_primary_key("pk_bots", "bots", ["id"])
    op.create_index("ix_bots_account_id", "bots", ["account_id"])
    with op.batch_alter_table("bot_sessions") as batch:
        batch.create_foreign_key("fk_bot_sessions_bot_id_bots", "bots", ["bot_id"], ["id"], ondelete="CASCADE")
        batch.create_unique_constraint("uq_bot_sessions_bot_id_session_id", ["bot_id", "session_id"])
        batch.create_index("ix_bot_sessions_bot_end", ["bot_id", "end_time", "session_id"])
    _renormalise(_lower)
