"""The diary: what is due (the schedule's status with its rule version) and today's daily ratings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from django.http import Http404
from django.utils import timezone
from ninja import Query, Schema, Status
from pydantic import Field

from ketaflow.api.base import SafeStr, errors, operation
from ketaflow.clinic.diaries import policy, selectors, services
from ketaflow.clinic.patients.selectors import patient_get
from ketaflow.domain.errors import DomainValidationError

TAGS = ["diary"]
ENTRIES_MAX = 1000


class DueItemOut(Schema):
    instrument: str
    due_day: dt.date
    status: str = Field(description="due | overdue | missed | done")
    completed_on: dt.date | None


class DiaryEntryOut(Schema):
    day: dt.date
    instrument_id: str
    total: float | None
    via_link: bool

    @staticmethod
    def resolve_total(obj):
        return obj.assessment.total

    @staticmethod
    def resolve_via_link(obj):
        return obj.via_link_id is not None


class DiaryOut(Schema):
    today: dt.date
    open_items: list[DueItemOut]
    items: list[DueItemOut]
    rule_version: str | None
    source: dict | None
    entries: list[DiaryEntryOut]


class DailyIn(Schema):
    day: dt.date = Field(description="must be today (clinic time): a day's ratings cannot be filled in later")
    answers: dict[SafeStr, dict[SafeStr, SafeStr]] = Field(
        description="instrument id (pain_nrs_current, pain_nrs_average_24h, sleep_quality_nrs, fatigue_nrs) → "
        "{item link_id: answer code}, as in GET /api/instruments/{id}"
    )


def _diary(patient, *, since: dt.date | None = None, limit: int = 60) -> dict:
    now = timezone.now()
    status, _ = selectors.diary_status_for(patient=patient, now=now)
    entries = selectors.recent_diary_days(patient=patient, since=since, limit=limit)
    if status is None:
        return {"today": timezone.localdate(now), "open_items": [], "items": [], "rule_version": None, "source": None,
                "entries": entries}  # fmt: skip
    return {"today": status.today, "open_items": list(status.open_items), "items": list(status.items),
            "rule_version": status.rule_version, "source": status.source.as_dict(), "entries": entries}  # fmt: skip


@operation("get", "/patients/{patient_id}/diary", "diary_get", response={200: DiaryOut, **errors(404)}, tags=TAGS)
def diary_get(request, patient_id: uuid.UUID, since: dt.date | None = None,
              limit: int = Query(60, ge=1, le=ENTRIES_MAX)):  # fmt: skip
    """The diary schedule's status today (what is due, overdue, missed, done) and the entries, newest first:
    the last `limit` (default 60, at most 1000), or those from `since` (a day, inclusive) on."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="diary.view")
    return _diary(patient, since=since, limit=limit)


@operation("post", "/patients/{patient_id}/diary", "diary_record", response={201: DiaryOut, **errors(404, 422)},
           tags=TAGS)  # fmt: skip
def diary_record(request, patient_id: uuid.UUID, body: DailyIn):
    """Today's daily ratings, once per item per day (a second entry for the same day is a 422)."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    services.diary_entry_record(actor=request.user, request=request, patient=patient, answers=body.answers, day=body.day)
    return Status(201, _diary(patient))


Days = list[Annotated[int, Field(ge=1, le=730)]]
Questionnaires = list[Literal["fiqr", "phq9", "gad7"]]


class DiaryScheduleSettings(Schema):
    post_series_offsets_days: Days = Field(description="days after each series for the post-series questionnaires")
    monthly_every_days: int = Field(ge=1, le=730, description="then every … days")
    pgic_offsets_days: Days = Field(description="days after each series for the PGIC")
    weekly_items: Questionnaires
    post_series_items: Questionnaires
    baseline_days: int = Field(ge=1, le=730, description="daily diary starts … days before the first infusion; at "
                               "least the baseline window (7 days), else a 422 naming baseline_days")
    follow_up_days: int = Field(ge=1, le=730, description="the schedule runs … days after the last series")


class DiaryScheduleOut(Schema):
    protocol_code: str
    protocol_name: str
    version: str = Field(description="stored with every reminder and outcome decision made under it")
    source: dict
    edit_number: int = Field(description="0: as shipped; send it back as based_on to change it")
    daily_items: list[str]
    settings: DiaryScheduleSettings


class DiaryScheduleIn(DiaryScheduleSettings):
    why: SafeStr = Field(min_length=1, max_length=policy.WHY_MAX)
    based_on: int = Field(ge=0, le=1_000_000, description="the edit_number you saw; a change made since is a 409")


def _schedule_out(s: policy.ProtocolSchedule) -> dict:
    return {"protocol_code": s.protocol_code, "protocol_name": s.protocol_name, "version": s.policy.version,
            "source": s.policy.source.as_dict(), "edit_number": s.number, "daily_items": list(s.policy.daily_items),
            "settings": policy.policy_settings(s.policy)}  # fmt: skip


@operation("get", "/diary-schedules", "diary_schedules", response={200: list[DiaryScheduleOut], **errors()}, tags=TAGS)
def diary_schedules(request):
    """Each protocol's diary schedule in force (clinic policy), with its version."""
    return [_schedule_out(s) for s in policy.protocol_schedules()]


@operation("put", "/diary-schedules/{protocol_code}", "diary_schedule_change",
           response={200: DiaryScheduleOut, **errors(404, 409)}, tags=TAGS)  # fmt: skip
def diary_schedule_change(request, protocol_code: str, body: DiaryScheduleIn):
    """Put a new diary schedule in force for one protocol (prescriber or admin); the reason is kept with it."""
    try:
        policy.protocol_schedule(protocol_code)
    except DomainValidationError:
        raise Http404 from None
    data = body.dict()
    why, based_on = data.pop("why"), data.pop("based_on")
    try:
        policy.diary_schedule_change(actor=request.user, request=request, protocol_code=protocol_code, settings=data,
                                     why=why, based_on=based_on)  # fmt: skip
    except policy.ScheduleChanged as exc:
        return Status(409, {"detail": f"this schedule was {exc}"})
    return _schedule_out(policy.protocol_schedule(protocol_code))
