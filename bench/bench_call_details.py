"""Call Details latency: a page of 100 rows over 7 days of a simulated month, requested of the app in process and
through a real server, against a bare fetch of the same rows.

Data: the simulator's contact center (smartassist.simulation: build_world, simulate_day and
render.conversation_record, as `simulate` renders them) for 200 agents over 30 days, every Call Details row
validated and converted by the ingest's own validate_row, then loaded with COPY into `conversations` (a page
without a queue filter reads only that table; the rows' queue entries and segments are not loaded) in a fresh
PostgreSQL database, dropped at the end. Pages: limit=100 over the middle 7 days of the month (whole days,
timeZoneOffset 0), the first (offset 0) and the last (offset 10).

Figures, and the tool that produces each:
- request in process: the app `serve` runs (create_app with serve's settings, its startup heap frozen, as
  app.serve_app) called as ASGI in this process, `await app(scope, receive, send)` inside its lifespan, with the
  method, path, headers (the same signed token) and body wrk sends; everything the app does per request
  (middleware, routing, token check, body, fetch on its own reads.Reads, rendering) included, uvicorn's HTTP
  parsing and the loopback TCP not; on the event loop serve runs (uvicorn's loop="auto": uvloop, installed with
  uvicorn[standard]), timed by perf_counter inside it. Also GET /healthz so: the floor
  of an ASGI request through the app's middleware and router.
- bare: the statement the route sends (page_statement, compiled for psycopg, with the page's values), executed
  with plain sync psycopg in this process and its rows fetched as tuples, timed by perf_counter: the database
  work the route cannot avoid. (The route reads through reads.Reads: asyncpg on the server's event loop.)
- service: call_details awaited in this process on a reads.Reads of its own (fetch, rendering, body; no auth, no
  HTTP), timed by perf_counter.
- through serve: POST calldetails (v1) and v2/calldetails through `smartassist serve` (one worker,
  tests/server_process), timed by wrk (C; bench/common.py's runner) with 1 thread and 1 connection, so one
  request at a time: p50 is the latency of a single request. A Python client on the same two cores (the
  in-process httpx client: 3 ms for GET /healthz) would bound the figure it reports; wrk does not. Also by wrk:
  the same route on a window without rows (its floor: token check, body, one indexed query) and GET /healthz
  (the HTTP server's floor).
Interleaving: rounds of [wrk phase, bare block] for each route phase, a service block, then [in-process block,
bare block] for each in-process request; a bare, service or in-process block is timed calls for half as long as
a wrk phase lasts. A load drifting on the shared cores weighs on all alike. p50s: through serve, the median of
its wrk phases' p50s; bare, service and in process, of all their calls.
Target: each page's request in process p50 <= 2x its bare fetch's p50. Judged in process, not through serve:
GET /healthz through uvicorn and TCP (wrk -c1) alone is about the whole bare fetch (0.28 vs 0.25 ms), the same
for every route and none of the route's own doing, so a ratio through serve measures the HTTP server more than
the route. The wrk figures are still reported, as they are.

`--compare-src DIR`: a second `serve` on the same database, running the source tree DIR/src (another commit's
checkout, its C extensions built in place) through PYTHONPATH, its wrk route phases ("before ...") in the same
rounds: the code before and after, measured on the same machine at the same time. It covers the wrk phases
only: the in-process app is this tree's (one process imports one `smartassist`).

    .venv/bin/python bench/bench_call_details.py [--rounds 3] [--seconds 4] [--days 30] [--agents 200]
        [--compare-src DIR]
    (SMARTASSIST_BENCH_DB_PREFIX names its PostgreSQL database; default smartassist_bench)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import jwt
import psycopg
import uvicorn
from fastapi import FastAPI
from sqlalchemy.dialects.postgresql import psycopg as pg_psycopg
from starlette.types import Message

from smartassist import migrate
from smartassist.analytics.conversations.request import parse_call_details_body
from smartassist.analytics.conversations.service import call_details, page_params, page_statement, shape_of
from smartassist.app import create_app
from smartassist.config import Settings
from smartassist.contactcenter.models import Conversation
from smartassist.db import make_read_engine
from smartassist.ingest.conversations import validate_row
from smartassist.reads import Reads
from smartassist.simulation.model import days_between, simulate_day
from smartassist.simulation.render import conversation_record
from smartassist.simulation.world import build_world

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.common import ADMIN_TOKEN, BASE_URL, DB_PREFIX, libpq_url, load_average, wrk  # noqa: E402
from tests.databases import temporary_postgres_database  # noqa: E402
from tests.server_process import ServerProcess  # noqa: E402

FIRST_DAY = datetime(2026, 10, 1, tzinfo=UTC)  # a fixed month: the same rows on every run
PAGE = 100
WINDOW_DAYS = 7


def load(url: str, account_id: str, agents: int, days: int) -> int:
    """The simulated month's Call Details rows into `conversations` with COPY, then VACUUM ANALYZE."""
    world = build_world(15, agents)
    end = int((FIRST_DAY + timedelta(days=days)).timestamp())
    columns = (
        "account_id, contact_key, conversation_id, bot_id, session_id, channel, source, language, direction, "
        "start_time, end_time, skills, csat_score, row, row_layout"
    )
    count = 0
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("INSERT INTO bots (account_id, bot_id, created_at) VALUES (%s, %s, 0)", (account_id, world.bot_id))
        with conn.cursor().copy(f"COPY conversations ({columns}) FROM STDIN") as copy:
            for day in days_between(FIRST_DAY.date(), FIRST_DAY.date() + timedelta(days=days - 1)):
                for contact in simulate_day(world, day).contacts:
                    row = conversation_record(world, contact, end)
                    if row is None:
                        continue
                    r = validate_row(count, row, None)
                    copy.write_row(
                        (account_id, r.contact_key, r.conversation_id, r.bot_id, r.session_id, r.channel, r.source)
                        + (r.language, r.direction, r.start_time, r.end_time, json.dumps(r.skills), r.csat_score)
                        + (r.text, r.layout)
                    )
                    count += 1
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE conversations")
    return count


