"""The diary: what is due (the schedule's status with its rule version) and today's daily ratings."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from ninja import Schema, Status
from pydantic import Field

from ketaflow.api.base import SafeStr, errors, operation
from ketaflow.clinic.diaries import selectors, services
from ketaflow.clinic.patients.selectors import patient_get

TAGS = ["diary"]


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


def _diary(patient) -> dict:
    now = timezone.now()
    status, _ = selectors.diary_status_for(patient=patient, now=now)
    entries = selectors.recent_diary_days(patient=patient)
    if status is None:
        return {"today": timezone.localdate(now), "open_items": [], "items": [], "rule_version": None, "source": None,
                "entries": entries}  # fmt: skip
    return {"today": status.today, "open_items": list(status.open_items), "items": list(status.items),
            "rule_version": status.rule_version, "source": status.source.as_dict(), "entries": entries}  # fmt: skip


@operation("get", "/patients/{patient_id}/diary", "diary_get", response={200: DiaryOut, **errors(404)}, tags=TAGS)
def diary_get(request, patient_id: uuid.UUID):
    """The diary schedule's status today (what is due, overdue, missed, done) and the recent entries."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="diary.view")
    return _diary(patient)


@operation("post", "/patients/{patient_id}/diary", "diary_record", response={201: DiaryOut, **errors(404, 422)},
           tags=TAGS)  # fmt: skip
def diary_record(request, patient_id: uuid.UUID, body: DailyIn):
    """Today's daily ratings, once per item per day (a second entry for the same day is a 422)."""
    patient = patient_get(user=request.user, patient_id=patient_id, request=request, audit_action="")
    services.diary_entry_record(actor=request.user, request=request, patient=patient, answers=body.answers, day=body.day)
    return Status(201, _diary(patient))
