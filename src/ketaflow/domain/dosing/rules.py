"""The order checks that are more than "value against bounds": weight, units, interval and course."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

from ketaflow.domain import units
from ketaflow.domain.dosing.limits import (
    HARD,
    NOT_EVALUATED,
    PASS,
    SOFT,
    LimitResult,
    evaluate_limit,
    source_label,
)
from ketaflow.domain.dosing.orders import InfusionOrder, PatientContext
from ketaflow.domain.dosing.policy import DosingPolicy
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.protocols import Escalation, Limit, ProtocolProfile
from ketaflow.domain.sources import Source
from ketaflow.domain.units import Quantity

DERS_UNIT_RULE = Source(
    citation="Smart-pump drug libraries fix one dosing unit per drug entry; unit mismatches are a known "
    "trap (software-anchors.md §3.1, Alaris concentration units)",
    version="1",
    kind="guideline",
)
LB_PER_KG = 2.20462
_S_PER_DAY = 86400.0
_S_PER_H = 3600.0


def _fixed(name: str, status: str, message: str, *, unit: str = "", value: float | None = None,
           source: Source | None = None) -> LimitResult:
    return LimitResult(name, status, value, unit, None, "", source, message)


# --- weight -----------------------------------------------------------------------------------


def weight_results(order: InfusionOrder, protocol: ProtocolProfile, patient: PatientContext, now: datetime,
                   policy: DosingPolicy) -> tuple[list[LimitResult], float | None]:
    """Weight present, plausible, recent, consistent. Returns the results and the dosing weight."""
    records = sorted(patient.weights, key=lambda w: w.measured_at)
    latest = records[-1] if records else None
    weight_kg = order.dosing_weight_kg if order.dosing_weight_kg is not None else (latest and latest.weight_kg)
    out: list[LimitResult] = []
    policy_source = policy.weight_kg.source
    if latest is None:
        out.append(_fixed("weight_recorded", HARD, "no recorded weight: weigh the patient before dosing",
                          source=policy_source))
    else:
        out.append(_fixed("weight_recorded", PASS, f"latest weight {latest.weight_kg:g} kg", unit="kg",
                          value=latest.weight_kg, source=policy_source))
    if weight_kg is None:
        status = HARD if protocol.is_weight_based else NOT_EVALUATED
        out.append(evaluate_limit(policy.weight_kg, None, note=": no dosing weight"))
        out[-1] = _replace_status(out[-1], status)
    else:
        note = ""
        if latest is not None and _looks_like_pounds(weight_kg, _reference_weight(records, weight_kg)):
            note = f"; {weight_kg:g} looks like pounds ({weight_kg / LB_PER_KG:.1f} kg)"
        out.append(evaluate_limit(policy.weight_kg, weight_kg, note=note))

    # Weigh at the later of now and the planned start: the weight must still be fresh when dosing.
    reference_time = max(now, order.planned_start_at)
    age_days = None if latest is None else (reference_time - latest.measured_at).total_seconds() / _S_PER_DAY
    out.append(evaluate_limit(policy.weight_age_days, age_days))

    difference = None
    if latest is not None and weight_kg is not None:
        difference = abs(weight_kg - latest.weight_kg) / latest.weight_kg * 100.0
    out.append(evaluate_limit(policy.dosing_weight_difference_percent, difference,
                              note="" if latest is not None else ": no recorded weight"))

    change = None
    note = ": needs two recorded weights"
    if len(records) >= 2:
        previous, last = records[-2].weight_kg, records[-1].weight_kg
        change = abs(last - previous) / previous * 100.0
        note = f" ({previous:g} kg → {last:g} kg)"
        if _looks_like_pounds(last, previous):
            note += f"; {last:g} looks like pounds ({last / LB_PER_KG:.1f} kg)"
    result = evaluate_limit(policy.weight_change_percent, change, note=note)
    out.append(_replace_status(result, PASS) if result.status == NOT_EVALUATED else result)
    return out, weight_kg


def _reference_weight(records, weight_kg):
    earlier = [r.weight_kg for r in records if r.weight_kg != weight_kg]
    return earlier[-1] if earlier else None


def _looks_like_pounds(value_kg: float, reference_kg: float | None) -> bool:
    return reference_kg is not None and abs(value_kg / reference_kg / LB_PER_KG - 1.0) < 0.05


def _replace_status(result: LimitResult, status: str) -> LimitResult:
    return LimitResult(result.name, status, result.value, result.unit, result.bound, result.bound_kind,
                       result.source or (result.limit.hard_source if result.limit else None),
                       result.message, result.limit, result.segment_index)


# --- units ------------------------------------------------------------------------------------


def _in_protocol_unit(amount: Quantity, duration_min: float, protocol: ProtocolProfile,
                      weight_kg: float | None, conc: float) -> float | None:
    """Express a stated amount in the protocol's dosing unit (None if a needed weight is missing)."""
    try:
        if amount.is_rate:
            rate_mg_per_h = units.rate_to_mg_per_h(amount, weight_kg=weight_kg, conc_mg_per_ml=conc)
        else:
            rate_mg_per_h = units.dose_to_mg(amount, weight_kg=weight_kg, conc_mg_per_ml=conc) / units.min_to_h(duration_min)
        if protocol.dosing_unit == units.MG_PER_KG:
            return units.mg_to_dose(rate_mg_per_h * units.min_to_h(duration_min), units.MG_PER_KG, weight_kg=weight_kg).value
        return units.mg_per_h_to_rate(rate_mg_per_h, protocol.dosing_unit, weight_kg=weight_kg).value
    except DomainValidationError:  # only a missing weight can fail here; validation ran before
        return None


