"""The Call Details row convention: which fields are times, how `conversations.row` stores them, how a row renders.

A row travels in the vendor's own shape (vendor-docs-2.md §1c-§1f) both ways: ingest reads it, Call Details
serves it back. This module is the one place that knows its time fields and formats.

Time fields, by where they sit in a row:
- top level: `sessionStartTime`, `sessionEndTime` (naive);
- a `QueueEntry` of `destinations`: `EnterTime` (naive); `CallbackOptedTime`, `userCallbackAcceptTime` (Z);
- an agent segment (a QueueEntry's `respondingAgent`, each of its `nonRespondingAgents`, or a bare top-level
  `AgentSegment` of `destinations`): `assignedAt`, `acceptedTime`, `firstResponseTime`, `interactionEndTime`,
  `afterCallWorkEndTime` (naive);
- each of a segment's `ConsultingAgents`: `assignedAt`, `acceptedTime`, `consultingEndTime` (naive).
Anything else (`campaigninfo.campaignRunDate`, which the vendor calls UTC and whose format no sample shows;
`snoozeinfo`, always empty in the samples) is not a time here and is echoed as given.

Formats. Naive: `YYYY-MM-DDTHH:MM:SS` in the reader's local time (the vendor's samples); on ingest a space may
replace the `T`, the hour may have one digit, seconds and a fraction are optional, and a zone (`Z`, `±hh:mm`,
`±hhmm`) makes it that instant. Z: `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, milliseconds); on ingest any form above,
a naive one read as local time like the naive fields.

Storage (`conversations.row`): the row as ingested, as compact JSON text in the caller's key order, with each
time field that held a time string holding that instant as an integer instead (UTC epoch milliseconds). A
time field holding `null` or `""` keeps it (it counts as absent); any other value there is refused at ingest,
so an integer in a time field always means a stored instant. Rendering turns each integer back into the
field's format at the reader's offset: a row ingested at offset N and read at offset N is the same JSON as
given (naive times with no fraction and Z times with milliseconds come back character for character).

Layouts (`conversations.row_layout`): the ingest writes, with each row, where in its text rendering has more to do
than copy (layout_of: each stored instant, each member a view may leave out (DROPPABLE), each computed duration),
found by the C renderer's own walk of the row. A page renders a row that has one by replaying it: copies, time
formatting and a few inserts, without walking the JSON again (whose checks were ~40 % of a page's instructions,
callgrind; bench/bench_call_details.py). A row without one (a text the walk does not take, or a layout of another
version or for another text) is walked, as before; the two give the same bytes (tests/contactcenter).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import orjson

from smartassist.contactcenter import _call_rows

QUEUE_ENTRY = "QueueEntry"
AGENT_SEGMENT = "AgentSegment"

ROW_NAIVE = ("sessionStartTime", "sessionEndTime")
QUEUE_NAIVE = ("EnterTime",)
QUEUE_Z = ("CallbackOptedTime", "userCallbackAcceptTime")
SEGMENT_NAIVE = ("assignedAt", "acceptedTime", "firstResponseTime", "interactionEndTime", "afterCallWorkEndTime")
CONSULTING_NAIVE = ("assignedAt", "acceptedTime", "consultingEndTime")

# v2-only top-level keys: v1 leaves them out (the spec names the first five; campaigninfo is a v2 block).
V2_ONLY_KEYS = ("Direction", "smartStatus", "reason", "errorDetails", "isVoicemail")
# Optional blocks `selectedFields` names: top-level ones, and snoozeinfo inside agent segments.
ROW_BLOCKS_V1 = ("skills", "customerinfo", "userleveltags", "sessionleveltags")
ROW_BLOCKS_V2 = (*ROW_BLOCKS_V1, "campaigninfo")
SEGMENT_BLOCK = "snoozeinfo"
SELECTABLE_V1 = frozenset(ROW_BLOCKS_V1)
SELECTABLE_V2 = frozenset((*ROW_BLOCKS_V2, SEGMENT_BLOCK))
# The members a view may leave out, a layout's classes in this order (_call_rows.DROPPABLE, compared by the tests).
DROPPABLE = (*V2_ONLY_KEYS, *ROW_BLOCKS_V2, SEGMENT_BLOCK)

MINUTE_MS = 60_000
# Instants a response can render at any offset (-840..840 minutes) without leaving years 0001..9999.
MIN_MS = 0
MAX_MS = 253_402_300_799_999 - 840 * MINUTE_MS

_TIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?", re.ASCII
)
_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


@dataclass(frozen=True, slots=True)
class Slot:
    """One time field of a row: its container object, key, format (Z or naive) and path for messages."""

    container: dict[str, Any]
    key: str
    zulu: bool
    path: str


@dataclass(frozen=True, slots=True)
class Segment:
    """An agent segment of a row, in conversation order (see segments())."""

    fields: dict[str, Any]
    path: str
    destination: int  # index in destinations
    kind: str  # "responding", "nonResponding" or "bare"


class TimeError(ValueError):
    """A time field whose value is no time this module can read."""


def segments(row: dict[str, Any]) -> Iterator[Segment]:
    """The row's agent segments in conversation order: per destination, a QueueEntry's non-responding agents (in
    their order), then its responding agent; a bare AgentSegment is its own. (The vendor: a non-responding agent
    was assigned first, and the contact then reassigned.) Non-object entries are skipped (ingest refuses them)."""
    destinations = row.get("destinations")
    if not isinstance(destinations, list):
        return
    for index, destination in enumerate(destinations):
        if not isinstance(destination, dict):
            continue
        here = f"destinations[{index}]"
        if destination.get("destinationType") != QUEUE_ENTRY:
            yield Segment(destination, here, index, "bare")
            continue
        others = destination.get("nonRespondingAgents")
        if isinstance(others, list):
            for number, other in enumerate(others):
                if isinstance(other, dict):
                    yield Segment(other, f"{here}.nonRespondingAgents[{number}]", index, "nonResponding")
        responding = destination.get("respondingAgent")
        if isinstance(responding, dict):
            yield Segment(responding, f"{here}.respondingAgent", index, "responding")


def queue_entries(row: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index in destinations, entry) for each QueueEntry of the row."""
    destinations = row.get("destinations")
    if isinstance(destinations, list):
        for index, destination in enumerate(destinations):
            if isinstance(destination, dict) and destination.get("destinationType") == QUEUE_ENTRY:
                yield index, destination


