"""The escalation cap is part of the plan and is checked against the protocol's per-session ceiling, even
when no session reaches it (QA of issue 5: a cap of 5 mg/kg/h, ten times the hard maximum, passed unseen)."""

from datetime import UTC, datetime
from fractions import Fraction

import pytest

from ketaflow.domain.dosing import WeightRecord
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.plans.checks import check_plan
from ketaflow.domain.plans.generate import generate_plan
from ketaflow.domain.plans.spec import Dose, PlanSpec
from ketaflow.domain.protocols.profiles import protocol_get

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
WEIGHTS = (WeightRecord(70.0, datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),)


def check(step, cap):
    spec = PlanSpec(kind="escalating", n_sessions=10, start_dose=Dose(Fraction("0.1"), "rate_mg_per_kg_per_h"),
                    duration_min=240, series_window_days=14, escalation_step=Fraction(step),
                    escalation_cap=Fraction(cap))  # fmt: skip
    return check_plan(generate_plan(spec), profile=protocol_get("chronic_pain_escalating"), weights=WEIGHTS,
                      first_session_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC), session_spacing_h=24,
                      bag_concentration_mg_per_ml=1.0, dosing_weight_kg=None, now=NOW)  # fmt: skip


def test_a_cap_above_the_hard_maximum_is_a_hard_violation_though_no_session_reaches_it():
    result = check(step="0.01", cap="5")
    assert max(float(c.session_dose_mg_per_kg) for c in result.session_checks) < 1  # sessions stay low
    (cap,) = result.plan_results
    assert cap.name == "escalation_cap" and cap.status == "hard_violation" and cap.bound == 0.6
    assert cap in result.hard_violations and result.status == "hard_violation"
    assert "against rate_mg_per_kg_per_h" in cap.message


def test_a_cap_between_the_soft_and_hard_maximum_needs_a_reason():
    result = check(step="0.05", cap="0.5")
    assert result.plan_results[0].status == "soft_violation" and result.plan_results[0].bound == 0.35
    assert "escalation_cap" in result.soft_limit_names


def test_the_protocol_cap_passes():
    result = check(step="0.05", cap="0.35")
    assert [r.status for r in result.plan_results] == ["pass"]
    assert "escalation_cap" not in result.soft_limit_names


def test_a_plan_that_does_not_escalate_has_no_cap_check_and_refuses_a_step():
    spec = dict(kind="induction", n_sessions=6, start_dose=Dose(Fraction("0.3"), "rate_mg_per_kg_per_h"),
                duration_min=120, series_window_days=21)  # fmt: skip
    result = check_plan(generate_plan(PlanSpec(**spec)), profile=protocol_get("fibromyalgia_induction"),
                        weights=WEIGHTS, first_session_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
                        session_spacing_h=72, bag_concentration_mg_per_ml=1.0, dosing_weight_kg=None, now=NOW)  # fmt: skip
    assert result.plan_results == ()
    with pytest.raises(DomainValidationError, match="an induction plan does not escalate") as refused:
        generate_plan(PlanSpec(**spec, escalation_step=Fraction("0.05")))
    assert refused.value.field == "escalation_step"
