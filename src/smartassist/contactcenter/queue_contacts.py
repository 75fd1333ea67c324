"""Reading queue contacts: an account's QueueEntry rows in an EnterTime window, each with its conversation and
agent segments, as contact_metrics.QueueContact values (Contact Volume and Queue Size read them here).

Two queries, whatever the number of rows: the entries (joined to their conversation and queue), then the
agent segments of the same entries, grouped in memory. Every table is filtered by the account.
Plans: the entries come from ix_queue_entries_account_enter (or ix_queue_entries_queue_enter for one
queue), a range scan on EnterTime on SQLite and PostgreSQL; "is this the conversation's last queue entry"
is one probe of ix_queue_entries_conversation per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from smartassist.contactcenter.contact_metrics import ContactTotals, QueueContact, Segment
from smartassist.contactcenter.models import AgentSegment, Conversation, Queue, QueueEntry


@dataclass(frozen=True, slots=True)
class QueueContactRow:
    """One queue entry: where it belongs (queue, bot, source, skills) and its contact."""

    entry_pk: int
    queue_id: str
    queue_name: str
    bot_id: str
    source: str  # the conversation's source id (`rtm`), else its channel
    skills: list[Any]  # the conversation's skills as ingested, [{"skillId", "skillName"}]
    contact: QueueContact


@dataclass(frozen=True)
class ContactFilter:
    """Which entries: EnterTime in [enter_from, enter_to), optionally one queue, one bot, some channels and
    languages (lower-case; a conversation matches a channel by its source or its channel, in any case)."""

    account_id: str
    enter_from: int
    enter_to: int
    queue_pk: int | None = None
    bot_id: str | None = None
    channels: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


def _entry_conditions(f: ContactFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        QueueEntry.account_id == f.account_id,
        QueueEntry.enter_time >= f.enter_from,
        QueueEntry.enter_time < f.enter_to,
    ]
    if f.queue_pk is not None:
        conditions.append(QueueEntry.queue_pk == f.queue_pk)
    return conditions


def _conversation_conditions(f: ContactFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Conversation.account_id == f.account_id]
    if f.bot_id is not None:
        conditions.append(Conversation.bot_id == f.bot_id)
    if f.channels:
        conditions.append(
            or_(func.lower(Conversation.source).in_(f.channels), func.lower(Conversation.channel).in_(f.channels))
        )
    if f.languages:
        conditions.append(func.lower(Conversation.language).in_(f.languages))
    return conditions


def load_queue_contacts(connection: Connection, f: ContactFilter) -> list[QueueContactRow]:
    """The filtered entries ordered by EnterTime, then entry id."""
    later = aliased(QueueEntry)
    is_last = ~exists().where(
        later.conversation_pk == QueueEntry.conversation_pk,
        later.position > QueueEntry.position,
    )
    entries = connection.execute(
        select(
            QueueEntry.id,
            QueueEntry.enter_time,
            QueueEntry.accepted_time,
            Queue.queue_id,
            Queue.name,
            Conversation.bot_id,
            func.coalesce(Conversation.source, Conversation.channel),
            Conversation.skills,
            Conversation.end_time,
            Conversation.hold_ms,
            Conversation.message_count,
            Conversation.saved_message_count,
            Conversation.csat_score,
            is_last.label("is_last"),
        )
        .join(Conversation, Conversation.id == QueueEntry.conversation_pk)
        .join(Queue, and_(Queue.id == QueueEntry.queue_pk, Queue.account_id == f.account_id))
        .where(*_entry_conditions(f), *_conversation_conditions(f))
        .order_by(QueueEntry.enter_time, QueueEntry.id)
    ).all()
    if not entries:
        return []
    segments = _segments_by_entry(connection, f)
    rows: list[QueueContactRow] = []
    for entry in entries:
        entry_pk, enter_time, accepted_time, queue_id, queue_name, bot_id, source, skills, end_time = entry[:9]
        hold, messages, saved, csat, last = entry[9:]
        contact = QueueContact(
            enter_time=enter_time,
            accepted_time=accepted_time,
            session_end=end_time,
            segments=segments.get(entry_pk, ()),
            totals=ContactTotals(
                owner=bool(last), hold_ms=hold, message_count=messages, saved_message_count=saved, csat_score=csat
            ),
            moved_on=not last,
        )
        rows.append(
            QueueContactRow(
                entry_pk=entry_pk,
                queue_id=queue_id,
                queue_name=queue_name,
                bot_id=bot_id,
                source=source or "",
                skills=skills if isinstance(skills, list) else [],
                contact=contact,
            )
        )
    return rows


def _segments_by_entry(connection: Connection, f: ContactFilter) -> dict[int, Sequence[Segment]]:
    """The agent segments of the filtered entries (the entry filter again, joined), in position order."""
    result = connection.execute(
        select(
            AgentSegment.queue_entry_pk,
            AgentSegment.responded,
            AgentSegment.transferred,
            AgentSegment.accepted_time,
            AgentSegment.interaction_end_time,
            AgentSegment.acw_end_time,
            AgentSegment.interaction_duration_s,
            AgentSegment.acw_duration_s,
        )
        .join(QueueEntry, QueueEntry.id == AgentSegment.queue_entry_pk)
        .where(AgentSegment.account_id == f.account_id, *_entry_conditions(f))
        .order_by(AgentSegment.queue_entry_pk, AgentSegment.position, AgentSegment.id)
    )
    grouped: defaultdict[int, list[Segment]] = defaultdict(list)
    for entry_pk, responded, transferred, accepted, ended, acw_end, talk_s, acw_s in result:
        if entry_pk is None:  # not possible through the join; narrows the type
            continue
        grouped[entry_pk].append(
            Segment(
                responded=bool(responded),
                transferred=bool(transferred),
                accepted_time=accepted,
                interaction_end_time=ended,
                acw_end_time=acw_end,
                interaction_duration_s=talk_s,
                acw_duration_s=acw_s,
            )
        )
    return dict(grouped)
