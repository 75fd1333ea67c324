"""The records the simulator sends: contract §5 shapes, the vendor's Call Details row, and what a cut shows."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from smartassist.ingest.schemas import AgentIn, SessionIn, StatusEventIn
from smartassist.simulation import render
from smartassist.simulation.model import day_start, simulate_day
from smartassist.simulation.run import Days, backfill_batches, run_live
from smartassist.simulation.world import build_world
from smartassist.simulation.writer import Kind, Record

MONDAY = date(2025, 3, 10)
WORLD = build_world(5, 12)
DAY = simulate_day(WORLD, MONDAY)
NOON = day_start(MONDAY) + 12 * 3600
# the vendor sample's respondingAgent keys, in its order (vendor-docs-2.md §1f)
RESPONDING_KEYS = [
    "agentId",
    "agentNotes",
    "destinationType",
    "status",
    "firstResponseTime",
    "firstResponseDuration",
    "interactionEndTime",
    "interactionDuration",
    "afterCallWorkDuration",
    "afterCallWorkEndTime",
    "email",
    "name",
    "acceptedTime",
    "assignedAt",
]


def parse_z(text: str) -> int:
    assert text.endswith("Z") and len(text) == 20, text
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def rows_at(cut: int) -> list[Record]:
    rows = (render.conversation_record(WORLD, contact, cut) for contact in DAY.contacts if contact.arrive_at < cut)
    return [row for row in rows if row is not None]


def classify(row: Record, cut: int) -> str:
    """The contact's state as the routes read it from the row alone."""
    if "conversationId" not in row:
        return "bot"
    last = row["destinations"][-1]
    if "respondingAgent" in last:
        segment = last["respondingAgent"]
        if "sessionEndTime" in row:
            assert row["finalStatus"] == "CLOSED" and row["dispositions"] != ["DROP-OFF"]
            return "answered"
        return "engaged" if "interactionEndTime" not in segment else "transferring"
    if "sessionEndTime" in row:
        assert row["finalStatus"] == "USER ABANDONED" and row["dispositions"] == ["DROP-OFF"]
        return "abandoned"
    assert "finalStatus" not in row and row["dispositions"] == []
    return "waiting"


@settings(max_examples=30, deadline=None)
@given(st.integers(day_start(MONDAY) + 1, day_start(MONDAY) + 86_400))
def test_every_contact_at_any_cut_is_in_exactly_one_state(cut: int) -> None:
    users = {agent.user_id: agent for agent in WORLD.agents}
    queue_ids = {queue.queue_id: index for index, queue in enumerate(WORLD.queues)}
    for row in rows_at(cut):
        assert classify(row, cut) in {"bot", "answered", "engaged", "abandoned", "waiting"}
        assert parse_z(row["sessionStartTime"]) < cut
        for entry in row.get("destinations", []):
            assert parse_z(entry["EnterTime"]) < cut
            for segment in [entry.get("respondingAgent"), *entry.get("nonRespondingAgents", [])]:
                if segment is None:
                    continue
                agent = users[segment["agentId"]]  # agentId is the agent's userId
                assert queue_ids[entry["queueId"]] in agent.queues
                assert all(parse_z(v) < cut for k, v in segment.items() if k.endswith(("Time", "At")))


def test_a_conversation_row_has_the_vendor_shape() -> None:
    end_of_day = day_start(MONDAY) + 2 * 86_400
    rows = rows_at(end_of_day)
    answered = [r for r in rows if "conversationId" in r and "respondingAgent" in r["destinations"][-1]]
    assert answered
    row = answered[0]
    assert row["conversationId"].startswith("c-") and len(row["sessionId"]) == 24
    assert row["botId"] == WORLD.bot_id
    assert (row["channel"], row["source"]) in {("Voice", "korevg"), ("Web/Mobile Client", "rtm")}
    segment = row["destinations"][-1]["respondingAgent"]
    assert list(segment) == RESPONDING_KEYS
    assert segment["status"] == "Answered" and segment["destinationType"] == "AgentSegment"
    accepted, end = parse_z(segment["acceptedTime"]), parse_z(segment["interactionEndTime"])
    assert segment["interactionDuration"] == end - accepted
    assert segment["afterCallWorkDuration"] == parse_z(segment["afterCallWorkEndTime"]) - end
    assert segment["firstResponseDuration"] == parse_z(segment["firstResponseTime"]) - accepted
    ignored = [a for r in rows for e in r.get("destinations", []) for a in e.get("nonRespondingAgents", [])]
    assert ignored and all(a["nonResponseEvent"] == "Ignored" and "acceptedTime" not in a for a in ignored)
    bot_only = [r for r in rows if "conversationId" not in r]
    assert bot_only and {r["finalStatus"] for r in bot_only} == {"BotResolved", "USER ABANDONED"}
    assert any("csatScore" in r for r in answered)
    transferred = [r for r in rows if len(r.get("destinations", [])) == 2]
    assert transferred and all(
        "afterCallWorkDuration" not in r["destinations"][0]["respondingAgent"] for r in transferred
    )


