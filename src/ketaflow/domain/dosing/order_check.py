"""Check an infusion order against its protocol profile, the dosing policy and the patient's history.

Modelled on smart-pump dose-error reduction (software-anchors.md §3): every limit yields an explicit
:class:`~ketaflow.domain.dosing.limits.LimitResult`; a soft violation needs a prescriber's reason,
a hard violation blocks the order. Nothing is clamped: the ordered values are reported as ordered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from ketaflow.domain import units
from ketaflow.domain.dosing.limits import (
    HARD,
    NOT_EVALUATED,
    PASS,
    SEVERITY,
    SOFT,
    LimitResult,
    evaluate_limit,
    worst,
)
from ketaflow.domain.dosing.orders import InfusionOrder, PatientContext, segment_rate_mg_per_h, validate_order
from ketaflow.domain.dosing.policy import DEFAULT_POLICY, DosingPolicy
from ketaflow.domain.dosing.rules import course_results, unit_results, weight_results
from ketaflow.domain.protocols import ProtocolProfile


@dataclass(frozen=True)
class OrderCheck:
    status: str  # worst status over all results (not_evaluated never appears alone: see weight checks)
    results: tuple[LimitResult, ...]
    protocol_code: str
    protocol_version: str
    policy_version: str
    checked_at: datetime
    dosing_weight_kg: float | None
    rates_mg_per_h: tuple[float, ...]
    pump_rates_ml_per_h: tuple[float, ...]
    session_dose_mg: float
    session_dose_mg_per_kg: float | None
    session_duration_min: float

    @property
    def soft_violations(self) -> tuple[LimitResult, ...]:
        return tuple(r for r in self.results if r.status == SOFT)

    @property
    def hard_violations(self) -> tuple[LimitResult, ...]:
        return tuple(r for r in self.results if r.status == HARD)

    def result(self, name: str) -> LimitResult:
        return next(r for r in self.results if r.name == name)

    def as_dict(self) -> dict:
        """JSON-ready (NaN for an unknown dose becomes None), for the audit trail and the API."""
        def number(x):
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else x

        return {
            "status": self.status, "protocol_code": self.protocol_code, "protocol_version": self.protocol_version,
            "policy_version": self.policy_version, "checked_at": self.checked_at.isoformat(),
            "dosing_weight_kg": self.dosing_weight_kg,
            "rates_mg_per_h": [number(r) for r in self.rates_mg_per_h],
            "pump_rates_ml_per_h": [number(r) for r in self.pump_rates_ml_per_h],
            "session_dose_mg": number(self.session_dose_mg), "session_dose_mg_per_kg": self.session_dose_mg_per_kg,
            "session_duration_min": self.session_duration_min,
            "results": [r.as_dict() for r in self.results],
        }


def missing_override_reasons(check: OrderCheck, reasons: Mapping[str, str]) -> tuple[str, ...]:
    """Names of soft violations that still lack a non-blank prescriber reason."""
    return tuple(r.name for r in check.soft_violations if not reasons.get(r.name, "").strip())


def can_proceed(check: OrderCheck, reasons: Mapping[str, str]) -> bool:
    """True when nothing is hard-violated and every soft violation has a reason."""
    return not check.hard_violations and not missing_override_reasons(check, reasons)


def check_order(
    *,
    order: InfusionOrder,
    protocol: ProtocolProfile,
    patient: PatientContext,
    now: datetime,
    policy: DosingPolicy = DEFAULT_POLICY,
) -> OrderCheck:
    """Check ``order`` against every limit of ``protocol`` and ``policy``.

    Raises DomainValidationError for malformed input (non-positive duration or concentration,
    negative amount, naive datetimes, a weight measured in the future). Clinical problems are
    never raised: they come back as results.
    """
    validate_order(order, patient, now)
    conc = float(order.bag_concentration_mg_per_ml)
    weight_checks, weight_kg = weight_results(order, protocol, patient, now, policy)
    rates = [segment_rate_mg_per_h(seg, weight_kg, conc) for seg in order.segments]
    rates_known = all(r is not None for r in rates)
    doses_mg = [r * units.min_to_h(s.duration_min) for r, s in zip(rates, order.segments, strict=True) if r is not None]
    session_dose_mg = math.fsum(doses_mg) if rates_known else math.nan
    session_dose_mg_per_kg = (
        units.mg_to_dose(session_dose_mg, units.MG_PER_KG, weight_kg=weight_kg).value
        if rates_known and weight_kg is not None else None
    )
    duration_min = math.fsum(s.duration_min for s in order.segments)

    results: list[LimitResult] = list(weight_checks)
    results += unit_results(order, protocol, weight_kg, conc)
    for name, per_kg in (("rate_mg_per_kg_per_h", True), ("rate_mg_per_h", False)):
        limit = protocol.limit(name)
        if limit is None:
            continue
        per_segment = []
        for i, rate in enumerate(rates):
            value = None
            if rate is not None and not (per_kg and weight_kg is None):
                value = units.mg_per_h_to_mg_per_kg_per_h(rate, weight_kg) if per_kg else rate
            per_segment.append(evaluate_limit(limit, value, segment_index=i))
        results.append(worst(per_segment))
    session_values = {
        "session_dose_mg_per_kg": session_dose_mg_per_kg,
        "session_dose_mg": session_dose_mg if rates_known else None,
        "session_duration_min": duration_min,
        "bag_concentration_mg_per_ml": conc,
    }
    for name, value in session_values.items():
        limit = protocol.limit(name)
        if limit is not None:
            results.append(evaluate_limit(limit, value))
    results += course_results(
        order, protocol, patient, weight_kg, session_dose_mg if rates_known else None, rates
    )

    status = max((r.status for r in results), key=SEVERITY.__getitem__, default=PASS)
    return OrderCheck(
        status=PASS if status == NOT_EVALUATED else status,
        results=tuple(results),
        protocol_code=protocol.code,
        protocol_version=protocol.version,
        policy_version=policy.version,
        checked_at=now,
        dosing_weight_kg=weight_kg,
        rates_mg_per_h=tuple(math.nan if r is None else r for r in rates),
        pump_rates_ml_per_h=tuple(math.nan if r is None else units.mg_per_h_to_ml_per_h(r, conc) for r in rates),
        session_dose_mg=session_dose_mg,
        session_dose_mg_per_kg=session_dose_mg_per_kg,
        session_duration_min=duration_min,
    )
