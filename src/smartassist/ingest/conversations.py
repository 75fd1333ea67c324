"""Conversations ingest: rows in the vendor's Call Details shape, validated whole, then upserted in one transaction
with their queue entries, agent segments and the agent interactions of their answered segments.

The body is the vendor's calldetails response as is (`{"numResults": n, "data": [...]}`; numResults is not
checked, the vendor's own sample disagrees with its rows), a JSON array of rows, or NDJSON (one row a line).
The row convention (time fields, storage, rendering) is contactcenter.call_rows.

Bounds (400 beyond, naming the record and field): a row is a JSON object of at most MAX_ROW_CHARS characters
once stored, its free-form values bounded by ingest.row_bounds (depth, keys, strings, arrays, tag lists), with
at most MAX_LIST_ITEMS destinations, non-responding agents
per queue entry, consulting agents per segment and skills; ids 1..128 characters of [A-Za-z0-9._:@+-];
channel 1..64 and source 1..64 characters, language 1..32, Direction 1..16, nonResponseEvent 1..64; durations
and csatScore integers 0..10^9. No NaN/Infinity anywhere in a row.

Upsert key (conversations.contact_key): conversationId, else "<botId>/<sessionId>". A record is a duplicate
when its stored text (call_rows.encode_row) equals what is stored for its key, or an earlier record of the batch
with that key; the last record for a key wins. A changed conversation's queue entries, agent segments and
`<conversationId>#<n>` interactions are deleted and written again, so a re-ingest never doubles them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import orjson
from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from smartassist import json_text
from smartassist.accounts.service import get_account
from smartassist.collector import collector_paused
from smartassist.contactcenter import call_rows
from smartassist.contactcenter.models import (
    Agent,
    AgentInteraction,
    AgentSegment,
    Conversation,
    Queue,
    QueueEntry,
)
from smartassist.errors import bad_request
from smartassist.ids import CALLER_ID, normalize_email
from smartassist.ingest import _scan, bulk
from smartassist.ingest.bulk import chunks, compress_with_lz4
from smartassist.ingest.parsing import JSON_STRING, RawBatch, too_large
from smartassist.ingest.row_bounds import RowError, check_values
from smartassist.ingest.service import IngestResult, _ensure_bot, _transaction

MAX_ROW_CHARS = 256 * 1024
MAX_LIST_ITEMS = 100
MAX_COUNT = 10**9
MAX_CONVERSATION_ID = 120  # agent_interactions.interaction_id is <conversationId>#<n>, at most 128 characters
T = TypeVar("T")

CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]
QUEUE_ENTRIES: Table = QueueEntry.__table__  # type: ignore[assignment]
SEGMENTS: Table = AgentSegment.__table__  # type: ignore[assignment]
INTERACTIONS: Table = AgentInteraction.__table__  # type: ignore[assignment]


@dataclass(slots=True)
class EntryIn:
    position: int  # index in destinations
    queue_id: str
    path: str
    enter_time: int | None
    accepted_time: int | None
    callback_opted_time: int | None
    callback_accept_time: int | None


@dataclass(slots=True)
class SegmentIn:
    position: int
    destination: int
    in_queue_entry: bool
    agent_id: str | None
    email: str | None
    path: str
    responded: bool
    transferred: bool
    non_response_event: str | None
    assigned_at: int | None
    accepted_time: int | None
    first_response_time: int | None
    interaction_end_time: int | None
    acw_end_time: int | None
    interaction_duration_s: int | None
    first_response_duration_s: int | None
    acw_duration_s: int | None


@dataclass(slots=True)
class ConversationIn:
    index: int
    contact_key: str
    conversation_id: str | None
    bot_id: str
    session_id: str
    channel: str
    source: str | None
    language: str | None
    direction: str | None
    start_time: int
    end_time: int | None
    skills: list[Any]
    csat_score: int | None
    hold_ms: int | None
    message_count: int | None
    saved_message_count: int | None
    text: str
    layout: bytes | None  # call_rows.layout_of(text)
    entries: list[EntryIn] = field(default_factory=list)
    segments: list[SegmentIn] = field(default_factory=list)


# --- reading the body ------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e999: json reads it as inf, which no JSON document can hold again
        raise ValueError("number out of range")
    return value


# An integer of 19 digits or more may not fit orjson's 64 bits (which reads it as a float, silently): a body with a
# number token that long (or with the same text in a string: `[`, `:` or `,`, then 19 digits) is read by the
# standard library. Hex ids hold such digit runs, but never right after one of those.
_LONG_DIGITS = re.compile(rb"[\[:,]\s*-?[0-9]{19}")


def _plain_numbers(body: bytes) -> bool:
    """True when no number of this JSON text is a float or an integer of 19 digits or more (False may be wrong:
    the exact checks decide then), by one pass of _scan.c over its bytes, strings lexed. It answers _LONG_DIGITS
    and _floatless both for the usual body. Before, a regex search for a float's or a long integer's start after
    `[`, `:`, `,` or a space took 67 ms per 5,000 simulated rows (6 MB) and 10 % of the server's CPU in
    bench_simulate_http (py-spy); the scan takes ~2.5 ms."""
    return _scan.plain_numbers(body)


def _loads(text: bytes, plain_numbers: bool = False) -> Any:
    """The document, as json.loads(parse_constant=_reject_constant, parse_float=_finite) reads it. orjson first (a
    fifth of json's time on simulated batches, 18 % of the route's CPU before): for a document it reads, it gives
    the same values (strings, integers under 19 digits, correctly rounded floats, the last of duplicate keys), and
    it refuses NaN, Infinity and numbers out of range as well. Anything it refuses goes to the standard library, so
    every error (and what only json accepts: lone surrogates, long integers) is as before; a body that is not UTF-8
    is refused (smartassist.json_text).
    `plain_numbers`: _plain_numbers is known to be True of the text (or of the body it is a line of)."""
    if plain_numbers or not _LONG_DIGITS.search(text):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json_text.loads(text, parse_constant=_reject_constant, parse_float=_finite)


@dataclass(frozen=True, slots=True)
class Rows:
    """The parsed rows of a body, with their record labels; `plain` when no string of the body can hold a NUL or
    a lone surrogate (see _plain_strings), so validate_row need not look at every string."""

    items: list[tuple[str, Any]]
    plain: bool
    floatless: bool = False  # no number of the body has a fraction or an exponent (call_rows.encode_row)


def read_rows(raw: RawBatch, max_records: int) -> Rows:
    """The rows of the body with their record labels; 400 for a body that is not rows, 413 for too many."""
    with collector_paused():  # thousands of rows of nested containers (see smartassist.collector)
        plain_numbers = _plain_numbers(raw.body)
        rows = _parse_rows(raw, max_records, plain_numbers)
        return Rows(rows, _plain_strings(raw.body), plain_numbers or _floatless(raw.body))


def _floatless(body: bytes) -> bool:
    """True when no number of this (parsed, so valid JSON) body is a float: with its strings blanked, no digit is
    followed by `.`, `e` or `E` (true and false hold an e, but after a letter). Two C-speed passes."""
    return _FLOAT_NUMBER.search(JSON_STRING.sub(b"", body)) is None


_FLOAT_NUMBER = re.compile(rb"[0-9][.eE]")


def _plain_strings(body: bytes) -> bool:
    """True when no string of this (parsed, so valid JSON) body holds a NUL or a lone surrogate: a NUL can only be
    written `\\u0000` (json refuses raw control characters), a surrogate only `\\uD8xx`..`\\uDFxx` or as the raw
    bytes ED A0..BF (json_text decodes with surrogatepass). A search of the body for _PLAIN_STRING_MARKERS
    instead of a Python step per string (which measured 8-33 % of a row's validation, interleaved runs on the
    loaded 2 cores), in one pass of _scan.c (five substring searches were 3.6 % of the server's CPU in
    bench_simulate_http)."""
    return _scan.plain_strings(body)


_PLAIN_STRING_MARKERS = (b"\\u0000", b"\\ud", b"\\uD", b"\xed", b"\x00")


def _parse_rows(raw: RawBatch, max_records: int, plain_numbers: bool = False) -> list[tuple[str, Any]]:
    """(record label, parsed row) for each row of the body; 400 for a body that is not rows, 413 for too many."""
    if raw.ndjson:
        lines = [(number, line) for number, line in enumerate(raw.body.split(b"\n"), start=1) if line.strip()]
        if len(lines) > max_records:
            raise too_large(f"a batch holds at most {max_records} records")
        rows: list[tuple[str, Any]] = []
        for index, (number, line) in enumerate(lines):
            label = f"record {index} (line {number})"
            try:
                rows.append((label, _loads(line, plain_numbers)))
            except (ValueError, RecursionError):
                raise bad_request(f"{label}: not valid JSON") from None
        return rows
    try:
        document = _loads(raw.body, plain_numbers)
    except (ValueError, RecursionError):
        raise bad_request("body is not valid JSON") from None
    if isinstance(document, dict):
        unknown = sorted(set(document) - {"numResults", "data"})
        if unknown or not isinstance(document.get("data"), list):
            raise bad_request('body must be an array of rows or a calldetails response {"numResults", "data": [...]}')
        document = document["data"]
    if not isinstance(document, list):
        raise bad_request('body must be an array of rows or a calldetails response {"numResults", "data": [...]}')
    if len(document) > max_records:
        raise too_large(f"a batch holds at most {max_records} records")
    return [(f"record {index}", row) for index, row in enumerate(document)]


# --- validating one row (no I/O) -------------------------------------------------------------------------------


def validate_row(
    index: int, row: Any, offset_minutes: int | None, plain: bool = False, floatless: bool = False
) -> ConversationIn:
    """The typed conversation of a row (its times stored in place). `plain`: the body's strings are known to
    hold no NUL or lone surrogate (Rows.plain), so the bounds of ingest.row_bounds check only their lengths;
    `floatless`: no number of the body is a float (Rows.floatless), so the row's text is written by orjson."""
    if not isinstance(row, dict):
        raise RowError("must be a JSON object")
    check_values(row, plain)
    conversation_id = _id(row, "conversationId", required=False)
    if conversation_id is not None and len(conversation_id) > MAX_CONVERSATION_ID:
        raise RowError(f"conversationId: at most {MAX_CONVERSATION_ID} characters (interactions add #<n> to it)")
    session_id = _required(_id(row, "sessionId", required=True))
    bot_id = _required(_id(row, "botId", required=True))
    channel = _required(_text(row, "channel", 64, required=True))
    if "sessionStartTime" not in row or not isinstance(row["sessionStartTime"], str) or not row["sessionStartTime"]:
        raise RowError("sessionStartTime: required, a time like 2025-10-01T07:40:36")
    destinations = row.get("destinations")
    if destinations is not None and not isinstance(destinations, list):
        raise RowError("destinations: must be an array")
    if destinations and conversation_id is None:
        raise RowError("destinations: a row with destinations needs a conversationId")
    _shape_destinations(destinations or [])
    skills = row.get("skills", [])
    if not isinstance(skills, list) or len(skills) > MAX_LIST_ITEMS:
        raise RowError(f"skills: must be an array of at most {MAX_LIST_ITEMS} items")
    direction = _text(row, "Direction", 16, required=False)
    customer = row.get("customerinfo")
    if direction is None and isinstance(customer, dict):
        try:
            direction = _text(customer, "Direction", 16, required=False)
        except RowError as exc:
            raise RowError(f"customerinfo.{exc}") from None
    csat = _count(row, "csatScore", "")
    # Conversation-level WFM values (docs/API.md, Conversations ingest): holdDuration in milliseconds, the unit
    # of the vendor's only holdDuration (Contact Volume, Agent Performance).
    hold, messages, saved = (_count(row, key, "") for key in ("holdDuration", "messageCount", "savedMessageCount"))
    try:
        call_rows.store_times(row, offset_minutes)
    except call_rows.TimeError as exc:
        raise RowError(str(exc)) from None
    start = _required(call_rows.stored_ms(row, "sessionStartTime"))
    end = call_rows.stored_ms(row, "sessionEndTime")
    if end is not None and end < start:
        raise RowError("sessionEndTime: must not be before sessionStartTime")
    text = call_rows.encode_row(row, floatless)
    if len(text) > MAX_ROW_CHARS:
        raise RowError(f"the row is longer than {MAX_ROW_CHARS} characters")
    record = ConversationIn(
        index=index,
        contact_key=conversation_id or f"{bot_id}/{session_id}",
        conversation_id=conversation_id,
        bot_id=bot_id,
        session_id=session_id,
        channel=channel,
        source=_text(row, "source", 64, required=False),
        language=_text(row, "language", 32, required=False),
        direction=direction,
        start_time=start,
        end_time=end,
        skills=skills,
        csat_score=csat,
        hold_ms=hold,
        message_count=messages,
        saved_message_count=saved,
        text=text,
        layout=call_rows.layout_of(text),
    )
    _collect(record, row, destinations or [])
    return record