def _plausible_range(protocol: ProtocolProfile) -> tuple[float, float] | None:
    """Soft range of the quantity the protocol doses in, used to spot a value typed in another unit."""
    name = {units.MG_PER_KG_PER_H: "rate_mg_per_kg_per_h", units.MG_PER_H: "rate_mg_per_h",
            units.MG_PER_KG: "session_dose_mg_per_kg"}[protocol.dosing_unit]
    limit = protocol.limit(name)
    if limit is None:
        return None
    low = limit.soft_min if limit.soft_min is not None else limit.hard_min
    high = limit.soft_max if limit.soft_max is not None else limit.hard_max
    return (low or 0.0, high if high is not None else math.inf)


def _hard_range(protocol: ProtocolProfile) -> tuple[float, float]:
    name = {units.MG_PER_KG_PER_H: "rate_mg_per_kg_per_h", units.MG_PER_H: "rate_mg_per_h",
            units.MG_PER_KG: "session_dose_mg_per_kg"}[protocol.dosing_unit]
    limit = protocol.limit(name)
    if limit is None:
        return (0.0, math.inf)
    return (limit.hard_min or 0.0, limit.hard_max if limit.hard_max is not None else math.inf)


def unit_results(order: InfusionOrder, protocol: ProtocolProfile, weight_kg: float | None,
                 conc: float) -> list[LimitResult]:
    """Stated unit must be the protocol's dosing unit; a value only plausible in another unit is flagged."""
    mismatches = [
        f"segment {i + 1} is stated in {seg.amount.unit}"
        for i, seg in enumerate(order.segments) if seg.amount.unit != protocol.dosing_unit
    ]
    out = [
        _fixed("order_unit", HARD, "; ".join(mismatches) + f"; {protocol.code} doses in {protocol.dosing_unit}: "
               "re-enter the order in that unit", unit=protocol.dosing_unit, source=DERS_UNIT_RULE)
        if mismatches else
        _fixed("order_unit", PASS, f"every segment stated in {protocol.dosing_unit}", unit=protocol.dosing_unit,
               source=DERS_UNIT_RULE)
    ]
    plausible = _plausible_range(protocol)
    hard_low, hard_high = _hard_range(protocol)
    suspicions = []
    for i, seg in enumerate(order.segments):
        stated = _in_protocol_unit(seg.amount, seg.duration_min, protocol, weight_kg, conc)
        if stated is None or plausible is None or hard_low <= stated <= hard_high:
            continue
        rereads = []
        same_kind = (units.ML_PER_H, units.MG_PER_H, units.MG_PER_KG_PER_H, units.MG_PER_KG_PER_MIN, units.MG_PER_MIN)
        if protocol.dosing_unit in units.DOSE_UNITS:
            same_kind = (units.ML, units.MG, units.MG_PER_KG)
        for unit in same_kind:
            if unit == seg.amount.unit:
                continue
            reread = _in_protocol_unit(Quantity(seg.amount.value, unit), seg.duration_min, protocol, weight_kg, conc)
            if reread is not None and plausible[0] <= reread <= plausible[1]:
                rereads.append(f"as {seg.amount.value:g} {unit} it would be {reread:.3g} {protocol.dosing_unit}")
        if rereads:
            suspicions.append(f"segment {i + 1}: {seg.amount} is outside the hard limits, but " + " and ".join(rereads)
                              + ": was it typed in another unit?")
    if suspicions:
        out.append(_fixed("unit_mixup", HARD, " ".join(suspicions), unit=protocol.dosing_unit, source=DERS_UNIT_RULE))
    else:
        out.append(_fixed("unit_mixup", PASS, "no sign of a value typed in another unit", unit=protocol.dosing_unit,
                          source=DERS_UNIT_RULE))
    if not any(math.isclose(conc, c, rel_tol=1e-9) for c in protocol.bag_concentrations_mg_per_ml):
        standard = ", ".join(f"{c:g}" for c in protocol.bag_concentrations_mg_per_ml)
        limit = protocol.limit("bag_concentration_mg_per_ml")
        out.append(_fixed("bag_concentration_standard", SOFT, f"{conc:g} mg/mL is not a standard bag ({standard} mg/mL)",
                          unit="mg/mL", value=conc, source=limit.source if limit else DERS_UNIT_RULE))
    else:
        out.append(_fixed("bag_concentration_standard", PASS, f"{conc:g} mg/mL is a standard bag", unit="mg/mL",
                          value=conc, source=DERS_UNIT_RULE))
    return out