def tenant(base_url: str) -> tuple[str, str]:
    """An account and an app with the Analytics scope, through the server's admin routes: (accountId, token)."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with httpx.Client(base_url=base_url, headers=admin, timeout=60) as http:
        account_id = http.post("/admin/accounts", json={"name": "bench"}).json()["accountId"]
        app = http.post(
            f"/admin/accounts/{account_id}/apps", json={"name": "bench", "scopes": ["SmartAssist Analytics"]}
        ).json()
    return account_id, jwt.encode({"appId": app["clientId"]}, app["clientSecret"])


def timed_for(seconds: float, action: Callable[[], object]) -> list[float]:
    """Calls of action, each timed, for about `seconds`."""
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return samples


def serve_loop() -> asyncio.AbstractEventLoop:
    """A new event loop of the kind serve's uvicorn runs (its default loop="auto": uvloop where installed)."""
    factory = uvicorn.Config(app="smartassist.app:serve_app").get_loop_factory()
    return factory() if factory is not None else asyncio.new_event_loop()


class InProcess:
    """The app `serve` runs (create_app with serve's settings and its startup heap frozen, as app.serve_app), called
    as ASGI in this process: `await app(scope, receive, send)` on one event loop, inside the app's lifespan.
    Everything the app does per request is in it (middleware, routing, token check, body, fetch, rendering);
    uvicorn's HTTP parsing and the loopback TCP are not."""

    def __init__(self, url: str, data_dir: Path, key: str, loop: asyncio.AbstractEventLoop) -> None:
        settings = Settings(
            database_url=url, admin_token=ADMIN_TOKEN, secret_key=key, data_dir=data_dir, log_level="warning"
        )
        self.app: FastAPI = create_app(settings, freeze_heap=True)
        self.loop = loop
        self._lifespan: AbstractAsyncContextManager[None] = self.app.router.lifespan_context(self.app)
        loop.run_until_complete(self._lifespan.__aenter__())

    def close(self) -> None:
        self.loop.run_until_complete(self._lifespan.__aexit__(None, None, None))

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Callable[[], Awaitable[Message]]:
        """A coroutine function making the request (the same method, path, headers and body as wrk sends) and
        returning its http.response.start message; the response's body is in `.last_body`."""
        route, _, query = path.partition("?")
        raw_headers = [(b"host", b"127.0.0.1")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        if body:
            raw_headers.append((b"content-length", str(len(body)).encode()))
        scope_items = {
            "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": route, "raw_path": route.encode(), "query_string": query.encode(),
            "root_path": "", "headers": raw_headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
        }  # fmt: skip
        app = self.app
        request_message: Message = {"type": "http.request", "body": body, "more_body": False}

        async def call() -> Message:
            received = False
            start: Message = {}
            chunks: list[bytes] = []

            async def receive() -> Message:
                nonlocal received
                if not received:
                    received = True
                    return request_message
                await asyncio.Future()  # no disconnect while the app answers (a client waiting for it)
                raise AssertionError("unreachable")

            async def send(message: Message) -> None:
                nonlocal start
                if message["type"] == "http.response.start":
                    start = message
                else:
                    chunks.append(message.get("body", b""))

            await app(dict(scope_items), receive, send)
            self.last_body = b"".join(chunks)
            return start

        return call

    def timed_for(self, seconds: float, call: Callable[[], Awaitable[Message]]) -> list[float]:
        """Requests made one after another for about `seconds`, each timed inside the loop."""

        async def block() -> list[float]:
            samples: list[float] = []
            deadline = time.perf_counter() + seconds
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                start = await call()
                samples.append(time.perf_counter() - began)
                assert start["status"] == 200, (start, self.last_body[:300])
            return samples

        return self.loop.run_until_complete(block())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4, help="duration of each wrk phase (and of each block)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--compare-src", type=Path, help="a source tree to serve too (its src/ on PYTHONPATH)")
    args = parser.parse_args()
    if not (0 < args.seconds <= 60 and 0 < args.rounds <= 20):
        parser.error("bounded run: seconds <= 60, rounds <= 20")
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    began = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as tmp,
        temporary_postgres_database(BASE_URL, f"{DB_PREFIX}_calldetails") as url,
    ):
        migrate.upgrade(url)
        key = secrets.token_urlsafe(32)  # both servers read the same app secrets
        with ServerProcess(url, Path(tmp) / "data", ADMIN_TOKEN, key, workers=1) as server:
            account_id, token = tenant(server.base_url)
            rows = load(url, account_id, args.agents, args.days)
            print(f"loaded {rows} Call Details rows ({args.agents} agents x {args.days} days) in "
                  f"{time.perf_counter() - began:.1f} s")  # fmt: skip
            local = (Path(tmp) / "inprocess", key)
            if args.compare_src is None:
                run(server, None, url, account_id, token, local, args)
                return
            source = {"PYTHONPATH": str(args.compare_src.resolve() / "src")}
            with ServerProcess(url, Path(tmp) / "before", ADMIN_TOKEN, key, workers=1, extra_env=source) as other:
                run(server, other, url, account_id, token, local, args)
    print(f"total {time.perf_counter() - began:.0f} s")


