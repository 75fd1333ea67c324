"""The per-contact metric definitions every route that counts contacts uses: offered, answered, abandoned,
completed, transferred, queue hold, talk, after-call work, hold and handle time. Pure, no I/O.

Two views of the same data:
- a queue contact (one QueueEntry: the contact entered a queue) - Contact Volume and Queue Size;
- an agent contact (one AgentSegment: the contact was assigned to an agent of a queue) - Agent Performance.

Both derive answered/abandoned from the same two functions (`contact_answered`, `contact_abandoned`), so
the routes agree: an agent's abandoned contact is a queue contact that was abandoned while assigned to
that agent. Durations are milliseconds: ingested second counts times 1000, else computed from the
stored millisecond times (so a computed duration is exact, not rounded to seconds).

Conversation-level quantities (holdDuration, messageCount, savedMessageCount, csatScore) belong to the
whole contact, not to one queue or agent: each is counted once, on the conversation's last queue entry
(Contact Volume) and holdDuration on its last answering segment (Agent Performance), so sums over queues
or agents never count a contact twice. An agent's csatScore is the mean over the contacts that agent
answered (each agent who handled the contact is rated by its survey).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

SECOND_MS = 1000

# The values below are NamedTuples: a 7-day Contact Volume request makes ~100,000 of them. A tuple is built
# faster than a dataclass, and one holding only numbers is untracked by the cyclic garbage collector, whose
# full collections over the live values were a third of the request (bench/bench_queues.py).


class Segment(NamedTuple):
    """An agent segment's facts as stored (AgentSegment); `responded` = the agent accepted the contact."""

    responded: bool
    transferred: bool = False
    accepted_time: int | None = None
    interaction_end_time: int | None = None
    acw_end_time: int | None = None
    interaction_duration_s: int | None = None
    acw_duration_s: int | None = None


class ContactTotals(NamedTuple):
    """What the whole conversation carries once: counted only where `owner` is true (see the module doc)."""

    owner: bool = True
    hold_ms: int | None = None
    message_count: int | None = None
    saved_message_count: int | None = None
    csat_score: int | None = None


class QueueContact(NamedTuple):
    """A contact in one queue: its QueueEntry, the session end and the entry's agent segments in order."""

    enter_time: int
    accepted_time: int | None  # QueueEntry.accepted_time: the responding agent's acceptedTime
    session_end: int | None  # None: the session is still open
    segments: Sequence[Segment] = ()
    totals: ContactTotals = ContactTotals()
    moved_on: bool = False  # a later queue entry of the conversation exists: the contact left this queue


def talk_ms(segment: Segment) -> int:
    """interactionDuration: as ingested (seconds), else acceptedTime -> interactionEndTime; 0 when unknown."""
    if segment.interaction_duration_s is not None:
        return max(0, segment.interaction_duration_s) * SECOND_MS
    if segment.accepted_time is not None and segment.interaction_end_time is not None:
        return max(0, segment.interaction_end_time - segment.accepted_time)
    return 0


def acw_ms(segment: Segment) -> int:
    """afterCallWorkDuration: as ingested (seconds), else interactionEndTime -> afterCallWorkEndTime."""
    if segment.acw_duration_s is not None:
        return max(0, segment.acw_duration_s) * SECOND_MS
    if segment.interaction_end_time is not None and segment.acw_end_time is not None:
        return max(0, segment.acw_end_time - segment.interaction_end_time)
    return 0


def contact_answered(accepted_time: int | None, segments: Iterable[Segment]) -> bool:
    """An agent accepted the contact in this queue: the entry has an acceptedTime or a responding segment."""
    return accepted_time is not None or any(segment.responded for segment in segments)


def contact_abandoned(answered: bool, session_end: int | None, moved_on: bool) -> bool:
    """The session ended while the contact was in this queue, no agent of it having accepted the contact.

    A contact that left the queue unanswered for another queue (moved_on) did not abandon: it is offered
    here and neither answered nor abandoned (it is counted again by the next queue)."""
    return not answered and session_end is not None and not moved_on


def answered_at(contact: QueueContact) -> int | None:
    """When an agent accepted: the entry's acceptedTime, else the first responding segment's."""
    if contact.accepted_time is not None:
        return contact.accepted_time
    return next((s.accepted_time for s in contact.segments if s.responded and s.accepted_time is not None), None)


def is_answered(contact: QueueContact) -> bool:
    return contact_answered(contact.accepted_time, contact.segments)


def is_abandoned(contact: QueueContact) -> bool:
    return contact_abandoned(is_answered(contact), contact.session_end, contact.moved_on)


def is_waiting(contact: QueueContact) -> bool:
    """Still in the queue: not answered, not moved on to another queue, the session not ended."""
    return not is_answered(contact) and not contact.moved_on and contact.session_end is None


def is_engaged(contact: QueueContact) -> bool:
    """An agent accepted and is still interacting (its segment has no interactionEndTime), session open."""
    return contact.session_end is None and any(s.responded and s.interaction_end_time is None for s in contact.segments)


def _last_response_ended(contact: QueueContact) -> bool:
    for segment in reversed(contact.segments):
        if segment.responded:
            return segment.interaction_end_time is not None
    return False


def is_completed(contact: QueueContact) -> bool:
    """Answered, and the last agent segment that accepted it has ended."""
    return is_answered(contact) and _last_response_ended(contact)