def _required(value: T | None) -> T:
    """A value a required-field check has produced (never None there)."""
    if value is None:
        raise RowError("a required field is missing")
    return value


def _id(row: dict[str, Any], key: str, *, required: bool) -> str | None:
    value = row.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not CALLER_ID.fullmatch(value):
        need = "required, " if required else ""
        raise RowError(f"{key}: {need}1 to 128 characters of A-Z a-z 0-9 . _ : @ + -")
    return value


def _text(row: dict[str, Any], key: str, max_length: int, *, required: bool) -> str | None:
    value = row.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= max_length:
        raise RowError(f"{key}: {'required, ' if required else ''}a string of 1 to {max_length} characters")
    return value


def _count(fields: dict[str, Any], key: str, path: str) -> int | None:
    value = fields.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise RowError(f"{path}{key}: must be an integer from 0 to {MAX_COUNT}")
    return value


def _shape_destinations(destinations: list[Any]) -> None:
    """The structure the time walk and the tables rely on (before any time is read)."""
    if len(destinations) > MAX_LIST_ITEMS:
        raise RowError(f"destinations: at most {MAX_LIST_ITEMS} entries")
    for index, destination in enumerate(destinations):
        here = f"destinations[{index}]"
        if not isinstance(destination, dict):
            raise RowError(f"{here}: must be a JSON object")
        kind = destination.get("destinationType")
        if kind not in (call_rows.QUEUE_ENTRY, call_rows.AGENT_SEGMENT):
            raise RowError(f"{here}.destinationType: must be QueueEntry or AgentSegment")
        if kind == call_rows.AGENT_SEGMENT:
            _shape_segment(destination, here)
            continue
        try:
            _id(destination, "queueId", required=True)
        except RowError as exc:
            raise RowError(f"{here}.{exc}") from None
        responding = destination.get("respondingAgent")
        if responding is not None:
            if not isinstance(responding, dict):
                raise RowError(f"{here}.respondingAgent: must be a JSON object")
            _shape_segment(responding, f"{here}.respondingAgent")
        others = destination.get("nonRespondingAgents")
        if others is not None:
            if not isinstance(others, list) or len(others) > MAX_LIST_ITEMS:
                raise RowError(f"{here}.nonRespondingAgents: must be an array of at most {MAX_LIST_ITEMS} agents")
            for number, other in enumerate(others):
                if not isinstance(other, dict):
                    raise RowError(f"{here}.nonRespondingAgents[{number}]: must be a JSON object")
                _shape_segment(other, f"{here}.nonRespondingAgents[{number}]")


