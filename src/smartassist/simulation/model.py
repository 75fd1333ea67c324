"""The discrete-event model of one UTC day of the contact center: pure (no I/O, no clock), deterministic.

A day is simulated whole, from nothing: agents' shifts lie inside the UTC day and contacts belong to the
day they arrive on (a late one may end after midnight), so each day depends only on (world, date). That
makes re-runs idempotent: whatever period a run covers, a day's facts are the same, and a run only chooses
how much of them it can see (render.py cuts them at "now"). Times are whole epoch seconds (UTC): the
vendor's Call Details rows carry seconds, so nothing is lost when they are written as `…Z` strings.

Each agent and each contact draws from its own random stream (seeded by the world's tag, the date and
the agent or contact number), so a contact's attributes do not shift when routing elsewhere changes.
"""

from __future__ import annotations

import hashlib
import heapq
import random
import uuid
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import accumulate
from typing import Literal

from smartassist.simulation.world import AgentSpec, World

_CONTACT_NAMESPACE = uuid.UUID("c7a1e0b2-55d4-4e8f-8b1a-3f6d9e2c4b17")
DAY_S = 86_400
RING_TIMEOUT_S = 20  # an agent who has not accepted by then did not respond ("Ignored")
NON_RESPONSE_P = 0.05
WEEKEND_STAFFING = 0.4  # chance that an agent works on a Saturday or Sunday
WEEKEND_DEMAND = 0.5
BOT_LEFT_P = 0.04  # the customer leaves during the bot's part
TRANSFER_P = 0.06  # an answered contact is transferred to another queue (at most once)
CSAT_P = 0.35  # share of completed contacts that answer the survey
CSAT_WEIGHTS = ((1, 5), (2, 7), (3, 15), (4, 33), (5, 40))
DISPOSITIONS = (
    ("Resolved", 70),
    ("Information Provided", 10),
    ("Follow-up Required", 15),
    ("Requires Supervisor Attention", 5),
)
LANGUAGES = (("en", 80), ("es", 12), ("fr", 8))
CUSTOMER_FIRST = ("Alex", "Sam", "Maria", "Wei", "Anna", "John", "Aisha", "Luca", "Nina", "Carlos")
CUSTOMER_LAST = ("Brown", "Nguyen", "Silva", "Müller", "Khan", "Jones", "Ito", "Costa", "Cohen", "Walker")

# Intents, the queue each is handed to (index into world.QUEUES) and the chance the bot resolves it.
INTENTS: tuple[tuple[str, int, float], ...] = (
    ("Book a Ticket", 0, 0.55),
    ("Book a Flight", 0, 0.45),
    ("Check Order Status", 1, 0.75),
    ("Reset Password", 1, 0.65),
    ("Report an Issue", 1, 0.2),
    ("Talk to an Agent", 1, 0.0),
    ("Billing Question", 2, 0.35),
    ("Cancel Subscription", 2, 0.25),
    ("Update Address", 2, 0.7),
)

Status = Literal["Available", "Busy", "Away", "Offline"]


@dataclass(frozen=True)
class Channel:
    key: str
    channel: str  # the row's `channel`, as the vendor writes it
    source: str  # the row's `source` (channel id)
    share: float  # of the day's contacts
    curve: tuple[float, ...]  # relative arrival rate at each UTC hour (interpolated between hours)
    bot_s: tuple[int, int, int]  # triangular(low, high, mode) of the bot's part
    patience_s: int  # mean wait before a customer gives up
    ring_s: tuple[int, int]
    talk_median_s: int
    acw_s: tuple[int, int]
    first_response_s: tuple[int, int]