def test_records_pass_the_servers_own_schemas() -> None:
    """Sessions, agents and status events are validated by the ingest schemas themselves."""
    cut = NOON
    for contact in DAY.contacts:
        if contact.arrive_at < cut:
            SessionIn.model_validate_json(json.dumps(render.session_record(contact, cut)))
    for record in render.agent_records(WORLD):
        AgentIn.model_validate({k: v for k, v in record.items() if k not in ("agentId", "queues")}, strict=False)
    for event in DAY.status_events:
        StatusEventIn.model_validate_json(json.dumps(render.status_record(WORLD, event)))


def latest(batches: list[tuple[Kind, list[Record]]]) -> dict[tuple[str, str], Record]:
    """What the server would hold after upserting the batches in order: the last record per id."""
    keys = ("conversationId", "eventId", "queueId", "email", "sessionId")  # the first a record has is its id
    stored: dict[tuple[str, str], Record] = {}
    for kind, records in batches:
        for record in records:
            stored[(kind.name, next(str(record[k]) for k in keys if k in record))] = record
    return stored


def test_live_updates_end_where_a_backfill_to_the_same_cut_ends() -> None:
    """Idempotence and consistency of the live mode: its incremental sends add up to the backfill's state."""
    world = build_world(9, 6)
    first = MONDAY
    start = day_start(MONDAY) + 9 * 3600
    backfill = backfill_batches(world, Days(world), first, start)
    sent: list[tuple[Kind, list[Record]]] = list(backfill)

    class Collect:
        def write(self, kind: Kind, records: list[Record]) -> None:
            sent.append((kind, records))

        def flush(self) -> None:
            """Nothing in flight: write() kept every batch."""

    ticks = iter(range(0, 10_000, 7))
    run_live(
        Collect(),  # type: ignore[arg-type]
        Days(world),
        start,
        speed=60.0,
        duration_s=150.0,
        first_day=first,
        clock=lambda: float(next(ticks)),
        sleep=lambda _: None,
    )
    end = start + 150 * 60
    assert latest(sent) == latest(backfill_batches(world, Days(world), first, end))


def test_a_later_cut_only_adds_to_what_an_earlier_cut_showed() -> None:
    early = {r["sessionId"]: r for r in rows_at(NOON)}
    late = {r["sessionId"]: r for r in rows_at(NOON + 3600)}
    assert set(early) < set(late)
    for session_id, row in early.items():
        if "sessionEndTime" in row:  # finished contacts do not change any more
            assert late[session_id] == row


@settings(max_examples=30, deadline=None)
@given(st.integers(day_start(MONDAY) + 1, day_start(MONDAY) + 86_400))
def test_records_change_only_at_fact_times(cut: int) -> None:
    """Live mode re-sends a contact only when a fact of it passes: between two facts its records stand still."""
    for contact in DAY.contacts:
        if contact.arrive_at >= cut:
            continue
        facts = sorted(set(render.fact_times(contact)))
        last = max(at for at in facts if at < cut)
        following = min((at for at in facts if at >= cut), default=cut + 86_400)
        for moment in (last + 1, following):
            assert render.session_record(contact, moment) == render.session_record(contact, cut)
            assert render.conversation_record(WORLD, contact, moment) == render.conversation_record(WORLD, contact, cut)


def test_a_backfill_refers_only_to_what_it_sends_first() -> None:
    """The contract's rules for the kinds this worktree's server can't take yet (queues, agent queues,
    conversations, login events), checked offline: every reference is to a queue or agent sent before it,
    required fields are there, and every time carries its zone."""
    world = build_world(2, 7)
    batches = backfill_batches(world, Days(world), MONDAY, NOON + 86_400)
    kinds = [kind.name for kind, _ in batches]
    assert kinds[:2] == ["queues", "agents"]
    (queues,), (agents,) = [r for k, r in batches if k.name == "queues"], [r for k, r in batches if k.name == "agents"]
    queue_ids = {q["queueId"] for q in queues}
    assert all(q["queueId"].startswith("qu-") and q["skills"] for q in queues)
    assert all(set(a["queues"]) <= queue_ids and a["agentId"].startswith("a-") for a in agents)
    by_user = {a["userId"]: a for a in agents}
    seen_conversations: set[str] = set()
    for kind, records in batches[2:]:
        assert 0 < len(records) <= 5000
        for record in records:
            if kind.name == "login events":
                assert record["agent"] in by_user and record["type"] in ("entry", "exit")
                parse_z(record["at"])
            if kind.name != "conversations":
                continue
            assert all(record[k] for k in ("sessionId", "botId", "channel", "sessionStartTime"))
            key = str(record.get("conversationId", record["sessionId"]))
            assert key not in seen_conversations
            seen_conversations.add(key)
            for entry in record.get("destinations", []):
                assert entry["queueId"] in queue_ids
                for segment in [entry.get("respondingAgent"), *entry.get("nonRespondingAgents", [])]:
                    if segment is not None:
                        agent = by_user[segment["agentId"]]
                        assert segment["email"] == agent["email"] and entry["queueId"] in agent["queues"]