def time_slots(row: dict[str, Any]) -> Iterator[Slot]:
    """Every time field of the row that is present."""
    for container, keys, zulu, where in _time_containers(row):
        here = _path(where)
        for key in keys:
            if key in container:
                yield Slot(container, key, zulu, f"{here}.{key}" if here else key)


# Where a container sits in a row: keys and indexes from the row down ("destinations", 0, "respondingAgent").
Where = tuple[str | int, ...]


def _time_containers(row: dict[str, Any]) -> Iterator[tuple[dict[str, Any], tuple[str, ...], bool, Where]]:
    """(container, its time keys, Z format?, where) for each object of the row that may hold time fields, in
    time_slots' order; no path is formatted here (store_times names one only for a bad value: formatting every
    path and a Slot for every field was 40 % of store_times under py-spy)."""
    yield row, ROW_NAIVE, False, ()
    destinations = row.get("destinations")
    if not isinstance(destinations, list):
        return
    for index, entry in queue_entries(row):
        where: Where = ("destinations", index)
        yield entry, QUEUE_NAIVE, False, where
        yield entry, QUEUE_Z, True, where
    for index, destination in enumerate(destinations):
        if not isinstance(destination, dict):
            continue
        if destination.get("destinationType") != QUEUE_ENTRY:
            yield from _segment_containers(destination, ("destinations", index))
            continue
        others = destination.get("nonRespondingAgents")
        if isinstance(others, list):
            for number, other in enumerate(others):
                if isinstance(other, dict):
                    yield from _segment_containers(other, ("destinations", index, "nonRespondingAgents", number))
        responding = destination.get("respondingAgent")
        if isinstance(responding, dict):
            yield from _segment_containers(responding, ("destinations", index, "respondingAgent"))


def _segment_containers(
    segment: dict[str, Any], where: Where
) -> Iterator[tuple[dict[str, Any], tuple[str, ...], bool, Where]]:
    """An agent segment (segments()' order) and its consulting agents."""
    yield segment, SEGMENT_NAIVE, False, where
    consulting = segment.get("ConsultingAgents")
    if isinstance(consulting, list):
        for number, agent in enumerate(consulting):
            if isinstance(agent, dict):
                yield agent, CONSULTING_NAIVE, False, (*where, "ConsultingAgents", number)


