"""The simulated world's invariants, on the pure model (no server): checked over many seeds, sizes and days."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from smartassist.simulation.model import CHAT, VOICE, Attempt, Day, days_between, simulate_day
from smartassist.simulation.world import World, build_world

MONDAY = date(2025, 3, 10)
worlds = st.builds(build_world, st.integers(0, 10**6), st.integers(1, 14))
days = st.dates(MONDAY, MONDAY + timedelta(days=13))  # weekdays and weekends


def released_at(attempt: Attempt) -> int:
    """When the agent was free again: after-call work done, the transfer made, or the ring not answered."""
    for at in (attempt.acw_end_at, attempt.end_at, attempt.ignored_at):
        if at is not None:
            return at
    raise AssertionError(f"an attempt that never ends: {attempt}")


def attempts_by_agent(day: Day) -> dict[int, list[tuple[int, int, int]]]:
    """(assignedAt, released, queue) of every offer to each agent, in order."""
    held: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for contact in day.contacts:
        for visit in contact.visits:
            for attempt in visit.attempts:
                held[attempt.agent].append((attempt.assigned_at, released_at(attempt), visit.queue))
    return {agent: sorted(spans) for agent, spans in held.items()}


def status_at(day: Day, agent: int, at: int) -> str:
    before = [e.status for e in day.status_events if e.agent == agent and e.at <= at]
    return before[-1] if before else "Offline"


def check_one_contact_at_a_time(day: Day) -> None:
    for spans in attempts_by_agent(day).values():
        for (start, end, _), (next_start, _, _) in zip(spans, spans[1:], strict=False):
            assert start < end <= next_start


def check_only_while_logged_in_and_available(world: World, day: Day) -> None:
    logins: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for login in day.logins:
        logins[login.agent].append((login.at, login.kind))
    for agent, spans in attempts_by_agent(day).items():
        (entry_at, entry), (exit_at, exit_) = logins[agent]
        assert (entry, exit_) == ("entry", "exit")
        for start, end, queue in spans:
            assert entry_at < start and end < exit_at
            assert status_at(day, agent, start) == "Available"
            # no status change while the agent holds the contact (a deferred one may fall on its release)
            assert not [e for e in day.status_events if e.agent == agent and start < e.at < end]
            assert queue in world.agents[agent].queues


def check_outcomes(day: Day) -> None:
    for contact in day.contacts:
        assert contact.end_at is not None  # a whole day: every contact has finished
        if not contact.reached_queue:
            assert contact.visits == [] and contact.end_at == contact.bot_end_at
            continue
        assert contact.visits[0].enter_at == contact.bot_end_at
        for index, visit in enumerate(contact.visits):
            answered = visit.answered
            last = index == len(contact.visits) - 1
            # a visit ends exactly one way: answered, or abandoned (only the last one may be abandoned)
            assert (answered is None) == (visit.abandoned_at is not None) or not last
            assert last or answered is not None
            agents = [a.agent for a in visit.attempts]
            assert len(agents) == len(set(agents)), "an agent offered the same contact twice in one queue visit"
            assert all(a.ignored_at is not None for a in visit.attempts[:-1])
            if answered is not None:
                assert answered is visit.attempts[-1]
                assert answered.accepted_at is not None and answered.end_at is not None
                assert visit.enter_at <= answered.assigned_at < answered.accepted_at
                assert answered.accepted_at <= (answered.first_response_at or 0) <= answered.end_at
            else:
                assert visit.abandoned_at is not None and visit.abandoned_at >= visit.enter_at
                assert contact.end_at == visit.abandoned_at
        if len(contact.visits) == 2:
            first = contact.visits[0].answered
            assert first is not None and first.acw_end_at is None  # the transferring agent has no ACW
            assert contact.visits[1].enter_at == first.end_at
            assert contact.visits[1].queue != contact.visits[0].queue


def check_status_alternation(day: Day) -> None:
    by_agent: dict[int, list[tuple[int, str, str | None]]] = defaultdict(list)
    for event in day.status_events:
        by_agent[event.agent].append((event.at, event.status, event.reason))
    for events in by_agent.values():
        statuses = [status for _, status, _ in events]
        assert [at for at, _, _ in events] == sorted({at for at, _, _ in events}), "times strictly increase"
        assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False))
        assert statuses[0] == "Available" and statuses[-1] == "Offline" and statuses.count("Offline") == 1
        assert all((status in ("Away", "Busy")) == (reason is not None) for _, status, reason in events)


@settings(max_examples=40, deadline=None)
@given(worlds, days)
def test_invariants_of_a_simulated_day(world: World, day: date) -> None:
    simulated = simulate_day(world, day)
    check_one_contact_at_a_time(simulated)
    check_only_while_logged_in_and_available(world, simulated)
    check_outcomes(simulated)
    check_status_alternation(simulated)


def test_status_alternates_across_days_and_logins_pair_up() -> None:
    world = build_world(3, 9)
    events = [e for d in days_between(MONDAY, MONDAY + timedelta(days=6)) for e in simulate_day(world, d).status_events]
    logins = [e for d in days_between(MONDAY, MONDAY + timedelta(days=6)) for e in simulate_day(world, d).logins]
    for agent in range(9):
        statuses = [e.status for e in events if e.agent == agent]
        assert all(a != b for a, b in zip(statuses, statuses[1:], strict=False))
        kinds = [e.kind for e in logins if e.agent == agent]
        assert kinds == ["entry", "exit"] * (len(kinds) // 2)
    assert len({e.event_id for e in events}) == len(events)
    assert len({e.event_id for e in logins}) == len(logins)


def test_deterministic_for_a_seed_and_different_for_another() -> None:
    world = build_world(42, 6)
    assert simulate_day(world, MONDAY) == simulate_day(build_world(42, 6), MONDAY)
    other = simulate_day(build_world(43, 6), MONDAY)
    assert [c.arrive_at for c in other.contacts] != [c.arrive_at for c in simulate_day(world, MONDAY).contacts]


def test_a_weekday_for_twenty_agents_looks_like_a_contact_center() -> None:
    world = build_world(1, 20)
    day = simulate_day(world, MONDAY)
    reached = [c for c in day.contacts if c.reached_queue]
    answered = [c for c in reached if c.visits[-1].answered is not None]
    abandoned = [c for c in reached if c.visits[-1].abandoned_at is not None]
    assert len(answered) + len(abandoned) == len(reached)
    assert 0.3 < len(reached) / len(day.contacts) < 0.8  # the bot keeps a good share
    assert 0.8 < len(answered) / len(reached) < 0.99 and abandoned
    attempts = [a for c in reached for v in c.visits for a in v.attempts]
    assert any(a.ignored_at is not None for a in attempts)  # some non-response
    assert any(len(c.visits) == 2 for c in reached)  # some transfers
    assert {c.channel for c in day.contacts} == {VOICE, CHAT}
    assert any(c.csat is not None for c in answered)
    # arrivals follow the daily curve: the busiest hours are in the working day, the night is quiet
    per_hour = [0] * 24
    for contact in day.contacts:
        per_hour[(contact.arrive_at % 86_400) // 3600] += 1
    assert max(per_hour[9:17]) > 10 * max(per_hour[0:4] + [1])
    # every agent who works serves contacts, and each queue gets answered contacts
    assert {a.agent for a in attempts if a.accepted_at is not None} == {e.agent for e in day.status_events}
    assert {c.visits[-1].queue for c in answered} == set(range(len(world.queues)))
    statuses = {e.status for e in day.status_events}
    assert statuses == {"Available", "Away", "Busy", "Offline"}
    reasons = {e.reason for e in day.status_events}
    assert {"Break", "Lunch"} <= reasons


def test_weekends_are_quieter() -> None:
    world = build_world(1, 20)
    saturday = MONDAY + timedelta(days=5)
    assert len(simulate_day(world, saturday).contacts) < 0.7 * len(simulate_day(world, MONDAY).contacts)
    assert len({e.agent for e in simulate_day(world, saturday).status_events}) < 20
