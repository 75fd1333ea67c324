"""UserStatus bucketing: one agent's status events and interactions -> the `timeInterval` list. No I/O.

Why a sweep: a 31-day window at 1-minute granularity has 44 640 buckets and an agent may have thousands of
events; walking status segments and merged interactions once, in time order, keeps the work proportional
to events + interactions + buckets instead of their product.

Rules (contract section 3, plus the choices documented in the README API notes):
- A status lasts from its event until the agent's next event, or until `now` for the last one. Nothing is
  counted after `now`, even inside the window (a window reaching into the future still lists every bucket).
- Events with the same timestamp take effect in the order given (the database orders by ts, then id), so
  only the last of them holds time.
- `Offline` (any casing) is never reported; statuses are grouped by their Title-case name.
- Interacting time = status time overlapped by the union of the agent's interactions (overlapping
  interactions count once); an interaction without an end runs until `now`.
- Sums are whole seconds rounded half-up, each entry on its own (so Idle + Interacting may differ from
  AgentStatus by 1 s).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence

from smartassist.timefmt import iso_seconds_z

OFFLINE = "offline"

# One bucket's tally: (Title-case status, status ms, interacting ms) per status, in order of first
# appearance in the bucket.
BucketTally = Sequence[tuple[str, int, int]]


def title_case(status: str) -> str:
    """`Available`, `On Break`: each whitespace-separated word gets an upper-case first letter and the rest
    lower case; runs of whitespace become one space. Other characters are kept (`on-call` -> `On-call`,
    `after_call_work` -> `After_call_work`), unlike str.title(), which would give `On-Call` and `Don'T`."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in status.split())


def seconds(ms: int) -> int:
    """Milliseconds -> whole seconds, rounded half-up (499 ms -> 0, 500 ms -> 1)."""
    return (ms + 500) // 1000


def merge_intervals(intervals: Iterable[tuple[int, int | None]], now: int) -> list[tuple[int, int]]:
    """Union of [start, end) intervals, sorted, disjoint; a missing end means `now`. Empty ones are dropped."""
    closed = sorted((start, now if end is None else end) for start, end in intervals)
    merged: list[tuple[int, int]] = []
    for start, end in closed:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def status_segments(window_start: int, stop: int, events: Sequence[tuple[int, str]],
                    ) -> list[tuple[int, int, str]]:
    """(start, end, Title) of each reported status, clipped to [window_start, stop), in time order."""
    titles: dict[str, str | None] = {}  # raw status -> Title, None for Offline; a handful per agent
    segments: list[tuple[int, int, str]] = []
    last = len(events) - 1
    for index, (ts, status) in enumerate(events):
        start = max(ts, window_start)
        end = min(events[index + 1][0], stop) if index < last else stop
        if end <= start:
            continue
        if status not in titles:
            titles[status] = None if status.strip().lower() == OFFLINE else title_case(status)
        title = titles[status]
        if title is not None:
            segments.append((start, end, title))
    return segments


def tally_buckets(window_start: int, window_end: int, granularity_ms: int, now: int,
                  events: Sequence[tuple[int, str]], interactions: Iterable[tuple[int, int | None]],
                  ) -> Iterator[BucketTally] | None:
    """None when the agent had no status time in the window; else, lazily, every bucket's tally.

    `events` are (ts, status) in time order and must include the agent's last event before the window
    (if any); earlier events are harmless. Bucket i is [start + i*g, min(start + (i+1)*g, end)).
    """
    stop = min(window_end, now)
    segments = status_segments(window_start, stop, events) if stop > window_start else []
    if not segments:
        return None
    busy = [(start, end) for start, end in merge_intervals(interactions, now) if end > window_start]
    return _sweep(window_start, window_end, granularity_ms, segments, busy)


