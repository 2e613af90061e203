"""A whole plan against the protocol's dose limits, and whether it may be signed.

Each planned session becomes an order that dosing checks (protocol soft/hard limits, weight age,
interval, course cumulative dose counting the earlier planned sessions). A plan may be signed only
when no session has a hard violation, every soft violation carries a prescriber's reason, and the
screening decision lets the patient proceed (eligible, or cleared by the required overrides).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from ketaflow.domain import units
from ketaflow.domain.dosing import (
    DEFAULT_POLICY,
    HARD,
    SOFT,
    DosingPolicy,
    InfusionOrder,
    OrderCheck,
    OrderSegment,
    PastSession,
    PatientContext,
    WeightRecord,
    check_order,
)
from ketaflow.domain.dosing.limits import LimitResult, evaluate_limit
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.generate import Plan
from ketaflow.domain.plans.spec import DoseUnit
from ketaflow.domain.protocols import Limit
from ketaflow.domain.protocols.profiles import ProtocolProfile
from ketaflow.domain.sources import Source

SIGNING_RULE_VERSION = "plan-signing-2026.11.1"
SIGNING_SOURCE = Source.clinic_policy(
    "a plan is signed only with no hard dose-limit violation, a recorded reason for every soft violation, "
    "and a screening decision that lets the patient proceed",
    SIGNING_RULE_VERSION,
)


@dataclass(frozen=True)
class PlanCheck:
    session_checks: tuple[OrderCheck, ...]
    plan_results: tuple[LimitResult, ...] = ()  # checks of the plan itself, e.g. its escalation cap

    @property
    def hard_violations(self) -> tuple:
        return tuple(r for c in self.session_checks for r in c.hard_violations) + tuple(
            r for r in self.plan_results if r.status == HARD
        )

    @property
    def soft_limit_names(self) -> tuple[str, ...]:
        """Each soft-violated limit once (a reason covers that limit for the whole plan)."""
        seen: list[str] = []
        soft = [r for c in self.session_checks for r in c.soft_violations]
        for r in soft + [r for r in self.plan_results if r.status == SOFT]:
            if r.name not in seen:
                seen.append(r.name)
        return tuple(seen)

    @property
    def status(self) -> str:
        if self.hard_violations:
            return HARD
        return SOFT if self.soft_limit_names else "pass"


def _segment(session, unit_dose: DoseUnit) -> OrderSegment:
    value = float(session.dose.value)
    if unit_dose is DoseUnit.RATE_MG_PER_KG_PER_H:
        return OrderSegment(duration_min=session.duration_min, amount=units.Quantity(value, units.MG_PER_KG_PER_H))
    return OrderSegment(duration_min=session.dose.over_min, amount=units.Quantity(value, units.MG_PER_KG))


def check_plan(
    plan: Plan,
    *,
    profile: ProtocolProfile,
    weights: tuple[WeightRecord, ...],
    first_session_at: datetime,
    session_spacing_h: float,
    bag_concentration_mg_per_ml: float,
    dosing_weight_kg: float | None,
    now: datetime,
    dosing_policy: DosingPolicy = DEFAULT_POLICY,
) -> PlanCheck:
    """Check every planned session in order; earlier sessions count towards the course dose."""
    if session_spacing_h <= 0:
        raise DomainValidationError("session_spacing_h", "must be positive", "> 0 h")
    checks: list[OrderCheck] = []
    past: list[PastSession] = []
    for i, session in enumerate(plan.sessions):
        start = first_session_at + timedelta(hours=session_spacing_h * i)
        order = InfusionOrder(
            planned_start_at=start,
            segments=(_segment(session, session.dose.unit),),
            bag_concentration_mg_per_ml=bag_concentration_mg_per_ml,
            dosing_weight_kg=dosing_weight_kg,
        )
        context = PatientContext(weights=weights, course_sessions=tuple(past))
        # Plans are checked before they run: "now" for weight age is the session's own planned start.
        check = check_order(order=order, protocol=profile, patient=context, now=max(now, start), policy=dosing_policy)
        checks.append(check)
        minutes = session.duration_min if session.dose.unit is DoseUnit.RATE_MG_PER_KG_PER_H else session.dose.over_min
        if math.isfinite(check.session_dose_mg):  # not without a weight: that is already a hard stop
            past.append(PastSession(started_at=start, ended_at=start + timedelta(minutes=minutes),
                                    delivered_mg=check.session_dose_mg))  # fmt: skip
    return PlanCheck(tuple(checks), _cap_results(plan, profile))


def _cap_results(plan: Plan, profile: ProtocolProfile) -> tuple[LimitResult, ...]:
    """The escalation cap is part of the plan and printed with it: it is checked against the protocol's
    per-session ceiling (rate, or dose for mg/kg protocols) even when no session reaches it."""
    cap = plan.inputs.get("escalation_cap")
    if cap is None:
        return ()
    rate = plan.inputs["start_dose"]["unit"] == DoseUnit.RATE_MG_PER_KG_PER_H.value
    ceiling = profile.limit("rate_mg_per_kg_per_h" if rate else "session_dose_mg_per_kg")
    if ceiling is None:
        return ()
    limit = Limit("escalation_cap", ceiling.unit, None, ceiling.soft_max, None, ceiling.hard_max,
                  ceiling.source, ceiling.hard_source)  # fmt: skip
    return (evaluate_limit(limit, float(Fraction(cap)), note=f" (the plan's cap, checked against {ceiling.name})"),)


@dataclass(frozen=True)
class SigningCheck:
    may_sign: bool
    blockers: tuple[str, ...]
    rule_version: str = SIGNING_RULE_VERSION
    source: Source = SIGNING_SOURCE


def signing_check(
    *,
    hard_violations: tuple[str, ...],
    soft_limit_names: tuple[str, ...],
    soft_reasons: dict[str, str],
    screening_outcome: str | None,
    screening_cleared: bool,
    screening_new_concerns: tuple[str, ...] = (),
) -> SigningCheck:
    """``hard_violations`` are the messages of every hard violation of the plan's sessions;
    ``soft_limit_names`` each soft-violated limit once (a stored PlanCheck gives both)."""
    blockers: list[str] = []
    for message in hard_violations:
        blockers.append(f"Hard limit: {message}")
    for name in soft_limit_names:
        if not (soft_reasons.get(name) or "").strip():
            blockers.append(f"Soft limit {name} needs a prescriber's reason.")
    if screening_outcome is None:
        blockers.append("The patient has not been screened.")
    elif screening_outcome != "eligible" and not screening_cleared:
        blockers.append(f"Screening is '{screening_outcome}' and has not been cleared by the required override(s).")
    for message in screening_new_concerns:
        blockers.append(f"Screening is out of date: the intake now shows '{message}'. Run screening again.")
    return SigningCheck(not blockers, tuple(dict.fromkeys(blockers)))
