"""Applying validated ingest batches: one transaction per batch, idempotent by the records' ids.

A batch is a handful of statements whatever its size: one query to read what is stored, one
INSERT ... ON CONFLICT executed for many rows. "duplicates" counts records that change nothing: an
event whose eventId is already stored (or appeared earlier in the batch), or an upserted record
identical to the stored row (or to an earlier record of the batch with the same key); everything
else is "accepted". Within a batch, the last record for a key wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Column, ColumnElement, Table, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from smartassist.accounts.service import get_account
from smartassist.clock import now_ms
from smartassist.collector import collector_paused
from smartassist.contactcenter import data_versions, latest_status
from smartassist.contactcenter.intent_items import EndedSession, render_item
from smartassist.contactcenter.models import Agent, AgentInteraction, AgentStatusEvent, Bot, BotSession
from smartassist.db import dialect_insert
from smartassist.errors import ApiError, bad_request
from smartassist.ids import CALLER_ID_RULE, is_caller_id, new_agent_key, new_user_id, normalize_email
from smartassist.ingest import bulk
from smartassist.ingest.bulk import IN_CHUNK, chunks
from smartassist.ingest.memberships import Memberships
from smartassist.ingest.schemas import AgentIn, InteractionIn, SessionIn, StatusEventIn
from smartassist.timefmt import datetime_to_ms

T = TypeVar("T")
_ATTEMPTS = 3

AGENTS: Table = Agent.__table__  # type: ignore[assignment]
SESSIONS: Table = BotSession.__table__  # type: ignore[assignment]
EVENTS: Table = AgentStatusEvent.__table__  # type: ignore[assignment]
INTERACTIONS: Table = AgentInteraction.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    duplicates: int


def upsert_agents(session: Session, account_id: str, records: list[AgentIn]) -> IngestResult:
    """Upsert by email (ids.normalize_email: NFKC + case folding); a userId is generated for a new agent that has
    none."""
    get_account(session, account_id)
    return _transaction(session, account_id, records, lambda: _upsert_agents(session, account_id, records), agents=True)


def upsert_sessions(session: Session, account_id: str, bot_id: str, records: list[SessionIn]) -> IngestResult:
    """Upsert by sessionId; the bot, named by botId within the account, is created on first use. Another
    account's bot of the same botId is another bot, never seen here."""
    get_account(session, account_id)
    if not is_caller_id(bot_id):
        raise bad_request(f"botId must be {CALLER_ID_RULE}")
    return _transaction(session, account_id, records, lambda: _upsert_sessions(session, account_id, bot_id, records))


def add_status_events(session: Session, account_id: str, records: list[StatusEventIn]) -> IngestResult:
    """Insert events; an eventId already stored (or repeated in the batch) is a duplicate and left as it was."""
    get_account(session, account_id)
    return _transaction(session, account_id, records, lambda: _add_status_events(session, account_id, records))


def upsert_interactions(session: Session, account_id: str, records: list[InteractionIn]) -> IngestResult:
    """Upsert by interactionId (a later post may set endTime)."""
    get_account(session, account_id)
    return _transaction(session, account_id, records, lambda: _upsert_interactions(session, account_id, records))


def _transaction(
    session: Session, account_id: str, records: Sequence[Any], work: Callable[[], IngestResult], *, agents: bool = False
) -> IngestResult:
    """Run `work`, bump the account's data version (and its agents version, with `agents`:
    contactcenter/data_versions.py) and commit. A unique-key race with a concurrent batch surfaces as
    IntegrityError: roll back and run again, so the second pass sees the other batch's rows and counts them as
    duplicates."""
    if not records:
        return IngestResult(0, 0)
    with collector_paused():  # a batch's rows are thousands of young containers (see smartassist.collector)
        for _ in range(_ATTEMPTS):
            try:
                result = work()
                data_versions.bump(session, account_id, agents=agents)
                session.commit()
                return result
            except IntegrityError:
                session.rollback()
    raise ApiError(409, "a concurrent request kept writing the same records; retry the batch")


