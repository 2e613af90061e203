"""Each protocol's diary schedule as the clinic has set it: the packaged table (domain/outcomes/
diary_policies.json) unless a prescriber or admin has changed it on the settings page, in which case the
latest DiaryScheduleEdit is in force and its number is part of the policy's version."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.diaries.models import DiaryScheduleEdit
from ketaflow.clinic.plans.catalogue import protocol_choices
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.baseline import BaselinePolicy
from ketaflow.domain.outcomes.diary_policies import TABLE, diary_policy_for, policy_from_overrides
from ketaflow.domain.outcomes.diary_schedule import DiarySchedulePolicy

EDITABLE = ("post_series_offsets_days", "monthly_every_days", "pgic_offsets_days", "weekly_items",
            "post_series_items", "baseline_days", "follow_up_days")  # fmt: skip
QUESTIONNAIRES = ("fiqr", "phq9", "gad7")  # the ones with a grace period and expiry in the schedule rule
WHY_MAX = 500
LABELS = {"pain_nrs_current": "pain now", "pain_nrs_average_24h": "pain 24-h average", "sleep_quality_nrs": "sleep",
          "fatigue_nrs": "fatigue", "fiqr": "FIQR", "phq9": "PHQ-9", "gad7": "GAD-7", "pgic": "PGIC"}  # fmt: skip


class ScheduleChanged(Exception):
    """Someone else changed this protocol's schedule after the editor opened it."""


@dataclass(frozen=True)
class ProtocolSchedule:
    protocol_code: str
    protocol_name: str
    policy: DiarySchedulePolicy
    edit: DiaryScheduleEdit | None

    @property
    def number(self) -> int:
        return self.edit.number if self.edit else 0

    def _labels(self, ids) -> str:
        return ", ".join(LABELS.get(i, i) for i in ids) or "none"

    @property
    def daily_labels(self) -> str:
        return self._labels(self.policy.daily_items)

    @property
    def weekly_labels(self) -> str:
        return self._labels(self.policy.weekly_items)

    @property
    def post_series_labels(self) -> str:
        return self._labels(self.policy.post_series_items)


def _table_for(protocol_code: str, edit: DiaryScheduleEdit | None) -> dict:
    if edit is None:
        return TABLE
    return {"version": f"{TABLE['version']}+clinic-edit-{edit.number}", "protocols": {protocol_code: edit.settings}}


def _latest(protocol_code: str) -> DiaryScheduleEdit | None:
    return DiaryScheduleEdit.objects.filter(protocol_code=protocol_code).select_related("created_by").first()


def effective_diary_policy(protocol_code: str | None) -> DiarySchedulePolicy:
    edit = _latest(protocol_code) if protocol_code else None
    return diary_policy_for(protocol_code, _table_for(protocol_code or "", edit))


def protocol_schedules() -> list[ProtocolSchedule]:
    latest = {}
    for edit in DiaryScheduleEdit.objects.select_related("created_by"):  # ordered by protocol, newest first
        latest.setdefault(edit.protocol_code, edit)
    return [ProtocolSchedule(code, name, diary_policy_for(code, _table_for(code, latest.get(code))), latest.get(code))
            for code, name in protocol_choices()]  # fmt: skip


def protocol_schedule(protocol_code: str) -> ProtocolSchedule:
    names = dict(protocol_choices())
    if protocol_code not in names:
        raise DomainValidationError("protocol_code", f"{protocol_code!r} is not a protocol", ", ".join(names))
    edit = _latest(protocol_code)
    return ProtocolSchedule(protocol_code, names[protocol_code], diary_policy_for(protocol_code, _table_for(protocol_code, edit)), edit)


def _validated(settings: dict) -> dict:
    missing = [name for name in EDITABLE if name not in settings]
    if missing:
        raise DomainValidationError(missing[0], "is required", "every editable setting: " + ", ".join(EDITABLE))
    unknown = sorted(set(settings) - set(EDITABLE))
    if unknown:
        raise DomainValidationError(unknown[0], "is not an editable diary setting", ", ".join(EDITABLE))
    for name in ("weekly_items", "post_series_items"):
        bad = [i for i in settings[name] if i not in QUESTIONNAIRES]
        if bad or len(set(settings[name])) != len(settings[name]):
            raise DomainValidationError(name, f"{settings[name]} is not a list of distinct questionnaires", ", ".join(QUESTIONNAIRES))
    for name in ("post_series_offsets_days", "pgic_offsets_days"):
        days = settings[name]
        if any(isinstance(d, bool) or not isinstance(d, int) or not 1 <= d <= 730 for d in days) or len(set(days)) != len(days):
            raise DomainValidationError(name, f"{days} must be distinct whole days after the series", "1–730")
    for name in ("monthly_every_days", "baseline_days", "follow_up_days"):
        value = settings[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 730:
            raise DomainValidationError(name, f"{value!r} is out of range", "whole number 1–730")
    baseline = BaselinePolicy()  # the outcome rules read the daily pain of these days before infusion 1
    if settings["baseline_days"] < baseline.window_days:
        raise DomainValidationError(
            "baseline_days", f"{settings['baseline_days']} days is too short for the baseline pain, which is the "
            f"mean of the {baseline.window_days} days before infusion 1 ({baseline.source.citation}, "
            f"{baseline.version})", f"whole number {baseline.window_days}–730")  # fmt: skip
    clean = {k: sorted(settings[k]) if k.endswith("_days") and isinstance(settings[k], list) else settings[k] for k in EDITABLE}
    policy_from_overrides(clean, label="check", table_version="check")  # the domain's own checks, too
    return clean


def diary_schedule_change(*, actor, request=None, protocol_code: str, settings: dict, why: str,
                          based_on: int) -> DiaryScheduleEdit:  # fmt: skip
    """Put a protocol's new diary schedule in force. ``based_on`` is the edit number the editor saw (0 for the
    packaged default): a change made meanwhile by someone else is refused, not overwritten."""
    protocol_schedule(protocol_code)  # refuses an unknown protocol, naming the field
    why = (why or "").strip()
    if not why or len(why) > WHY_MAX:
        raise DomainValidationError("why", "say why the schedule changes", f"1–{WHY_MAX} characters")
    clean = _validated(dict(settings))
    try:
        with transaction.atomic():
            latest = _latest(protocol_code)
            if (latest.number if latest else 0) != based_on:
                raise ScheduleChanged(f"changed meanwhile (now edit {latest.number if latest else 0}); reload and redo")
            edit = DiaryScheduleEdit.objects.create(protocol_code=protocol_code, number=based_on + 1, settings=clean,
                                                    why=why, created_by=actor)  # fmt: skip
            audit_record(actor=actor, request=request, action="diary_schedule.change", object_type="diary_schedule",
                         object_id=f"{protocol_code}#{edit.number}", detail={"settings": clean, "why": why})  # fmt: skip
    except IntegrityError as exc:  # two editors saving the same number at once
        raise ScheduleChanged("changed meanwhile by someone else; reload and redo") from exc
    return edit


def policy_settings(policy: DiarySchedulePolicy) -> dict:
    return {name: list(getattr(policy, name)) if isinstance(getattr(policy, name), tuple) else getattr(policy, name)
            for name in EDITABLE}  # fmt: skip
