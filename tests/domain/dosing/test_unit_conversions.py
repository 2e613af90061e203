"""domain/units.py: the one place units convert. Tolerances: rel 1e-15 unless stated."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain import units
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.units import Quantity, parse_quantity

weights = st.floats(1.0, 400.0)
concs = st.floats(0.1, 100.0)
rates = st.floats(0.0, 100.0)


def test_half_mg_per_kg_per_h_for_70_kg_on_a_1_mg_per_ml_bag_runs_at_35_ml_per_h():
    mg_per_h = units.rate_to_mg_per_h(Quantity(0.5, "mg/kg/h"), weight_kg=70)
    assert mg_per_h == 35.0
    assert units.mg_per_h_to_ml_per_h(mg_per_h, 1.0) == 35.0
    assert units.mg_per_h_to_ml_per_h(mg_per_h, 2.0) == 17.5


def test_half_mg_per_kg_over_forty_minutes_is_three_quarters_mg_per_kg_per_h():
    assert units.dose_over_duration_to_rate_mg_per_kg_per_h(0.5, 40) == pytest.approx(0.75, rel=1e-15)


@given(rates, weights, concs)
def test_every_rate_unit_round_trips_through_mg_per_h(rate, weight, conc):
    for unit in units.RATE_UNITS:
        q = Quantity(rate, unit)
        back = units.mg_per_h_to_rate(units.rate_to_mg_per_h(q, weight_kg=weight, conc_mg_per_ml=conc), unit,
                                      weight_kg=weight, conc_mg_per_ml=conc)
        assert back.unit == unit
        assert math.isclose(back.value, rate, rel_tol=1e-14, abs_tol=1e-300)


@given(rates, weights, concs)
def test_every_dose_unit_round_trips_through_mg(dose, weight, conc):
    for unit in units.DOSE_UNITS:
        back = units.mg_to_dose(units.dose_to_mg(Quantity(dose, unit), weight_kg=weight, conc_mg_per_ml=conc), unit,
                                weight_kg=weight, conc_mg_per_ml=conc)
        assert math.isclose(back.value, dose, rel_tol=1e-14, abs_tol=1e-300)


def test_time_and_concentration_conversions():
    assert units.h_to_min(4) == 240 and units.min_to_h(90) == 1.5
    assert units.s_to_min(30) == 0.5 and units.min_to_s(2) == 120
    assert units.mg_per_l_to_ng_per_ml(0.302) == pytest.approx(302.0, rel=1e-15)
    assert units.ng_per_ml_to_mg_per_l(185.0) == pytest.approx(0.185, rel=1e-15)
    assert units.umol_per_l_to_ng_per_ml(2.7) == pytest.approx(641.79, rel=1e-12)
    assert units.l_per_h_to_l_per_min(84) == pytest.approx(1.4, rel=1e-15)


def test_a_per_kg_rate_without_a_weight_is_refused_naming_the_field():
    with pytest.raises(DomainValidationError) as err:
        units.rate_to_mg_per_h(Quantity(0.5, "mg/kg/h"))
    assert err.value.field == "weight_kg" and err.value.allowed == "> 0"


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_a_non_positive_or_non_finite_concentration_is_refused(bad):
    with pytest.raises(DomainValidationError) as err:
        units.mg_per_h_to_ml_per_h(35.0, bad)
    assert err.value.field == "bag_concentration_mg_per_ml"


def test_an_unknown_unit_is_refused_with_the_list_of_units():
    with pytest.raises(DomainValidationError) as err:
        Quantity(1.0, "mcg/kg/min")
    assert err.value.field == "unit" and "mg/kg/h" in err.value.allowed


@pytest.mark.parametrize(("text", "value", "unit"), [
    ("0.5mg/kg/h", 0.5, "mg/kg/h"), ("35 mL/h", 35.0, "mL/h"), ("25mg/h", 25.0, "mg/h"),
    ("17.5mg", 17.5, "mg"), ("0.25MG/KG", 0.25, "mg/kg"), ("1e-1mg/kg/min", 0.1, "mg/kg/min"),
])
def test_parse_quantity_reads_a_number_with_its_unit(text, value, unit):
    assert parse_quantity(text) == Quantity(value, unit)


@pytest.mark.parametrize("text", ["0.5", "mg/kg/h", "0.5 kg", ""])
def test_parse_quantity_refuses_a_bare_number_or_unknown_unit(text):
    with pytest.raises(DomainValidationError):
        parse_quantity(text, field="segment")