def _shape_segment(segment: dict[str, Any], here: str) -> None:
    agent_id, email = segment.get("agentId"), segment.get("email")
    if agent_id is None and email is None:
        raise RowError(f"{here}.agentId: an agent segment needs agentId (the agent's userId) or email")
    for key, value in (("agentId", agent_id), ("email", email)):
        if value is not None and (not isinstance(value, str) or not 0 < len(value) <= 320):
            raise RowError(f"{here}.{key}: a string of 1 to 320 characters")
    event = segment.get("nonResponseEvent")
    if event is not None and (not isinstance(event, str) or not 0 < len(event) <= 64):
        raise RowError(f"{here}.nonResponseEvent: a string of 1 to 64 characters")
    for key in ("firstResponseDuration", "interactionDuration", "afterCallWorkDuration"):
        _count(segment, key, f"{here}.")
    consulting = segment.get("ConsultingAgents")
    if consulting is not None and (
        not isinstance(consulting, list)
        or len(consulting) > MAX_LIST_ITEMS
        or not all(isinstance(agent, dict) for agent in consulting)
    ):
        raise RowError(f"{here}.ConsultingAgents: must be an array of at most {MAX_LIST_ITEMS} objects")


def _collect(record: ConversationIn, row: dict[str, Any], destinations: list[Any]) -> None:
    """The typed queue entries and agent segments of a row whose times are stored (epoch ms)."""
    ms = call_rows.stored_ms
    last = len(destinations) - 1
    accepted_by_entry: dict[int, int | None] = {}
    for position, segment in enumerate(call_rows.segments(row)):
        fields = segment.fields
        responded = segment.kind == "responding" or (
            segment.kind == "bare" and (fields.get("status") == "Answered" or ms(fields, "acceptedTime") is not None)
        )
        accepted, end = ms(fields, "acceptedTime"), ms(fields, "interactionEndTime")
        if accepted is not None and end is not None and end < accepted:
            raise RowError(f"{segment.path}.interactionEndTime: must not be before acceptedTime")
        if segment.kind == "responding":
            accepted_by_entry[segment.destination] = accepted
        record.segments.append(
            SegmentIn(
                position=position,
                destination=segment.destination,
                in_queue_entry=segment.kind != "bare",
                agent_id=fields.get("agentId"),
                email=fields.get("email"),
                path=segment.path,
                responded=responded,
                transferred=responded and segment.destination < last,
                non_response_event=fields.get("nonResponseEvent"),
                assigned_at=ms(fields, "assignedAt"),
                accepted_time=accepted,
                first_response_time=ms(fields, "firstResponseTime"),
                interaction_end_time=end,
                acw_end_time=ms(fields, "afterCallWorkEndTime"),
                interaction_duration_s=_given_or(fields, "interactionDuration", call_rows.interaction_duration),
                first_response_duration_s=_given_or(fields, "firstResponseDuration", call_rows.first_response_duration),
                acw_duration_s=_given_or(fields, "afterCallWorkDuration", call_rows.after_call_work_duration),
            )
        )
    for position, entry in call_rows.queue_entries(row):
        record.entries.append(
            EntryIn(
                position=position,
                queue_id=entry["queueId"],
                path=f"destinations[{position}]",
                enter_time=ms(entry, "EnterTime"),
                accepted_time=accepted_by_entry.get(position),
                callback_opted_time=ms(entry, "CallbackOptedTime"),
                callback_accept_time=ms(entry, "userCallbackAcceptTime"),
            )
        )