def _upsert_agents(session: Session, account_id: str, records: list[AgentIn]) -> IngestResult:
    emails = sorted({normalize_email(r.email) for r in records})
    given = sorted({r.userId for r in records if r.userId})
    state: dict[str, tuple[str, str, str, str, str | None, str]] = {}
    for chunk_emails, chunk_ids in _paired_chunks(emails, given):
        found = session.execute(
            select(
                Agent.email_norm,
                Agent.user_id,
                Agent.email,
                Agent.first_name,
                Agent.last_name,
                Agent.custom_id,
                Agent.agent_key,
            ).where(
                Agent.account_id == account_id, or_(Agent.email_norm.in_(chunk_emails), Agent.user_id.in_(chunk_ids))
            )
        )
        state.update((row[0], (row[1], row[2], row[3], row[4], row[5], row[6])) for row in found)
    owner = {values[0]: norm for norm, values in state.items()}
    key_owner = _agent_key_owners(session, account_id, state, [r.agentId for r in records if r.agentId])
    memberships = Memberships(session, account_id, records, emails)
    changed: dict[str, tuple[str, str, str, str, str | None, str]] = {}
    duplicates = 0
    for index, record in enumerate(records):
        norm = normalize_email(record.email)
        current = state.get(norm)
        user_id = record.userId or (current[0] if current else new_user_id())
        if owner.get(user_id, norm) != norm:
            raise bad_request(f"record {index}: userId: already belongs to the agent with another email")
        agent_key = record.agentId or (current[5] if current else new_agent_key())
        if key_owner.get(agent_key, norm) != norm:
            raise bad_request(f"record {index}: agentId: already belongs to the agent with another email")
        new = (user_id, record.email, record.firstName, record.lastName, record.customId, agent_key)
        moved = memberships.assign(norm, record.queues)
        if new == current:
            if not moved:
                duplicates += 1
            continue
        if current is not None:
            owner.pop(current[0], None)
            key_owner.pop(current[5], None)
        owner[user_id] = norm
        key_owner[agent_key] = norm
        state[norm] = changed[norm] = new
    rows = [
        {
            "account_id": account_id,
            "email_norm": norm,
            "user_id": v[0],
            "email": v[1],
            "first_name": v[2],
            "last_name": v[3],
            "custom_id": v[4],
            "agent_key": v[5],
        }
        for norm, v in sorted(changed.items())
    ]
    bulk.upsert(session, AGENTS, rows, ("account_id", "email_norm"))
    memberships.write(session)
    return IngestResult(len(records) - duplicates, duplicates)


def _upsert_sessions(session: Session, account_id: str, bot_id: str, records: list[SessionIn]) -> IngestResult:
    _ensure_bot(session, account_id, bot_id)
    columns = (
        "user_id",
        "intents",
        "ani",
        "dni",
        "channel",
        "start_time",
        "end_time",
        "status",
        "time_handled",
        "deflected_to",
    )
    incoming = [
        (
            r.sessionId,
            (
                r.userId,
                r.intent,
                r.ANI,
                r.DNI,
                r.channel,
                datetime_to_ms(r.startTime),
                _ms_or_none(r),
                r.status,
                r.timeHandled,
                r.deflectedTo,
            ),
        )
        for r in records
    ]
    bot_scope = (SESSIONS.c.account_id == account_id) & (SESSIONS.c.bot_id == bot_id)
    rows, duplicates, repeated = _collapse(session, SESSIONS.c.session_id, incoming, columns, bot_scope)
    written = bulk.upsert_changed(
        session,
        SESSIONS,
        [
            {
                "account_id": account_id,
                "bot_id": bot_id,
                "session_id": key,
                **dict(zip(columns, values, strict=True)),
                "wire": _item_json(key, *values),
            }
            for key, values in rows
        ],
        ("account_id", "bot_id", "session_id"),
        columns,
        returning=("session_id",),
    )
    duplicates += _unwritten(rows, repeated, written)
    return IngestResult(len(records) - duplicates, duplicates)


