"""Intake plausibility rules (clinic policy intake-2026.1): every bound at, just inside and just outside."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.intake import (
    DEFAULT_POLICY,
    age_years,
    validate_date_of_birth,
    validate_height_cm,
    validate_weight_kg,
    weight_for_dosing,
)

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("weight", ["30", "30.0", "68.5", "300"])
def test_weights_inside_the_adult_range_are_accepted_unchanged(weight):
    assert validate_weight_kg(weight) == Decimal(weight)


@pytest.mark.parametrize("weight", ["29.9", "300.1", "7.5", "0", "-70", "NaN", "Infinity", "seventy"])
def test_weights_outside_the_range_name_the_field_and_the_allowed_range(weight):
    with pytest.raises(DomainValidationError) as err:
        validate_weight_kg(weight)
    assert err.value.field == "weight_kg"
    if weight in ("29.9", "300.1", "7.5", "0", "-70"):
        assert err.value.allowed == "30–300 kg"


@pytest.mark.parametrize("height,ok", [("119.9", False), ("120", True), ("230", True), ("230.1", False)])
def test_height_bounds_are_inclusive(height, ok):
    if ok:
        assert validate_height_cm(height) == Decimal(height)
    else:
        with pytest.raises(DomainValidationError, match="height_cm"):
            validate_height_cm(height)


def test_a_date_of_birth_in_the_future_is_refused():
    with pytest.raises(DomainValidationError) as err:
        validate_date_of_birth(date(2026, 11, 23), today=TODAY)
    assert err.value.field == "date_of_birth" and "future" in err.value.message


def test_a_patient_turning_18_today_is_an_adult_but_not_the_day_before():
    assert validate_date_of_birth(date(2008, 11, 22), today=TODAY) == date(2008, 11, 22)
    with pytest.raises(DomainValidationError, match="adults only"):
        validate_date_of_birth(date(2008, 11, 23), today=TODAY)


def test_age_counts_whole_years_and_handles_leap_day_birthdays():
    assert age_years(date(2000, 2, 29), date(2026, 2, 28)) == 25
    assert age_years(date(2000, 2, 29), date(2026, 3, 1)) == 26


def test_a_weight_older_than_the_policy_is_not_usable_for_dosing():
    limit = DEFAULT_POLICY.weight_max_age_days_for_dosing
    fresh = weight_for_dosing(Decimal("70"), date.fromordinal(TODAY.toordinal() - limit), today=TODAY)
    stale = weight_for_dosing(Decimal("70"), date.fromordinal(TODAY.toordinal() - limit - 1), today=TODAY)
    assert fresh.usable and fresh.age_days == limit
    assert not stale.usable and "re-weigh" in stale.reason
    assert stale.source.kind == "clinic policy"


def test_no_weight_on_record_is_not_usable_for_dosing():
    result = weight_for_dosing(None, None, today=TODAY)
    assert not result.usable and result.reason == "No weight on record."


@given(st.decimals(allow_nan=True, allow_infinity=True, places=1))
def test_any_decimal_weight_is_accepted_exactly_or_refused_with_the_field_named(value):
    try:
        assert validate_weight_kg(value) == value
    except DomainValidationError as exc:
        assert exc.field == "weight_kg"
