"""Wire shapes of ingest records (the contract's field names) and the batch response."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Annotated, Literal, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)

from smartassist.ids import CALLER_ID_PATTERN, MAX_EMAIL_LENGTH, normalize_email
from smartassist.schemas import StorableText, StrictBody

T = TypeVar("T")


def _in_range(value: datetime) -> datetime:
    """Only instants the responses can format again (years 1970 to 9999, UTC)."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or utc.year < 1970:
        raise ValueError("must be between 1970-01-01 and 9999-12-31 (UTC)")
    return value


def _key_fits(value: str) -> str:
    """The email's comparison key (ids.normalize_email) is stored too, and can be longer than the email (161
    dotted capital I fold to 322 characters): its length is checked after normalisation, so it is a 400 here
    and not a column overflow (500) on PostgreSQL."""
    if len(normalize_email(value)) > MAX_EMAIL_LENGTH:
        raise ValueError(f"must be at most {MAX_EMAIL_LENGTH} characters once case-folded (NFKC + casefold)")
    return value


def _iso_text(value: object) -> object:
    """A time is ISO-8601 text: pydantic would also read a string of digits as Unix seconds or milliseconds
    ("1641478028" and "1641478028000" the same instant, "0" 1970-01-01), which the contract does not allow."""
    if isinstance(value, datetime) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return value
    raise ValueError("must be an ISO-8601 time with a zone, like 2022-01-06T14:07:08Z")


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]", re.ASCII)
# Lax (Strict(False)): after a function validator pydantic validates in Python mode, where a strict datetime
# takes no string; _iso_text has let through only ISO-8601 text (or a datetime).
Timestamp = Annotated[AwareDatetime, Strict(False), BeforeValidator(_iso_text), AfterValidator(_in_range)]
CallerId = Annotated[str, StringConstraints(pattern=CALLER_ID_PATTERN)]
# Column widths of ingest/models.py: PostgreSQL refuses longer values, so they are 400s here.
Text64 = Annotated[str, StringConstraints(min_length=1, max_length=64), StorableText]
Text128 = Annotated[str, StringConstraints(max_length=128), StorableText]
NonEmpty128 = Annotated[str, StringConstraints(min_length=1, max_length=128), StorableText]


def _empty_is_none(value: object) -> object:
    """`""` is how the vendor writes "none" for an optional text (its agents' `"customId": ""`); every output
    already renders none and `""` alike, so it is stored as none."""
    return None if value == "" else value


OptionalText128 = Annotated[NonEmpty128 | None, BeforeValidator(_empty_is_none)]
Email = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=MAX_EMAIL_LENGTH),
    StorableText,
    AfterValidator(_key_fits),
]
AgentRef = Annotated[str, StringConstraints(min_length=1, max_length=320), StorableText]
PersonName = Annotated[str, StringConstraints(max_length=200), StorableText]
# A session's intents: at most MAX_INTENTS names of at most MAX_INTENT_CHARS characters (docs/API.md §10
# Limits), so an IntentRealtimeData response of 25 sessions stays under ~1.3 MB (unbounded lists made 237 MB).
MAX_INTENTS = 100
MAX_INTENT_CHARS = 500
Intent = Annotated[str, StringConstraints(max_length=MAX_INTENT_CHARS), StorableText]
Dni = Annotated[str, StringConstraints(max_length=320), StorableText]
Seconds = Annotated[int, Field(ge=0, le=10**12)]
# Bounds of the contact-center records (docs/API.md §9): lists a request could otherwise make unbounded.
MAX_AGENT_QUEUES = 1000
MAX_QUEUE_SKILLS = 100
# An agent's `agentId`: `a-` and caller-id characters (generated ones are `a-` + UUID, 38 characters).
AgentKey = Annotated[str, StringConstraints(pattern=r"^a-[A-Za-z0-9._:@+\-]{1,126}$")]
QueueName = Annotated[str, StringConstraints(min_length=1, max_length=200), StorableText]
# An address as the vendor writes it ("10.32.130.10"; IPv6, or with a port); column width 64.
IpAddress = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9.:%\[\]_-]{1,64}$")]


class AgentIn(StrictBody):
    userId: CallerId | None = None
    email: Email
    firstName: PersonName
    lastName: PersonName
    customId: OptionalText128 = None
    agentId: AgentKey | None = None
    # None (absent): membership unchanged; a list replaces it ([] = no queue).
    queues: Annotated[list[CallerId], Field(max_length=MAX_AGENT_QUEUES)] | None = None

    @model_validator(mode="after")
    def _queues_once(self) -> AgentIn:
        _no_repeats(self.queues or [], "queues", lambda queue_id: queue_id)
        return self


class SessionIn(StrictBody):
    sessionId: CallerId
    userId: CallerId
    intent: list[Intent] = Field(default_factory=list, max_length=MAX_INTENTS)
    ANI: Text128
    DNI: Dni
    channel: Text64
    startTime: Timestamp
    endTime: Timestamp | None = None
    status: Text64
    timeHandled: Seconds
    deflectedTo: OptionalText128 = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> SessionIn:
        if self.endTime is not None and self.endTime < self.startTime:
            raise ValueError("endTime: must not be before startTime")
        return self


class StatusEventIn(StrictBody):
    eventId: CallerId
    agent: AgentRef
    status: Text64
    reason: OptionalText128 = None
    timestamp: Timestamp


class InteractionIn(StrictBody):
    interactionId: CallerId
    agent: AgentRef
    startTime: Timestamp
    endTime: Timestamp | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> InteractionIn:
        if self.endTime is not None and self.endTime < self.startTime:
            raise ValueError("endTime: must not be before startTime")
        return self


class SkillIn(StrictBody):
    skillId: CallerId
    skillName: QueueName


class QueueIn(StrictBody):
    queueId: CallerId
    name: QueueName
    # Absent = no skills: a PUT replaces the queue's fields.
    skills: Annotated[list[SkillIn], Field(max_length=MAX_QUEUE_SKILLS)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _skills_once(self) -> QueueIn:
        _no_repeats(self.skills, "skills", lambda skill: skill.skillId)
        return self


class LoginEventIn(StrictBody):
    eventId: CallerId
    agent: AgentRef
    type: Literal["entry", "exit"]
    at: Timestamp
    ip: IpAddress | None = None


def _no_repeats(items: Sequence[T], field: str, key: Callable[[T], str]) -> None:
    """A list of ids holds each once: a repeat is refused, naming its position (the value is not echoed)."""
    seen: set[str] = set()
    for position, item in enumerate(items):
        if key(item) in seen:
            raise ValueError(f"{field}.{position}: repeats an earlier entry of the list")
        seen.add(key(item))


class IngestOut(BaseModel):
    accepted: int
    duplicates: int
