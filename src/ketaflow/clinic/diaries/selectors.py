"""What a patient's diary asks for today: the domain's schedule over the plans' infusion days (given, else
booked) and the diary answers already stored as assessments."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from ketaflow.clinic.diaries.models import DiaryDay, ReminderSent
from ketaflow.clinic.diaries.policy import effective_diary_policy
from ketaflow.clinic.outcomes import mappers
from ketaflow.domain.outcomes.diary_schedule import (
    CompletedEntry,
    DiarySchedulePolicy,
    DiaryStatus,
    diary_status,
)


def status_from_rows(rows: mappers.PatientRows, *, patient, now: datetime,
                     sent_keys=()) -> tuple[DiaryStatus | None, DiarySchedulePolicy | None]:  # fmt: skip
    """None when the patient has no signed plan (no schedule to keep)."""
    if not rows.plans:
        return None, None
    series = [list(rows.given_days.get(p.pk) or rows.planned_days.get(p.pk, ())) for p in rows.plans]
    policy = effective_diary_policy(rows.plans[-1].protocol_code)  # the latest series sets the schedule
    completed = [CompletedEntry(a.instrument_id, mappers.assessment_day(a)) for a in rows.assessments]
    status = diary_status([s for s in series if s], completed, now=now, zone_name=settings.TIME_ZONE,
                          patient_ref=str(patient.pk), already_sent_keys=sent_keys, policy=policy)  # fmt: skip
    return status, policy


def diary_status_for(*, patient, now: datetime, with_sent: bool = False):
    sent = ReminderSent.objects.filter(patient=patient).values_list("key", flat=True) if with_sent else ()
    return status_from_rows(mappers.patient_rows(patient=patient), patient=patient, now=now, sent_keys=list(sent))


def recent_diary_days(*, patient, limit: int = 60, since=None) -> list[DiaryDay]:
    """Newest first; `since` (a day, inclusive) narrows them, `limit` caps them."""
    rows = DiaryDay.objects.filter(patient=patient)
    if since is not None:
        rows = rows.filter(day__gte=since)
    return list(rows.select_related("assessment")[:limit])


def diary_due_summary(*, patient, now: datetime) -> dict | None:
    """What the portal home says is waiting: today's ratings still open and the questionnaires due (by title).
    None when there is no schedule (no signed plan)."""
    from ketaflow.domain.instruments import get_instrument
    from ketaflow.domain.outcomes.diary_schedule import DAILY_ITEMS

    status, _ = diary_status_for(patient=patient, now=now)
    if status is None:
        return None
    daily = [i for i in status.open_items if i.instrument in DAILY_ITEMS]
    others = [i for i in status.open_items if i.instrument not in DAILY_ITEMS]
    return {"daily_open": len(daily), "questionnaires": [get_instrument(i.instrument).definition.title for i in others],
            "overdue": any(i.status == "overdue" for i in others)}  # fmt: skip
