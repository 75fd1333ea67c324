"""The cyclic garbage collector: the startup heap frozen, and paused while a request builds a large response.

Frozen (freeze_startup_heap, from a served app's lifespan once it has started: app.serve_app): every object
alive then (modules, the app, its routes and schemas, the OpenAPI document) moves to the permanent generation,
which collections no longer walk. Full collections walked it all, a pause of tens of milliseconds now and again
in every worker: under wrk (bench_wrk.py, 32 connections, PostgreSQL) IntentRealtimeData's p99 was 90-107 ms
against a p50 of 6-8 ms; frozen, 17-20 ms. Objects created later are collected as before. Only a server process
freezes: an app made in process (a test) is one of many, and what it froze would never be collected.

Paused (collector_paused) while a request builds a large response from tens of thousands of rows: such a build
keeps many young container objects alive (Agent Performance's per agent x interval x queue
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


def freeze_startup_heap() -> None:
    gc.collect()
    gc.freeze()
