"""Reading queue contacts: an account's QueueEntry rows in an EnterTime window, each with its conversation and
agent segments, as contact_metrics.QueueContact values (Contact Volume and Queue Size read them here).

Two queries, whatever the number of rows: the entries (joined to their conversation and queue), then the
agent segments of the same entries, grouped in memory. Every table is filtered by the account.
Plans: the entries come from ix_queue_entries_account_enter (or ix_queue_entries_queue_enter for one
queue), a range scan on EnterTime on SQLite and PostgreSQL; "is this the conversation's last queue entry"
is one probe of ix_queue_entries_conversation per row.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    exists,
    func,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from smartassist.contactcenter.contact_metrics import ContactTotals, QueueContact, Segment
from smartassist.contactcenter.models import AgentSegment, Conversation, Queue, QueueEntry
from smartassist.reads import Reads


class QueueContactRow(NamedTuple):
    """One queue entry: where it belongs (queue, bot, source, skills) and its contact."""

    entry_pk: int
    queue_id: str
    queue_name: str
    bot_id: str
    source: str  # the conversation's source id (`rtm`), else its channel
    skills: list[Any]  # the conversation's skills as ingested, [{"skillId", "skillName"}]; [] unless with_skills
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
    with_skills: bool = False  # read the conversations' skills (JSON, decoded per row: only when needed)
    # also every entry (before enter_to) of a conversation still open, however long ago it entered (Queue Size)
    with_open: bool = False


@dataclass(frozen=True)
class _Shape:
    """Which conditions a ContactFilter needs: its statements are built once per shape (functools.cache), with
    bound parameters for the values (params_of), so no request builds or compiles SQL."""

    queue: bool
    bot: bool
    channels: bool
    languages: bool
    with_skills: bool
    with_open: bool


def _shape(f: ContactFilter) -> _Shape:
    return _Shape(
        f.queue_pk is not None, f.bot_id is not None, bool(f.channels), bool(f.languages), f.with_skills, f.with_open
    )


def params_of(f: ContactFilter) -> dict[str, Any]:
    """The bound values of a filter's statements (those its shape does not use are ignored)."""
    return {
        "account_id": f.account_id,
        "enter_from": f.enter_from,
        "enter_to": f.enter_to,
        "queue_pk": f.queue_pk,
        "bot_id": f.bot_id,
        "channels": list(f.channels),
        "languages": list(f.languages),
    }


def _branches(shape: _Shape) -> list[tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]]:
    """The entry conditions of each query to run: the window's entries (a range scan of
    ix_queue_entries_account_enter or _queue_enter) and, with_open, first the entries of the account's open
    conversations (the partial index ix_conversations_account_open, then ix_queue_entries_conversation; an
    EnterTime bound there would let SQLite range-scan the history before the window instead), of which the
    caller keeps those before the window. Two index reads, where one OR (or an IN (UNION), on
    PostgreSQL) read the queue's whole history. Each branch: (entry conditions, segment conditions: the
    account's, or for the open branch its open conversations' by ix_agent_segments_conversation)."""
    account_id: BindParameter[Any] = bindparam("account_id")
    account = [QueueEntry.account_id == account_id]
    if shape.queue:
        account.append(QueueEntry.queue_pk == bindparam("queue_pk"))
    window = [*account, QueueEntry.enter_time >= bindparam("enter_from"), QueueEntry.enter_time < bindparam("enter_to")]
    own_segments: list[ColumnElement[bool]] = [AgentSegment.account_id == account_id]
    if not shape.with_open:
        return [(window, own_segments)]
    open_ids = select(Conversation.id).where(Conversation.account_id == account_id, Conversation.end_time.is_(None))
    open_entries = [*account, QueueEntry.conversation_pk.in_(open_ids)]
    # the account's own by its open conversations (an AgentSegment.account_id test would draw the planners to
    # the account's whole ix_agent_segments_account_assigned instead)
    open_segments: list[ColumnElement[bool]] = [AgentSegment.conversation_pk.in_(open_ids)]
    return [(open_entries, open_segments), (window, own_segments)]


def _conversation_conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Conversation.account_id == bindparam("account_id")]
    if shape.bot:
        conditions.append(Conversation.bot_id == bindparam("bot_id"))
    if shape.channels:
        channels: BindParameter[Any] = bindparam("channels", expanding=True)
        conditions.append(
            or_(func.lower(Conversation.source).in_(channels), func.lower(Conversation.channel).in_(channels))
        )
    if shape.languages:
        conditions.append(func.lower(Conversation.language).in_(bindparam("languages", expanding=True)))
    return conditions


# The AgentSegment columns a contact_metrics.Segment is made of, in its fields' order (see segment_of).
SEGMENT_COLUMNS = (
    AgentSegment.responded,
    AgentSegment.transferred,
    AgentSegment.accepted_time,
    AgentSegment.interaction_end_time,
    AgentSegment.acw_end_time,
    AgentSegment.interaction_duration_s,
    AgentSegment.acw_duration_s,
)


def segment_of(values: Sequence[Any]) -> Segment:
    """A Segment from the SEGMENT_COLUMNS values of a row (booleans are 0/1 on SQLite)."""
    responded, transferred, accepted, ended, acw_end, talk_s, acw_s = values
    return Segment(bool(responded), bool(transferred), accepted, ended, acw_end, talk_s, acw_s)


