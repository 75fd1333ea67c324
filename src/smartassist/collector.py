"""Pausing the cyclic garbage collector while a request builds a large response from tens of thousands of rows.

Why: such a build keeps many young container objects alive (Agent Performance's per agent x interval x queue
sums and the response's dicts), so the collector promotes them and runs full collections that walk the whole
heap of the process, the app's own objects included: one to two per 7-day Agent Performance page, 0.3-1.5 s
of a 3-8 s request under a load average of 6-8 (gc.callbacks; bench/bench_queues.py). Reference counting
still frees everything that is not in a cycle while the collector is paused; cycles wait for its next run.

The switch is the process's (gc.disable), shared by every thread: a pause turns the collector back on at its
end only if it was on at its start, so overlapping pauses never leave it off, and a collector some other code
turned off stays off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
