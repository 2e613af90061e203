"""Creating, signing and amending treatment plans. The domain generates and checks; this file stores."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ketaflow.clinic.accounts.roles import Role
from ketaflow.clinic.audit.services import audit_record
from ketaflow.clinic.plans.catalogue import PLAN_KIND, profile_for
from ketaflow.clinic.plans.dosing import dosing_policy
from ketaflow.clinic.plans.models import Plan, PlanSession
from ketaflow.clinic.plans.selectors import weights_read_then_entered_in_error
from ketaflow.clinic.screening.mappers import screening_input_for
from ketaflow.clinic.screening.selectors import latest_screening
from ketaflow.clinic.screening.services import decision_of
from ketaflow.domain.dosing import WeightRecord
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.checks import (
    SIGNING_RULE_VERSION,
    PlanCheck,
    SigningCheck,
    check_plan,
    signing_check,
)
from ketaflow.domain.plans.generate import generate_plan
from ketaflow.domain.plans.goal_catalogue import CATALOGUE_VERSION as GOAL_CATALOGUE_VERSION
from ketaflow.domain.plans.goal_catalogue import choose_goals
from ketaflow.domain.plans.spec import RULE_VERSION as PLAN_RULE_VERSION
from ketaflow.domain.plans.spec import Dose, PlanSpec
from ketaflow.domain.screening import screen
from ketaflow.domain.screening.overrides import screening_new_concerns

REVIEW_AFTER_END_DAYS = 14  # clinic policy: review the plan two weeks after the series window ends
SESSION_START = time(9, 0)  # planned start used for checks before sessions are booked
MEANINGS = ("approved",)


class SigningRefused(Exception):
    def __init__(self, blockers):
        self.blockers = tuple(blockers)
        super().__init__("; ".join(self.blockers))


def _weights(patient, as_of: date) -> tuple[WeightRecord, ...]:
    """The weights known on the day the plan is written (a plan dated in the past sees no later weighing); a
    weight marked entered in error is not read."""
    return tuple(
        WeightRecord(float(m.weight_kg), datetime.combine(m.measured_on, time(0, 0), tzinfo=UTC))
        for m in patient.measurements.current().filter(measured_on__lte=as_of).order_by("-measured_on", "-recorded_at")[:5]
    )


def _first_session_at(start_date: date) -> datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(start_date, SESSION_START, tzinfo=zone).astimezone(UTC)


def _spec(*, kind, n_sessions, start_dose, dose_unit, dose_over_min, duration_min, series_window_days,
          escalation_step, escalation_cap, goals=None) -> PlanSpec:  # fmt: skip
    dose = Dose(Fraction(str(start_dose)), dose_unit, dose_over_min)
    return PlanSpec(
        kind=kind, n_sessions=n_sessions, start_dose=dose, duration_min=duration_min,
        series_window_days=series_window_days,
        escalation_step=Fraction(str(escalation_step)) if escalation_step not in (None, "") else None,
        escalation_cap=Fraction(str(escalation_cap)) if escalation_cap not in (None, "") else None,
        goals=goals,
    )  # fmt: skip


def _finite_float(value):
    return value if value is None or not isinstance(value, float) or math.isfinite(value) else None


def _check_dict(plan_check: PlanCheck) -> dict:
    sessions = []
    for i, c in enumerate(plan_check.session_checks, start=1):
        sessions.append({
            "index": i, "status": c.status, "dosing_weight_kg": c.dosing_weight_kg,
            # without a dosing weight (none recorded, or the only one entered in error) the mg figures are
            # NaN, which JSON cannot store: kept as null, the hard 'no dosing weight' violation says why
            "session_dose_mg": _finite_float(c.session_dose_mg),
            "session_dose_mg_per_kg": _finite_float(c.session_dose_mg_per_kg),
            "rates_mg_per_h": [_finite_float(x) for x in c.rates_mg_per_h],
            "pump_rates_ml_per_h": [_finite_float(x) for x in c.pump_rates_ml_per_h],
            "violations": [
                {"name": r.name, "status": r.status, "value": r.value, "unit": r.unit, "bound": r.bound,
                 "bound_kind": r.bound_kind, "message": r.message,
                 "source": r.source.as_dict() if r.source else None}
                for r in c.results if r.status in ("soft_violation", "hard_violation", "not_evaluated")
            ],
        })  # fmt: skip
    first = plan_check.session_checks[0]
    plan_level = [
        {"name": r.name, "status": r.status, "value": r.value, "unit": r.unit, "bound": r.bound,
         "bound_kind": r.bound_kind, "message": r.message, "source": r.source.as_dict() if r.source else None}
        for r in plan_check.plan_results if r.status in ("soft_violation", "hard_violation", "not_evaluated")
    ]  # fmt: skip
    return {
        "status": plan_check.status, "soft_limits": list(plan_check.soft_limit_names),
        "hard_count": len(plan_check.hard_violations), "sessions": sessions, "plan_violations": plan_level,
        "protocol_version": first.protocol_version, "policy_version": first.policy_version,
    }  # fmt: skip


def _goal_text(goal: dict) -> str:
    threshold = goal["threshold"]
    return f"{goal['metric']} {goal['comparator']} {', '.join(threshold) if isinstance(threshold, list) else threshold}"


def _finite_or_none(value):
    return None if value is None or value != value else Decimal(str(round(value, 2)))


def plan_create(
    *,
    actor,
    request=None,
    patient,
    protocol: str,
    n_sessions: int,
    start_dose,
    duration_min: int,
    series_window_days: int,
    start_date: date,
    bag_concentration_mg_per_ml,
    escalation_step=None,
    escalation_cap=None,
    amends: Plan | None = None,
    amendment_reason: str = "",
    goals: list | None = None,
    now: datetime | None = None,
) -> Plan:
    """Generate a draft plan from a protocol and check every session against its dose limits.

    ``goals``: rows {metric, comparator, threshold} checked against the goal catalogue (GoalProblems lists
    every bad row); None gives the plan kind's defaults, or for an amendment of the same kind the goals of
    the version it amends."""
    now = now or timezone.now()
    if protocol not in PLAN_KIND:
        raise DomainValidationError("protocol", f"unknown protocol {protocol!r}", ", ".join(PLAN_KIND))
    if start_date < timezone.localdate(now):
        raise DomainValidationError("start_date", "is in the past", f"on or after {timezone.localdate(now)}")
    if amends is not None and not amendment_reason.strip():
        raise DomainValidationError("amendment_reason", "is required: say why the plan changes")
    profile = profile_for(protocol)
    kind = PLAN_KIND[protocol]
    if goals is None and amends is not None and amends.kind == kind:
        goals = [{k: g.get(k) for k in ("metric", "comparator", "threshold")} for g in amends.goals]
    chosen_goals = choose_goals(kind, goals)
    per_kg_dose = profile.dosing_unit == "mg/kg"
    dose_unit = "dose_mg_per_kg" if per_kg_dose else "rate_mg_per_kg_per_h"
    over_min = duration_min if per_kg_dose else None
    spec = _spec(
        kind=kind, n_sessions=n_sessions, start_dose=start_dose, dose_unit=dose_unit, dose_over_min=over_min,
        duration_min=duration_min, series_window_days=series_window_days,
        escalation_step=escalation_step, escalation_cap=escalation_cap, goals=chosen_goals,
    )  # fmt: skip  (a step or cap given for a plan that does not escalate is refused, never dropped)
    generated = generate_plan(spec)
    weights = _weights(patient, timezone.localdate(now))
    spacing_h = max(24.0, series_window_days * 24.0 / n_sessions) if n_sessions > 1 else 24.0
    plan_check = check_plan(
        generated, profile=profile, weights=weights, first_session_at=_first_session_at(start_date),
        session_spacing_h=spacing_h, bag_concentration_mg_per_ml=float(bag_concentration_mg_per_ml),
        dosing_weight_kg=None, now=now, dosing_policy=dosing_policy(),
    )  # fmt: skip
    check = _check_dict(plan_check)
    end_date = start_date + timedelta(days=series_window_days - 1)
    screening = latest_screening(patient=patient)
    with transaction.atomic():
        plan = Plan.objects.create(
            patient=patient, version=(amends.version + 1) if amends else 1, amends=amends,
            amendment_reason=amendment_reason.strip(), protocol_code=profile.code, protocol_version=profile.version,
            protocol_name=profile.name, kind=kind, dose_unit=dose_unit, start_dose=Decimal(str(start_dose)),
            dose_over_min=over_min,
            escalation_step=Decimal(str(escalation_step)) if kind == "escalating" and escalation_step else None,
            escalation_cap=Decimal(str(escalation_cap)) if kind == "escalating" and escalation_cap else None,
            n_sessions=n_sessions, duration_min=duration_min, series_window_days=series_window_days,
            start_date=start_date, end_date=end_date, review_date=end_date + timedelta(days=REVIEW_AFTER_END_DAYS),
            bag_concentration_mg_per_ml=Decimal(str(bag_concentration_mg_per_ml)),
            dosing_weight_kg=Decimal(str(weights[0].weight_kg)) if weights else None,
            goals=[g.as_dict() for g in generated.goals],
            notes=[{"session": n.session_index, "message": n.message} for n in generated.notes],
            dose_check=check, screening=screening, created_by=actor,
            rule_versions={"plans": PLAN_RULE_VERSION, "signing": SIGNING_RULE_VERSION,
                           "protocol": f"{profile.code}@{profile.version}", "dosing": check["policy_version"],
                           "goals": GOAL_CATALOGUE_VERSION},
        )  # fmt: skip
        for s, c in zip(generated.sessions, check["sessions"], strict=True):
            PlanSession.objects.create(
                plan=plan, index=s.index, dose_value=Decimal(str(float(s.dose.value))), dose_unit=dose_unit,
                duration_min=s.duration_min, planned_mg_per_kg=Decimal(str(round(float(s.planned_delivered_mg_per_kg), 4))),
                planned_mg=_finite_or_none(c["session_dose_mg"]),
                pump_rate_ml_per_h=_finite_or_none(c["pump_rates_ml_per_h"][0] if c["pump_rates_ml_per_h"] else None),
                held_at_cap=s.held_at_cap,
            )  # fmt: skip
        audit_record(
            actor=actor, action="plan.amend" if amends else "plan.create", request=request, object_type="plan",
            object_id=plan.pk, patient_id=patient.pk,
            detail={"protocol": profile.code, "check": check["status"], "amends": amends.pk if amends else None,
                    "goals": [_goal_text(g) for g in plan.goals], "goal_catalogue": GOAL_CATALOGUE_VERSION},
        )  # fmt: skip
    return plan


def plan_signing_check(plan: Plan, soft_reasons: dict[str, str]) -> SigningCheck:
    """Signability from the stored session checks and the patient's latest screening (the domain decides)."""
    screening = latest_screening(patient=plan.patient)
    hard = tuple(
        f"session {s['index']}: {v['message']}"
        for s in plan.dose_check["sessions"] for v in s["violations"] if v["status"] == "hard_violation"
    ) + tuple(
        f"plan: {v['message']}" for v in plan.dose_check.get("plan_violations", ()) if v["status"] == "hard_violation"
    ) + tuple(
        f"plan: the dose check read {m.weight_kg} kg (measured {m.measured_on}), since marked entered in error; "
        "write the plan again so that it reads the current weights"
        for m in weights_read_then_entered_in_error(plan)
    )
    return signing_check(
        hard_violations=hard, soft_limit_names=tuple(plan.dose_check["soft_limits"]), soft_reasons=soft_reasons,
        screening_outcome=screening.outcome if screening else None,
        screening_cleared=bool(screening and screening.cleared_by_override),
        screening_new_concerns=_new_concerns(screening),
    )  # fmt: skip


