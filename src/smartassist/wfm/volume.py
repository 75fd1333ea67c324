"""Contact Volume (POST .../callvolume): one record per 15-minute UTC interval x queue x source that had an
offered contact, the metrics from contactcenter.contact_metrics, paged over records.

Rules the contract leaves open (docs/API.md "Contact Volume"): a record's `iId` is the bot of its contacts
(the smallest id when several bots fed the same queue and source); `skillBreakdown` (includeSkillBreakdown)
comes last in the record, one item per skill of the contacts' `skills` ordered by skillId, with
`skillGroupId` / `skillGroupName` from the skill's own fields when ingested, else "".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from smartassist.contactcenter.contact_metrics import QueueMetrics
from smartassist.contactcenter.models import QueueEntry
from smartassist.contactcenter.queue_contacts import ContactFilter, QueueContactRow, iter_interval_groups
from smartassist.errors import bad_request
from smartassist.wfm.intervals import (
    INTERVAL_MS,
    MAX_SKIP,
    Window,
    check_fields,
    parse_int,
    parse_window,
    record_id,
)
from smartassist.wfm.render import interval_time

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_ORG_ID_CHARS = 128
_FIELDS = {"orgId", "fromTimeStamp", "toTimeStamp", "skip", "limit", "includeSkillBreakdown"}


@dataclass(frozen=True)
class VolumeQuery:
    org_id: str
    window: Window
    skip: int
    limit: int
    skill_breakdown: bool


def parse_volume_body(connection: Connection, account_id: str, body: object) -> VolumeQuery:
    fields = check_fields(body, _FIELDS)
    org_id = fields.get("orgId")
    if not isinstance(org_id, str) or not 0 < len(org_id) <= MAX_ORG_ID_CHARS or not org_id.isprintable():
        raise bad_request(f"orgId is required: a string of 1..{MAX_ORG_ID_CHARS} printable characters")
    breakdown = fields.get("includeSkillBreakdown")
    if breakdown is None:  # omitted or null: as for skip, limit and fromTimeStamp, the default
        breakdown = False
    elif not isinstance(breakdown, bool):
        raise bad_request("includeSkillBreakdown must be true or false")
    skip = parse_int(fields, "skip", default=0, low=0, high=MAX_SKIP)
    limit = parse_int(fields, "limit", default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT)
    window = parse_window(fields, lambda end: first_contact(connection, account_id, end))
    return VolumeQuery(org_id=org_id, window=window, skip=skip, limit=limit, skill_breakdown=breakdown)


def first_contact(connection: Connection, account_id: str, before: int) -> int | None:
    """The earliest EnterTime of the account before `before` (ix_queue_entries_account_enter, first row)."""
    return connection.scalar(
        select(func.min(QueueEntry.enter_time)).where(
            QueueEntry.account_id == account_id, QueueEntry.enter_time < before
        )
    )


@dataclass
class _Skill:
    name: Any
    group_id: Any
    group_name: Any
    metrics: QueueMetrics = field(default_factory=QueueMetrics)


@dataclass
class _Record:
    queue_name: str
    bots: set[str] = field(default_factory=set)
    metrics: QueueMetrics = field(default_factory=QueueMetrics)
    skills: dict[str, _Skill] = field(default_factory=dict)


def build_record(contacts: Iterable[QueueContactRow], *, skill_breakdown: bool) -> _Record:
    """One record's sums over its contacts (those of one interval x queue x source, in EnterTime order)."""
    record: _Record | None = None
    for row in contacts:
        if record is None:
            record = _Record(queue_name=row.queue_name)
        record.bots.add(row.bot_id)
        record.metrics.add(row.contact)
        if skill_breakdown:
            for skill_id, skill in _skills_of(row.skills).items():
                entry = record.skills.get(skill_id)
                if entry is None:
                    entry = record.skills[skill_id] = _Skill(
                        name=skill.get("skillName", ""),
                        group_id=skill.get("skillGroupId", ""),
                        group_name=skill.get("skillGroupName", ""),
                    )
                entry.metrics.add(row.contact)
    if record is None:
        raise ValueError("a record has at least one contact")
    return record