# --- interval and course ----------------------------------------------------------------------


def course_results(order: InfusionOrder, protocol: ProtocolProfile, patient: PatientContext,
                   weight_kg: float | None, session_dose_mg: float | None,
                   rates_mg_per_h: list[float | None]) -> list[LimitResult]:
    out = []
    last_end = patient.last_session_ended_at
    if last_end is None and patient.course_sessions:
        last_end = max(s.ended_at for s in patient.course_sessions)
    limit = protocol.limit("interval_between_sessions_h")
    if limit is not None:
        if last_end is None:
            out.append(LimitResult(limit.name, PASS, None, limit.unit, None, "", limit.source,
                                   "no previous session", limit))
        else:
            gap_h = (order.planned_start_at - last_end).total_seconds() / _S_PER_H
            out.append(evaluate_limit(limit, gap_h, note=f" since the session that ended {last_end.isoformat()}"))

    course_mg = None
    if session_dose_mg is not None:
        course_mg = math.fsum([s.delivered_mg for s in patient.course_sessions] + [session_dose_mg])
    limit = protocol.limit("course_dose_mg")
    if limit is not None:
        out.append(evaluate_limit(limit, course_mg, note=" (given so far plus this order)"))
    limit = protocol.limit("course_dose_mg_per_kg")
    if limit is not None:
        per_kg = None
        if course_mg is not None and weight_kg is not None:
            per_kg = units.mg_to_dose(course_mg, units.MG_PER_KG, weight_kg=weight_kg).value
        # Past sessions are divided by today's weight: the course total is a safety sum, not a record.
        out.append(evaluate_limit(limit, per_kg, note=" (given so far plus this order, on today's weight)"))

    sessions = Limit("course_sessions", "sessions", None, float(protocol.course.sessions_max), None, None,
                     protocol.course.source, protocol.course.source)
    out.append(evaluate_limit(sessions, float(len(patient.course_sessions) + 1), note=" including this order"))

    if protocol.escalation is not None:
        out += escalation_results(protocol.escalation, patient, weight_kg, rates_mg_per_h)
    return out


# --- escalation -------------------------------------------------------------------------------
# Two different comparisons, each named for what it compares (policy version 2; version 1 had only
# the first, named "escalation_step" and worded "step 0.2" though 0.2 was a rate, and no check
# compared a step at all):
#   escalation_session_rate  this session's rate  vs the protocol's schedule for this session number
#                            (start + n × step, held at the protocol's cap);
#   escalation_step          this session's rate minus the previous session's mean rate
#                            vs the protocol's per-session step.
# The plan's own cap is checked with the plan (domain.plans.checks: escalation_cap).


