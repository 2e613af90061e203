"""What an order and the patient's history look like to the dosing checks (plain frozen values).

The order states the unit of every number it carries, so a value typed in mL/h cannot be read as
mg/kg/h. All datetimes are timezone-aware; malformed input raises DomainValidationError naming the field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.units import Quantity


@dataclass(frozen=True)
class OrderSegment:
    """One step of the ordered programme: ``amount`` held for ``duration_min``.

    ``amount`` is a rate (mg/kg/h, mg/h, mL/h, ...) or, for a "mg/kg over N min" protocol, the dose
    (mg/kg, mg, mL) given evenly over ``duration_min``.
    """

    duration_min: float
    amount: Quantity


@dataclass(frozen=True)
class InfusionOrder:
    planned_start_at: datetime
    segments: tuple[OrderSegment, ...]
    bag_concentration_mg_per_ml: float
    dosing_weight_kg: float | None = None  # the weight the prescriber dosed on; default: latest recorded


@dataclass(frozen=True)
class WeightRecord:
    weight_kg: float
    measured_at: datetime


@dataclass(frozen=True)
class PastSession:
    started_at: datetime
    ended_at: datetime
    delivered_mg: float


@dataclass(frozen=True)
class PatientContext:
    weights: tuple[WeightRecord, ...] = ()
    course_sessions: tuple[PastSession, ...] = ()  # sessions already given in this course
    last_session_ended_at: datetime | None = None  # any course; default: latest of course_sessions


def _aware(field: str, value: datetime) -> datetime:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise DomainValidationError(field, "must be a timezone-aware datetime", "aware datetime (UTC)")
    return value


def _finite_positive(field: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise DomainValidationError(field, f"must be a finite number > 0, got {value!r}", "> 0")
    return float(value)


def validate_order(order: InfusionOrder, patient: PatientContext, now: datetime) -> None:
    _aware("now", now)
    _aware("order.planned_start_at", order.planned_start_at)
    if not order.segments:
        raise DomainValidationError("order.segments", "an order needs at least one segment", ">= 1 segment")
    for i, seg in enumerate(order.segments):
        _finite_positive(f"order.segments[{i}].duration_min", seg.duration_min)
        if seg.amount.value < 0:
            raise DomainValidationError(f"order.segments[{i}].amount.value", f"must be >= 0, got {seg.amount.value:g}", ">= 0")
    _finite_positive("order.bag_concentration_mg_per_ml", order.bag_concentration_mg_per_ml)
    if order.dosing_weight_kg is not None:
        _finite_positive("order.dosing_weight_kg", order.dosing_weight_kg)
    for i, w in enumerate(patient.weights):
        _finite_positive(f"patient.weights[{i}].weight_kg", w.weight_kg)
        if _aware(f"patient.weights[{i}].measured_at", w.measured_at) > now:
            raise DomainValidationError(f"patient.weights[{i}].measured_at", "is in the future", f"<= now ({now.isoformat()})")
    for i, s in enumerate(patient.course_sessions):
        _aware(f"patient.course_sessions[{i}].started_at", s.started_at)
        _aware(f"patient.course_sessions[{i}].ended_at", s.ended_at)
        if s.delivered_mg < 0 or not math.isfinite(s.delivered_mg):
            raise DomainValidationError(f"patient.course_sessions[{i}].delivered_mg", "must be a finite number >= 0", ">= 0")
    if patient.last_session_ended_at is not None:
        _aware("patient.last_session_ended_at", patient.last_session_ended_at)


def segment_rate_mg_per_h(seg: OrderSegment, weight_kg: float | None, conc: float) -> float | None:
    """The segment's rate in mg/h, or None when it needs a weight that is missing."""
    if seg.amount.unit in (units.MG_PER_KG_PER_H, units.MG_PER_KG_PER_MIN, units.MG_PER_KG) and weight_kg is None:
        return None
    if seg.amount.is_rate:
        return units.rate_to_mg_per_h(seg.amount, weight_kg=weight_kg, conc_mg_per_ml=conc)
    dose_mg = units.dose_to_mg(seg.amount, weight_kg=weight_kg, conc_mg_per_ml=conc)
    return dose_mg / units.min_to_h(seg.duration_min)