def run(
    server: ServerProcess,
    before: ServerProcess | None,
    url: str,
    account_id: str,
    token: str,
    local: tuple[Path, str],
    args: argparse.Namespace,
) -> None:
    start = FIRST_DAY + timedelta(days=(args.days - WINDOW_DAYS) // 2)
    dates = {"startDate": f"{start:%Y-%m-%d}", "endDate": f"{start + timedelta(days=WINDOW_DAYS - 1):%Y-%m-%d}"}
    body = {**dates, "timeZoneOffset": 0}
    earlier = FIRST_DAY - timedelta(days=WINDOW_DAYS)
    empty = {"startDate": f"{earlier:%Y-%m-%d}", "endDate": f"{FIRST_DAY - timedelta(days=1):%Y-%m-%d}"}
    base = f"/agentassist/api/public/analytics/account/{account_id}"
    headers = {"auth": token, "Content-Type": "application/json"}

    query = parse_call_details_body(body, v2=True)
    reads = Reads(url, make_read_engine(url))
    statement = page_statement(shape_of(query, v2=True))
    # The route's statement for psycopg (`%(name)s` parameters; reads.Reads sends the same text to asyncpg with `$n`
    # ones); the page without filters has no list parameter to rewrite.
    compiled = statement.compile(dialect=pg_psycopg.dialect())  # type: ignore[no-untyped-call]
    sql, defaults = str(compiled), dict(compiled.params)
    # The same rows as the stored text, the route's subquery alone (no convert_to): the other plain way to fetch them.
    (page,) = statement.get_final_froms()
    text_statement = page.element.with_only_columns(Conversation.row)  # type: ignore[attr-defined]
    as_text = str(text_statement.compile(dialect=pg_psycopg.dialect()))
    loop = serve_loop()
    loop.run_until_complete(reads.open())
    in_process = InProcess(url, *local, loop)

    def service(offset: int = 0) -> bytes:
        return loop.run_until_complete(call_details(reads, account_id, query, v2=True, limit=PAGE, offset_pages=offset))

    async def service_for(seconds: float) -> list[float]:
        """The first page's service calls, each timed inside the loop (no run_until_complete per call)."""
        samples: list[float] = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            await call_details(reads, account_id, query, v2=True, limit=PAGE, offset_pages=0)
            samples.append(time.perf_counter() - began)
        return samples

    sizes = {}
    for each in (server, before) if before is not None else (server,):
        with httpx.Client(base_url=each.base_url, headers=headers, timeout=60) as http:
            for offset in (0, 10):
                response = http.post(f"{base}/v2/calldetails?limit={PAGE}&offset={offset}", json=body)
                assert response.status_code == 200, response.text[:300]
                assert response.json()["numResults"] == PAGE
                assert response.content == service(offset), "a server and the service disagree"
                sizes[offset] = len(response.content)
            assert http.post(f"{base}/v2/calldetails?limit={PAGE}", json=empty).json()["numResults"] == 0

    # In process: the same requests as the wrk phases (method, path, headers, body), as ASGI calls.
    page_body, empty_body = json.dumps(body).encode(), json.dumps(empty).encode()
    post = partial(in_process.request, "POST", headers=headers)
    local_phases: dict[str, tuple[Callable[[], Awaitable[Message]], int | None]] = {
        "v1 first": (post(f"{base}/calldetails?limit={PAGE}&offset=0", body=page_body), 0),
        "v2 first": (post(f"{base}/v2/calldetails?limit={PAGE}&offset=0", body=page_body), 0),
        "v2 last": (post(f"{base}/v2/calldetails?limit={PAGE}&offset=10", body=page_body), 10),
        "v2 empty": (post(f"{base}/v2/calldetails?limit={PAGE}&offset=0", body=empty_body), None),
        "healthz": (in_process.request("GET", "/healthz", headers, b""), None),
    }
    for name, (call, offset) in local_phases.items():
        start = loop.run_until_complete(call())
        assert start["status"] == 200, in_process.last_body[:300]
        if offset is not None and name.startswith("v2"):  # the service renders v2 rows
            assert in_process.last_body == service(offset), f"in process {name} and the service disagree"

    with psycopg.connect(libpq_url(url), autocommit=True) as raw:
        # The route's statement with binary results (its bytea as the bytes asyncpg reads; in text, psycopg would
        # have PostgreSQL hex-encode the page, twice the bytes, 2.3x the time), and the stored text fetched as text.
        binary, text = raw.cursor(binary=True), raw.cursor()

        def bare(cursor: psycopg.Cursor[Any], statement_sql: str, offset: int) -> Callable[[], object]:
            params = {**defaults, **page_params(account_id, query, PAGE, offset)}
            return lambda: cursor.execute(statement_sql, params).fetchall()

        bares = {offset: bare(binary, sql, offset) for offset in (0, 10)}
        text_bares = {offset: bare(text, as_text, offset) for offset in (0, 10)}
        same_rows = [bytes(text) for (_, text) in bares[0]()]  # type: ignore[attr-defined]
        assert same_rows == [row.encode() for (row,) in text_bares[0]()]  # type: ignore[attr-defined]
        requests = [lambda call=call: loop.run_until_complete(call()) for call, _ in local_phases.values()]
        for action in (*bares.values(), *text_bares.values(), service, *requests):
            for _ in range(20):  # warm-up: prepared statements, pool, caches
                action()
        phases: list[tuple[str, ServerProcess, str, dict[str, Any] | None, int | None]] = [
            ("v1 first", server, f"{base}/calldetails?limit={PAGE}&offset=0", body, 0),
            ("v2 first", server, f"{base}/v2/calldetails?limit={PAGE}&offset=0", body, 0),
            ("v2 last", server, f"{base}/v2/calldetails?limit={PAGE}&offset=10", body, 10),
            ("v2 empty", server, f"{base}/v2/calldetails?limit={PAGE}&offset=0", empty, None),
            ("healthz", server, "/healthz", None, None),
        ]
        if before is not None:
            phases += [(f"before {name}", before, *rest) for name, _, *rest in phases[:4]]
        route: dict[str, list[float]] = {name: [] for name, *_ in phases}
        blocks: dict[str, list[float]] = {name: [] for name in ("bare first", "bare last", "text first", "text last")}
        blocks["service first"] = []

        def bare_block(offset: int) -> None:
            page = "first" if offset == 0 else "last"
            blocks[f"bare {page}"] += timed_for(args.seconds / 4, bares[offset])
            blocks[f"text {page}"] += timed_for(args.seconds / 4, text_bares[offset])

        blocks.update((f"in process {name}", []) for name in local_phases)
        loads = []
        for _ in range(args.rounds):
            for name, target, path, window, offset in phases:
                loads.append(load_average())
                result = wrk(
                    target, name, path, seconds=args.seconds, connections=1, threads=1, headers=headers,
                    method="GET" if window is None else "POST", body=None if window is None else json.dumps(window),
                )  # fmt: skip
                assert result.errors == 0, f"{name}: {result.errors} errors"
                route[name].append(result.p50_ms)
                if offset is not None:
                    bare_block(offset)
            blocks["service first"] += loop.run_until_complete(service_for(args.seconds / 2))
            for name, (call, offset) in local_phases.items():
                loads.append(load_average())
                blocks[f"in process {name}"] += in_process.timed_for(args.seconds / 2, call)
                if offset is not None:
                    bare_block(offset)
    in_process.close()
    loop.run_until_complete(reads.close())
    loop.close()

    p50 = {name: statistics.median(times) for name, times in route.items()}
    p50.update({name: statistics.median(times) * 1e3 for name, times in blocks.items()})
    statement_p50 = {page: p50[f"bare {page}"] for page in ("first", "last")}
    for page in ("first", "last"):  # the bare fetch is the faster of the two
        p50[f"bare {page}"] = min(p50[f"bare {page}"], p50[f"text {page}"])
    print(f"load: {loads[0]} at the start, {loads[len(loads) // 2]} midway, {loads[-1]} at the end")
    print(f"\n{PAGE} rows of {WINDOW_DAYS} days, PostgreSQL, {args.rounds} rounds; p50 in ms")
    print(f"  first page ({sizes[0] / 1e3:.0f} kB): bare {p50['bare first']:.2f} (the route's statement, binary, "
          f"{statement_p50['first']:.2f}; the stored text, {p50['text first']:.2f}), service alone "
          f"{p50['service first']:.2f}; last page, offset 10 ({sizes[10] / 1e3:.0f} kB): "
          f"bare {p50['bare last']:.2f} ({statement_p50['last']:.2f}; {p50['text last']:.2f})")  # fmt: skip
    print(f"  request in process (ASGI, {args.seconds / 2:g} s a block): v1 first {p50['in process v1 first']:.2f}, "
          f"v2 first {p50['in process v2 first']:.2f}, v2 last {p50['in process v2 last']:.2f}, "
          f"empty window {p50['in process v2 empty']:.2f}, GET /healthz {p50['in process healthz']:.2f}")  # fmt: skip
    phase_p50s = "; ".join(f"{name} {', '.join(f'{v:.2f}' for v in times)}" for name, times in route.items())
    print(f"  through serve --workers 1, wrk -t1 -c1, {args.seconds} s a phase; each phase's p50: {phase_p50s}")
    print(f"  through serve: v1 first {p50['v1 first']:.2f}, v2 first {p50['v2 first']:.2f}, "
          f"v2 last {p50['v2 last']:.2f}, empty window {p50['v2 empty']:.2f}, "
          f"GET /healthz {p50['healthz']:.2f}")  # fmt: skip
    ratios = {
        "in process: v1 first page / bare": p50["in process v1 first"] / p50["bare first"],
        "in process: v2 first page / bare": p50["in process v2 first"] / p50["bare first"],
        "in process: v2 last page / bare": p50["in process v2 last"] / p50["bare last"],
        "in process: v2 empty window / first page's bare": p50["in process v2 empty"] / p50["bare first"],
        "in process: healthz / first page's bare": p50["in process healthz"] / p50["bare first"],
        "service first page / bare": p50["service first"] / p50["bare first"],
        "serve: v1 first page / bare": p50["v1 first"] / p50["bare first"],
        "serve: v2 first page / bare": p50["v2 first"] / p50["bare first"],
        "serve: v2 last page / bare": p50["v2 last"] / p50["bare last"],
        "serve: v2 empty window / first page's bare": p50["v2 empty"] / p50["bare first"],
        "serve: healthz / first page's bare": p50["healthz"] / p50["bare first"],
    }
    if before is not None:
        print(f"  before (--compare-src {args.compare_src}), through serve: v1 first {p50['before v1 first']:.2f}, "
              f"v2 first {p50['before v2 first']:.2f}, v2 last {p50['before v2 last']:.2f}, "
              f"empty window {p50['before v2 empty']:.2f}")  # fmt: skip
        for name in ("v1 first", "v2 first", "v2 last", "v2 empty"):
            ratios[f"serve: {name}: after / before"] = p50[name] / p50[f"before {name}"]
    for name, ratio in ratios.items():
        print(f"  {name}: {ratio:.2f}")
    worst = max(ratios[f"in process: {page} / bare"] for page in ("v1 first page", "v2 first page", "v2 last page"))
    verdict = "PASS" if worst <= 2 else "FAIL"
    print(f"target: each page's request in process / bare <= 2.00: worst {worst:.2f} -> {verdict}")


if __name__ == "__main__":
    main()