VOICE = Channel(
    key="voice",
    channel="Voice",
    source="korevg",
    share=0.55,
    curve=(0.03, 0.02, 0.02, 0.02, 0.03, 0.08, 0.3, 0.6, 0.85, 1.0, 1.0, 0.95)
    + (0.85, 0.85, 0.95, 1.0, 0.9, 0.75, 0.55, 0.4, 0.3, 0.2, 0.1, 0.05),
    bot_s=(20, 240, 60),
    patience_s=150,
    ring_s=(4, 15),
    talk_median_s=200,
    acw_s=(20, 120),
    first_response_s=(0, 3),
)
CHAT = Channel(
    key="chat",
    channel="Web/Mobile Client",
    source="rtm",
    share=0.45,
    curve=(0.05, 0.04, 0.03, 0.03, 0.04, 0.08, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95)
    + (1.0, 0.95, 0.9, 0.9, 0.85, 0.8, 0.75, 0.65, 0.5, 0.35, 0.2, 0.1),
    bot_s=(30, 400, 90),
    patience_s=360,
    ring_s=(2, 10),
    talk_median_s=300,
    acw_s=(15, 90),
    first_response_s=(5, 45),
)
CHANNELS = (VOICE, CHAT)
# Contacts per agent per hour at the busiest hour (both channels): about half reach an agent, which keeps
# agents busy roughly half of their Available time at the peak.
PEAK_CONTACTS_PER_AGENT_HOUR = 3.2


@dataclass(frozen=True)
class StatusChange:
    event_id: str
    agent: int
    status: str
    reason: str | None
    at: int


@dataclass(frozen=True)
class Login:
    event_id: str
    agent: int
    kind: Literal["entry", "exit"]
    at: int
    ip: str


@dataclass(slots=True)
class Attempt:
    """One agent offered the contact: accepted (an answered segment) or not (`ignored_at`)."""

    agent: int
    assigned_at: int
    accepted_at: int | None = None
    ignored_at: int | None = None
    first_response_at: int | None = None
    end_at: int | None = None  # interactionEndTime
    acw_end_at: int | None = None  # None when the agent transferred the contact out


@dataclass(slots=True)
class Visit:
    """The contact waited in a queue (a QueueEntry)."""

    queue: int
    enter_at: int
    patience_s: int
    attempts: list[Attempt] = field(default_factory=list)
    abandoned_at: int | None = None

    @property
    def answered(self) -> Attempt | None:
        return next((a for a in self.attempts if a.accepted_at is not None), None)


@dataclass(slots=True)
class Contact:
    number: int
    session_id: str
    conversation_id: str  # used only when the contact reaches a queue
    customer_id: str
    channel: Channel
    arrive_at: int
    bot_end_at: int
    intents: tuple[str, ...]
    queue: int
    language: str
    resolved_by_bot: bool
    left_at_bot: bool
    transfer_to: int | None
    ani: str
    customer_first: str
    customer_last: str
    disposition: str
    csat: int | None
    disconnecting_event: str
    visits: list[Visit] = field(default_factory=list)
    end_at: int | None = None

    @property
    def reached_queue(self) -> bool:
        return not (self.resolved_by_bot or self.left_at_bot)


@dataclass(frozen=True)
class Day:
    date: date
    status_events: tuple[StatusChange, ...]
    logins: tuple[Login, ...]
    contacts: tuple[Contact, ...]


