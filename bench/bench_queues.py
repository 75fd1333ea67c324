"""Contact Volume latency over 7 days against a bare SQL fetch of the same rows, in the same run.

Data: 200 agents, 4 queues, 2 sources, 10 days of ~5,000 contacts a day (one queue entry each, 80%
answered by one agent, 10% first ignored by another, 10% abandoned, 5% transferred to a second queue),
loaded with COPY into a fresh PostgreSQL database (dropped at the end). Request: callvolume over the last
7 days with limit 1000 (a full page), in-process through the ASGI app (TestClient), auth included. Also
timed: the service alone (call_volume in-process: queries, metrics, records; no auth, no HTTP).
Baseline: the two queries the request needs (the window's queue entries with their conversation and
queue and whether each is its conversation's last, and those entries' agent segments) sent with plain
psycopg, rows fetched as tuples.
Target: the request's p50 <= 2x its bare fetch.

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

import psycopg

from smartassist.wfm.intervals import Window
from smartassist.wfm.volume import VolumeQuery, call_volume

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import bench_app, libpq_url, timed  # noqa: E402 - this folder is on the path when run as a script

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


BARE_QUERIES = (
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


def bare_fetch(conn: psycopg.Connection[tuple[object, ...]], account_id: str, start: int, end: int) -> int:
    params = {"acc": account_id, "ws": start, "we": end}
    return sum(len(conn.execute(sql, params).fetchall()) for sql in BARE_QUERIES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=9)
    args = parser.parse_args()
    began = time.perf_counter()
    with bench_app("WFM Integration") as bench:
        client, raw, account_id, headers = bench.client, bench.raw, bench.account_id, bench.headers
        app, url = client.app, bench.url
        load(url, account_id)
        print(f"loaded {DAYS * CONTACTS_PER_DAY} contacts over {DAYS} days in {time.perf_counter() - began:.1f} s")
        start, end = DATA_END - WINDOW_DAYS * DAY_MS, DATA_END
        iso = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000)) for ms in (start, end)]
        body = {"orgId": "o-bench", "fromTimeStamp": iso[0], "toTimeStamp": iso[1], "limit": 1000}
        path = f"/agentassist/api/public/analytics/account/{account_id}/callvolume"

        def request() -> int:
            response = client.post(path, json=body, headers=headers)
            assert response.status_code == 200, response.text[:300]
            return int(response.json()["totalCount"])

        def service() -> int:
            with app.state.runtime.read_engine.connect() as connection:
                query = VolumeQuery("o-bench", Window(start, end), 0, 1000, False)
                return int(call_volume(connection, account_id, query)["totalCount"])

        records = request()
        fetched = bare_fetch(raw, account_id, start, end)
        request_s = timed(request, args.reps)
        service_s = timed(service, args.reps)
        bare_s = timed(lambda: bare_fetch(raw, account_id, start, end), args.reps)
    bare, svc, req = (statistics.median(s) for s in (bare_s, service_s, request_s))
    print(f"\nContact Volume, {WINDOW_DAYS} days, limit 1000, PostgreSQL, {args.reps} reps (+1 warm-up)")
    print(f"{'rows':>7} {'records':>8} {'bare p50 ms':>12} {'service p50':>12} {'req p50 ms':>11} {'req/bare':>9}")
    print(f"{fetched:>7} {records:>8} {bare * 1e3:>12.1f} {svc * 1e3:>12.1f} {req * 1e3:>11.1f} {req / bare:>9.2f}")
    print(f"\ntarget: req/bare <= 2.00: {req / bare:.2f} -> {'PASS' if req / bare <= 2 else 'MISS'}")
    print(f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
