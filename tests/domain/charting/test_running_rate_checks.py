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
