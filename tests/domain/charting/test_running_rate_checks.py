"""A rate typed at the chair: protocol limits, the signed order, and the pump rate beside it."""

import pytest

from ketaflow.domain import units
from ketaflow.domain.charting.rates import check_running_rate
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.protocols.profiles import protocol_get

PROFILE = protocol_get("chronic_pain_escalating")


def rate(value, unit="mg/kg/h", ordered=0.3):
    return check_running_rate(rate=units.Quantity(value, unit), weight_kg=70, bag_concentration_mg_per_ml=1.0,
                              ordered_rate_mg_per_kg_per_h=ordered, profile=PROFILE)  # fmt: skip


def test_the_ordered_rate_passes_and_shows_the_pump_rate():
    check = rate(0.3)
    assert check.status == "pass" and check.pump_rate_ml_per_h == pytest.approx(21.0, rel=1e-12)


def test_above_the_order_needs_a_reason_and_above_the_hard_limit_is_refused():
    assert rate(0.32).status == "soft_violation" and rate(0.32).above_order
    assert rate(0.7).status == "hard_violation"


def test_a_pump_rate_in_ml_per_h_is_converted_not_mistaken_for_a_dose_rate():
    check = rate(21, "mL/h")
    assert check.rate_mg_per_kg_per_h == pytest.approx(0.3, rel=1e-12) and check.status == "pass"


def test_a_dose_unit_is_not_a_rate():
    with pytest.raises(DomainValidationError) as err:
        rate(0.3, "mg/kg")
    assert err.value.field == "rate.unit"


def test_the_ordered_rate_typed_as_the_pump_shows_it_needs_no_reason():
    # 0.1 mg/kg/h × 93.3 kg ÷ 1 mg/mL = 9.33 mL/h; the pump and the page show 9.3 mL/h = 0.09968 mg/kg/h,
    # below the protocol's soft minimum 0.1 by the rounding only
    check = check_running_rate(rate=units.Quantity(9.3, "mL/h"), weight_kg=93.3, bag_concentration_mg_per_ml=1.0,
                               ordered_rate_mg_per_kg_per_h=0.1, profile=PROFILE)  # fmt: skip
    assert check.at_order and check.status == "pass" and check.messages == ()
    assert check.rate_mg_per_kg_per_h == pytest.approx(9.3 / 93.3, rel=1e-12)  # the dose is the rate typed


def test_half_a_pump_step_above_the_ordered_pump_rate_is_above_the_order():
    check = check_running_rate(rate=units.Quantity(9.4, "mL/h"), weight_kg=93.3, bag_concentration_mg_per_ml=1.0,
                               ordered_rate_mg_per_kg_per_h=0.1, profile=PROFILE)  # fmt: skip
    assert not check.at_order and check.above_order and check.status == "soft_violation"


def test_a_hard_refusal_names_the_bound_in_words_and_asks_for_no_reason():
    messages = " ".join(rate(5).messages)
    assert "Dose rate 5 mg/kg/h is above the hard maximum 0.6 mg/kg/h" in messages
    assert "reason is required" not in messages and "cannot be given, even with a reason" in messages
    assert "rate_mg_per_kg_per_h" not in messages
