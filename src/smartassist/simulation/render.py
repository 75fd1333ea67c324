"""The simulated facts as ingest records (contract §5 shapes), as they stand at a cut-off time.

A fact at or after the cut has not happened yet: it is left out (an open session has no endTime, an agent
still talking has no interactionEndTime). Rendering the same fact at a later cut gives the record its later
state under the same id, so the ingest upserts replace the earlier one. Every time is written with its zone
(`…Z`, UTC), so conversations need no `timeZoneOffset`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from smartassist.simulation.model import VOICE, Attempt, Contact, Day, Login, StatusChange, Visit
from smartassist.simulation.world import AgentSpec, World
from smartassist.timefmt import seconds_z

Record = dict[str, Any]
SUPPORT_NUMBER = "+18005550123"
SUPPORT_ADDRESS = "support@demo.example"


def zulu(seconds: int) -> str:
    return seconds_z(seconds)


def queue_records(world: World) -> list[Record]:
    return [
        {
            "queueId": queue.queue_id,
            "name": queue.name,
            "skills": [{"skillId": skill.skill_id, "skillName": skill.name} for skill in queue.skills],
        }
        for queue in world.queues
    ]


def agent_records(world: World) -> list[Record]:
    return [
        {
            "userId": agent.user_id,
            "agentId": agent.agent_id,
            "email": agent.email,
            "firstName": agent.first_name,
            "lastName": agent.last_name,
            "customId": agent.custom_id,
            "queues": [world.queues[q].queue_id for q in agent.queues],
        }
        for agent in world.agents
    ]


def status_record(world: World, event: StatusChange) -> Record:
    record: Record = {
        "eventId": event.event_id,
        "agent": world.agents[event.agent].user_id,
        "status": event.status,
        "timestamp": zulu(event.at),
    }
    if event.reason is not None:
        record["reason"] = event.reason
    return record


def login_record(world: World, login: Login) -> Record:
    return {
        "eventId": login.event_id,
        "agent": world.agents[login.agent].user_id,
        "type": login.kind,
        "at": zulu(login.at),
        "ip": login.ip,
    }


def fact_times(contact: Contact) -> Iterator[int]:
    """Every moment at which the contact's records change."""
    yield contact.arrive_at
    yield contact.bot_end_at
    for visit in contact.visits:
        yield visit.enter_at
        if visit.abandoned_at is not None:
            yield visit.abandoned_at
        for attempt in visit.attempts:
            for at in (
                attempt.accepted_at,
                attempt.ignored_at,
                attempt.first_response_at,
                attempt.end_at,
                attempt.acw_end_at,
            ):
                if at is not None:
                    yield at
    if contact.end_at is not None:
        yield contact.end_at


def _seen(at: int | None, cut: int) -> int | None:
    return at if at is not None and at < cut else None


def session_status(contact: Contact, cut: int) -> str:
    if _seen(contact.end_at, cut) is None:
        return "in-progress"
    if contact.resolved_by_bot:
        return "completed"
    return "abandoned" if contact.left_at_bot else "transferred"


def session_record(contact: Contact, cut: int) -> Record:
    """The bot's session (IntentRealtimeData): from arrival to the end of the whole contact.

    `timeHandled` is the bot's part, known once the bot is done (0 before: it changes only at a fact time).
    """
    voice = contact.channel is VOICE
    end = _seen(contact.end_at, cut)
    return {
        "sessionId": contact.session_id,
        "userId": contact.customer_id,
        "intent": list(contact.intents),
        "ANI": contact.ani,
        "DNI": SUPPORT_NUMBER if voice else SUPPORT_ADDRESS,
        "channel": contact.channel.source,
        "startTime": zulu(contact.arrive_at),
        "endTime": None if end is None else zulu(end),
        "status": session_status(contact, cut),
        "timeHandled": contact.bot_end_at - contact.arrive_at if contact.bot_end_at < cut else 0,
        "deflectedTo": None,
    }


def _segment_head(agent: AgentSpec) -> Record:
    return {"agentId": agent.user_id, "agentNotes": [], "destinationType": "AgentSegment"}


def _responding(agent: AgentSpec, attempt: Attempt, cut: int) -> Record:
    accepted = attempt.accepted_at or 0  # only called for an accepted attempt
    segment = _segment_head(agent)
    segment["status"] = "Answered"
    first = _seen(attempt.first_response_at, cut)
    if first is not None:
        segment["firstResponseTime"] = zulu(first)
        segment["firstResponseDuration"] = first - accepted
    end = _seen(attempt.end_at, cut)
    if end is not None:
        segment["interactionEndTime"] = zulu(end)
        segment["interactionDuration"] = end - accepted
        acw = _seen(attempt.acw_end_at, cut)
        if acw is not None:
            segment["afterCallWorkDuration"] = acw - end
            segment["afterCallWorkEndTime"] = zulu(acw)
    segment["email"] = agent.email
    segment["name"] = agent.name
    segment["acceptedTime"] = zulu(accepted)
    segment["assignedAt"] = zulu(attempt.assigned_at)
    return segment


