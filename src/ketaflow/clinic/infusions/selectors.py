"""Reads for charting: the facts the gates need, the exact delivered dose, the chart's series."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from ketaflow.clinic.patients.policy import intake_policy
from ketaflow.clinic.plans.catalogue import profile_for
from ketaflow.clinic.plans.selectors import weights_read_then_entered_in_error
from ketaflow.clinic.screening.selectors import latest_screening
from ketaflow.domain import units
from ketaflow.domain.charting.gates import CheckInFacts, pregnancy_test_needed
from ketaflow.domain.charting.vitals import vitals_cadence
from ketaflow.domain.dosing import delivered_dose, segments_from_rate_changes
from ketaflow.domain.intake import age_years, weight_for_dosing


def hours_since_last_session(session, *, now: datetime) -> float | None:
    from ketaflow.clinic.infusions.models import InfusionSession

    last = (
        InfusionSession.objects.filter(patient_id=session.patient_id, stopped_at__isnull=False)
        .exclude(pk=session.pk).order_by("-stopped_at").values_list("stopped_at", flat=True).first()
    )
    return None if last is None else (now - last).total_seconds() / 3600


def other_session_in_progress(session) -> str:
    """Another of the patient's infusions checked in and not yet discharged: '#1 running', or ''."""
    from ketaflow.clinic.infusions.models import InfusionSession

    other = (InfusionSession.objects.filter(patient_id=session.patient_id, status__in=ACTIVE_STATES)
             .exclude(pk=session.pk).select_related("plan_session").first())  # fmt: skip
    return f"#{other.plan_session.index} {other.status_label}" if other else ""


def min_interval_h(session) -> float:
    limit = profile_for(session.plan.protocol_code).limit("interval_between_sessions_h")
    return float(limit.hard_min or limit.soft_min or 0) if limit else 0.0


def _intake_changed_after(patient, moment: datetime) -> bool:
    """A medication, condition or allergy recorded or removed after the screening ran: its answer may be out
    of date."""
    return any(rows.filter(Q(recorded_at__gt=moment) | Q(ended_at__gt=moment)).exists()
               for rows in (patient.medications, patient.conditions, patient.allergies))  # fmt: skip


def checkin_facts(session, *, now: datetime, pre_vitals_recorded: bool, hours_since_last: float | None) -> CheckInFacts:
    patient = session.patient
    latest = patient.measurements.current().order_by("-measured_on", "-recorded_at").first()
    today = timezone.localdate(now)
    weight = weight_for_dosing(
        latest.weight_kg if latest else None, latest.measured_on if latest else None, today=today,
        policy=intake_policy(),
    )
    weight_usable, weight_reason = weight.usable, weight.reason
    wrong = [m for m in weights_read_then_entered_in_error(session.plan) if m.is_dosing_weight]
    if weight_usable and wrong:  # the session doses on the plan's stored weight: a wrong one must not run
        weight_usable = False
        weight_reason = (f"the plan's dosing weight {wrong[0].weight_kg} kg was marked entered in error; "
                         "amend the plan so that it doses on the current weight")  # fmt: skip
    screening = latest_screening(patient=patient)
    return CheckInFacts(
        escort_confirmed=session.escort_confirmed,
        fasting_hours_solids=float(session.fasting_hours_solids) if session.fasting_hours_solids is not None else None,
        pre_vitals_recorded=pre_vitals_recorded, pre_pain_nrs=session.pre_pain_nrs,
        pregnancy_test_needed=pregnancy_test_needed(sex=patient.sex, age_years=age_years(patient.date_of_birth, today)),
        pregnancy_test_negative=session.pregnancy_test_negative, weight_usable=weight_usable, weight_reason=weight_reason,
        screening_may_proceed=bool(screening and screening.may_proceed), hours_since_last_session=hours_since_last,
        screening_age_days=(now - screening.run_at).days if screening else None,
        intake_changed_since_screening=bool(screening and _intake_changed_after(patient, screening.run_at)),
        other_session_in_progress=other_session_in_progress(session),
        ordered_dose_mg=float(session.ordered_rate_mg_per_kg_per_h) * float(session.dosing_weight_kg)
        * session.ordered_duration_min / 60 if session.dosing_weight_kg else None,
        min_interval_h=min_interval_h(session), bag_lot=session.bag_lot,
        bag_concentration_mg_per_ml=float(session.bag_concentration_mg_per_ml)
        if session.bag_concentration_mg_per_ml is not None else None,
        bag_volume_ml=float(session.bag_volume_ml) if session.bag_volume_ml is not None else None,
        ordered_concentration_mg_per_ml=float(session.ordered_concentration_mg_per_ml),
    )  # fmt: skip


