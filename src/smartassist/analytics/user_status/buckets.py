"""UserStatus bucketing: one agent's status events and interactions -> its `timeInterval` JSON text. No I/O.

Why a sweep: a 31-day window at 1-minute granularity has 44 640 buckets and an agent may have thousands of
events; walking status segments and merged interactions once, in time order, keeps the work proportional
to events + interactions + buckets instead of their product.

Why C (`_sweep.c`): on a 7-day page (50 agents x 672 buckets, 11 MB of JSON) the sweep and the JSON
writing in Python took ~28 ms and ~45 ms, each more than the whole database fetch. Python formats, once
per request, what every agent shares: the bucket heads and the text of each status's entries. The C
module does the per-agent work: segments, the union of interactions, the sweep and the JSON text.

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
from collections.abc import Iterable, Sequence
from typing import Any

from smartassist.analytics.user_status import _sweep
from smartassist.timefmt import iso_seconds_z

OFFLINE = "offline"
# size_bound: digits of one sum (a bucket holds at most 86 400 s), and at most the fewest bytes one status's
# three entries take (`{"metric":"AgentStatus","value":"A","stats":{"sum":"0 sec"}}`, Idle, Interacting: 180).
SUM_DIGITS = 6
MIN_ENTRIES_BYTES = 160

# The text before the AgentStatus sum, before the Idle sum, before the Interacting sum, and after it.
EntryTexts = tuple[str, str, str, str]


def title_case(status: str) -> str:
    """`Available`, `On Break`: each whitespace-separated word gets an upper-case first letter and the rest
    lower case; runs of whitespace become one space. Other characters are kept (`on-call` -> `On-call`,
    `after_call_work` -> `After_call_work`), unlike str.title(), which would give `On-Call` and `Don'T`."""
    return " ".join(word[:1].upper() + word[1:].lower() for word in status.split())


def entry_texts(title: str) -> EntryTexts:
    """AgentStatus `<Title>`, AgentState `<Title>:Idle` and `<UPPER>:Interacting` around their three sums;
    names JSON-escaped to ASCII (the C module writes ASCII text only)."""
    before = [
        f'{{"metric":"{metric}","value":{json.dumps(name)},"stats":{{"sum":"'
        for metric, name in (
            ("AgentStatus", title),
            ("AgentState", f"{title}:Idle"),
            ("AgentState", f"{title.upper()}:Interacting"),
        )
    ]
    after = ' sec"}}'
    return before[0], f"{after},{before[1]}", f"{after},{before[2]}", after


class _StatusTexts(dict[str, EntryTexts | None]):
    """Raw status -> its entry texts, None for Offline (any casing); filled when _sweep first looks a
    status up. Spellings with one Title share one tuple: that identity is how _sweep merges them."""

    def __init__(self) -> None:
        super().__init__()
        self._by_title: dict[str, EntryTexts] = {}

    def __missing__(self, status: str) -> EntryTexts | None:
        texts = None
        if status.strip().lower() != OFFLINE:
            title = title_case(status)
            texts = self._by_title.get(title)
            if texts is None:
                texts = self._by_title[title] = entry_texts(title)
        self[status] = texts
        return texts


class IntervalRenderer:
    """One per request: the bucket grid (heads) and the per-status texts, shared by all agents of the page.

    Bucket i is [start + i*g, min(start + (i+1)*g, end)): the last one may be short.
    """

    def __init__(self, window_start: int, window_end: int, granularity_ms: int, now: int) -> None:
        edges = [iso_seconds_z(edge) for edge in range(window_start, window_end, granularity_ms)]
        edges.append(iso_seconds_z(window_end))
        self._heads = tuple(
            f'{{"startTime":"{start}","endTime":"{end}","status":['
            for start, end in zip(edges, edges[1:], strict=False)
        )
        self._window = (window_start, window_end, granularity_ms, now)
        self._texts = _StatusTexts()

    def size_bound(self, agents: int, segments: int, statuses: Iterable[str]) -> int:
        """At most how many bytes `render` writes for `agents` agents in all, given `segments` status segments
        (their events in the window, and their status at its start) with these statuses. A segment spanning k
        buckets puts its status in at most k of them, and consecutive segments share a bucket at each change,
        so an agent's (bucket, status) pairs are at most its buckets plus its segments."""
        texts = [self._texts[status] for status in set(statuses)]
        longest = max((sum(map(len, t)) for t in texts if t is not None), default=0)
        entries = max(MIN_ENTRIES_BYTES, longest + 3 * SUM_DIGITS + 1)
        buckets = len(self._heads)
        per_bucket = max(map(len, self._heads)) + 3  # `]}` and a comma
        return agents * (2 + buckets * per_bucket) + (agents * buckets + segments) * entries

    def render(self, events: Sequence[tuple[Any, ...]], interactions: Sequence[tuple[Any, ...]]) -> bytes:
        """One agent's `timeInterval` JSON array, ASCII bytes (`[]` when the agent had no reported status time
        in the window): the page is joined and sent as bytes, with no encoding step.

        `events` are (ts, status, ...) in time order and must include the agent's last event before the window
        (if any); earlier events are harmless. `interactions` are (start, end or None while open, ...). Items
        after the first two are ignored: database rows can be passed as they come.
        """
        return _sweep.render(*self._window, self._heads, self._texts, events, interactions)