def _new_concerns(screening) -> tuple[str, ...]:
    """Re-run the screening rules on today's intake: what changed since the stored decision blocks signing."""
    if screening is None:
        return ()
    today = timezone.localdate()
    fresh = screen(screening_input_for(screening.patient, indication=screening.indication, today=today),
                   screened_on=today)  # fmt: skip
    return screening_new_concerns(decision_of(screening), fresh)


def plan_sign(*, actor, request=None, plan: Plan, password: str, meaning: str, soft_reasons: dict[str, str],
              now: datetime | None = None) -> Plan:
    """The prescriber re-enters their password and states the meaning; the signed plan is locked."""
    if actor.role != Role.PRESCRIBER:
        raise DomainValidationError("signer", "only a prescriber may sign a treatment plan")
    if not actor.check_password(password or ""):
        raise DomainValidationError("password", "is not correct; re-enter your own password to sign")
    if meaning not in MEANINGS:
        raise DomainValidationError("meaning", f"unknown signature meaning {meaning!r}", ", ".join(MEANINGS))
    soft_limits = plan.dose_check["soft_limits"]
    unknown = sorted(set(soft_reasons) - set(soft_limits))
    if unknown:  # never dropped silently: a reason for a limit this plan does not exceed is a mistake
        raise DomainValidationError(
            f"soft_reasons.{unknown[0]}", "is not a soft limit this plan exceeds", ", ".join(soft_limits) or "none"
        )
    reasons = {k: v.strip() for k, v in soft_reasons.items() if v.strip()}
    check = plan_signing_check(plan, reasons)
    if not check.may_sign:
        raise SigningRefused(check.blockers)
    with transaction.atomic():
        updated = Plan.objects.filter(pk=plan.pk, status=Plan.Status.DRAFT).update(
            status=Plan.Status.SIGNED, signed_by=actor, signed_at=now or timezone.now(), signature_meaning=meaning,
            soft_reasons=reasons,
        )  # fmt: skip
        if not updated:
            raise DomainValidationError("plan", "is no longer a draft (signed or replaced by someone else)")
        if plan.amends_id:
            Plan.objects.filter(pk=plan.amends_id).update(status=Plan.Status.SUPERSEDED)
        audit_record(
            actor=actor, action="plan.sign", request=request, object_type="plan", object_id=plan.pk,
            patient_id=plan.patient_id, detail={"meaning": meaning, "soft_reasons": sorted(reasons)},
        )  # fmt: skip
    plan.refresh_from_db()
    return plan
