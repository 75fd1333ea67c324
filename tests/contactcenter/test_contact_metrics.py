"""The per-contact metric definitions on hand-made contacts; every expected value worked out by hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartassist.contactcenter.contact_metrics import (
    AgentContact,
    AgentMetrics,
    ContactTotals,
    QueueContact,
    QueueMetrics,
    Segment,
    acw_ms,
    agent_abandoned,
    agent_completed,
    agent_transferred,
    hold_ms,
    is_abandoned,
    is_answered,
    is_completed,
    is_engaged,
    is_waiting,
    mean_csat,
    queue_hold_abandoned_ms,
    queue_hold_answered_ms,
    round_half_up,
    talk_ms,
)

T = 1_685_612_700_000  # 2023-06-01T09:45:00Z


def test_talk_and_acw_prefer_the_ingested_seconds_else_the_times() -> None:
    timed = Segment(responded=True, accepted_time=T, interaction_end_time=T + 64_094, acw_end_time=T + 68_043)
    assert (talk_ms(timed), acw_ms(timed)) == (64_094, 3_949)
    ingested = Segment(
        responded=True,
        accepted_time=T,
        interaction_end_time=T + 64_094,
        acw_end_time=T + 68_043,
        interaction_duration_s=36,
        acw_duration_s=4,
    )
    assert (talk_ms(ingested), acw_ms(ingested)) == (36_000, 4_000)
    talking = Segment(responded=True, accepted_time=T)  # no end yet: nothing to count
    assert (talk_ms(talking), acw_ms(talking)) == (0, 0)
    backwards = Segment(responded=True, accepted_time=T, interaction_end_time=T - 5, acw_end_time=T - 10)
    assert (talk_ms(backwards), acw_ms(backwards)) == (0, 0)


def test_an_answered_contact_that_ended() -> None:
    seg = Segment(responded=True, accepted_time=T + 34_035, interaction_end_time=T + 98_129)
    contact = QueueContact(enter_time=T, accepted_time=T + 34_035, session_end=T + 99_000, segments=[seg])
    assert (is_answered(contact), is_abandoned(contact), is_completed(contact)) == (True, False, True)
    assert (is_waiting(contact), is_engaged(contact)) == (False, False)
    assert queue_hold_answered_ms(contact) == 34_035
    assert queue_hold_abandoned_ms(contact) == 0


def test_an_answered_contact_still_talking_is_engaged_not_completed() -> None:
    seg = Segment(responded=True, accepted_time=T + 1_000)
    contact = QueueContact(enter_time=T, accepted_time=T + 1_000, session_end=None, segments=[seg])
    assert (is_answered(contact), is_completed(contact), is_engaged(contact), is_waiting(contact)) == (
        True,
        False,
        True,
        False,
    )


def test_an_abandoned_contact() -> None:
    contact = QueueContact(enter_time=T, accepted_time=None, session_end=T + 180_150)
    assert (is_answered(contact), is_abandoned(contact), is_completed(contact)) == (False, True, False)
    assert queue_hold_abandoned_ms(contact) == 180_150
    assert queue_hold_answered_ms(contact) == 0


def test_a_contact_still_waiting_is_neither_answered_nor_abandoned() -> None:
    ringing = Segment(responded=False)  # assigned, not accepted yet
    contact = QueueContact(enter_time=T, accepted_time=None, session_end=None, segments=[ringing])
    assert (is_answered(contact), is_abandoned(contact), is_waiting(contact), is_engaged(contact)) == (
        False,
        False,
        True,
        False,
    )


def test_a_contact_that_moved_on_unanswered_is_not_abandoned_nor_waiting_here() -> None:
    contact = QueueContact(enter_time=T, accepted_time=None, session_end=None, moved_on=True)
    assert (is_waiting(contact), is_abandoned(contact)) == (False, False)
    ended = QueueContact(enter_time=T, accepted_time=None, session_end=T + 5_000, moved_on=True)
    assert is_abandoned(ended) is False


def test_answered_is_told_by_the_segment_when_the_entry_lacks_accepted_time() -> None:
    seg = Segment(responded=True, accepted_time=T + 7_000, interaction_end_time=T + 9_000)
    contact = QueueContact(enter_time=T, accepted_time=None, session_end=T + 10_000, segments=[seg])
    assert is_answered(contact) and queue_hold_answered_ms(contact) == 7_000


def test_queue_metrics_reproduce_the_vendor_sample_record() -> None:
    """The V1 sample's numbers: one answered (hold 34035, talk 64094, acw 3949, csat 1), one abandoned
    (180150): handle = 64094 + 3949 + 0 = 68043."""
    answered = QueueContact(
        enter_time=T,
        accepted_time=T + 34_035,
        session_end=T + 200_000,
        segments=[
            Segment(
                responded=True,
                accepted_time=T + 34_035,
                interaction_end_time=T + 34_035 + 64_094,
                acw_end_time=T + 34_035 + 64_094 + 3_949,
            )
        ],
        totals=ContactTotals(csat_score=1),
    )
    abandoned = QueueContact(enter_time=T + 60_000, accepted_time=None, session_end=T + 60_000 + 180_150)
    m = QueueMetrics()
    m.add(answered)
    m.add(abandoned)
    assert (m.offered, m.answered, m.abandoned, m.completed) == (2, 1, 1, 1)
    assert (m.queue_hold_answered, m.max_queue_hold_answered) == (34_035, 34_035)
    assert (m.queue_hold_abandoned, m.max_queue_hold_abandoned) == (180_150, 180_150)
    assert (m.talk, m.acw, m.hold, m.handle) == (64_094, 3_949, 0, 68_043)
    assert (m.csat_responses, m.csat_score, m.message_count) == (1, 1, 0)


def test_conversation_totals_count_only_on_the_owner() -> None:
    not_owner = QueueContact(
        enter_time=T,
        accepted_time=None,
        session_end=T + 1,
        totals=ContactTotals(owner=False, hold_ms=5_000, message_count=7, saved_message_count=2, csat_score=4),
    )
    owner = QueueContact(
        enter_time=T,
        accepted_time=None,
        session_end=T + 1,
        totals=ContactTotals(owner=True, hold_ms=5_000, message_count=7, saved_message_count=2, csat_score=4),
    )
    first, second = QueueMetrics(), QueueMetrics()
    first.add(not_owner)
    second.add(owner)
    assert (first.hold, first.message_count, first.saved_message_count, first.csat_responses) == (0, 0, 0, 0)
    assert (second.hold, second.message_count, second.saved_message_count, second.csat_responses) == (5_000, 7, 2, 1)
    assert second.handle == 5_000


def test_max_and_sum_of_queue_hold_over_several_contacts() -> None:
    m = QueueMetrics()
    for wait in (8_000, 30_000, 2_000):
        m.add(QueueContact(enter_time=T, accepted_time=T + wait, session_end=None, segments=[Segment(True)]))
    assert (m.answered, m.queue_hold_answered, m.max_queue_hold_answered, m.completed) == (3, 40_000, 30_000, 0)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(5, 2, 3), (4, 3, 1), (5, 3, 2), (7, 2, 4), (0, 5, 0), (9, 0, 0), (45_000 * 2 + 1, 2, 45_001)],
)
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert round_half_up(numerator, denominator) == expected


def test_mean_csat() -> None:
    assert (mean_csat(9, 2), mean_csat(8, 3), mean_csat(0, 0), mean_csat(-3, 2)) == (5, 3, 0, -2)


def _agent(seg: Segment, **kw: object) -> AgentContact:
    fields: dict[str, object] = {"entry_answered": True, "session_end": T + 10_000, "last_in_entry": True}
    fields.update(kw)
    return AgentContact(segment=seg, **fields)  # type: ignore[arg-type]


def test_a_non_responding_then_a_responding_agent() -> None:
    ignored = _agent(Segment(responded=False), last_in_entry=False)
    answered = _agent(Segment(responded=True, accepted_time=T, interaction_end_time=T + 60_000))
    m_ignored, m_answered = AgentMetrics(), AgentMetrics()
    m_ignored.add(ignored)
    m_answered.add(answered)
    assert (m_ignored.offered, m_ignored.answered, m_ignored.abandoned, m_ignored.completed) == (1, 0, 0, 0)
    assert (m_answered.offered, m_answered.answered, m_answered.completed, m_answered.talk) == (1, 1, 1, 60_000)


def test_agent_abandoned_only_for_the_agent_the_customer_left() -> None:
    earlier = _agent(Segment(responded=False), entry_answered=False, last_in_entry=False)
    last = _agent(Segment(responded=False), entry_answered=False, last_in_entry=True)
    still_ringing = _agent(Segment(responded=False), entry_answered=False, session_end=None)
    moved_on = _agent(Segment(responded=False), entry_answered=False, entry_moved_on=True)
    assert [agent_abandoned(c) for c in (earlier, last, still_ringing, moved_on)] == [False, True, False, False]


def test_a_transferring_agent_is_transferred_not_completed() -> None:
    seg = Segment(responded=True, transferred=True, accepted_time=T, interaction_end_time=T + 240_000)
    contact = _agent(seg)
    assert (agent_transferred(contact), agent_completed(contact)) == (True, False)
    m = AgentMetrics()
    m.add(contact)
    assert (m.answered, m.transferred, m.completed, m.talk, m.handle) == (1, 1, 0, 240_000, 240_000)


def test_agent_hold_on_the_owner_csat_for_every_answering_agent() -> None:
    totals_owner = ContactTotals(owner=True, hold_ms=4_000, csat_score=5)
    totals_other = ContactTotals(owner=False, hold_ms=4_000, csat_score=5)
    m = AgentMetrics()
    m.add(_agent(Segment(responded=True, accepted_time=T, interaction_end_time=T + 1_000), totals=totals_owner))
    m.add(_agent(Segment(responded=True, accepted_time=T, interaction_end_time=T + 2_000), totals=totals_other))
    m.add(_agent(Segment(responded=False), totals=totals_other))  # not answered: no csat
    assert (m.hold, m.csat_responses, m.csat_score, m.handle) == (4_000, 2, 5, 7_000)


# --- Properties over every contact hypothesis can build ---------------------------------------------------

_times = st.one_of(st.none(), st.integers(min_value=T - 10_000, max_value=T + 10_000))
_segments = st.builds(
    Segment,
    responded=st.booleans(),
    transferred=st.booleans(),
    accepted_time=_times,
    interaction_end_time=_times,
    acw_end_time=_times,
    interaction_duration_s=st.one_of(st.none(), st.integers(min_value=-5, max_value=5_000)),
    acw_duration_s=st.one_of(st.none(), st.integers(min_value=-5, max_value=500)),
)
_contacts = st.builds(
    QueueContact,
    enter_time=st.integers(min_value=T - 5_000, max_value=T + 5_000),
    accepted_time=_times,
    session_end=_times,
    segments=st.lists(_segments, max_size=4),
    totals=st.builds(
        ContactTotals,
        owner=st.booleans(),
        hold_ms=st.one_of(st.none(), st.integers(min_value=0, max_value=10_000)),
        csat_score=st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
    ),
    moved_on=st.booleans(),
)


@given(st.lists(_contacts, max_size=20))
def test_every_queue_contact_is_answered_abandoned_waiting_or_moved_on(contacts: list[QueueContact]) -> None:
    """The four outcomes partition the offered contacts, and the sums equal the per-contact functions."""
    m = QueueMetrics()
    for contact in contacts:
        outcomes = [is_answered(contact), is_abandoned(contact), is_waiting(contact)]
        moved_unanswered = contact.moved_on and not is_answered(contact)
        assert sum(outcomes) + moved_unanswered == 1
        assert not is_completed(contact) or is_answered(contact)
        assert not is_engaged(contact) or is_answered(contact)
        m.add(contact)
    assert (
        m.offered
        == len(contacts)
        == m.answered + m.abandoned + sum(is_waiting(c) or (c.moved_on and not is_answered(c)) for c in contacts)
    )
    assert m.completed == sum(map(is_completed, contacts))
    assert m.queue_hold_answered == sum(map(queue_hold_answered_ms, contacts))
    assert m.queue_hold_abandoned == sum(map(queue_hold_abandoned_ms, contacts))
    assert m.max_queue_hold_answered == max(map(queue_hold_answered_ms, contacts), default=0)
    assert m.talk == sum(talk_ms(s) for c in contacts for s in c.segments)
    assert m.acw == sum(acw_ms(s) for c in contacts for s in c.segments)
    assert m.hold == sum(hold_ms(c.totals) for c in contacts)
    assert m.handle == m.talk + m.acw + m.hold
    assert min(0, m.talk, m.acw, m.hold, m.queue_hold_answered, m.queue_hold_abandoned) == 0


@given(st.lists(st.builds(AgentContact, _segments, st.booleans(), _times, st.booleans(), st.booleans()), max_size=20))
def test_every_answered_agent_contact_is_completed_or_transferred(contacts: list[AgentContact]) -> None:
    m = AgentMetrics()
    for contact in contacts:
        m.add(contact)
        assert not (agent_abandoned(contact) and contact.segment.responded)
    assert m.answered == m.completed + m.transferred
    assert m.offered == len(contacts) >= m.answered + m.abandoned