def rate_changes(session) -> list[tuple[datetime, units.Quantity]]:
    return [(e.at, units.Quantity(float(e.rate_mg_per_h), units.MG_PER_H)) for e in session.rate_events.all()]


def delivered_for(session, *, stopped_at: datetime) -> dict:
    """Exact delivered dose from the charted rate segments (mg and mg/kg), as stored on the session."""
    changes = rate_changes(session)
    if not changes:
        return {"dose_mg": 0.0, "dose_mg_per_kg": 0.0, "volume_ml": 0.0, "duration_min": 0.0}
    segments = segments_from_rate_changes(changes, stopped_at=stopped_at)
    weight = float(session.dosing_weight_kg) if session.dosing_weight_kg else None
    conc = float(session.bag_concentration_mg_per_ml or session.ordered_concentration_mg_per_ml)
    dose = delivered_dose(segments, weight_kg=weight, bag_concentration_mg_per_ml=conc)
    ordered_mg = float(session.ordered_rate_mg_per_kg_per_h) * (weight or 0) * session.ordered_duration_min / 60
    return {"dose_mg": dose.dose_mg, "dose_mg_per_kg": dose.dose_mg_per_kg, "volume_ml": dose.volume_ml,
            "duration_min": dose.duration_min, "ordered_mg": ordered_mg,
            "percent_of_order": 100 * dose.dose_mg / ordered_mg if ordered_mg else None,
            "segments": [{"duration_min": s.duration_min, "rate_mg_per_h": s.rate.value} for s in segments]}  # fmt: skip


def running_minutes(delivered: dict) -> float:
    """Minutes the pump ran at a rate above 0 (pauses not counted), from delivered_for's segments."""
    return sum(seg["duration_min"] for seg in delivered.get("segments", []) if seg["rate_mg_per_h"] > 0)


def progress_for(session, *, now: datetime) -> dict | None:
    """While the pump runs or is paused: the dose delivered so far (exact, from the segments up to now), the
    ordered minutes left and, if it runs on uninterrupted, when the ordered time is reached."""
    if session.status not in ("running", "paused") or session.started_at is None:
        return None
    so_far = delivered_for(session, stopped_at=now)
    remaining = max(session.ordered_duration_min - running_minutes(so_far), 0.0)
    return {"delivered": so_far, "running_min": running_minutes(so_far), "remaining_min": remaining,
            "ordered_end": now + timedelta(minutes=remaining) if session.status == "running" else None}  # fmt: skip


def cadence_for(session, *, now: datetime):
    if session.started_at is None or session.status not in ("running", "paused"):
        return None
    readings = [v for v in session.vitals.all() if v.at >= session.started_at]
    latest = max(readings, key=lambda v: (v.at, v.pk), default=None)
    return vitals_cadence(started_at=session.started_at, reading_times=tuple(v.at for v in readings),
                          interval_min=session.vitals_interval_min, now=now,
                          last_level=latest.level if latest else "normal")  # fmt: skip


def sessions_for_patient(*, patient, limit: int = 50):
    from ketaflow.clinic.infusions.models import InfusionSession

    return list(InfusionSession.objects.filter(patient=patient).select_related("plan_session", "plan")[:limit])


ACTIVE_STATES = ("checked_in", "running", "paused", "recovery", "stopped_early")


def sessions_in_progress(*, now: datetime, limit: int = 40) -> list:
    """Sessions in the chairs now, each with its vitals cadence and any alert still unanswered."""
    from ketaflow.clinic.infusions.models import InfusionSession

    sessions = list(InfusionSession.objects.filter(status__in=ACTIVE_STATES).select_related("patient", "plan_session")
                    .prefetch_related("vitals").order_by("checked_in_at")[:limit])  # fmt: skip
    for s in sessions:
        s.cadence = cadence_for(s, now=now)
        s.unanswered_alerts = sum(1 for v in s.vitals.all() if v.level != "normal" and not v.response_taken)
    return sessions