def _sweep(window_start: int, window_end: int, g: int, segments: list[tuple[int, int, str]],
           busy: list[tuple[int, int]]) -> Iterator[BucketTally]:
    """Buckets, status segments and merged interactions walked together once, in time order.

    Yields each bucket's tally as soon as it is complete, so a page of agents never holds tens of
    thousands of small containers at once (they would survive into the garbage collector's older
    generations and make every collection slower). The common bucket, inside one status and outside
    any interaction, is a shared one-entry tuple.
    """
    seg, seg_count = 0, len(segments)
    first_busy, busy_count = 0, len(busy)
    whole: dict[str, BucketTally] = {}  # title -> ((title, g, 0),)
    bucket_start = window_start
    while bucket_start < window_end:
        bucket_end = bucket_start + g if bucket_start + g < window_end else window_end
        while first_busy < busy_count and busy[first_busy][1] <= bucket_start:
            first_busy += 1
        if seg < seg_count:
            seg_start, seg_end, title = segments[seg]
            if seg_start <= bucket_start and seg_end >= bucket_end:  # one status holds the whole bucket
                if first_busy == busy_count or busy[first_busy][0] >= bucket_end:
                    if bucket_end - bucket_start == g:
                        tally = whole.get(title)
                        if tally is None:
                            tally = whole[title] = ((title, g, 0),)
                    else:
                        tally = ((title, bucket_end - bucket_start, 0),)
                else:
                    interacting = 0
                    k = first_busy
                    while k < busy_count and busy[k][0] < bucket_end:
                        busy_start, busy_end = busy[k]
                        interacting += ((busy_end if busy_end < bucket_end else bucket_end)
                                        - (busy_start if busy_start > bucket_start else bucket_start))
                        k += 1
                    tally = ((title, bucket_end - bucket_start, interacting),)
                yield tally
                if seg_end == bucket_end:
                    seg += 1
                bucket_start = bucket_end
                continue
        entries: list[tuple[str, int, int]] = []
        while seg < seg_count:
            seg_start, seg_end, title = segments[seg]
            if seg_start >= bucket_end:
                break
            piece_start = seg_start if seg_start > bucket_start else bucket_start
            piece_end = seg_end if seg_end < bucket_end else bucket_end
            interacting = 0
            k = first_busy
            while k < busy_count and busy[k][0] < piece_end:
                busy_start, busy_end = busy[k]
                if busy_end > piece_start:
                    interacting += ((busy_end if busy_end < piece_end else piece_end)
                                    - (busy_start if busy_start > piece_start else piece_start))
                k += 1
            for index, (known, status_ms, inter_ms) in enumerate(entries):
                if known == title:  # the status came back within the bucket
                    entries[index] = (title, status_ms + piece_end - piece_start, inter_ms + interacting)
                    break
            else:
                entries.append((title, piece_end - piece_start, interacting))
            if seg_end > bucket_end:
                break  # the segment continues in the next bucket
            seg += 1
        yield entries
        bucket_start = bucket_end


def bucket_bounds(window_start: int, window_end: int, granularity_ms: int) -> list[tuple[str, str]]:
    """(startTime, endTime) strings of every bucket; the same for every agent of a request."""
    edges = [iso_seconds_z(edge) for edge in range(window_start, window_end, granularity_ms)]
    edges.append(iso_seconds_z(window_end))
    return list(zip(edges, edges[1:], strict=False))


class IntervalRenderer:
    """Writes one agent's `timeInterval` list straight to JSON text (tallies -> entries).

    Why: a full page (50 agents x 672 buckets) is ~150k entries; building dicts and then serialising them
    costs several times more than formatting the fragments directly. What repeats is formatted once per
    request: bucket bounds, one %-template per status, and the text of each distinct (status, ms,
    interacting ms) triple (full buckets without interactions repeat a lot).
    """

    def __init__(self, bounds: Sequence[tuple[str, str]]):
        self._heads = [f'{{"startTime":"{start}","endTime":"{end}","status":[' for start, end in bounds]
        self._templates: dict[str, str] = {}
        self._texts: dict[tuple[str, int, int], str] = {}

    def _template(self, title: str) -> str:
        template = self._templates.get(title)
        if template is None:
            names = [json.dumps(name).replace("%", "%%")
                     for name in (title, f"{title}:Idle", f"{title.upper()}:Interacting")]
            template = ",".join(f'{{"metric":"{metric}","value":{name},"stats":{{"sum":"%d sec"}}}}'
                                for metric, name in zip(("AgentStatus", "AgentState", "AgentState"), names,
                                                        strict=True))
            self._templates[title] = template
        return template

    def render(self, tallies: Iterable[BucketTally] | None) -> str:
        """`[]` when the agent had no status time in the whole window; else every bucket, each status
        as AgentStatus, `<Title>:Idle`, `<UPPER>:Interacting`, sums rounded half-up one by one."""
        if tallies is None:
            return "[]"
        texts = self._texts
        parts: list[str] = []
        append = parts.append
        for head, tally in zip(self._heads, tallies, strict=True):
            append(head)
            if len(tally) == 1:  # most buckets: skip the loop
                text = texts.get(tally[0])
                if text is not None:
                    append(text)
                    append("]},")
                    continue
            for index, entry in enumerate(tally):
                text = texts.get(entry)
                if text is None:
                    title, status_ms, inter_ms = entry
                    text = self._template(title) % (seconds(status_ms), seconds(status_ms - inter_ms),
                                                    seconds(inter_ms))
                    texts[entry] = text
                if index:
                    append(",")
                append(text)
            append("]},")
        parts[-1] = "]}"
        return "[" + "".join(parts) + "]"