def _path(where: Where) -> str:
    """`destinations[0].nonRespondingAgents[1]` for ("destinations", 0, "nonRespondingAgents", 1)."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in where).removeprefix(".")


# --- reading times (ingest) -------------------------------------------------------------------------------------


def parse_time(text: str, offset_minutes: int | None) -> int:
    """UTC epoch ms of a time string; a naive one is local time at offset_minutes (JS sign: UTC - local)."""
    if len(text) == 20 and text[19] == "Z":
        fast = _zulu_seconds(text)
        if fast is not None:
            return fast
    match = _TIME.fullmatch(text)
    if match is None:
        raise TimeError("must be a time like 2025-10-01T07:40:36 or 2025-10-01T02:10:57.780Z")
    year_text, month_text, day_text, hour_text, minute_text, second_text, fraction, zone = match.groups()
    year, month, day, hour, minute = int(year_text), int(month_text), int(day_text), int(hour_text), int(minute_text)
    second = int(second_text) if second_text else 0
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        raise TimeError("is not a valid date")
    if hour > 23 or minute > 59 or second > 59:
        raise TimeError("is not a valid time of day")
    millis = int(fraction[:3].ljust(3, "0")) if fraction else 0
    local = ((_days_from_epoch(year, month, day) * 24 + hour) * 60 + minute) * MINUTE_MS + second * 1000 + millis
    if zone is None:
        if offset_minutes is None:
            raise TimeError("has no zone: give ?timeZoneOffset=N (minutes, UTC - local) for naive times")
        utc = local + offset_minutes * MINUTE_MS
    elif zone == "Z":
        utc = local
    else:
        digits = zone[1:].replace(":", "")
        zone_hours, zone_minutes = int(digits[:2]), int(digits[2:])
        if zone_hours > 23 or zone_minutes > 59:
            raise TimeError("has an invalid UTC offset")
        east = (zone_hours * 60 + zone_minutes) * MINUTE_MS
        utc = local - east if zone[0] == "+" else local + east
    if not MIN_MS <= utc <= MAX_MS:
        raise TimeError("must be between 1970-01-01T00:00:00Z and 9999-12-31T09:59:59Z")
    return utc


def _zulu_seconds(text: str) -> int | None:
    """`YYYY-MM-DDTHH:MM:SSZ` (what the simulator and most clients send) read without the general pattern: its
    minute remembered, its seconds sliced. None for anything else, or out of range: parse_time then reads it (and
    names what is wrong). Half the time of the general reading, which was most of store_times; remembering the
    minute rather than the day took another 30 % off (a batch's times fall on a few thousand minutes)."""
    minute = _zulu_minute(text[:17])
    second_text = text[17:19]
    if minute is None or not (second_text.isascii() and second_text.isdigit()):
        return None
    second = int(second_text)
    if second > 59:
        return None
    utc = minute + second * 1000
    return utc if MIN_MS <= utc <= MAX_MS else None


@lru_cache(maxsize=8192)
def _zulu_minute(text: str) -> int | None:
    """UTC epoch ms of a valid `YYYY-MM-DDTHH:MM:`, else None."""
    day = _zulu_day(text[:11])
    clock = text[11:17]
    if day is None or clock[2] != ":" or clock[5] != ":" or not clock.isascii():
        return None
    hour_text, minute_text = clock[:2], clock[3:5]
    if not (hour_text.isdigit() and minute_text.isdigit()):
        return None
    hour, minute = int(hour_text), int(minute_text)
    if hour > 23 or minute > 59:
        return None
    return ((day * 24 + hour) * 60 + minute) * MINUTE_MS


_ZULU_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})T", re.ASCII)


