"""check_order as a whole: statuses, unit mix-ups, missing or suspicious weights, refusals, overrides."""

from datetime import datetime, timedelta

import pytest
from order_builders import NOW, standard_order, weighed

from ketaflow.domain.dosing import (
    HARD,
    PASS,
    SOFT,
    InfusionOrder,
    OrderSegment,
    PatientContext,
    WeightRecord,
    can_proceed,
    check_order,
    missing_override_reasons,
)
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.protocols import protocol_get
from ketaflow.domain.units import Quantity

INDUCTION = protocol_get("fibromyalgia_induction")
DEPRESSION = protocol_get("depression_standard")


def check(order, patient=None, protocol=INDUCTION):
    return check_order(order=order, protocol=protocol, patient=patient or weighed(), now=NOW)


def test_a_standard_induction_order_passes_and_reports_pump_rate_and_dose():
    result = check(standard_order(rate=0.5, duration_min=240))
    assert result.status == PASS
    assert result.pump_rates_ml_per_h == (35.0,) and result.session_dose_mg == 140.0
    assert result.session_dose_mg_per_kg == 2.0 and result.session_duration_min == 240.0
    assert (result.protocol_code, result.protocol_version, result.policy_version) == ("fibromyalgia_induction", "1", "2")
    assert result.checked_at == NOW


def test_the_depression_order_is_stated_as_mg_per_kg_over_forty_minutes():
    order = standard_order(rate=0.5, unit="mg/kg", duration_min=40)
    result = check(order, protocol=DEPRESSION)
    assert result.status == PASS
    assert result.rates_mg_per_h[0] == pytest.approx(52.5, rel=1e-12)  # 0.75 mg/kg/h × 70 kg
    assert result.session_dose_mg == pytest.approx(35.0, rel=1e-12)


def test_a_rate_stated_in_ml_per_h_on_a_mg_per_kg_per_h_protocol_is_blocked_but_still_evaluated():
    result = check(standard_order(rate=35.0, unit="mL/h"))
    assert result.result("order_unit").status == HARD
    assert "mL/h" in result.result("order_unit").message
    assert result.result("rate_mg_per_kg_per_h").value == pytest.approx(0.5, rel=1e-12)
    assert result.status == HARD


def test_a_pump_rate_typed_into_the_mg_per_kg_per_h_field_is_caught_as_a_unit_mixup():
    result = check(standard_order(rate=35.0, unit="mg/kg/h", conc=2.0))
    mixup = result.result("unit_mixup")
    assert mixup.status == HARD
    assert "as 35 mL/h it would be 1 mg/kg/h" not in mixup.message  # 35 mL/h of 2 mg/mL = 1 mg/kg/h: above soft max
    assert "as 35 mg/h it would be 0.5 mg/kg/h" in mixup.message
    assert result.result("rate_mg_per_kg_per_h").status == HARD


def test_a_mg_per_kg_per_min_slip_is_caught():
    result = check(standard_order(rate=0.5 / 60, unit="mg/kg/h"))  # meant 0.5 mg/kg/h, typed its per-minute value
    assert result.result("unit_mixup").status == HARD and "mg/kg/min it would be 0.5 mg/kg/h" in result.result("unit_mixup").message


def test_a_plausible_order_raises_no_unit_suspicion():
    assert check(standard_order(rate=0.8)).result("unit_mixup").status == PASS


def test_a_depression_dose_typed_in_mg_is_caught():
    result = check(standard_order(rate=35.0, unit="mg/kg", duration_min=40), protocol=DEPRESSION)
    assert result.result("unit_mixup").status == HARD and "35 mg" in result.result("unit_mixup").message


def test_a_missing_weight_blocks_a_weight_based_order_and_leaves_per_kg_checks_unevaluated():
    result = check(standard_order(), PatientContext())
    assert result.result("weight_recorded").status == HARD
    assert result.result("weight_kg").status == HARD
    assert result.result("rate_mg_per_kg_per_h").status == "not_evaluated"
    assert result.status == HARD and result.session_dose_mg_per_kg is None


def test_a_stale_weight_needs_a_reason_and_a_very_old_one_blocks():
    assert check(standard_order(), weighed(days_ago=45)).result("weight_age_days").status == SOFT
    assert check(standard_order(), weighed(days_ago=120)).result("weight_age_days").status == HARD