def escalation_results(esc: Escalation, patient: PatientContext, weight_kg: float | None,
                       rates_mg_per_h: list[float | None]) -> list[LimitResult]:
    index = len(patient.course_sessions)  # 0-based number of this session in the course
    highest = None
    if weight_kg is not None and all(r is not None for r in rates_mg_per_h):
        highest = max(units.mg_per_h_to_rate(r, esc.unit, weight_kg=weight_kg).value for r in rates_mg_per_h)
    rate_words = "rate" if len(rates_mg_per_h) == 1 else "highest segment rate"
    return [_session_rate_result(esc, index, highest, rate_words),
            _step_result(esc, patient, index, highest, weight_kg, rate_words)]


def _session_rate_result(esc: Escalation, index: int, highest: float | None, rate_words: str) -> LimitResult:
    unit = esc.unit
    expected = esc.rate_for_session(index)
    sessions_to_cap = math.ceil((esc.cap - esc.start) / esc.step - 1e-9) if esc.step > 0 else 0
    at_cap = index >= sessions_to_cap
    source = esc.cap_source if at_cap else esc.source
    limit = Limit("escalation_session_rate", unit, None, expected, None, None, source, source)
    if at_cap:
        schedule = (f"the protocol's escalation cap {esc.cap:g} {unit}, which its schedule reaches at session "
                    f"{sessions_to_cap + 1} (start {esc.start:g} + step {esc.step:g} {unit} per session)")
    elif index == 0:
        schedule = f"the protocol's escalation start rate for session 1 (then + {esc.step:g} {unit} per session)"
    else:
        schedule = (f"the protocol's escalation schedule for session {index + 1} (start {esc.start:g} + "
                    f"{index} × step {esc.step:g} {unit})")
    result = evaluate_limit(limit, highest)
    what = f"session {index + 1} {rate_words}"
    if result.status == NOT_EVALUATED:
        message = f"escalation_session_rate not evaluated: {what} needs the dosing weight"
    elif result.status == PASS:
        message = f"{what} {highest:.4g} {unit} is within the soft max {expected:g} {unit}, {schedule}"
    else:
        message = (f"{what} {highest:.4g} {unit} is above the soft max {expected:g} {unit}, {schedule}; "
                   f"source: {source_label(source)}")
    return replace(result, message=message)


def _step_result(esc: Escalation, patient: PatientContext, index: int, highest: float | None,
                 weight_kg: float | None, rate_words: str) -> LimitResult:
    unit = esc.unit
    limit = Limit("escalation_step", unit, None, esc.step, None, None, esc.source, esc.source)
    per_session = f"the protocol's per-session step {esc.step:g} {unit}"
    if not patient.course_sessions:
        return LimitResult(limit.name, PASS, None, unit, None, "", esc.source,
                           f"session 1 is the first of the course: no step to compare with {per_session}", limit)
    previous = max(patient.course_sessions, key=lambda s: s.started_at)
    hours = (previous.ended_at - previous.started_at).total_seconds() / _S_PER_H
    if highest is None or weight_kg is None or hours <= 0:
        why = "the dosing weight" if highest is None or weight_kg is None else "a previous session with a positive duration"
        return replace(evaluate_limit(limit, None),
                       message=f"escalation_step not evaluated: the step into session {index + 1} needs {why}")
    previous_rate = units.mg_per_h_to_rate(previous.delivered_mg / hours, unit, weight_kg=weight_kg).value
    step = highest - previous_rate
    result = evaluate_limit(limit, step)
    what = (f"session {index + 1} step {step:.4g} {unit} (session {index} mean rate {previous_rate:.4g} {unit}: "
            f"{previous.delivered_mg:.4g} mg over {hours:.3g} h on {weight_kg:g} kg; session {index + 1} "
            f"{rate_words} {highest:.4g} {unit})")
    if result.status == PASS:
        message = f"{what} is within {per_session}"
    else:
        message = f"{what} is above the soft max {esc.step:g} {unit}, {per_session}; source: {source_label(esc.source)}"
    return replace(result, message=message)
