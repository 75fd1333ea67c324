"""The fixed cast of a simulated contact center: queues with skills, agents with queues and shifts, the bot.

Identities depend on the agent's index only (not on the seed), so re-running with another seed on the same
account updates the same agents instead of adding new ones; what the seed changes is behaviour.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

# The demo's namespace and formula: agents loaded by earlier demos keep their userIds.
_AGENT_NAMESPACE = uuid.UUID("0b3c52f4-52f0-4b59-9d3a-2c1b4d0e7a11")
_QUEUE_NAMESPACE = uuid.UUID("6f1d2a8e-3c44-4d6b-9a51-7e0c2b9d4f20")
DEFAULT_BOT_ID = "st-5a1e7d3e-0000-4000-8000-00000000de70"

FIRST_NAMES = (
    "Joce",
    "Amara",
    "Liam",
    "Priya",
    "Mateo",
    "Yuki",
    "Noah",
    "Fatima",
    "Elena",
    "Kwame",
    "Sofia",
    "Arjun",
    "Chloe",
    "Diego",
    "Hana",
    "Omar",
    "Ingrid",
    "Tomas",
    "Leila",
    "Ravi",
)
LAST_NAMES = (
    "Tay",
    "Okafor",
    "Murphy",
    "Sharma",
    "Garcia",
    "Tanaka",
    "Smith",
    "Haddad",
    "Petrova",
    "Mensah",
    "Rossi",
    "Patel",
    "Martin",
    "Lopez",
    "Kim",
    "Farouk",
    "Larsen",
    "Novak",
    "Aziz",
    "Iyer",
)
SHIFT_START_HOURS = (6, 9, 14)  # UTC: early, day and late shifts, agents assigned round-robin
EMAIL_DOMAIN = "demo.example"


@dataclass(frozen=True)
class Skill:
    skill_id: str
    name: str


@dataclass(frozen=True)
class QueueSpec:
    queue_id: str
    name: str
    skills: tuple[Skill, ...]


@dataclass(frozen=True)
class AgentSpec:
    index: int
    user_id: str
    agent_id: str
    email: str
    first_name: str
    last_name: str
    custom_id: str
    queues: tuple[int, ...]  # indexes into World.queues
    shift_hour: int  # UTC hour the shift starts

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class World:
    seed: int
    bot_id: str
    queues: tuple[QueueSpec, ...]
    agents: tuple[AgentSpec, ...]

    @property
    def tag(self) -> str:
        """The prefix of every generated id: one world (seed, agent count) never overwrites another's records."""
        return f"sim{self.seed}x{len(self.agents)}"


def _queue(index: int, name: str, skills: tuple[str, ...]) -> QueueSpec:
    queue_id = f"qu-{uuid.uuid5(_QUEUE_NAMESPACE, f'queue-{index}')}"
    return QueueSpec(
        queue_id=queue_id,
        name=name,
        skills=tuple(Skill(f"sk-{uuid.uuid5(_QUEUE_NAMESPACE, f'skill-{skill}').hex[:24]}", skill) for skill in skills),
    )


QUEUES = (
    _queue(0, "Sales", ("Sales", "Booking")),
    _queue(1, "Technical Support", ("Troubleshooting", "Accounts")),
    _queue(2, "Billing", ("Billing", "Payments")),
)


def agent_spec(index: int) -> AgentSpec:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[index % len(LAST_NAMES)]
    suffix = "" if index < len(FIRST_NAMES) else str(index // len(FIRST_NAMES) + 1)
    home = (index // len(SHIFT_START_HOURS)) % len(QUEUES)  # each shift has agents of every queue
    # every other agent also serves the next queue, so queues share agents and routing has choices
    queues = (home,) if index % 2 else (home, (home + 1) % len(QUEUES))
    return AgentSpec(
        index=index,
        user_id=f"u-{uuid.uuid5(_AGENT_NAMESPACE, f'agent-{index}')}",
        agent_id=f"a-{uuid.uuid5(_AGENT_NAMESPACE, f'agent-key-{index}')}",
        email=f"{first.lower()}.{last.lower()}{suffix}@{EMAIL_DOMAIN}",
        first_name=first,
        last_name=last,
        custom_id=str(505950 + index),
        queues=tuple(sorted(queues)),
        shift_hour=SHIFT_START_HOURS[index % len(SHIFT_START_HOURS)],
    )


def build_world(seed: int, agent_count: int, bot_id: str = DEFAULT_BOT_ID) -> World:
    if agent_count < 1:
        raise ValueError("agent_count must be at least 1")
    return World(seed=seed, bot_id=bot_id, queues=QUEUES, agents=tuple(agent_spec(i) for i in range(agent_count)))