def _queue_entry(world: World, visit: Visit, cut: int) -> Record:
    queue = world.queues[visit.queue]
    entry: Record = {
        "destinationType": "QueueEntry",
        "queueId": queue.queue_id,
        "queueName": queue.name,
        "CallbackOpted": False,
        "EnterTime": zulu(visit.enter_at),
    }
    answered = visit.answered
    if answered is not None and _seen(answered.accepted_at, cut) is not None:
        entry["respondingAgent"] = _responding(world.agents[answered.agent], answered, cut)
    ignored = [a for a in visit.attempts if _seen(a.ignored_at, cut) is not None]
    if ignored:
        entry["nonRespondingAgents"] = [
            {
                **_segment_head(world.agents[a.agent]),
                "email": world.agents[a.agent].email,
                "name": world.agents[a.agent].name,
                "assignedAt": zulu(a.assigned_at),
                "nonResponseEvent": "Ignored",
            }
            for a in ignored
        ]
    return entry


def _customer(contact: Contact) -> Record:
    voice = contact.channel is VOICE
    return {
        "CustomerPhone": contact.ani if voice else "",
        "CenterPhone": SUPPORT_NUMBER if voice else "",
        "CustomerFirstName": contact.customer_first,
        "CustomerLastName": contact.customer_last,
        "CustomerEmail": "" if voice else f"{contact.customer_first.lower()}.{contact.number}@mail.example",
        "Direction": "Inbound",
    }


def conversation_record(world: World, contact: Contact, cut: int) -> Record | None:
    """The Call Details row: once the bot is done (the row's key never changes after that), else None.

    A contact the bot kept is a bot-only row (no conversationId); one it handed over is a conversation.
    """
    if contact.bot_end_at >= cut:
        return None
    ended = _seen(contact.end_at, cut) is not None
    base: Record = {}
    if contact.reached_queue:
        base["conversationId"] = contact.conversation_id
    base["sessionId"] = contact.session_id
    base["channel"] = contact.channel.channel
    base["source"] = contact.channel.source
    base["language"] = contact.language
    base["Direction"] = "Inbound"
    if not contact.reached_queue:
        base["skills"] = []
        base["finalStatus"] = "BotResolved" if contact.resolved_by_bot else "USER ABANDONED"
        base["disconnectingEvent"] = contact.disconnecting_event
        base["botId"] = world.bot_id
        base["sessionStartTime"] = zulu(contact.arrive_at)
        base["sessionEndTime"] = zulu(contact.bot_end_at)
        base["userId"] = contact.customer_id
        base["channelSpecificUserId"] = contact.ani if contact.channel is VOICE else contact.customer_id
        base["customerinfo"] = _customer(contact)
        return base
    visits = [visit for visit in contact.visits if visit.enter_at < cut]
    # how it ended is how its last queue visit ended: a customer who gave up after a transfer abandoned
    answered = visits[-1].answered is not None
    base["skills"] = [
        {"skillId": skill.skill_id, "skillName": skill.name} for skill in world.queues[contact.queue].skills
    ]
    if ended:
        base["finalStatus"] = "CLOSED" if answered else "USER ABANDONED"
        base["disconnectingEvent"] = contact.disconnecting_event if answered else "User Hangup"
    base["botId"] = world.bot_id
    base["dispositions"] = ([contact.disposition] if answered else ["DROP-OFF"]) if ended else []
    base["dispositionRemarks"] = [] if answered or not ended else ["-"]
    base["metaInfo"] = {
        "userId": contact.customer_id,
        "agentTransferConfig": {"lastIntentName": contact.intents[-1], "automationBotId": world.bot_id},
    }
    base["customerinfo"] = _customer(contact)
    base["sessionStartTime"] = zulu(contact.arrive_at)
    end = _seen(contact.end_at, cut)
    if end is not None:
        base["sessionEndTime"] = zulu(end)
    base["channelSpecificUserId"] = contact.ani if contact.channel is VOICE else contact.customer_id
    base["userId"] = contact.customer_id
    base["destinations"] = [_queue_entry(world, visit, cut) for visit in visits]
    if ended and answered and contact.csat is not None:
        base["surveyType"] = "csat"
        base["csatScore"] = contact.csat
    return base


def changed_contacts(day: Day, since: int | None, cut: int) -> Iterator[Contact]:
    """Contacts with a fact in [since, cut): their records differ from what a render at `since` gave."""
    for contact in day.contacts:
        if contact.arrive_at >= cut:
            continue
        if since is None or any(since <= at < cut for at in fact_times(contact)):
            yield contact