def day_start(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


@dataclass(frozen=True, slots=True)
class _Weighted:
    """A weighted choice with its cumulative weights computed once: `pick` draws exactly what
    `rng.choices(names, weights)[0]` draws (random.choices accumulates the weights, then bisects
    random() * total over them), without building the lists on every call (13 % of the model under py-spy)."""

    names: tuple[str, ...]
    cumulative: tuple[float, ...]
    total: float

    @classmethod
    def of(cls, choices: Sequence[tuple[str, int]]) -> _Weighted:
        cumulative = tuple(accumulate(weight for _, weight in choices))
        return cls(tuple(name for name, _ in choices), cumulative, cumulative[-1] + 0.0)

    def pick(self, rng: random.Random) -> str:
        return self.names[bisect(self.cumulative, rng.random() * self.total, 0, len(self.names) - 1)]


_LANGUAGE = _Weighted.of(LANGUAGES)
_DISPOSITION = _Weighted.of(DISPOSITIONS)
_CSAT = _Weighted.of([(str(score), weight) for score, weight in CSAT_WEIGHTS])
_VOICE_END = _Weighted.of((("User Hangup", 60), ("Agent Hangup", 40)))
_CHAT_END = _Weighted.of((("Agent Closed", 70), ("User Hangup", 30)))


def _rate(curve: Sequence[float], second_of_day: float) -> float:
    hour, frac = divmod(second_of_day / 3600.0, 1.0)
    low = curve[int(hour) % 24]
    return low + (curve[(int(hour) + 1) % 24] - low) * frac


@dataclass(frozen=True)
class _Pause:
    start: int
    duration: int
    status: str
    reason: str


@dataclass(frozen=True)
class _Shift:
    login_at: int
    start: int
    end: int
    pauses: tuple[_Pause, ...]
    ip: str
    logout_delay_s: int


def _shift(rng: random.Random, spec: AgentSpec, day: date) -> _Shift | None:
    if day.weekday() >= 5 and rng.random() > WEEKEND_STAFFING:
        return None
    start = day_start(day) + spec.shift_hour * 3600 + rng.randint(-5, 10) * 60
    end = start + 8 * 3600 + rng.randint(0, 15) * 60
    minute = 60
    pauses = [
        _Pause(start + (120 + rng.randint(-15, 15)) * minute, 15 * minute, "Away", "Break"),
        _Pause(start + (240 + rng.randint(-20, 20)) * minute, rng.choice((30, 45)) * minute, "Away", "Lunch"),
        _Pause(start + (360 + rng.randint(-15, 15)) * minute, 15 * minute, "Away", "Break"),
    ]
    if rng.random() < 0.3:
        at = start + rng.choice((60, 300)) * minute
        pauses.append(_Pause(at, rng.choice((20, 30)) * minute, "Busy", rng.choice(("Meeting", "Training"))))
    ip = f"203.0.113.{rng.randint(1, 254)}"
    return _Shift(
        login_at=start - rng.randint(60, 300),
        start=start,
        end=end,
        pauses=tuple(sorted(pauses, key=lambda p: p.start)),
        ip=ip,
        logout_delay_s=rng.randint(5, 90),
    )


def _contact_ids(world: World, day: date, number: int) -> tuple[str, str, str]:
    key = f"{world.tag}:{day.isoformat()}:{number}"
    session_id = hashlib.sha256(key.encode()).hexdigest()[:24]
    return session_id, f"c-{_uuid5(key)}", f"u-{_uuid5('cust:' + key)}"


_CONTACT_NAMESPACE_BYTES = _CONTACT_NAMESPACE.bytes


def _uuid5(name: str) -> str:
    """str(uuid.uuid5(_CONTACT_NAMESPACE, name)) without the UUID object (RFC 4122: SHA-1 of namespace + name, its
    first 16 bytes with version 5 and the RFC variant set)."""
    digest = bytearray(hashlib.sha1(_CONTACT_NAMESPACE_BYTES + name.encode()).digest()[:16])  # noqa: S324 - RFC 4122
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _arrivals(world: World, day: date) -> list[tuple[int, Channel]]:
    """Arrival times of the day per channel: a non-homogeneous Poisson process by thinning."""
    rng = random.Random(f"{world.tag}:{day.isoformat()}:arrivals")  # noqa: S311 - simulation, not secrets
    demand = WEEKEND_DEMAND if day.weekday() >= 5 else 1.0
    base = day_start(day)
    arrivals: list[tuple[int, Channel]] = []
    for channel in CHANNELS:
        peak_per_s = PEAK_CONTACTS_PER_AGENT_HOUR * len(world.agents) * channel.share * demand / 3600.0
        top = max(channel.curve)
        t = 0.0
        while True:
            t += rng.expovariate(peak_per_s)
            if t >= DAY_S:
                break
            if rng.random() * top < _rate(channel.curve, t):
                arrivals.append((base + int(t), channel))
    arrivals.sort(key=lambda item: (item[0], item[1].key))
    return arrivals


def _new_contact(world: World, day: date, number: int, at: int, channel: Channel) -> tuple[Contact, random.Random]:
    rng = random.Random(f"{world.tag}:{day.isoformat()}:contact:{number}")  # noqa: S311 - simulation data
    session_id, conversation_id, customer_id = _contact_ids(world, day, number)
    intent, queue, resolve_p = rng.choice(INTENTS)
    intents = (intent,) if rng.random() < 0.75 else (intent, rng.choice(INTENTS)[0])
    low, high, mode = channel.bot_s
    left = rng.random() < BOT_LEFT_P
    resolved = not left and rng.random() < resolve_p
    transfer_to = None
    if rng.random() < TRANSFER_P:
        transfer_to = rng.choice([q for q in range(len(world.queues)) if q != queue])
    voice = channel is VOICE
    if resolved or left:
        event = "Bot Hangup" if resolved and voice else "User Hangup"
    elif voice:
        event = _VOICE_END.pick(rng)
    else:
        event = _CHAT_END.pick(rng)
    contact = Contact(
        number=number,
        session_id=session_id,
        conversation_id=conversation_id,
        customer_id=customer_id,
        channel=channel,
        arrive_at=at,
        bot_end_at=at + int(rng.triangular(low, high, mode)),
        intents=intents,
        queue=queue,
        language=_LANGUAGE.pick(rng),
        resolved_by_bot=resolved,
        left_at_bot=left,
        transfer_to=transfer_to,
        ani=f"+1{rng.randint(2_000_000_000, 9_899_999_999)}",
        customer_first=rng.choice(CUSTOMER_FIRST),
        customer_last=rng.choice(CUSTOMER_LAST),
        disposition=_DISPOSITION.pick(rng),
        csat=int(_CSAT.pick(rng)) if rng.random() < CSAT_P else None,
        disconnecting_event=event,
    )
    return contact, rng


# Event kinds, in the order they run when they fall on the same second: work ends free agents before
# plans and routing look at them.
_ACW_END, _TALK_END, _RING_END, _LOGIN, _PLAN, _BOT_DONE, _ABANDON, _LOGOUT = range(8)


@dataclass(slots=True)
class _Agent:
    spec: AgentSpec
    shift: _Shift
    status: str = "Offline"
    logged_in: bool = False
    work: Contact | None = None
    idle_since: int = 0
    pending: bool = False
    in_pause: bool = False
    next_pause: int = 0
    next_action: str = "start"
    events: int = 0
    logins: int = 0


@dataclass(slots=True)
class _Waiting:
    contact: Contact
    rng: random.Random
    excluded: set[int] = field(default_factory=set)
    ringing: _Agent | None = None
    patience_over: bool = False


class _DaySim:
    def __init__(self, world: World, day: date) -> None:
        self.world = world
        self.day = day
        self.stamp = f"{day:%Y%m%d}"
        self.heap: list[tuple[int, int, int, Callable[[int], None]]] = []
        self.seq = 0
        self.status_events: list[StatusChange] = []
        self.logins: list[Login] = []
        self.contacts: list[Contact] = []
        self.waiting: list[_Waiting] = []  # in order of queue entry (FIFO across queues)
        self.state: dict[int, _Waiting] = {}
        self.members: list[list[_Agent]] = [[] for _ in world.queues]
        self.agents: list[_Agent] = []
        for spec in world.agents:
            rng = random.Random(f"{world.tag}:{day.isoformat()}:agent:{spec.index}")  # noqa: S311 - simulation
            shift = _shift(rng, spec, day)
            if shift is None:
                continue
            agent = _Agent(spec=spec, shift=shift)
            self.agents.append(agent)
            for queue in spec.queues:
                self.members[queue].append(agent)
            self.push(shift.login_at, _LOGIN, partial(self.on_login, agent))

    def push(self, at: int, kind: int, action: Callable[[int], None]) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (at, kind, self.seq, action))

    def run(self) -> Day:
        for number, (at, channel) in enumerate(_arrivals(self.world, self.day)):
            contact, rng = _new_contact(self.world, self.day, number, at, channel)
            self.contacts.append(contact)
            self.state[number] = _Waiting(contact, rng)
            self.push(contact.bot_end_at, _BOT_DONE, partial(self.on_bot_done, contact))
        while self.heap:
            now, _, _, action = heapq.heappop(self.heap)
            action(now)
            if self.waiting:
                self.route(now)
        return Day(self.day, tuple(self.status_events), tuple(self.logins), tuple(self.contacts))

    # -- agents -------------------------------------------------------------------------------------------

    def emit(self, agent: _Agent, status: str, reason: str | None, now: int) -> None:
        agent.status = status
        event_id = f"{self.world.tag}-st-{self.stamp}-{agent.spec.index:04d}-{agent.events:02d}"
        agent.events += 1
        self.status_events.append(StatusChange(event_id, agent.spec.index, status, reason, now))

    def login(self, agent: _Agent, kind: Literal["entry", "exit"], now: int) -> None:
        agent.logged_in = kind == "entry"
        event_id = f"{self.world.tag}-lg-{self.stamp}-{agent.spec.index:04d}-{agent.logins}"
        agent.logins += 1
        self.logins.append(Login(event_id, agent.spec.index, kind, now, agent.shift.ip))

    def plan_next(self, agent: _Agent, now: int) -> None:
        """Back to Available: schedule the next pause that still fits before the shift's end, or the end."""
        shift = agent.shift
        while agent.next_pause < len(shift.pauses):
            pause = shift.pauses[agent.next_pause]
            at = max(pause.start, now + 60)
            if at + pause.duration + 600 < shift.end:
                agent.next_action = "pause"
                self.push(at, _PLAN, partial(self.on_plan, agent))
                return
            agent.next_pause += 1  # no longer fits: skipped
        agent.next_action = "end"
        self.push(max(shift.end, now + 60), _PLAN, partial(self.on_plan, agent))

    def change(self, agent: _Agent, now: int) -> None:
        if agent.next_action == "start" or agent.in_pause:
            agent.in_pause = False
            self.emit(agent, "Available", None, now)
            agent.idle_since = now
            self.plan_next(agent, now)
        elif agent.next_action == "pause":
            pause = agent.shift.pauses[agent.next_pause]
            agent.next_pause += 1
            agent.in_pause = True
            self.emit(agent, pause.status, pause.reason, now)
            self.push(now + pause.duration, _PLAN, partial(self.on_plan, agent))
        else:
            self.emit(agent, "Offline", None, now)
            self.push(now + agent.shift.logout_delay_s, _LOGOUT, partial(self.on_logout, agent))

    def free(self, agent: _Agent, now: int) -> None:
        agent.work = None
        agent.idle_since = now
        if agent.pending:
            agent.pending = False
            self.change(agent, now)

    # -- contacts -----------------------------------------------------------------------------------------

    def enter(self, contact: Contact, queue: int, now: int) -> None:
        waiting = self.state[contact.number]
        mean = contact.channel.patience_s
        patience = min(1800, 10 + int(waiting.rng.expovariate(1.0 / mean)))
        contact.visits.append(Visit(queue=queue, enter_at=now, patience_s=patience))
        waiting.excluded = set()
        waiting.patience_over = False
        self.waiting.append(waiting)
        self.push(now + patience, _ABANDON, partial(self.on_patience_over, contact, len(contact.visits) - 1))

    def abandon(self, waiting: _Waiting, now: int) -> None:
        contact = waiting.contact
        contact.visits[-1].abandoned_at = now
        contact.end_at = now
        self.waiting.remove(waiting)

    def route(self, now: int) -> None:
        """Each waiting contact, oldest first, to the longest-idle free agent of its queue."""
        for waiting in list(self.waiting):
            if waiting.ringing is not None:
                continue
            visit = waiting.contact.visits[-1]
            best: _Agent | None = None
            for agent in self.members[visit.queue]:
                if (
                    agent.work is None
                    and agent.logged_in
                    and agent.status == "Available"
                    and not agent.pending
                    and agent.spec.index not in waiting.excluded
                    and (best is None or (agent.idle_since, agent.spec.index) < (best.idle_since, best.spec.index))
                ):
                    best = agent
            if best is None:
                continue
            best.work = waiting.contact
            waiting.ringing = best
            visit.attempts.append(Attempt(agent=best.spec.index, assigned_at=now))
            ignored = waiting.rng.random() < NON_RESPONSE_P
            ring = RING_TIMEOUT_S if ignored else waiting.rng.randint(*waiting.contact.channel.ring_s)
            self.push(now + ring, _RING_END, partial(self.ring_end, best, waiting, ignored))

    def ring_end(self, agent: _Agent, waiting: _Waiting, ignored: bool, now: int) -> None:
        contact = waiting.contact
        visit = contact.visits[-1]
        attempt = visit.attempts[-1]
        waiting.ringing = None
        if ignored:
            attempt.ignored_at = now
            waiting.excluded.add(agent.spec.index)
            self.free(agent, now)
            if waiting.patience_over or now >= visit.enter_at + visit.patience_s:
                self.abandon(waiting, now)
            return
        attempt.accepted_at = now
        self.waiting.remove(waiting)
        rng, channel = waiting.rng, contact.channel
        talk = max(30, min(2400, int(channel.talk_median_s * rng.lognormvariate(0.0, 0.6))))
        attempt.first_response_at = now + min(talk, rng.randint(*channel.first_response_s))
        self.push(now + talk, _TALK_END, partial(self.talk_end, agent, waiting))

    def talk_end(self, agent: _Agent, waiting: _Waiting, now: int) -> None:
        contact = waiting.contact
        contact.visits[-1].attempts[-1].end_at = now
        if contact.transfer_to is not None and len(contact.visits) == 1:
            self.free(agent, now)  # the transferring agent has no after-call work
            self.enter(contact, contact.transfer_to, now)
            return
        contact.end_at = now
        self.push(now + waiting.rng.randint(*contact.channel.acw_s), _ACW_END, partial(self.acw_end, agent, waiting))

    def on_login(self, agent: _Agent, now: int) -> None:
        self.login(agent, "entry", now)
        self.push(agent.shift.start, _PLAN, partial(self.on_plan, agent))

    def on_plan(self, agent: _Agent, now: int) -> None:
        if agent.work is not None:
            agent.pending = True  # the change waits until the agent is done with the contact
        else:
            self.change(agent, now)

    def on_logout(self, agent: _Agent, now: int) -> None:
        self.login(agent, "exit", now)

    def on_bot_done(self, contact: Contact, now: int) -> None:
        if contact.reached_queue:
            self.enter(contact, contact.queue, now)
        else:
            contact.end_at = now

    def on_patience_over(self, contact: Contact, index: int, now: int) -> None:
        waiting = self.state[contact.number]
        visit = contact.visits[index]
        if index == len(contact.visits) - 1 and visit.answered is None and visit.abandoned_at is None:
            if waiting.ringing is not None:
                waiting.patience_over = True  # decided when the ringing ends
            else:
                self.abandon(waiting, now)

    def acw_end(self, agent: _Agent, waiting: _Waiting, now: int) -> None:
        waiting.contact.visits[-1].attempts[-1].acw_end_at = now
        self.free(agent, now)


def simulate_day(world: World, day: date) -> Day:
    """Everything that happens on `day` (UTC) in `world`: a pure function of both."""
    return _DaySim(world, day).run()


def days_between(first: date, last: date) -> Iterable[date]:
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)