def test_a_weight_that_looks_like_pounds_is_blocked_and_explained():
    patient = PatientContext(weights=(WeightRecord(70.0, NOW - timedelta(days=30)),
                                      WeightRecord(154.3, NOW - timedelta(days=1))))
    result = check(standard_order(), patient)
    assert result.result("weight_change_percent").status == HARD
    assert "looks like pounds" in result.result("weight_change_percent").message


def test_dosing_on_a_weight_other_than_the_recorded_one_is_flagged():
    result = check(standard_order(weight=80.0))
    assert result.result("dosing_weight_difference_percent").status == HARD
    assert result.dosing_weight_kg == 80.0


def test_an_implausible_weight_is_a_hard_violation_not_an_error():
    assert check(standard_order(), weighed(weight_kg=7.0)).result("weight_kg").status == HARD


def test_a_session_planned_before_the_last_one_ended_is_blocked():
    patient = weighed(last_session_ended_at=NOW + timedelta(hours=1))
    assert check(standard_order(), patient).result("interval_between_sessions_h").status == HARD


def test_a_non_standard_bag_needs_a_reason():
    assert check(standard_order(conc=1.5)).result("bag_concentration_standard").status == SOFT


def test_soft_violations_need_a_reason_each_before_the_order_can_proceed():
    result = check(standard_order(rate=0.8, duration_min=240))
    assert result.status == SOFT
    names = {r.name for r in result.soft_violations}
    assert "rate_mg_per_kg_per_h" in names
    assert set(missing_override_reasons(result, {})) == names
    assert not can_proceed(result, {n: "  " for n in names})
    assert can_proceed(result, {n: "tolerated 0.8 last course" for n in names})


def test_a_hard_violation_cannot_proceed_whatever_the_reasons():
    result = check(standard_order(rate=1.2))
    assert result.status == HARD and not can_proceed(result, {r.name: "because" for r in result.results})


def test_nothing_is_clamped_the_ordered_value_is_reported_as_ordered():
    result = check(standard_order(rate=5.0))
    assert result.result("rate_mg_per_kg_per_h").value == 5.0 and result.rates_mg_per_h == (350.0,)


@pytest.mark.parametrize(("order", "field"), [
    (standard_order(duration_min=0.0), "order.segments[0].duration_min"),
    (standard_order(rate=-0.1), "order.segments[0].amount.value"),
    (standard_order(conc=0.0), "order.bag_concentration_mg_per_ml"),
    (standard_order(weight=-70.0), "order.dosing_weight_kg"),
    (standard_order(start=datetime(2026, 11, 22, 9)), "order.planned_start_at"),
    (InfusionOrder(NOW, (), 1.0), "order.segments"),
])
def test_malformed_orders_raise_a_validation_error_naming_the_field(order, field):
    with pytest.raises(DomainValidationError) as err:
        check(order)
    assert err.value.field == field


def test_a_naive_clock_is_refused():
    with pytest.raises(DomainValidationError) as err:
        check_order(order=standard_order(), protocol=INDUCTION, patient=weighed(), now=datetime(2026, 1, 1))
    assert err.value.field == "now"


def test_a_weight_measured_in_the_future_is_refused():
    with pytest.raises(DomainValidationError) as err:
        check(standard_order(), weighed(days_ago=-1))
    assert err.value.field == "patient.weights[0].measured_at"


def test_every_result_names_a_source():
    result = check(standard_order(rate=0.8))
    assert all(r.source is not None and r.source.citation for r in result.results if r.status != "not_evaluated")


def test_escalating_order_in_mixed_segments_uses_the_highest_rate():
    order = InfusionOrder(NOW, (OrderSegment(120, Quantity(0.1, "mg/kg/h")), OrderSegment(120, Quantity(0.15, "mg/kg/h"))),
                          1.0)
    result = check(order, protocol=protocol_get("chronic_pain_escalating"))
    assert result.result("escalation_session_rate").status == SOFT  # first session: scheduled rate 0.1


def test_the_check_serialises_to_json_with_sources_and_bounds():
    import json

    data = json.loads(json.dumps(check(standard_order(rate=0.8)).as_dict()))
    assert data["status"] == SOFT and data["protocol_version"] == "1"
    rate = next(r for r in data["results"] if r["name"] == "rate_mg_per_kg_per_h")
    assert rate["bound"] == 0.6 and rate["bounds"]["hard_max"] == 1.0 and rate["source"]["citation"]
    assert json.dumps(check(standard_order(), PatientContext()).as_dict(), allow_nan=False)  # unknown dose → null
