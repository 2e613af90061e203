"""A plan against the escalating protocol's limits; signing needs no hard violation, reasons for soft
ones, and screening that lets the patient proceed (clinic policy plan-signing-2026.11.1)."""

from datetime import UTC, datetime
from fractions import Fraction

import pytest

from ketaflow.domain.dosing import WeightRecord
from ketaflow.domain.plans.checks import check_plan, signing_check
from ketaflow.domain.plans.generate import generate_plan
from ketaflow.domain.plans.spec import Dose, PlanSpec
from ketaflow.domain.protocols.profiles import protocol_get

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
WEIGHTS = (WeightRecord(70.0, datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),)


def escalating(start="0.1", step="0.05", cap="0.35", n=10, minutes=240):
    spec = PlanSpec(kind="escalating", n_sessions=n, start_dose=Dose(Fraction(start), "rate_mg_per_kg_per_h"),
                    duration_min=minutes, series_window_days=14, escalation_step=Fraction(step),
                    escalation_cap=Fraction(cap))  # fmt: skip
    return generate_plan(spec)


def sign(result, **kw):
    return signing_check(hard_violations=tuple(r.message for r in result.hard_violations),
                         soft_limit_names=result.soft_limit_names, **kw)  # fmt: skip


def check(plan, **kw):
    args = dict(profile=protocol_get("chronic_pain_escalating"), weights=WEIGHTS,
                first_session_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), session_spacing_h=24,
                bag_concentration_mg_per_ml=1.0, dosing_weight_kg=None, now=NOW)  # fmt: skip
    args.update(kw)
    return check_plan(plan, **args)


def test_the_standard_escalating_series_checks_every_session():
    result = check(escalating())
    assert len(result.session_checks) == 10
    assert result.hard_violations == ()


def test_a_cap_above_the_hard_rate_limit_is_a_hard_violation_that_blocks_signing():
    result = check(escalating(cap="0.7", step="0.1"))
    assert result.status == "hard_violation"
    signing = sign(result, soft_reasons={}, screening_outcome="eligible", screening_cleared=False)
    assert not signing.may_sign and any("Hard limit" in b for b in signing.blockers)


def test_a_soft_violation_needs_a_reason_and_then_allows_signing():
    result = check(escalating(cap="0.5", step="0.1"))
    assert result.hard_violations == () and "rate_mg_per_kg_per_h" in result.soft_limit_names
    without = sign(result, soft_reasons={}, screening_outcome="eligible", screening_cleared=False)
    reasons = {name: "Tolerated 0.5 mg/kg/h in 2025 without side effects" for name in result.soft_limit_names}
    with_reasons = sign(result, soft_reasons=reasons, screening_outcome="eligible", screening_cleared=False)
    assert not without.may_sign and with_reasons.may_sign


def test_unscreened_or_uncleared_patients_cannot_be_signed():
    result = check(escalating())
    reasons = {name: "ok" for name in result.soft_limit_names}
    assert not sign(result, soft_reasons=reasons, screening_outcome=None, screening_cleared=False).may_sign
    blocked = sign(result, soft_reasons=reasons, screening_outcome="needs_review", screening_cleared=False)
    cleared = sign(result, soft_reasons=reasons, screening_outcome="needs_review", screening_cleared=True)
    assert not blocked.may_sign and cleared.may_sign


def test_earlier_sessions_count_towards_the_course_cap():
    spec = PlanSpec(kind="induction", n_sessions=10, start_dose=Dose(Fraction("0.35"), "rate_mg_per_kg_per_h"),
                    duration_min=240, series_window_days=14)  # fmt: skip
    result = check(generate_plan(spec))
    course = [c.result("course_dose_mg_per_kg") for c in result.session_checks]
    assert course[0].value == pytest.approx(1.4, rel=1e-12)
    assert course[-1].value == pytest.approx(14.0, rel=1e-12)


def test_a_missing_weight_blocks_signing():
    result = check(escalating(), weights=())
    assert result.status == "hard_violation"
