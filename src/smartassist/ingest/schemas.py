"""Wire shapes of ingest records (the contract's field names) and the batch response."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints, model_validator

from smartassist.ids import CALLER_ID_PATTERN
from smartassist.schemas import StrictBody

CallerId = Annotated[str, StringConstraints(pattern=CALLER_ID_PATTERN)]
# Column widths of ingest/models.py: PostgreSQL refuses longer values, so they are 400s here.
Text64 = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Text128 = Annotated[str, StringConstraints(max_length=128)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$", max_length=320)]
AgentRef = Annotated[str, StringConstraints(min_length=1, max_length=320)]
PersonName = Annotated[str, StringConstraints(max_length=200)]
Seconds = Annotated[int, Field(ge=0, le=10**12)]


class AgentIn(StrictBody):
    userId: CallerId | None = None
    email: Email
    firstName: PersonName
    lastName: PersonName
    customId: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None


class SessionIn(StrictBody):
    sessionId: CallerId
    userId: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    intent: list[Annotated[str, StringConstraints(max_length=500)]] = Field(default_factory=list)
    ANI: Text128
    DNI: Annotated[str, StringConstraints(max_length=320)]
    channel: Text64
    startTime: AwareDatetime
    endTime: AwareDatetime | None = None
    status: Text64
    timeHandled: Seconds
    deflectedTo: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> SessionIn:
        if self.endTime is not None and self.endTime < self.startTime:
            raise ValueError("endTime: must not be before startTime")
        return self


class StatusEventIn(StrictBody):
    eventId: CallerId
    agent: AgentRef
    status: Text64
    reason: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    timestamp: AwareDatetime


class InteractionIn(StrictBody):
    interactionId: CallerId
    agent: AgentRef
    startTime: AwareDatetime
    endTime: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> InteractionIn:
        if self.endTime is not None and self.endTime < self.startTime:
            raise ValueError("endTime: must not be before startTime")
        return self


class IngestOut(BaseModel):
    accepted: int
    duplicates: int