def _wait_to_answer(contact: QueueContact) -> int:
    accepted = answered_at(contact)
    return 0 if accepted is None else max(0, accepted - contact.enter_time)


def _wait_to_end(contact: QueueContact) -> int:
    return 0 if contact.session_end is None else max(0, contact.session_end - contact.enter_time)


def queue_hold_answered_ms(contact: QueueContact) -> int:
    """EnterTime -> acceptedTime for an answered contact (0 when not answered or no acceptedTime)."""
    return _wait_to_answer(contact) if is_answered(contact) else 0


def queue_hold_abandoned_ms(contact: QueueContact) -> int:
    """EnterTime -> the session end for an abandoned contact (0 otherwise)."""
    return _wait_to_end(contact) if is_abandoned(contact) else 0


def hold_ms(totals: ContactTotals) -> int:
    return max(0, totals.hold_ms or 0) if totals.owner else 0


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for non-negative integers; 0 when denominator is 0."""
    if denominator <= 0:
        return 0
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(slots=True)
class _Sums:
    """What both views sum: contact counts, talk / acw / hold time and CSAT; handle and the mean derive."""

    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    completed: int = 0
    talk: int = 0
    acw: int = 0
    hold: int = 0
    csat_responses: int = 0
    csat_sum: int = 0

    def _add_work(self, segment: Segment) -> None:
        self.talk += talk_ms(segment)
        self.acw += acw_ms(segment)

    def _add_csat(self, score: int | None) -> None:
        if score is not None:
            self.csat_responses += 1
            self.csat_sum += score

    @property
    def handle(self) -> int:
        return self.talk + self.acw + self.hold

    @property
    def csat_score(self) -> int:
        return mean_csat(self.csat_sum, self.csat_responses)


@dataclass(slots=True)
class QueueMetrics(_Sums):
    """Sums over queue contacts: one Contact Volume record (or one skill of its breakdown)."""

    queue_hold_answered: int = 0
    max_queue_hold_answered: int = 0
    queue_hold_abandoned: int = 0
    max_queue_hold_abandoned: int = 0
    message_count: int = 0
    saved_message_count: int = 0

    def add(self, contact: QueueContact) -> None:
        """The functions above, each evaluated once per contact (is_answered once, not four times: the
        Contact Volume hot loop; bench/bench_queues.py)."""
        self.offered += 1
        answered = is_answered(contact)
        if answered:
            self.answered += 1
            held = _wait_to_answer(contact)
            self.queue_hold_answered += held
            self.max_queue_hold_answered = max(self.max_queue_hold_answered, held)
            if _last_response_ended(contact):
                self.completed += 1
        elif contact_abandoned(answered, contact.session_end, contact.moved_on):
            self.abandoned += 1
            held = _wait_to_end(contact)
            self.queue_hold_abandoned += held
            self.max_queue_hold_abandoned = max(self.max_queue_hold_abandoned, held)
        for segment in contact.segments:
            self._add_work(segment)
        totals = contact.totals
        self.hold += hold_ms(totals)
        if totals.owner:
            self.message_count += max(0, totals.message_count or 0)
            self.saved_message_count += max(0, totals.saved_message_count or 0)
            self._add_csat(totals.csat_score)


def mean_csat(total: int, responses: int) -> int:
    """The mean CSAT score rounded half up (away from zero for negative sums); 0 when no responses."""
    if responses <= 0:
        return 0
    if total < 0:
        return -round_half_up(-total, responses)
    return round_half_up(total, responses)


class AgentContact(NamedTuple):
    """An agent's segment with what it needs of its queue contact.

    `entry_answered` / `session_end` / `entry_moved_on` are the queue contact's (contact_answered over all
    the entry's segments);
    `last_in_entry`: no later segment in the same queue entry (the agent the contact was with when it ended);
    `totals.owner`: the conversation's last responding segment (holdDuration is counted there only).
    """

    segment: Segment
    entry_answered: bool
    session_end: int | None
    last_in_entry: bool
    entry_moved_on: bool = False
    totals: ContactTotals = ContactTotals()


def agent_answered(contact: AgentContact) -> bool:
    return contact.segment.responded


def agent_abandoned(contact: AgentContact) -> bool:
    """The customer left while assigned to this agent, before any acceptance: the queue contact was
    abandoned (contact_abandoned) and this was its last segment."""
    return (
        not contact.segment.responded
        and contact.last_in_entry
        and contact_abandoned(contact.entry_answered, contact.session_end, contact.entry_moved_on)
    )


def agent_transferred(contact: AgentContact) -> bool:
    return contact.segment.responded and contact.segment.transferred


def agent_completed(contact: AgentContact) -> bool:
    return contact.segment.responded and not contact.segment.transferred


@dataclass(slots=True)
class AgentMetrics(_Sums):
    """Sums over an agent's segments of one queue in one interval (one Agent Performance `queues` item)."""

    transferred: int = 0

    def add(self, contact: AgentContact) -> None:
        self.offered += 1
        self.answered += agent_answered(contact)
        self.abandoned += agent_abandoned(contact)
        self.completed += agent_completed(contact)
        self.transferred += agent_transferred(contact)
        self._add_work(contact.segment)
        self.hold += hold_ms(contact.totals)
        if contact.segment.responded:
            self._add_csat(contact.totals.csat_score)