def _add_status_events(session: Session, account_id: str, records: list[StatusEventIn]) -> IngestResult:
    agents = _resolve_agents(session, account_id, [r.agent for r in records])
    first: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.eventId not in first:
            first[record.eventId] = {
                "account_id": account_id,
                "agent_id": agents[record.agent],
                "event_id": record.eventId,
                "status": record.status,
                "reason": record.reason,
                "ts": datetime_to_ms(record.timestamp),
            }
    inserted = bulk.insert_new(session, EVENTS, [first[key] for key in sorted(first)], ("account_id", "event_id"))
    if inserted:  # in this transaction: Queue Size reads each agent's latest status from it
        latest_status.refresh(session, account_id, {row["agent_id"] for row in first.values()})
    return IngestResult(inserted, len(records) - inserted)


def _upsert_interactions(session: Session, account_id: str, records: list[InteractionIn]) -> IngestResult:
    agents = _resolve_agents(session, account_id, [r.agent for r in records])
    columns = ("agent_id", "start_time", "end_time")
    incoming = [(r.interactionId, (agents[r.agent], datetime_to_ms(r.startTime), _ms_or_none(r))) for r in records]
    scope = INTERACTIONS.c.account_id == account_id
    rows, duplicates, repeated = _collapse(session, INTERACTIONS.c.interaction_id, incoming, columns, scope)
    written = bulk.upsert_changed(
        session,
        INTERACTIONS,
        [
            {"account_id": account_id, "interaction_id": key, **dict(zip(columns, values, strict=True))}
            for key, values in rows
        ],
        ("account_id", "interaction_id"),
        columns,
        returning=("interaction_id",),
    )
    duplicates += _unwritten(rows, repeated, written)
    return IngestResult(len(records) - duplicates, duplicates)


def _collapse(
    session: Session,
    key: Column[Any],
    incoming: list[tuple[str, tuple[Any, ...]]],
    columns: tuple[str, ...],
    scope: ColumnElement[bool],
) -> tuple[list[tuple[str, tuple[Any, ...]]], int, set[str]]:
    """The rows to upsert for a batch of (key, values), sorted by key, each key's last values (the last record for
    a key wins), for bulk.upsert_changed to compare with what is stored; the duplicates already known; the keys the
    batch repeats.

    A key given once is a duplicate exactly when its row equals the stored one, which is what upsert_changed tells
    by not returning it (_unwritten). A repeated key (rare) is counted the way _diff counts: against the stored
    values (read for those keys only), then each record against the one before it; sent when one of them changed
    something, its duplicates known here."""
    seen = Counter(k for k, _ in incoming)
    repeated = {k for k, n in seen.items() if n > 1}
    last = dict(incoming)
    duplicates = 0
    changed: set[str] = set()
    if repeated:
        stored = _stored(session, key, sorted(repeated), columns, scope)
        changed_rows, duplicates = _diff(stored, [(k, v) for k, v in incoming if k in repeated])
        changed = {k for k, _ in changed_rows}
    rows = [(k, last[k]) for k in sorted(last) if k not in repeated or k in changed]
    return rows, duplicates, repeated


def _unwritten(rows: list[tuple[str, tuple[Any, ...]]], repeated: set[str], written: list[tuple[Any, ...]]) -> int:
    """The keys given once whose rows upsert_changed left as stored (equal): their records are duplicates."""
    done = {row[0] for row in written}
    return sum(1 for k, _ in rows if k not in repeated and k not in done)


def _stored(
    session: Session, key: Column[Any], keys: list[str], columns: tuple[str, ...], scope: ColumnElement[bool]
) -> dict[str, tuple[Any, ...]]:
    """The stored values of `columns` for the given keys within `scope` (the bot, or the account), by key."""
    table = key.table
    query = select(key, *(table.c[name] for name in columns)).where(scope)
    return {
        row[0]: tuple(row[1:])
        for chunk in chunks(sorted(set(keys)))
        for row in session.execute(query.where(key.in_(chunk)))
    }


