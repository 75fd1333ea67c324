"""Contact Volume and Agent Performance latency over 7 days against a bare SQL fetch of the same rows, same run.

Data: 200 agents, 4 queues, 2 sources, 10 days of ~5,000 contacts a day (one queue entry each, 80%
answered by one agent, 10% first ignored by another, 10% abandoned, 5% transferred to a second queue),
loaded with COPY into a fresh PostgreSQL database (dropped at the end). Requests: callvolume over the last
7 days with limit 1000 (a full page), agentperformance over the same days with limit 100 (a full page of
agents), in-process through the ASGI app (TestClient), auth included; and callvolume over the last day alone,
whose records all fit on one page (so every record is built: no target, printed for what it shows). Also
timed: Contact Volume's service alone (call_volume in-process: query, metrics, records; no auth, no HTTP).
Baselines, sent with plain psycopg, rows fetched as tuples:
- bare: the statements the route sends (recorded from one call of its service, replayed as they are), so the
  ratio is the route's cost over the database work it must do. The target is judged on it.
- old bare (Contact Volume): the two queries of the route before it read its rows in one (the window's queue
  entries with their conversation and queue and whether each is its conversation's last; those entries'
  agent segments): issue 15's baseline, printed for comparison.
All timed calls are interleaved, one of each per round.
Target: each request's p50 <= 2x its bare fetch.

    .venv/bin/python bench/bench_queues.py [--reps 9]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg

from smartassist.wfm.intervals import Window
from smartassist.wfm.performance import PerformanceQuery, agent_performance
from smartassist.wfm.volume import VolumeQuery, call_volume

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import bench_app, interleaved, libpq_url, load_average  # noqa: E402 - this folder is on the path when run
from tests.analytics.plans import recorded  # noqa: E402 - the repository root is on the path (common.py)

AGENTS, QUEUES, DAYS, CONTACTS_PER_DAY = 200, 4, 10, 5000
WINDOW_DAYS = 7
DAY_MS = 86_400_000
DATA_START = 1_669_852_800_000  # 2022-12-01T00:00:00Z
DATA_END = DATA_START + DAYS * DAY_MS
BOT = "st-bench"


def load(url: str, account_id: str) -> None:
    """Agents, queues, conversations, queue entries and segments with COPY (explicit ids); VACUUM ANALYZE."""
    rng = random.Random(15)
    with psycopg.connect(libpq_url(url)) as conn:
        conn.execute("INSERT INTO bots (account_id, bot_id, created_at) VALUES (%s, %s, %s)", (account_id, BOT, 0))
        with conn.cursor().copy(
            "COPY agents (id, account_id, user_id, email, email_norm, first_name, last_name, agent_key) FROM STDIN"
        ) as copy:
            for n in range(1, AGENTS + 1):
                email = f"agent{n:03d}@bench.example"
                copy.write_row((n, account_id, f"u-{n}", email, email, "A", f"N{n}", f"a-{uuid.uuid4()}"))
        with conn.cursor().copy("COPY queues (id, account_id, queue_id, name, skills) FROM STDIN") as copy:
            for n in range(1, QUEUES + 1):
                copy.write_row((n, account_id, f"qu-{n}", f"Queue {n}", "[]"))
        conversations, entries, segments = [], [], []
        skills = json.dumps([{"skillId": "sk-1", "skillName": "General"}])
        for c in range(1, DAYS * CONTACTS_PER_DAY + 1):
            enter = rng.randrange(DATA_START, DATA_END)
            kind = rng.random()
            source = "rtm" if rng.random() < 0.7 else "msteams"
            queue = rng.randrange(1, QUEUES + 1)
            accepted = enter + rng.randrange(2_000, 120_000)
            talk_end = accepted + rng.randrange(30_000, 900_000)
            end = talk_end + rng.randrange(5_000, 60_000)
            entry_id = len(entries) + 1
            entries.append((entry_id, account_id, c, queue, 0, enter, None if kind < 0.1 else accepted))
            if kind < 0.1:
                end = enter + rng.randrange(5_000, 300_000)
            else:
                if kind < 0.2:
                    segments.append((c, entry_id, rng.randrange(1, AGENTS + 1), len(segments), False, False, enter))
                agent = rng.randrange(1, AGENTS + 1)
                transfer = kind > 0.95
                segments.append(
                    (c, entry_id, agent, len(segments), True, transfer, enter + 1_000, accepted, talk_end, end)
                )
                if transfer:
                    entries.append((len(entries) + 1, account_id, c, queue % QUEUES + 1, 1, talk_end, None))
            conversations.append((c, account_id, f"c-{c}", f"c-{c}", BOT, f"s{c}", source, source, "en"))
            conversations[-1] += ("Inbound", enter - 30_000, end, skills, rng.choice([None, 3, 4, 5]), "{}")
        with conn.cursor().copy(
            "COPY conversations (id, account_id, contact_key, conversation_id, bot_id, session_id, channel, source, "
            "language, direction, start_time, end_time, skills, csat_score, row) FROM STDIN"
        ) as copy:
            for row in conversations:
                copy.write_row(row)
        with conn.cursor().copy(
            "COPY queue_entries (id, account_id, conversation_pk, queue_pk, position, enter_time, accepted_time) "
            "FROM STDIN"
        ) as copy:
            for row in entries:
                copy.write_row(row)
        with conn.cursor().copy(
            "COPY agent_segments (account_id, conversation_pk, queue_entry_pk, agent_pk, position, responded, "
            "transferred, assigned_at, accepted_time, interaction_end_time, acw_end_time) FROM STDIN"
        ) as copy:
            for seg in segments:
                full = (*seg, None, None, None)[:10]
                copy.write_row((account_id, *full))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")


OLD_BARE_QUERIES = (
    (
        "SELECT qe.id, qe.enter_time, qe.accepted_time, q.queue_id, q.name, c.bot_id, coalesce(c.source, c.channel), "
        "c.end_time, c.hold_ms, c.message_count, c.saved_message_count, c.csat_score, NOT EXISTS (SELECT 1 "
        "FROM queue_entries later WHERE later.conversation_pk = qe.conversation_pk AND later.position > qe.position) "
        "FROM queue_entries qe JOIN conversations c ON c.id = qe.conversation_pk "
        "JOIN queues q ON q.id = qe.queue_pk AND q.account_id = %(acc)s "
        "WHERE qe.account_id = %(acc)s AND qe.enter_time >= %(ws)s AND qe.enter_time < %(we)s "
        "AND c.account_id = %(acc)s ORDER BY qe.enter_time, qe.id"
    ),
    (
        "SELECT s.queue_entry_pk, s.responded, s.transferred, s.accepted_time, s.interaction_end_time, "
        "s.acw_end_time, s.interaction_duration_s, s.acw_duration_s FROM agent_segments s "
        "JOIN queue_entries qe ON qe.id = s.queue_entry_pk WHERE s.account_id = %(acc)s "
        "AND qe.account_id = %(acc)s AND qe.enter_time >= %(ws)s AND qe.enter_time < %(we)s "
        "ORDER BY s.queue_entry_pk, s.position, s.id"
    ),
)


def old_bare_fetch(conn: psycopg.Connection[tuple[object, ...]], account_id: str, start: int, end: int) -> int:
    params = {"acc": account_id, "ws": start, "we": end}
    return sum(len(conn.execute(sql, params).fetchall()) for sql in OLD_BARE_QUERIES)


def replay(conn: psycopg.Connection[tuple[object, ...]], statements: list[tuple[str, Any]]) -> int:
    return sum(len(conn.execute(sql, params).fetchall()) for sql, params in statements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    began = time.perf_counter()
    with bench_app("WFM Integration", "bench_volume_queues") as bench:
        client, raw, account_id, headers = bench.client, bench.raw, bench.account_id, bench.headers
        engine = client.app.state.runtime.read_engine
        load(bench.url, account_id)
        print(f"loaded {DAYS * CONTACTS_PER_DAY} contacts over {DAYS} days in {time.perf_counter() - began:.1f} s")
        start, end = DATA_END - WINDOW_DAYS * DAY_MS, DATA_END
        iso = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000)) for ms in (start, end)]
        volume_body = {"orgId": "o-bench", "fromTimeStamp": iso[0], "toTimeStamp": iso[1], "limit": 1000}
        performance_body = {"fromTimeStamp": iso[0], "toTimeStamp": iso[1], "limit": 100}
        base = f"/agentassist/api/public/analytics/account/{account_id}"

        def post(path: str, body: dict[str, object]) -> int:
            response = client.post(f"{base}/{path}", json=body, headers=headers)
            assert response.status_code == 200, response.text[:300]
            return int(response.json()["totalCount"])

        volume_query = VolumeQuery("o-bench", Window(start, end), 0, 1000, False)
        performance_query = PerformanceQuery(Window(start, end), 0, 100)

        def volume_service() -> int:
            with engine.connect() as connection:
                return int(call_volume(connection, account_id, volume_query)["totalCount"])

        with recorded(engine) as volume_sql:
            volume_service()
        # one day: its ~760 records fit on one page, so every record is built (no page to skip to)
        day_body = {
            **volume_body,
            "fromTimeStamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime((end - DAY_MS) / 1000)),
        }
        with recorded(engine) as day_sql, engine.connect() as connection:
            day_query = VolumeQuery("o-bench", Window(end - DAY_MS, end), 0, 1000, False)
            call_volume(connection, account_id, day_query)
        with recorded(engine) as performance_sql, engine.connect() as connection:
            agent_performance(connection, account_id, performance_query)
        records, agents = post("callvolume", volume_body), post("agentperformance", performance_body)
        rows = {"volume": replay(raw, volume_sql), "old": old_bare_fetch(raw, account_id, start, end)}
        rows["performance"] = replay(raw, performance_sql)
        print(f"before: {load_average()}")
        s = interleaved(
            {
                "volume request": lambda: post("callvolume", volume_body),
                "volume service": volume_service,
                "volume bare": lambda: replay(raw, volume_sql),
                "volume old bare": lambda: old_bare_fetch(raw, account_id, start, end),
                "volume 1 day request": lambda: post("callvolume", day_body),
                "volume 1 day bare": lambda: replay(raw, day_sql),
                "performance request": lambda: post("agentperformance", performance_body),
                "performance bare": lambda: replay(raw, performance_sql),
            },
            args.reps,
        )
        print(f"after:  {load_average()}")
    p50 = {name: statistics.median(times) * 1e3 for name, times in s.items()}
    print(f"\n{WINDOW_DAYS} days, PostgreSQL, {args.reps} interleaved reps (+1 warm-up each); p50 in ms")
    print(
        f"Contact Volume (limit 1000, {records} records): request {p50['volume request']:.1f}, "
        f"service {p50['volume service']:.1f}, bare {p50['volume bare']:.1f} ({rows['volume']} rows, "
        f"{len(volume_sql)} statement), old bare {p50['volume old bare']:.1f} ({rows['old']} rows, 2 statements)"
    )
    print(
        f"Contact Volume, 1 day (every record on the page): request {p50['volume 1 day request']:.1f}, "
        f"bare {p50['volume 1 day bare']:.1f}"
    )
    print(
        f"Agent Performance (limit 100 of {agents} agents): request {p50['performance request']:.1f}, "
        f"bare {p50['performance bare']:.1f} ({rows['performance']} rows, {len(performance_sql)} statements)"
    )
    ratios = {
        "Contact Volume request / bare": p50["volume request"] / p50["volume bare"],
        "Contact Volume request / old bare (issue 15's baseline, not the target's)": p50["volume request"]
        / p50["volume old bare"],
        "Contact Volume service / bare": p50["volume service"] / p50["volume bare"],
        "Contact Volume 1 day request / bare (no target)": p50["volume 1 day request"] / p50["volume 1 day bare"],
        "Agent Performance request / bare": p50["performance request"] / p50["performance bare"],
    }
    for name, ratio in ratios.items():
        print(f"  {name}: {ratio:.2f}")
    for name in ("Contact Volume", "Agent Performance"):
        ratio = ratios[f"{name} request / bare"]
        print(f"target {name}: request / bare <= 2.00: {ratio:.2f} -> {'PASS' if ratio <= 2 else 'FAIL'}")
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
