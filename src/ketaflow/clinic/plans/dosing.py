"""One order checked against its protocol, and its predicted plasma concentration (the API's dosing calls).

The shell loads the patient's recorded weights and the sessions already given in the course, and calls the
domain (dosing.check_order, pk.predict); nothing is stored. Reading a patient's record is audited by the
caller (patient_get).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from ketaflow.clinic.plans.catalogue import PLAN_KIND, profile_for
from ketaflow.domain import units
from ketaflow.domain.dosing import DEFAULT_POLICY as DEFAULT_DOSING_POLICY
from ketaflow.domain.dosing import (
    DosingPolicy,
    InfusionOrder,
    OrderCheck,
    OrderSegment,
    PastSession,
    PatientContext,
    WeightRecord,
    check_order,
    missing_override_reasons,
    with_weight_max_age,
)
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.pk import Prediction, predict, program_from_order, program_from_segments

PREDICTION_MODEL = "kamp2020"  # the model the session chart draws (reports/session_chart.py)
WASHOUT_MIN = 120.0


def dosing_policy() -> DosingPolicy:
    """The domain's labelled defaults with the clinic's KETAFLOW_WEIGHT_MAX_AGE_DAYS (read per call, so a
    changed setting takes effect): the same weight age the infusion check-in gate uses."""
    from django.conf import settings

    return with_weight_max_age(DEFAULT_DOSING_POLICY, settings.KETAFLOW_WEIGHT_MAX_AGE_DAYS)


@dataclass(frozen=True)
class OrderCheckOutcome:
    check: OrderCheck
    weight_source: str  # "record" | "stated" | "none"
    course_sessions: int
    prediction: Prediction | None


def recorded_weights(patient, *, as_of: date) -> tuple[WeightRecord, ...]:
    """The five latest weights measured on or before ``as_of`` (a weight dated later is not yet known); a
    weight marked entered in error is not read."""
    return tuple(
        WeightRecord(float(m.weight_kg), datetime.combine(m.measured_on, time(0, 0), tzinfo=timezone.get_current_timezone()))
        for m in patient.measurements.current().filter(measured_on__lte=as_of).order_by("-measured_on", "-recorded_at")[:5]
    )


def course_context(*, patient, now: datetime, plan=None) -> tuple[tuple[WeightRecord, ...], tuple[PastSession, ...], datetime | None]:
    """The patient's recent weights, the sessions already given under ``plan`` and the versions it amends
    (the course) and when the patient's last infusion of any plan ended."""
    from ketaflow.clinic.infusions.models import InfusionSession

    given = InfusionSession.objects.filter(patient=patient, started_at__isnull=False, stopped_at__lte=now)
    course = ()
    if plan is not None:
        versions, current = [], plan  # an amendment continues the course of the versions it replaced
        while current is not None and len(versions) < 20:
            versions.append(current.pk)
            current = current.amends
        course = tuple(
            PastSession(started_at=s.started_at, ended_at=s.stopped_at,
                        delivered_mg=float((s.delivered or {}).get("dose_mg") or 0.0))
            for s in given.filter(plan_id__in=versions).order_by("started_at")[:60]
        )  # fmt: skip
    last = given.order_by("-stopped_at").values_list("stopped_at", flat=True).first()
    return recorded_weights(patient, as_of=timezone.localdate(now)), course, last


def order_check(
    *,
    protocol: str,
    segments: list[tuple[float, float, str]],
    bag_concentration_mg_per_ml: float,
    now: datetime,
    planned_start_at: datetime | None = None,
    patient=None,
    plan=None,
    dosing_weight_kg: float | None = None,
    weight_measured_on: date | None = None,
    model: str = PREDICTION_MODEL,
) -> OrderCheckOutcome:
    """Check an order of ``segments`` (duration_min, amount, unit) for a recorded patient or a stated weight.

    With a patient: their recorded weights (``dosing_weight_kg`` if given is the weight dosed on, compared
    with the record), the course given so far under ``plan`` and the interval since their last infusion.
    Without: ``dosing_weight_kg`` stands as a weight measured on ``weight_measured_on`` (default today).
    """
    if protocol not in PLAN_KIND:
        raise DomainValidationError("protocol", f"unknown protocol {protocol!r}", ", ".join(PLAN_KIND))
    if plan is not None and patient is None:
        raise DomainValidationError("plan_id", "needs the plan's patient", "give patient_id with plan_id")
    profile = profile_for(protocol)
    order_segments = tuple(
        OrderSegment(duration_min=d, amount=units.Quantity(value, unit)) for d, value, unit in segments
    )
    if patient is not None:
        weights, course, last_end = course_context(patient=patient, now=now, plan=plan)
        source = "record" if weights else "none"
        if dosing_weight_kg is not None:
            source = "stated"
    else:
        weights, course, last_end = (), (), None
        source = "none"
        if dosing_weight_kg is not None:
            local_today = timezone.localdate(now)
            measured = weight_measured_on or local_today
            if measured > local_today:
                raise DomainValidationError("weight_measured_on", "is in the future", f"on or before {local_today}")
            measured_at = datetime.combine(measured, time(0, 0), tzinfo=timezone.get_current_timezone())
            weights, source = (WeightRecord(float(dosing_weight_kg), measured_at),), "stated"
    order = InfusionOrder(
        planned_start_at=planned_start_at or now, segments=order_segments,
        bag_concentration_mg_per_ml=float(bag_concentration_mg_per_ml), dosing_weight_kg=dosing_weight_kg,
    )  # fmt: skip
    context = PatientContext(weights=weights, course_sessions=course, last_session_ended_at=last_end)
    check = check_order(order=order, protocol=profile, patient=context, now=now, policy=dosing_policy())
    prediction = None
    weight = check.dosing_weight_kg
    if weight is not None and math.isfinite(check.session_dose_mg):
        program = program_from_order(order)
        prediction = predict(program, weight_kg=float(weight), model=model, end_min=program.end_min + WASHOUT_MIN)
    return OrderCheckOutcome(check, source, len(course), prediction)


def reasons_needed(check: OrderCheck) -> tuple[str, ...]:
    return missing_override_reasons(check, {})


def plan_session_program(plan, session):
    """One planned session as a PK programme: its rate for its length, or its mg/kg spread over the minutes."""
    if session.dose_unit == "rate_mg_per_kg_per_h":
        amount = units.Quantity(float(session.dose_value), units.MG_PER_KG_PER_H)
        return program_from_segments([(float(session.duration_min), amount)])
    minutes = float(plan.dose_over_min or session.duration_min)
    return program_from_segments([(minutes, units.Quantity(float(session.dose_value), units.MG_PER_KG))])


def plan_session_predictions(plan, sessions, *, model: str = PREDICTION_MODEL) -> dict[int, Prediction]:
    """Predicted Cp of each planned session for the plan's dosing weight (none without one); sessions with
    the same dose share one solve."""
    if plan.dosing_weight_kg is None:
        return {}
    weight = float(plan.dosing_weight_kg)
    solved: dict[tuple, Prediction] = {}
    out = {}
    for s in sessions:
        key = (s.dose_unit, s.dose_value, s.duration_min)
        if key not in solved:
            program = plan_session_program(plan, s)
            solved[key] = predict(program, weight_kg=weight, model=model, end_min=program.end_min + WASHOUT_MIN)
        out[s.index] = solved[key]
    return out
