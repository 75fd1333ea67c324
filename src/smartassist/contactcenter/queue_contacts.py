"""Reading queue contacts: an account's QueueEntry rows in an EnterTime window, each with its conversation and
agent segments, as contact_metrics.QueueContact values (Contact Volume and Queue Size read them here).

One query, whatever the number of rows (for Queue Size, its open conversations' branch and its window's as
the members of one UNION ALL, live_members): the entries joined to their conversation and queue and
left-joined to their agent segments, read as they arrive. Every table is filtered by the account.
Plans: the entries come from ix_queue_entries_account_enter (or ix_queue_entries_queue_enter for one
queue), a range scan on EnterTime on SQLite and PostgreSQL; "is this the conversation's last queue entry"
is one probe of ix_queue_entries_conversation per row, the segments one of ix_agent_segments_conversation (or, as
PostgreSQL may choose, of ix_agent_segments_queue_entry: the entry's own segments, also one probe per entry).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from smartassist.contactcenter.contact_metrics import ContactTotals, QueueContact, Segment
from smartassist.contactcenter.models import AgentSegment, Conversation, Queue, QueueEntry


class QueueContactRow(NamedTuple):
    """One queue entry: where it belongs (queue, bot, source, skills) and its contact."""

    entry_pk: int
    queue_id: str
    queue_name: str
    bot_id: str
    source: str  # the conversation's source id (`rtm`), else its channel
    skills: Sequence[Any]  # the conversation's skills as ingested, [{"skillId", "skillName"}]; [] unless with_skills
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
class Shape:
    """Which conditions a ContactFilter needs: its statements are built once per shape (functools.cache), with
    bound parameters for the values (params_of), so no request builds or compiles SQL."""

    queue: bool
    bot: bool
    channels: bool
    languages: bool
    with_skills: bool
    with_open: bool


def shape_of(f: ContactFilter) -> Shape:
    return Shape(
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


def _branches(
    shape: Shape, queue_pk: ColumnElement[Any] | None = None
) -> list[tuple[list[ColumnElement[bool]], list[ColumnElement[bool]]]]:
    """The entry conditions of each query to run: the window's entries (a range scan of
    ix_queue_entries_account_enter or _queue_enter) and, with_open, first the entries of the account's open
    conversations (the partial index ix_conversations_account_open, then ix_queue_entries_conversation; an
    EnterTime bound there would let SQLite range-scan the history before the window instead), of which the
    caller keeps those before the window. Two index reads, where one OR (or an IN (UNION), on
    PostgreSQL) read the queue's whole history. Each branch: (entry conditions, segment conditions: the
    account's, or for the open branch its open conversations' by ix_agent_segments_conversation). The queue,
    when the shape has one: `queue_pk` (an expression: Queue Size's lookup by public id), else the bound
    queue_pk."""
    account_id: BindParameter[Any] = bindparam("account_id")
    account = [QueueEntry.account_id == account_id]
    if shape.queue:
        account.append(QueueEntry.queue_pk == (bindparam("queue_pk") if queue_pk is None else queue_pk))
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


def _conversation_conditions(shape: Shape) -> list[ColumnElement[bool]]:
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


BATCH_ROWS = 1000


def driver_batches(
    connection: Connection, statement: Select[*tuple[Any, ...]], params: dict[str, Any] | None = None
) -> Iterator[Sequence[Any]]:
    """The rows as the driver's tuples, read from the DBAPI cursor BATCH_ROWS at a time.

    Tens of thousands of rows per Contact Volume or Agent Performance request: SQLAlchemy's Row objects cost
    as much as the fetch itself, and a caller that consumes the rows as they come keeps few alive, so the
    cyclic collector has no ~70,000 young tuples to promote and walk in full collections (~100 ms of a 7-day
    Contact Volume request when they were fetched at once; bench/bench_queues.py). Safe for the columns read
    here: integers, strings, booleans (0/1 on SQLite, hence bool()) and JSON (text on SQLite, decoded by the
    caller)."""
    result = connection.execute(statement, params or {})
    try:
        while rows := result.cursor.fetchmany(BATCH_ROWS):
            yield rows
    finally:
        result.close()


def _columns(shape: Shape) -> list[Any]:
    """The columns of a contact row: the entry, its queue, its conversation, "is this the conversation's last
    queue entry" (one probe of ix_queue_entries_conversation per row), then SEGMENT_COLUMNS (at _SEGMENT_AT)."""
    later = aliased(QueueEntry)
    is_last = ~exists().where(
        later.conversation_pk == QueueEntry.conversation_pk,
        later.position > QueueEntry.position,
    )
    return [
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
        *SEGMENT_COLUMNS,  # NULL when the entry has no segment (responded is never NULL in a stored one)
    ]


def _joined(
    columns: Select[*tuple[Any, ...]],
    shape: Shape,
    conditions: list[ColumnElement[bool]],
    segment_conditions: list[ColumnElement[bool]],
) -> Select[*tuple[Any, ...]]:
    """The entries joined to their conversation and queue, left-joined to their agent segments (by
    ix_agent_segments_conversation: the entry's conversation, then its queue entry, and the branch's segment
    conditions)."""
    return (
        columns.join(Conversation, Conversation.id == QueueEntry.conversation_pk)
        .join(Queue, and_(Queue.id == QueueEntry.queue_pk, Queue.account_id == bindparam("account_id")))
        .outerjoin(
            AgentSegment,
            and_(
                AgentSegment.conversation_pk == QueueEntry.conversation_pk,
                AgentSegment.queue_entry_pk == QueueEntry.id,
                *segment_conditions,
            ),
        )
        .where(*conditions, *_conversation_conditions(shape))
    )


@functools.cache
def statements_for(shape: Shape) -> tuple[Select[*tuple[Any, ...]], ...]:
    """One statement per branch: one row per agent segment of each entry (one with NULL segment columns for an
    entry without), ordered by EnterTime, entry id, then segment position, so an entry's rows are consecutive."""
    return tuple(
        _joined(select(*_columns(shape)), shape, conditions, segment_conditions).order_by(
            QueueEntry.enter_time, QueueEntry.id, AgentSegment.position, AgentSegment.id
        )
        for conditions, segment_conditions in _branches(shape)
    )


LIVE_SORT_KEYS = ("branch", "enter_time", "entry_pk", "segment_position", "segment_pk")


def live_members(shape: Shape, queue_pk: ColumnElement[Any] | None = None) -> list[Select[*tuple[Any, ...]]]:
    """The branches of a with_open shape as the members of one UNION ALL (one round trip for all; Queue Size
    adds its own lookup as another member): the columns of statements_for, then the branch number (at
    BRANCH_AT) and the segment's position and id; the union is to be ordered by LIVE_SORT_KEYS, and its rows
    read by live_contacts. Each member keeps its branch's index plan (the plans of _branches)."""
    if not shape.with_open:
        raise ValueError("live contacts: a with_open shape")
    columns = _columns(shape)
    columns[0] = QueueEntry.id.label("entry_pk")
    columns[1] = QueueEntry.enter_time.label("enter_time")
    return [
        _joined(
            select(
                *columns,
                literal_column(str(branch), Integer).label("branch"),
                AgentSegment.position.label("segment_position"),
                AgentSegment.id.label("segment_pk"),
            ),
            shape,
            conditions,
            segment_conditions,
        )
        for branch, (conditions, segment_conditions) in enumerate(_branches(shape, queue_pk))
    ]


def _before(f: ContactFilter, branch: int, branches: int) -> int | None:
    """Of the open conversations' entries (every branch but the last), those before the window only: the
    window's branch has the others."""
    return f.enter_from if branch < branches - 1 else None


def live_contacts(rows: Iterable[Sequence[Any]], f: ContactFilter) -> list[QueueContactRow]:
    """The contacts of live_members' rows ordered by LIVE_SORT_KEYS (the older open entries first, then the
    window's, each by EnterTime, then entry id)."""
    contacts: list[QueueContactRow] = []
    for branch, branch_rows in groupby(rows, itemgetter(BRANCH_AT)):
        contacts += _contacts(branch_rows, _before(f, branch, _LIVE_BRANCHES))
    return contacts


class ContactGroup(NamedTuple):
    """The entries of one interval x queue x source (a Contact Volume record), as their rows: contacts() builds
    them only for the records a page shows."""

    interval_start: int
    queue_id: str
    source: str
    rows: list[Any]

    def contacts(self) -> Iterator[QueueContactRow]:
        return _contacts(self.rows, None)


def iter_interval_groups(connection: Connection, f: ContactFilter, interval_ms: int) -> Iterator[list[ContactGroup]]:
    """The window's entries (not with_open) by interval of EnterTime (floor to a multiple of interval_ms),
    intervals ascending; each interval's groups ordered by (queueId, source) as Python orders strings (not
    by the database's collation). A group's rows are kept only until the next interval."""
    if f.with_open:
        raise ValueError("interval groups cover the window's entries only")
    [window] = statements_for(shape_of(f))
    rows = chain.from_iterable(driver_batches(connection, window, params_of(f)))
    for start, interval in groupby(rows, lambda row: row[1] - row[1] % interval_ms):
        groups: dict[tuple[str, str], list[Any]] = {}
        for row in interval:
            groups.setdefault((row[3], row[6] or ""), []).append(row)
        yield [ContactGroup(start, queue_id, source, groups[queue_id, source]) for queue_id, source in sorted(groups)]


_SEGMENT_AT = 14  # where SEGMENT_COLUMNS begin in a row of statements_for
_SEGMENT_END = _SEGMENT_AT + len(SEGMENT_COLUMNS)
BRANCH_AT = _SEGMENT_END  # live_members' branch number
LIVE_WIDTH = BRANCH_AT + 3  # the columns of a live_members row: the branch, the segment's position and id last
_LIVE_BRANCHES = 2  # of a with_open shape (_branches): the open conversations' entries, the window's


def _contacts(rows: Iterable[Sequence[Any]], before: int | None) -> Iterator[QueueContactRow]:
    """One QueueContactRow per entry from its consecutive rows (one per segment, or one without an entry's
    segment)."""
    entry: Sequence[Any] = ()
    entry_pk = None
    segments: list[Segment] = []
    for row in rows:
        if row[0] != entry_pk:
            if entry:
                yield _contact_row(entry, segments)
            entry_pk, segments = row[0], []
            entry = row if before is None or (row[1] is not None and row[1] < before) else ()
        if row[_SEGMENT_AT] is not None:  # responded: NULL only when the left join found no segment
            segments.append(segment_of(row[_SEGMENT_AT:_SEGMENT_END]))
    if entry:
        yield _contact_row(entry, segments)


def _contact_row(entry: Sequence[Any], segments: Sequence[Segment]) -> QueueContactRow:
    entry_pk, enter_time, accepted_time, queue_id, queue_name, bot_id, source, skills = entry[:8]
    end_time, hold, messages, saved, csat, last = entry[8:_SEGMENT_AT]
    totals = ContactTotals(bool(last), hold, messages, saved, csat)
    contact = QueueContact(enter_time, accepted_time, end_time, segments, totals, not last)
    if isinstance(skills, str):  # SQLite's JSON text (the driver's rows are read directly, see driver_batches)
        skills = json.loads(skills)
    listed = skills if isinstance(skills, list) else ()
    return QueueContactRow(entry_pk, queue_id, queue_name, bot_id, source or "", listed, contact)