def _skills_of(skills: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """The contact's skills by skillId (each counted once per contact; items without a string id ignored)."""
    found: dict[str, dict[str, Any]] = {}
    for skill in skills:
        if isinstance(skill, dict) and isinstance(skill.get("skillId"), str):
            found.setdefault(skill["skillId"], skill)
    return found


def _metrics_fields(m: QueueMetrics) -> dict[str, int]:
    """The queue-level metrics in the V1 sample's order (between __v/intervalEndTimeStamp and iId)."""
    return {
        "offeredContacts": m.offered,
        "answeredContacts": m.answered,
        "maxQueueHoldTimeAnswered": m.max_queue_hold_answered,
        "queueHoldTimeAnswered": m.queue_hold_answered,
        "acwDuration": m.acw,
        "completedContacts": m.completed,
        "conversationHandleTime": m.handle,
        "conversationTalkTime": m.talk,
        "holdDuration": m.hold,
        "messageCount": m.message_count,
        "savedMessageCount": m.saved_message_count,
        "csatResponses": m.csat_responses,
        "csatScore": m.csat_score,
        "abandonedContacts": m.abandoned,
        "maxqueueHoldTimeAbandoned": m.max_queue_hold_abandoned,
        "queueHoldTimeAbandoned": m.queue_hold_abandoned,
    }


def _skill_item(skill_id: str, skill: _Skill) -> dict[str, Any]:
    """One skillBreakdown item in the V2 sample's order."""
    m = skill.metrics
    return {
        "skillId": skill_id,
        "skillName": skill.name,
        "skillGroupId": skill.group_id,
        "skillGroupName": skill.group_name,
        "offeredContacts": m.offered,
        "answeredContacts": m.answered,
        "abandonedContacts": m.abandoned,
        "completedContacts": m.completed,
        "conversationHandleTime": m.handle,
        "conversationTalkTime": m.talk,
        "acwDuration": m.acw,
        "holdDuration": m.hold,
        "queueHoldTimeAnswered": m.queue_hold_answered,
        "maxQueueHoldTimeAnswered": m.max_queue_hold_answered,
        "queueHoldTimeAbandoned": m.queue_hold_abandoned,
        "maxqueueHoldTimeAbandoned": m.max_queue_hold_abandoned,
        "csatResponses": m.csat_responses,
        "csatScore": m.csat_score,
    }


def render_record(
    account_id: str, org_id: str, key: tuple[int, str, str], record: _Record, *, skill_breakdown: bool
) -> dict[str, Any]:
    start, queue_id, source = key
    item: dict[str, Any] = {
        "_id": record_id(account_id, start, queue_id, source),
        "intervalStartTimeStamp": interval_time(start),
        "orgId": org_id,
        "queueId": queue_id,
        "source": source,
        "__v": 0,
        "intervalEndTimeStamp": interval_time(start + INTERVAL_MS),
        **_metrics_fields(record.metrics),
        "iId": min(record.bots),
        "queueName": record.queue_name,
    }
    if skill_breakdown:
        item["skillBreakdown"] = [_skill_item(sid, record.skills[sid]) for sid in sorted(record.skills)]
    return item


def call_volume(connection: Connection, account_id: str, query: VolumeQuery) -> dict[str, Any]:
    """The response: {"hasMore", "CallVolumeUpdate", "totalCount"}, records ordered by interval, queueId, source.

    Every record of the window is counted (totalCount), but only the page's are summed: the others' contacts
    are never built (a 7-day window holds ~5,000 records, a page at most 1,000; bench/bench_queues.py)."""
    window, first, end = query.window, query.skip, query.skip + query.limit
    page: list[dict[str, Any]] = []
    total = 0
    if window.end > window.start:
        contacts = ContactFilter(account_id, window.start, window.end, with_skills=query.skill_breakdown)
        for groups in iter_interval_groups(connection, contacts, INTERVAL_MS):
            for group in groups:
                if first <= total < end:
                    record = build_record(group.contacts(), skill_breakdown=query.skill_breakdown)
                    key = (group.interval_start, group.queue_id, group.source)
                    page.append(
                        render_record(account_id, query.org_id, key, record, skill_breakdown=query.skill_breakdown)
                    )
                total += 1
    return {"hasMore": first + len(page) < total, "CallVolumeUpdate": page, "totalCount": total}