def _given_or(fields: dict[str, Any], key: str, compute: Callable[[dict[str, Any]], int | None]) -> int | None:
    """The duration as ingested, else computed from the segment's times (call_rows' definition)."""
    value = fields.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return compute(fields)


# --- writing ---------------------------------------------------------------------------------------------------


def ingest_conversations(session: Session, account_id: str, rows: Rows, offset_minutes: int | None) -> IngestResult:
    """Validate every row, then upsert them all in one transaction (nothing is written if one row is bad)."""
    get_account(session, account_id)
    records: list[ConversationIn] = []
    with collector_paused():
        for index, (label, row) in enumerate(rows.items):
            try:
                records.append(validate_row(index, row, offset_minutes, rows.plain, rows.floatless))
            except RowError as exc:
                raise bad_request(f"{label}: {exc}") from None
    labels = [label for label, _ in rows.items]
    # A bot id names a bot of this account only (contract §5): another account's bot of that id is another bot.
    return _transaction(session, account_id, records, lambda: _apply(session, account_id, records, labels))


def _apply(session: Session, account_id: str, records: list[ConversationIn], labels: list[str]) -> IngestResult:
    compress_with_lz4(session)
    queues = _queue_pks(session, account_id, {entry.queue_id for record in records for entry in record.entries})
    by_user, by_email = _agent_pks(session, account_id, [seg for record in records for seg in record.segments])
    agent_of: dict[tuple[int, int], int] = {}
    for record in records:
        for entry in record.entries:
            if entry.queue_id not in queues:
                raise bad_request(f"{labels[record.index]}: {entry.path}.queueId: no queue of this account has this id")
        for seg in record.segments:
            agent_pk = (by_user.get(seg.agent_id) if seg.agent_id else None) or (
                by_email.get(normalize_email(seg.email)) if seg.email else None
            )
            if agent_pk is None:
                named = "agentId" if seg.agent_id is not None else "email"
                raise bad_request(
                    f"{labels[record.index]}: {seg.path}.{named}: no agent of this account has this userId or email"
                )
            agent_of[(record.index, seg.position)] = agent_pk
    for bot_id in sorted({record.bot_id for record in records}):
        _ensure_bot(session, account_id, bot_id)

    # The last record for a key wins; a key given once is a duplicate when its text equals the stored one, which
    # bulk.upsert_changed tells by not returning it (see there why the database compares, not a read before).
    # A repeated key (rare) is counted against the stored text, read for those keys only, then record by record.
    seen = Counter(record.contact_key for record in records)
    repeated = sorted(key for key, n in seen.items() if n > 1)
    state: dict[str, str] = {}
    for chunk in chunks(repeated):
        query = select(Conversation.contact_key, Conversation.row).where(
            Conversation.account_id == account_id, Conversation.contact_key.in_(chunk)
        )
        state.update((key, text) for key, text in session.execute(query))
    last: dict[str, ConversationIn] = {}
    changed_repeated: set[str] = set()
    duplicates = 0
    for record in records:
        last[record.contact_key] = record
        if seen[record.contact_key] == 1:
            continue
        if state.get(record.contact_key) == record.text:
            duplicates += 1
            continue
        state[record.contact_key] = record.text
        changed_repeated.add(record.contact_key)
    candidates = [last[key] for key in sorted(last) if seen[key] == 1 or key in changed_repeated]
    written = _write(session, account_id, candidates, queues, agent_of)
    duplicates += sum(1 for record in candidates if seen[record.contact_key] == 1 and record.contact_key not in written)
    return IngestResult(len(records) - duplicates, duplicates)