@lru_cache(maxsize=1024)
def _zulu_day(text: str) -> int | None:
    """Days from 1970-01-01 of a valid `YYYY-MM-DDT`, else None."""
    match = _ZULU_DAY.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    return _days_from_epoch(year, month, day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if _is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


@lru_cache(maxsize=4096)
def _days_from_epoch(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 (proleptic Gregorian), exact for any year 0001..9999. Remembered: a batch's times
    fall on a few days (a tenth of the time of reading a row's times was this arithmetic)."""
    y = year - 1
    days = y * 365 + y // 4 - y // 100 + y // 400 + _DAYS_BEFORE_MONTH[month - 1] + day - 1
    if month > 2 and _is_leap(year):
        days += 1
    return days - 719_162  # days from 0001-01-01 to 1970-01-01


def store_times(row: dict[str, Any], offset_minutes: int | None) -> None:
    """Replace, in place, each time string of the row by its UTC epoch ms. Raises TimeError(path: reason)."""
    for container, keys, _, where in _time_containers(row):
        for key in keys:
            value = container.get(key)
            if value is None or value == "":  # absent, null or empty
                continue
            if not isinstance(value, str):
                raise TimeError(f"{_slot_path(where, key)}: must be a time string, null or empty")
            try:
                container[key] = parse_time(value, offset_minutes)
            except TimeError as exc:
                raise TimeError(f"{_slot_path(where, key)}: {exc}") from None


def _slot_path(where: Where, key: str) -> str:
    here = _path(where)
    return f"{here}.{key}" if here else key


def stored_ms(fields: dict[str, Any], key: str) -> int | None:
    """A stored time field's instant (None when absent, null or empty)."""
    value = fields.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def encode_row(row: dict[str, Any], floatless: bool = False) -> str:
    """The stored text of a row whose times store_times() converted (compact, key order kept). `floatless`: the row
    is known to hold no float (see ingest.conversations.Rows), so orjson writes it: for strings, integers, booleans,
    null, arrays and objects its compact text is the standard library's character for character (floats it writes
    otherwise, `1e16` for `1e+16`), at a tenth of the time (json.dumps was 9 % of the conversations route's CPU).
    What orjson refuses (integers beyond 64 bits, lone surrogates) the standard library writes, as before."""
    if floatless:
        try:
            return orjson.dumps(row).decode()
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            pass
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


# --- durations (one definition for the rows, the agent_segments columns and the routes that sum them) -----------


def seconds_between(start_ms: int | None, end_ms: int | None) -> int | None:
    """Whole seconds from start to end; None when either is missing or end is before start."""
    if start_ms is None or end_ms is None or end_ms < start_ms:
        return None
    return (end_ms - start_ms) // 1000


def interaction_duration(segment: dict[str, Any]) -> int | None:
    """The vendor's interactionDuration: acceptedTime -> interactionEndTime (observed: 36 = 07:41:59 - 07:41:23)."""
    return seconds_between(stored_ms(segment, "acceptedTime"), stored_ms(segment, "interactionEndTime"))


def first_response_duration(segment: dict[str, Any]) -> int | None:
    """firstResponseDuration: "from Agent acceptance to first response"."""
    return seconds_between(stored_ms(segment, "acceptedTime"), stored_ms(segment, "firstResponseTime"))


def after_call_work_duration(segment: dict[str, Any]) -> int | None:
    """afterCallWorkDuration: interactionEndTime -> afterCallWorkEndTime."""
    return seconds_between(stored_ms(segment, "interactionEndTime"), stored_ms(segment, "afterCallWorkEndTime"))


# Computed when the segment has no such key, placed next to the time it is computed from, where the vendor's
# samples put it: (duration key, anchor key, after the anchor?, definition).
COMPUTED: tuple[tuple[str, str, bool, Callable[[dict[str, Any]], int | None]], ...] = (
    ("firstResponseDuration", "firstResponseTime", True, first_response_duration),
    ("interactionDuration", "interactionEndTime", True, interaction_duration),
    ("afterCallWorkDuration", "afterCallWorkEndTime", False, after_call_work_duration),
)


# --- rendering (Call Details) ----------------------------------------------------------------------------------


def naive_text(ms: int, offset_minutes: int) -> str:
    """`2025-10-01T07:40:36`: local time at offset_minutes (UTC - local), whole seconds."""
    local = ms - offset_minutes * MINUTE_MS
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(local // 1000))


def zulu_text(ms: int) -> str:
    """`2025-10-01T02:10:57.780Z`: UTC with milliseconds."""
    seconds, millis = divmod(ms, 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}Z"


@dataclass(frozen=True, slots=True)
class View:
    """How a reader sees rows: its offset, the API version and the optional blocks asked for (None = all)."""

    offset_minutes: int
    v2: bool
    selected: frozenset[str] | None

    def dropped(self) -> tuple[str, ...]:
        """The top-level keys left out: on v1 the v2-only keys and campaigninfo; with selectedFields, the optional
        blocks not named."""
        dropped = [] if self.v2 else [*V2_ONLY_KEYS, "campaigninfo"]
        if self.selected is not None:
            blocks = ROW_BLOCKS_V2 if self.v2 else ROW_BLOCKS_V1
            dropped.extend(block for block in blocks if block not in self.selected and block not in dropped)
        return tuple(dropped)

    def drops_snooze(self) -> bool:
        """Whether agent segments leave out snoozeinfo (a v2 block, optional)."""
        return not self.v2 or (self.selected is not None and SEGMENT_BLOCK not in self.selected)


def render_row(stored: str | bytes, view: View) -> dict[str, Any]:
    """A stored row as Call Details serves it: times in the reader's formats, durations computed where absent,
    and only the keys the version and selectedFields let through. (The reference: render_page renders the same
    text to the same JSON in C.)"""
    row: dict[str, Any] = json.loads(stored)
    drops_snooze = view.drops_snooze()
    for segment in segments(row):
        _add_durations(segment.fields)
        if drops_snooze and SEGMENT_BLOCK in segment.fields:
            del segment.fields[SEGMENT_BLOCK]
    for slot in time_slots(row):
        value = stored_ms(slot.container, slot.key)
        if value is not None:
            slot.container[slot.key] = zulu_text(value) if slot.zulu else naive_text(value, view.offset_minutes)
    for key in view.dropped():
        row.pop(key, None)
    return row


def layout_of(text: str | bytes) -> bytes | None:
    """The layout of a stored row's text (encode_row's), written with it; None for a text the renderer walks."""
    return _call_rows.layout(text)


# A stored row as a page reads it: its text (or that text's UTF-8 as bytes), or a (layout or None, text) pair.
Stored = str | bytes | Sequence[bytes | None]


def render_page(stored: Sequence[Stored], view: View, head: bytes = b"", tail: bytes = b"") -> bytes:
    """`head`, each stored row as Call Details serves it (UTF-8 JSON text: what json.dumps(render_row(...),
    ensure_ascii=False, separators=(",", ":")) gives) with commas between, then `tail`. The C renderer
    (_call_rows.c) writes the whole page into one buffer straight from the stored texts: one call, not one per row,
    and no join; a row with a layout (Layouts above) is replayed, any other walked. When a walked text is not one
    it takes (not in encode_row's form, or a time out of range: none that ingest writes; bytes that are not UTF-8),
    the rows are rendered one by one, that one through render_row."""
    dropped, drops_snooze = view.dropped(), view.drops_snooze()
    rows_in = stored if isinstance(stored, list) else list(stored)
    page = _call_rows.render(rows_in, view.offset_minutes, dropped, drops_snooze, head, tail)
    if page is not None:
        return page
    rows = []
    for item in rows_in:
        row = _call_rows.render([item], view.offset_minutes, dropped, drops_snooze, b"", b"")
        if row is None:
            text = item if isinstance(item, str | bytes) else cast(bytes, item[1])  # C took the pair's types
            if isinstance(text, bytes):  # not UTF-8 only where the database holds what no ingest wrote
                text = text.decode(errors="replace")
            row = json.dumps(render_row(text, view), ensure_ascii=False, separators=(",", ":")).encode()
        rows.append(row)
    return head + b",".join(rows) + tail


def _add_durations(segment: dict[str, Any]) -> None:
    """Insert the computed durations the segment lacks (in place, keeping every other key's position)."""
    additions = [
        (key, anchor, after, value)
        for key, anchor, after, define in COMPUTED
        if key not in segment and (value := define(segment)) is not None
    ]
    if not additions:
        return
    items = list(segment.items())
    segment.clear()
    for key, value in items:
        for name, anchor, after, computed in additions:
            if anchor == key and not after:
                segment[name] = computed
        segment[key] = value
        for name, anchor, after, computed in additions:
            if anchor == key and after:
                segment[name] = computed