def driver_rows(
    connection: Connection, statement: Select[*tuple[Any, ...]], params: dict[str, Any] | None = None
) -> list[Any]:
    """All rows as the driver's tuples, read from the DBAPI cursor in one fetchall.

    Tens of thousands of rows per Contact Volume request: SQLAlchemy's Row objects cost as much as the
    fetch itself (bench/bench_queues.py). Safe for the columns read here: integers, strings, booleans (0/1
    on SQLite, hence bool()) and JSON (text on SQLite, decoded by the caller)."""
    result = connection.execute(statement, params or {})
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


@dataclass(frozen=True)
class QueueContactStatements:
    """A shape's queries: the entries of each branch, then the agent segments of each branch."""

    entries: tuple[Select[*tuple[Any, ...]], ...]
    segments: tuple[Select[*tuple[Any, ...]], ...]


@functools.cache
def statements_for(shape: _Shape) -> QueueContactStatements:
    later = aliased(QueueEntry)
    is_last = ~exists().where(
        later.conversation_pk == QueueEntry.conversation_pk,
        later.position > QueueEntry.position,
    )
    columns = select(
        QueueEntry.id,
        QueueEntry.enter_time,
        QueueEntry.accepted_time,
        Queue.queue_id,
        Queue.name,
        Conversation.bot_id,
        func.coalesce(Conversation.source, Conversation.channel),
        Conversation.skills if shape.with_skills else null(),
        Conversation.end_time,
        Conversation.hold_ms,
        Conversation.message_count,
        Conversation.saved_message_count,
        Conversation.csat_score,
        is_last.label("is_last"),
    )
    branches = _branches(shape)
    entries = tuple(
        columns.join(Conversation, Conversation.id == QueueEntry.conversation_pk)
        .join(Queue, and_(Queue.id == QueueEntry.queue_pk, Queue.account_id == bindparam("account_id")))
        .where(*conditions, *_conversation_conditions(shape))
        .order_by(QueueEntry.enter_time, QueueEntry.id)
        for conditions, _ in branches
    )
    segments = tuple(
        select(AgentSegment.queue_entry_pk, *SEGMENT_COLUMNS)
        .join(QueueEntry, QueueEntry.id == AgentSegment.queue_entry_pk)
        .where(*segment_conditions, *conditions)
        .order_by(AgentSegment.queue_entry_pk, AgentSegment.position, AgentSegment.id)
        for conditions, segment_conditions in branches
    )
    return QueueContactStatements(entries, segments)


def load_queue_contacts(connection: Connection, f: ContactFilter) -> list[QueueContactRow]:
    """The filtered entries ordered by EnterTime, then entry id."""
    return list(iter_queue_contacts(connection, f))


def iter_queue_contacts(connection: Connection, f: ContactFilter) -> Iterator[QueueContactRow]:
    """load_queue_contacts one at a time, the queries run before the first: a caller that sums them as they
    come keeps none alive, so the collector never promotes (and re-walks) ~100,000 of them in a 7-day
    Contact Volume request (bench/bench_queues.py)."""
    queries, params = statements_for(_shape(f)), params_of(f)
    entries = _window_entries(f, [driver_rows(connection, statement, params) for statement in queries.entries])
    segments = (
        _segments_by_entry([driver_rows(connection, statement, params) for statement in queries.segments])
        if entries
        else {}
    )
    return _contacts(entries, segments)


async def read_queue_contacts(reads: Reads, f: ContactFilter) -> list[QueueContactRow]:
    """load_queue_contacts through reads.Reads (awaited on PostgreSQL): the same statements and assembly."""
    queries, params = statements_for(_shape(f)), params_of(f)
    entries = _window_entries(f, [await reads.rows(statement, params) for statement in queries.entries])
    segments = (
        _segments_by_entry([await reads.rows(statement, params) for statement in queries.segments]) if entries else {}
    )
    return list(_contacts(entries, segments))


def _window_entries(f: ContactFilter, branch_rows: list[Sequence[Any]]) -> list[Any]:
    """The entries of every branch: of the open conversations' (all but the last branch), those before the
    window only (the window's branch has the others)."""
    entries: list[Any] = []
    for branch, rows in enumerate(branch_rows):
        if branch < len(branch_rows) - 1:
            rows = [row for row in rows if row[1] is not None and row[1] < f.enter_from]
        entries += rows
    return entries


def _contacts(entries: list[Any], segments: dict[int, Sequence[Segment]]) -> Iterator[QueueContactRow]:
    empty: Sequence[Segment] = ()
    for (
        entry_pk,
        enter_time,
        accepted_time,
        queue_id,
        queue_name,
        bot_id,
        source,
        skills,
        end_time,
        hold,
        messages,
        saved,
        csat,
        last,
    ) in entries:
        contact = QueueContact(
            enter_time,
            accepted_time,
            end_time,
            segments.get(entry_pk, empty),
            ContactTotals(bool(last), hold, messages, saved, csat),
            not last,
        )
        if isinstance(skills, str):  # SQLite's JSON text (the driver's rows are read directly, see driver_rows)
            skills = json.loads(skills)
        listed = skills if isinstance(skills, list) else []
        yield QueueContactRow(entry_pk, queue_id, queue_name, bot_id, source or "", listed, contact)


def _segments_by_entry(branch_rows: list[Sequence[Any]]) -> dict[int, Sequence[Segment]]:
    """The agent segments of the filtered entries (each branch's segment query: the entry filter again,
    joined), in position order."""
    grouped: defaultdict[int | None, list[Segment]] = defaultdict(list)
    for rows in branch_rows:
        # an entry in both branches (an open conversation's entry inside the window) has its segments once
        seen = set(grouped)
        for entry_pk, *columns in rows:
            if entry_pk not in seen:
                grouped[entry_pk].append(segment_of(columns))
    return {pk: segments for pk, segments in grouped.items() if pk is not None}