def _queue_pks(session: Session, account_id: str, queue_ids: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(sorted(set(queue_ids))):
        query = select(Queue.queue_id, Queue.id).where(Queue.account_id == account_id, Queue.queue_id.in_(chunk))
        found.update((queue_id, pk) for queue_id, pk in session.execute(query))
    return found


def _agent_pks(session: Session, account_id: str, segs: list[SegmentIn]) -> tuple[dict[str, int], dict[str, int]]:
    """Agent row ids by userId and by lower-cased email, for the agents the segments name."""
    by_user: dict[str, int] = {}
    by_email: dict[str, int] = {}
    for chunk in chunks(sorted({seg.agent_id for seg in segs if seg.agent_id})):
        query = select(Agent.user_id, Agent.id).where(Agent.account_id == account_id, Agent.user_id.in_(chunk))
        by_user.update((user_id, pk) for user_id, pk in session.execute(query))
    for chunk in chunks(sorted({normalize_email(seg.email) for seg in segs if seg.email})):
        query = select(Agent.email_norm, Agent.id).where(Agent.account_id == account_id, Agent.email_norm.in_(chunk))
        by_email.update((email, pk) for email, pk in session.execute(query))
    return by_user, by_email


def _write(
    session: Session,
    account_id: str,
    records: list[ConversationIn],
    queues: dict[str, int],
    agent_of: dict[tuple[int, int], int],
) -> set[str]:
    """Upsert the conversations whose text differs from the stored one (or that are new), and replace their queue
    entries, segments and interactions (deleted first for those that were stored: a new conversation has none to
    delete); the keys written."""
    written = bulk.upsert_changed(
        session,
        CONVERSATIONS,
        [
            {
                "account_id": account_id,
                "contact_key": r.contact_key,
                "conversation_id": r.conversation_id,
                "bot_id": r.bot_id,
                "session_id": r.session_id,
                "channel": r.channel,
                "source": r.source,
                "language": r.language,
                "direction": r.direction,
                "start_time": r.start_time,
                "end_time": r.end_time,
                "skills": r.skills,
                "csat_score": r.csat_score,
                "hold_ms": r.hold_ms,
                "message_count": r.message_count,
                "saved_message_count": r.saved_message_count,
                "row": r.text,
                "row_layout": r.layout,
            }
            for r in records
        ],
        ("account_id", "contact_key"),
        ("row",),
        returning=("contact_key", "id"),
    )
    pk_of: dict[str, int] = {key: pk for key, pk, _ in written}
    was_stored = {key for key, _, inserted in written if inserted is not True}
    records = [r for r in records if r.contact_key in pk_of]
    _delete_children(session, account_id, [r for r in records if r.contact_key in was_stored], pk_of)

    entry_rows = [
        {
            "account_id": account_id,
            "conversation_pk": pk_of[r.contact_key],
            "queue_pk": queues[e.queue_id],
            "position": e.position,
            "enter_time": e.enter_time,
            "accepted_time": e.accepted_time,
            "callback_opted_time": e.callback_opted_time,
            "callback_accept_time": e.callback_accept_time,
        }
        for r in records
        for e in r.entries
    ]
    entry_pk: dict[tuple[int, int], int] = {
        (conversation_pk, position): pk
        for pk, conversation_pk, position in bulk.insert(
            session, QUEUE_ENTRIES, entry_rows, returning=("id", "conversation_pk", "position")
        )
    }
    segment_rows: list[dict[str, Any]] = []
    interaction_rows: list[dict[str, Any]] = []
    for r in records:
        conversation_pk = pk_of[r.contact_key]
        answered = 0
        for s in r.segments:
            agent_pk = agent_of[(r.index, s.position)]
            segment_rows.append(
                {
                    "account_id": account_id,
                    "conversation_pk": conversation_pk,
                    "queue_entry_pk": entry_pk[(conversation_pk, s.destination)] if s.in_queue_entry else None,
                    "agent_pk": agent_pk,
                    "position": s.position,
                    "responded": s.responded,
                    "transferred": s.transferred,
                    "non_response_event": s.non_response_event,
                    "assigned_at": s.assigned_at,
                    "accepted_time": s.accepted_time,
                    "first_response_time": s.first_response_time,
                    "interaction_end_time": s.interaction_end_time,
                    "acw_end_time": s.acw_end_time,
                    "interaction_duration_s": s.interaction_duration_s,
                    "first_response_duration_s": s.first_response_duration_s,
                    "acw_duration_s": s.acw_duration_s,
                }
            )
            if s.responded and s.accepted_time is not None and r.conversation_id is not None:
                answered += 1
                interaction_rows.append(
                    {
                        "account_id": account_id,
                        "agent_id": agent_pk,
                        "interaction_id": interaction_id(r.conversation_id, answered),
                        "start_time": s.accepted_time,
                        "end_time": s.interaction_end_time,
                    }
                )
    bulk.insert(session, SEGMENTS, segment_rows)
    bulk.upsert(session, INTERACTIONS, interaction_rows, ("account_id", "interaction_id"))
    return set(pk_of)


def interaction_id(conversation_id: str, n: int) -> str:
    """The agent interaction of a conversation's n-th answered segment (1-based, in segment order)."""
    return f"{conversation_id}#{n}"


def _delete_children(session: Session, account_id: str, records: list[ConversationIn], pk_of: dict[str, int]) -> None:
    """Delete what the stored version of each conversation wrote besides its row: queue entries, segments, and
    the interactions of its answered segments (<conversationId>#1..#k, k = its stored answered segments: an
    exact IN list on the unique index, where a prefix match would depend on the database's collation)."""
    conversation_of = {pk_of[r.contact_key]: r.conversation_id for r in records}
    for chunk_pks in chunks(sorted(conversation_of)):
        answered = select(SEGMENTS.c.conversation_pk, func.count()).where(
            SEGMENTS.c.conversation_pk.in_(chunk_pks), SEGMENTS.c.responded.is_(True)
        )
        stale = [
            interaction_id(cid, n)
            for conversation_pk, count in session.execute(answered.group_by(SEGMENTS.c.conversation_pk))
            if (cid := conversation_of[conversation_pk]) is not None
            for n in range(1, count + 1)
        ]
        for chunk_ids in chunks(stale):
            session.execute(
                delete(INTERACTIONS).where(
                    INTERACTIONS.c.account_id == account_id, INTERACTIONS.c.interaction_id.in_(chunk_ids)
                )
            )
        session.execute(delete(SEGMENTS).where(SEGMENTS.c.conversation_pk.in_(chunk_pks)))
        session.execute(delete(QUEUE_ENTRIES).where(QUEUE_ENTRIES.c.conversation_pk.in_(chunk_pks)))
