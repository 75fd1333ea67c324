"""Queue Size (`POST /agentassist/api/v1/public/{streamId}/monitor/queueStatsById/{queueId}`, API.md §9,
docs/API.md §7 "Queue Size") from the contract alone.

Black box: queues, agents, status events and conversations go in through the ingest routes, counts come out
of the public route. The counts are live (the request's `now`), so the scenario is written relative to T0,
the clock read just before the data is ingested, and M, 00:00 UTC of T0's day. "Today's" contacts are put at
fractions of [M, T0] so the scenario holds at any hour. Every expected number is worked out by hand from
API.md §9: waiting = in the queue, not accepted, not ended (and not moved on to another queue); engaged =
accepted, the agent's segment not ended, the session open; dropOff = entered since 00:00 UTC today and ended
with no agent; agentStatus by the agent's current status; avgWait/maxWait = how long the waiting contacts have
waited; ASA = mean EnterTime → acceptedTime of today's answered contacts; all in milliseconds.

The scenario of qu-alpha (bot BOT), sources/languages in brackets:

  W1  waiting since T0-2 min                 [rtm, en]
  W2  waiting since T0-2 days                [korevg/Voice, de]
  W3  waiting since T0-1 min, A1 ignored it  [rtm, en]
  MV  entered qu-alpha, then moved on to qu-beta, waiting there   [rtm, en]
  FU  enters at T0+1 h (not yet)             [rtm, en]
  E1  today, accepted by A2, still talking   [korevg/Voice, en]
  E2  yesterday, accepted, still talking     [rtm, fr]
  N1  today, answered, interaction ended, session still open  [rtm, en]
  N2  today, answered, session ended while the segment had no end  [korevg/Voice, de]
  T1  today, answered in qu-alpha, transferred to qu-beta, waiting there  [rtm, en]
  D1  today, ended with no agent             [rtm, en]
  D2  today, A3 rang, ended with no agent    [korevg/Voice, no language]
  D3  yesterday, ended with no agent         [rtm, en]
  D4  entered at exactly M, ended, no agent  [rtm, en]
  D5  entered at M-1 ms, ended after M       [rtm, en]
  Y1  yesterday, answered, ended             [rtm, en]
  and two contacts of another bot (BOT2) in qu-alpha: one waiting, one engaged.

Agents of qu-alpha: A1 Available (a Busy event stamped T0+1 h is not yet), A2 "BUSY", A3 Away, A4 "Training"
(a custom status: away), A5 Offline, A7 no event (offline); qu-beta: A5 and A6 (Available).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.contract.conversations_support import (
    BOT,
    QA,
    QB,
    AgentRef,
    QueueRef,
    Tenant,
    conversation,
    entry,
    error,
    ingest,
    ingest_agents,
    ingest_conversations,
    ingest_queues,
    ingest_statuses,
    iso_ms,
    queue_size,
    queue_size_post,
    segment,
    tenant,
)
from tests.support.tenants import INGEST, create_app
from tests.support.tokens import token

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
BOT2 = "st-00000000-bbbb-4222-8222-222222222222"
SKILLS = [{"skillId": "sk-1", "skillName": "Sales"}, {"skillId": "sk-2", "skillName": "Upsell"}]
AG = {
    i: AgentRef(f"u-0f7e6d5c-{i}{i}{i}{i}-4000-8000-00000000000{i}", f"ag{i}@x.io", f"Ag{i}", "Ent")
    for i in range(1, 8)
}
A1, A2, A3, A4, A5, A6, A7 = (AG[i] for i in range(1, 8))


def now_ms() -> int:
    return int(time.time() * 1000)


def between(a: int, b: int, fraction: float) -> int:
    return a + int((b - a) * fraction)


def half_up_mean(values: list[int]) -> int:
    """The mean of non-negative integers rounded half up; 0 when none."""
    if not values:
        return 0
    return (2 * sum(values) + len(values)) // (2 * len(values))


@dataclass
class Contact:
    cid: str
    enter: int
    end: int | None = None
    accepted: int | None = None
    interaction_end: int | None = None
    ignored_by: AgentRef | None = None
    source: str = "rtm"
    language: str | None = "en"
    bot: str = BOT
    queue: QueueRef = QA
    then: int | None = None  # EnterTime of a following qu-beta entry (moved on / transferred)
    agent: AgentRef = A2

    def row(self) -> dict[str, Any]:
        responding = None
        if self.accepted is not None:
            extra = {} if self.interaction_end is None else {"interactionEndTime": iso_ms(self.interaction_end)}
            responding = segment(self.agent, iso_ms(self.accepted - SECOND), iso_ms(self.accepted), **extra)
        ignored = None
        if self.ignored_by is not None:
            ignored = [segment(self.ignored_by, iso_ms(self.enter + 1), nonResponseEvent="Ignored")]
        destinations = [entry(self.queue, iso_ms(self.enter), responding, ignored)]
        if self.then is not None:
            destinations.append(entry(QB, iso_ms(self.then)))
        extra_fields: dict[str, Any] = {} if self.language is None else {"language": self.language}
        return conversation(
            self.cid,
            iso_ms(self.enter - 10 * SECOND),
            None if self.end is None else iso_ms(self.end),
            destinations,
            channel="Voice" if self.source == "korevg" else "Web/Mobile Client",
            source=self.source,
            bot=self.bot,
            **extra_fields,
        )


@dataclass
class World:
    t0: int
    midnight: int
    contacts: dict[str, Contact]

    def waits(self, *names: str) -> list[int]:
        """EnterTime → acceptedTime of these contacts."""
        waits = []
        for name in names:
            contact = self.contacts[name]
            assert contact.accepted is not None, name
            waits.append(contact.accepted - contact.enter)
        return waits

    def enters(self, *names: str) -> list[int]:
        return [self.contacts[n].enter for n in names]


def build(t0: int) -> dict[str, Contact]:
    m = t0 - t0 % DAY
    e1 = between(m, t0, 0.9)
    n1 = between(m, t0, 0.2)
    n2 = between(m, t0, 0.4)
    t1 = between(m, t0, 0.3)
    t1_acc = between(t1, t0, 0.05)
    t1_end = between(t1_acc, t0, 0.1)
    d1 = between(m, t0, 0.5)
    d2 = between(m, t0, 0.6)
    e2 = t0 - DAY - 10 * MINUTE
    n1_acc = between(n1, t0, 0.1)
    n2_acc = between(n2, t0, 0.2)
    ob2 = between(m, t0, 0.5)
    contacts = [
        Contact("c-w1", t0 - 2 * MINUTE),
        Contact("c-w2", t0 - 2 * DAY, source="korevg", language="de"),
        Contact("c-w3", t0 - MINUTE, ignored_by=A1),
        Contact("c-mv", t0 - 5 * MINUTE, then=t0 - 3 * MINUTE),
        Contact("c-fu", t0 + HOUR),
        Contact("c-e1", e1, accepted=between(e1, t0, 0.5), source="korevg"),
        Contact("c-e2", e2, accepted=e2 + 30 * SECOND, language="fr"),
        Contact("c-n1", n1, accepted=n1_acc, interaction_end=between(n1_acc, t0, 0.1)),
        Contact("c-n2", n2, end=between(n2_acc, t0, 0.5), accepted=n2_acc, source="korevg", language="de"),
        Contact("c-t1", t1, accepted=t1_acc, interaction_end=t1_end, then=t1_end, agent=A1),
        Contact("c-d1", d1, end=between(d1, t0, 0.5)),
        Contact("c-d2", d2, end=between(d2, t0, 0.5), ignored_by=A3, source="korevg", language=None),
        Contact("c-d3", m - HOUR, end=m - 50 * MINUTE),
        Contact("c-d4", m, end=between(m, t0, 0.5)),
        Contact("c-d5", m - 1, end=between(m, t0, 0.1)),
        Contact("c-y1", m - 2 * HOUR, end=m - HOUR, accepted=m - 2 * HOUR + 20 * SECOND, interaction_end=m - HOUR),
        Contact("c-ob1", t0 - 30 * SECOND, bot=BOT2),
        Contact("c-ob2", ob2, accepted=between(ob2, t0, 0.5), bot=BOT2),
    ]
    return {c.cid.removeprefix("c-"): c for c in contacts}


def seed(client: TestClient, t: Tenant) -> World:
    t0 = now_ms()
    world = World(t0, t0 - t0 % DAY, build(t0))
    ingest_queues(client, t, QA, skills=SKILLS)
    ingest_queues(client, t, QB)
    ingest_agents(client, t, A1, A2, A3, A4, A7, queues=(QA,))
    ingest_agents(client, t, A5, queues=(QA, QB))
    ingest_agents(client, t, A6, queues=(QB,))
    # A1's later event first: the latest event at or before now decides, whatever the order of ingest.
    ingest_statuses(client, t, A1, ("Busy", iso_ms(t0 + HOUR)), tag="late")
    ingest_statuses(client, t, A1, ("Available", iso_ms(t0 - 3 * HOUR)))
    ingest_statuses(client, t, A2, ("Available", iso_ms(t0 - 2 * HOUR)), ("BUSY", iso_ms(t0 - HOUR)))
    ingest_statuses(client, t, A3, ("Available", iso_ms(t0 - 2 * HOUR)), ("Away", iso_ms(t0 - 30 * MINUTE)))
    ingest_statuses(client, t, A4, ("Training", iso_ms(t0 - 10 * MINUTE)))
    ingest_statuses(client, t, A5, ("Available", iso_ms(t0 - 5 * HOUR)), ("Offline", iso_ms(t0 - HOUR)))
    ingest_statuses(client, t, A6, ("Available", iso_ms(t0 - 4 * HOUR)))
    ingest_conversations(client, t, [c.row() for c in world.contacts.values()])
    return world


def timed(client: TestClient, t: Tenant, bot: str, queue: str, body: Any = None) -> tuple[dict[str, Any], int, int]:
    """The item, and the clock just before and just after the request (the server's `now` lies between)."""
    before = now_ms()
    item = queue_size(client, t, bot, queue, body)
    after = now_ms() + 1
    return item, before, after


def check_waits(item: dict[str, Any], enters: list[int], before: int, after: int) -> None:
    """avgWait / maxWait for waiting contacts that entered at `enters`, now being in [before, after]."""
    summary = item["queueSummary"]
    if not enters:
        assert (summary["avgWait"], summary["maxWait"]) == (0, 0), item
        return
    n = len(enters)
    lo = (2 * (before * n - sum(enters)) + n) // (2 * n)
    hi = (2 * (after * n - sum(enters)) + n) // (2 * n)
    assert lo <= summary["avgWait"] <= hi, (item, lo, hi)
    assert before - min(enters) <= summary["maxWait"] <= after - min(enters), item


def rest(item: dict[str, Any]) -> dict[str, Any]:
    """The item less avgWait and maxWait (which move with the clock)."""
    return {**item, "queueSummary": {"ASA": item["queueSummary"]["ASA"]}}


def expected(
    queue: QueueRef,
    skills: list[Any],
    waiting: int,
    engaged: int,
    drop_off: int,
    status: tuple[int, int, int, int],
    asa: int,
) -> dict[str, Any]:
    available, offline, busy, away = status
    return {
        "queueId": queue.queue_id,
        "queueName": queue.name,
        "skills": skills,
        "waiting": waiting,
        "engaged": engaged,
        "dropOff": drop_off,
        "agentStatus": {"available": available, "offline": offline, "busy": busy, "away": away},
        "noOfAgents": available + offline + busy + away,
        "queueSummary": {"ASA": asa},
    }


QA_AGENTS = (1, 2, 1, 2)  # A1 available; A5, A7 offline; A2 busy; A3, A4 away


# --- the live counts ------------------------------------------------------------------------------------------


def test_the_live_counts_of_a_queue(client: TestClient) -> None:
    t = tenant(client)
    w = seed(client, t)
    item, before, after = timed(client, t, BOT, QA.queue_id)
    # waiting W1, W2, W3; engaged E1, E2; dropOff D1, D2, D4; ASA over today's answered E1, N1, N2, T1.
    asa = half_up_mean(w.waits("e1", "n1", "n2", "t1"))
    assert rest(item) == expected(QA, SKILLS, 3, 2, 3, QA_AGENTS, asa)
    check_waits(item, w.enters("w1", "w2", "w3"), before, after)
    assert item["queueSummary"]["maxWait"] >= 2 * DAY


def test_a_contact_moved_on_waits_in_its_new_queue(client: TestClient) -> None:
    t = tenant(client)
    w = seed(client, t)
    item, before, after = timed(client, t, BOT, QB.queue_id)
    # qu-beta: MV and T1 wait there; nobody answered there; agents A5 (offline) and A6 (available).
    assert rest(item) == expected(QB, [], 2, 0, 0, (1, 1, 0, 0), 0)
    enters = [c.then for c in (w.contacts["mv"], w.contacts["t1"]) if c.then is not None]
    assert len(enters) == 2
    check_waits(item, enters, before, after)


def test_the_trailing_slash_answers_the_same(client: TestClient) -> None:
    t = tenant(client)
    seed(client, t)
    plain = rest(queue_size(client, t, BOT, QA.queue_id))
    assert rest(queue_size(client, t, BOT, QA.queue_id, slash=True)) == plain
    assert rest(queue_size(client, t, BOT, QA.queue_id, {"channels": []}, slash=True)) == plain


def test_only_the_bots_own_contacts_count(client: TestClient) -> None:
    t = tenant(client)
    w = seed(client, t)
    item, before, after = timed(client, t, BOT2, QA.queue_id)
    # BOT2: OB1 waits, OB2 is engaged (and answered today); the agents are the queue's, whatever the bot.
    assert rest(item) == expected(QA, SKILLS, 1, 1, 0, QA_AGENTS, half_up_mean(w.waits("ob2")))
    check_waits(item, w.enters("ob1"), before, after)


@pytest.mark.parametrize(
    ("body", "waiting", "engaged", "drop_off", "answered"),
    [
        ({"channels": ["rtm"]}, ["w1", "w3"], 1, 2, ["n1", "t1"]),
        ({"channels": ["RTM"]}, ["w1", "w3"], 1, 2, ["n1", "t1"]),
        ({"channels": ["web/mobile client"]}, ["w1", "w3"], 1, 2, ["n1", "t1"]),
        ({"channels": ["korevg"]}, ["w2"], 1, 1, ["e1", "n2"]),
        ({"channels": ["VOICE"]}, ["w2"], 1, 1, ["e1", "n2"]),
        ({"channels": ["rtm", "korevg"]}, ["w1", "w2", "w3"], 2, 3, ["e1", "n1", "n2", "t1"]),
        ({"channels": ["sms"]}, [], 0, 0, []),
        ({"languages": ["en"]}, ["w1", "w3"], 1, 2, ["e1", "n1", "t1"]),
        ({"languages": ["EN"]}, ["w1", "w3"], 1, 2, ["e1", "n1", "t1"]),
        ({"languages": ["de", "fr"]}, ["w2"], 1, 0, ["n2"]),
        ({"languages": ["ja"]}, [], 0, 0, []),
        ({"channels": ["rtm"], "languages": ["fr"]}, [], 1, 0, []),
        ({"channels": ["korevg"], "languages": ["en"]}, [], 1, 0, ["e1"]),
        ({"channels": [], "languages": []}, ["w1", "w2", "w3"], 2, 3, ["e1", "n1", "n2", "t1"]),
    ],
)
def test_channels_and_languages_narrow_the_contacts_not_the_agents(
    client: TestClient,
    body: dict[str, Any],
    waiting: list[str],
    engaged: int,
    drop_off: int,
    answered: list[str],
) -> None:
    t = tenant(client)
    w = seed(client, t)
    item, before, after = timed(client, t, BOT, QA.queue_id, body)
    asa = half_up_mean(w.waits(*answered))
    assert rest(item) == expected(QA, SKILLS, len(waiting), engaged, drop_off, QA_AGENTS, asa)
    check_waits(item, w.enters(*waiting), before, after)


def test_no_body_and_an_empty_body_are_no_filter(client: TestClient) -> None:
    t = tenant(client)
    w = seed(client, t)
    want = expected(QA, SKILLS, 3, 2, 3, QA_AGENTS, half_up_mean(w.waits("e1", "n1", "n2", "t1")))
    assert rest(queue_size(client, t, BOT, QA.queue_id)) == want
    assert rest(queue_size(client, t, BOT, QA.queue_id, {})) == want
    response = client.post(
        f"/agentassist/api/v1/public/{BOT}/monitor/queueStatsById/{QA.queue_id}/",
        content=b"{}",
        headers={**t.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 200, response.text
    assert rest(response.json()[0]) == want


def test_whatever_is_ingested_shows_in_the_next_request(client: TestClient) -> None:
    t = tenant(client)
    w = seed(client, t)
    t0 = w.t0
    # W1 is accepted by A1 now: it leaves waiting for engaged; W3's customer leaves (no agent answered).
    w1 = w.contacts["w1"]
    w1.accepted = t0 + 1
    w1.agent = A1
    w3 = w.contacts["w3"]
    w3.end = t0 + 2
    ingest_conversations(client, t, [w1.row(), w3.row()])
    # A7 leaves the queue; A4 becomes Available.
    ingest_agents(client, t, A7, queues=())
    ingest_statuses(client, t, A4, ("Available", iso_ms(now_ms())), tag="now")
    item, before, after = timed(client, t, BOT, QA.queue_id)
    w3_today = 1 if w3.enter >= w.midnight else 0  # W3 entered a minute before T0: yesterday just after midnight
    w1_today = ["w1"] if w1.enter >= w.midnight else []
    asa = half_up_mean(w.waits("e1", "n1", "n2", "t1", *w1_today))
    assert rest(item) == expected(QA, SKILLS, 1, 3, 3 + w3_today, (2, 1, 1, 1), asa)
    check_waits(item, w.enters("w2"), before, after)


def test_a_queue_with_no_contacts_and_no_agents_is_all_zeros(client: TestClient) -> None:
    t = tenant(client)
    qc = QueueRef("qu-empty-3", "Gamma")
    ingest_queues(client, t, qc)
    ingest_conversations(client, t, [conversation(None, iso_ms(now_ms() - MINUTE), channel="rtm")])  # the bot
    item = queue_size(client, t, BOT, qc.queue_id)
    assert item == {
        "queueId": "qu-empty-3",
        "queueName": "Gamma",
        "skills": [],
        "waiting": 0,
        "engaged": 0,
        "dropOff": 0,
        "agentStatus": {"available": 0, "offline": 0, "busy": 0, "away": 0},
        "noOfAgents": 0,
        "queueSummary": {"avgWait": 0, "maxWait": 0, "ASA": 0},
    }


def test_a_bot_known_by_its_sessions_has_zero_contacts(client: TestClient) -> None:
    t = tenant(client)
    ingest_queues(client, t, QA, skills=SKILLS)
    ingest_agents(client, t, A1, queues=(QA,))
    ingest_statuses(client, t, A1, ("Away", iso_ms(now_ms() - HOUR)))
    session = {
        "sessionId": "s-1",
        "userId": "u-customer",
        "intent": ["Book a Flight"],
        "ANI": "+1",
        "DNI": "x@y.io",
        "channel": "rtm",
        "startTime": iso_ms(now_ms() - HOUR),
        "endTime": None,
        "status": "active",
        "timeHandled": 0,
        "deflectedTo": None,
    }
    ingest(client, t, "POST", f"bots/{BOT2}/sessions", [session])
    item = queue_size(client, t, BOT2, QA.queue_id)
    assert item == {
        "queueId": QA.queue_id,
        "queueName": QA.name,
        "skills": SKILLS,
        "waiting": 0,
        "engaged": 0,
        "dropOff": 0,
        "agentStatus": {"available": 0, "offline": 0, "busy": 0, "away": 1},
        "noOfAgents": 1,
        "queueSummary": {"avgWait": 0, "maxWait": 0, "ASA": 0},
    }


# --- 404s, isolation, authentication -----------------------------------------------------------------------------


def test_a_foreign_or_unknown_bot_or_queue_is_a_404(client: TestClient) -> None:
    a = tenant(client)
    b = tenant(client, "Other")
    seed(client, a)
    qz = QueueRef("qu-b-only", "Zeta")
    ingest_queues(client, b, qz)
    ingest_conversations(client, b, [conversation(None, iso_ms(now_ms() - MINUTE), bot="st-b-only", channel="rtm")])
    for slash in (False, True):
        foreign_bot = error(queue_size_post(client, a, "st-b-only", QA.queue_id, slash=slash), 404)
        missing_bot = error(queue_size_post(client, a, "st-nobody", QA.queue_id, slash=slash), 404)
        assert foreign_bot == missing_bot  # no existence leak
        foreign_queue = error(queue_size_post(client, a, BOT, qz.queue_id, slash=slash), 404)
        missing_queue = error(queue_size_post(client, a, BOT, "qu-nowhere", slash=slash), 404)
        assert foreign_queue == missing_queue
        # B's own token sees its own bot and queue, and none of A's.
        assert queue_size(client, b, "st-b-only", qz.queue_id, slash=slash)["waiting"] == 0
        error(queue_size_post(client, b, BOT, QA.queue_id, slash=slash), 404)
        error(queue_size_post(client, b, "st-b-only", QA.queue_id, slash=slash), 404)
    # Queue ids are case-sensitive: another case names no queue.
    error(queue_size_post(client, a, BOT, QA.queue_id.upper()), 404)
    # docs/API.md §7: the messages.
    assert foreign_bot == "bot not found" and foreign_queue == "queue not found"


@pytest.mark.parametrize(
    ("bot", "queue"),
    [
        ("st-" + "x" * 300, QA.queue_id),
        (BOT, "qu-" + "y" * 300),
        ("st-%F0%9F%98%80", QA.queue_id),
        (BOT, "qu-%00"),
        ("%20", QA.queue_id),
        (BOT, "qu-a%2Fb"),
    ],
)
def test_odd_ids_in_the_path_are_a_404_never_a_500(client: TestClient, bot: str, queue: str) -> None:
    t = tenant(client)
    ingest_queues(client, t, QA)
    ingest_conversations(client, t, [conversation(None, iso_ms(now_ms() - MINUTE), channel="rtm")])
    for slash in (False, True):
        error(queue_size_post(client, t, bot, queue, {}, slash=slash), 404)


def test_the_same_ids_in_another_account_are_another_bot_and_queue(client: TestClient) -> None:
    a = tenant(client)
    b = tenant(client, "Other")
    w = seed(client, a)
    ingest_queues(client, b, QA)
    ingest_agents(client, b, A1, queues=(QA,))
    ingest_statuses(client, b, A1, ("Busy", iso_ms(w.t0 - HOUR)))
    mine = Contact("c-w1", w.t0 - MINUTE, source="korevg")  # the same conversationId too
    ingest_conversations(client, b, [mine.row()])
    item, before, after = timed(client, b, BOT, QA.queue_id)
    assert rest(item) == expected(QA, [], 1, 0, 0, (0, 0, 1, 0), 0)
    check_waits(item, [mine.enter], before, after)
    asa = half_up_mean(w.waits("e1", "n1", "n2", "t1"))
    assert rest(queue_size(client, a, BOT, QA.queue_id)) == expected(QA, SKILLS, 3, 2, 3, QA_AGENTS, asa)


def test_the_accountid_header_must_be_the_tokens_account(client: TestClient) -> None:
    a = tenant(client)
    b = tenant(client, "Other")
    seed(client, a)
    same = queue_size_post(client, a, BOT, QA.queue_id, headers={**a.headers, "accountid": a.account_id})
    assert same.status_code == 200 and same.json()[0]["waiting"] == 3, same.text
    error(queue_size_post(client, a, BOT, QA.queue_id, headers={**a.headers, "accountid": b.account_id}), 403)
    error(queue_size_post(client, a, BOT, QA.queue_id, headers={**a.headers, "accountId": b.account_id}), 403)


def test_an_app_without_the_analytics_scope_is_a_403(client: TestClient) -> None:
    t = tenant(client)
    seed(client, t)
    ingest_only = create_app(client, t.account_id, scopes=[INGEST])
    response = queue_size_post(client, t, BOT, QA.queue_id, headers={"auth": token(ingest_only)})
    error(response, 403, contains="SmartAssist Analytics")


@pytest.mark.parametrize("headers", [{}, {"auth": "not-a-jwt"}, {"Authorization": "Bearer a.b.c"}])
def test_a_missing_or_bad_token_is_a_401(client: TestClient, headers: dict[str, str]) -> None:
    t = tenant(client)
    seed(client, t)
    error(queue_size_post(client, t, BOT, QA.queue_id, headers=headers), 401)
    error(queue_size_post(client, t, BOT, QA.queue_id, headers=headers, slash=True), 401)


def test_get_is_a_405(client: TestClient) -> None:
    t = tenant(client)
    seed(client, t)
    response = client.get(f"/agentassist/api/v1/public/{BOT}/monitor/queueStatsById/{QA.queue_id}", headers=t.headers)
    error(response, 405)


BAD_BODIES: list[tuple[str, Any]] = [
    ("unknown field", {"channels": ["rtm"], "queues": ["qu-x"]}),
    ("channels a string", {"channels": "rtm"}),
    ("languages a string", {"languages": "en"}),
    ("channels of numbers", {"channels": [1]}),
    ("languages of objects", {"languages": [{"code": "en"}]}),
    ("an empty channel", {"channels": [""]}),
    ("a 65-character language", {"languages": ["x" * 65]}),
    ("101 channels", {"channels": [f"ch{i}" for i in range(101)]}),
    ("an array body", [{"channels": ["rtm"]}]),
    ("a string body", "rtm"),
    ("a number body", 42),
    ("channels an object", {"channels": {"rtm": True}}),
]


@pytest.mark.parametrize(("case", "body"), BAD_BODIES, ids=[case for case, _ in BAD_BODIES])
def test_a_bad_body_is_a_400_in_the_error_shape(client: TestClient, case: str, body: Any) -> None:
    t = tenant(client)
    ingest_queues(client, t, QA)
    ingest_conversations(client, t, [conversation(None, iso_ms(now_ms() - MINUTE), channel="rtm")])
    error(queue_size_post(client, t, BOT, QA.queue_id, body), 400)
    error(queue_size_post(client, t, BOT, QA.queue_id, body, slash=True), 400)


def test_the_largest_filters_are_accepted(client: TestClient) -> None:
    t = tenant(client)
    w = seed(client, t)
    body = {"channels": ["rtm", *[f"c{i}" for i in range(99)]], "languages": ["x" * 64, *["en"] * 99]}
    item, before, after = timed(client, t, BOT, QA.queue_id, body)
    # rtm and en: W1, W3 wait; no engaged (E1 is korevg, E2 fr); dropOff D1, D4; answered N1, T1.
    assert rest(item) == expected(QA, SKILLS, 2, 0, 2, QA_AGENTS, half_up_mean(w.waits("n1", "t1")))
    check_waits(item, w.enters("w1", "w3"), before, after)


def test_invalid_json_is_a_400_never_a_500(client: TestClient) -> None:
    t = tenant(client)
    ingest_queues(client, t, QA)
    ingest_conversations(client, t, [conversation(None, iso_ms(now_ms() - MINUTE), channel="rtm")])
    path = f"/agentassist/api/v1/public/{BOT}/monitor/queueStatsById/{QA.queue_id}"
    for content in [b'{"channels": [', b"\xff\xfe{}", b'{"channels": ["rtm"], "channels": NaN}']:
        response = client.post(path, content=content, headers={**t.headers, "Content-Type": "application/json"})
        error(response, 400)