def _diff(
    stored: dict[str, tuple[Any, ...]], incoming: list[tuple[str, tuple[Any, ...]]]
) -> tuple[list[tuple[str, tuple[Any, ...]]], int]:
    """The keys whose final values differ from what is stored (sorted), and how many records changed nothing."""
    state = dict(stored)
    changed: set[str] = set()
    duplicates = 0
    for key, values in incoming:
        if state.get(key) == values:
            duplicates += 1
            continue
        state[key] = values
        changed.add(key)
    return [(key, state[key]) for key in sorted(changed)], duplicates


def _resolve_agents(session: Session, account_id: str, refs: list[str]) -> dict[str, int]:
    """Agent row ids by reference (a userId, else an email by ids.normalize_email); an unknown one is a 400."""
    wanted = sorted(set(refs))
    by_user: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for ids, emails in _paired_chunks(wanted, sorted({normalize_email(ref) for ref in wanted})):
        for row_id, user_id, email_norm in session.execute(
            select(Agent.id, Agent.user_id, Agent.email_norm).where(
                Agent.account_id == account_id, or_(Agent.user_id.in_(ids), Agent.email_norm.in_(emails))
            )
        ):
            by_user[user_id] = row_id
            by_email[email_norm] = row_id
    resolved: dict[str, int] = {}
    for index, ref in enumerate(refs):
        agent_id = by_user.get(ref) or by_email.get(normalize_email(ref))
        if agent_id is None:
            raise bad_request(f"record {index}: agent: no agent of this account has this email or userId")
        resolved[ref] = agent_id
    return resolved


def _ensure_bot(session: Session, account_id: str, bot_id: str) -> None:
    """Create the account's bot on first use (a concurrent first use inserts nothing)."""
    stmt = _insert(session, Bot.__table__).on_conflict_do_nothing(  # type: ignore[arg-type]
        index_elements=["account_id", "bot_id"]
    )
    session.execute(stmt, [{"account_id": account_id, "bot_id": bot_id, "created_at": now_ms()}])


def _insert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    return dialect_insert(session.get_bind().dialect.name, table)


def _item_json(
    session_id: str,
    user_id: str,
    intents: list[Any],
    ani: str,
    dni: str,
    channel: str,
    start: int,
    end: int | None,
    status: str,
    handled: int,
    deflected: str | None,
) -> str | None:
    """The session's stored IntentRealtimeData item (values in _upsert_sessions' column order); None until it ends."""
    if end is None:
        return None
    return render_item(
        EndedSession(session_id, user_id, intents, ani, dni, channel, start, end, status, handled, deflected)
    )


def _ms_or_none(record: SessionIn | InteractionIn) -> int | None:
    return datetime_to_ms(record.endTime) if record.endTime is not None else None


def _paired_chunks(first: list[str], second: list[str]) -> Iterator[tuple[list[str], list[str]]]:
    """Both lists cut into chunks side by side (the shorter one runs out with empty chunks)."""
    for start in range(0, max(len(first), len(second), 1), IN_CHUNK):
        yield first[start : start + IN_CHUNK], second[start : start + IN_CHUNK]


def _agent_key_owners(
    session: Session, account_id: str, state: dict[str, tuple[str, str, str, str, str | None, str]], given: list[str]
) -> dict[str, str]:
    """Which agent (normalised email) holds each agentId: those of the batch's stored agents, and the agents
    holding an agentId the batch gives (a given agentId held by another agent is a 400)."""
    owners = {values[5]: norm for norm, values in state.items()}
    for chunk in chunks(sorted(set(given))):
        query = select(Agent.agent_key, Agent.email_norm).where(
            Agent.account_id == account_id, Agent.agent_key.in_(chunk)
        )
        owners.update((key, norm) for key, norm in session.execute(query))
    return owners
