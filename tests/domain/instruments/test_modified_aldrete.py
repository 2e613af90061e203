"""Modified Aldrete: circulation scored against the pre-infusion baseline BP, discharge at >= 9 (clinical.md §2.6)."""

from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.modified_aldrete import MODIFIED_ALDRETE, circulation_points

ALL_TWO = {"activity": 2, "respiration": 2, "consciousness": 2, "oxygen_saturation": 2}


def score(answers=None, baseline=120, current=120, **context):
    return MODIFIED_ALDRETE.score(answers or ALL_TWO, baseline_systolic_mmhg=baseline, current_systolic_mmhg=current,
                                  **context)


@pytest.mark.parametrize(("baseline", "current", "points"), [
    (120, 120, 2), (120, 144, 2), (120, 96, 2),  # exactly 20 % either side: still "within +-20 %"
    (120, 145, 1), (120, 95, 1),  # just past 20 %
    (120, 179, 1), (120, 61, 1),  # 49.2 %: still below 50 %
    (120, 180, 0), (120, 60, 0),  # exactly 50 %: ">= 50 % off"
    (100, 150, 0), (100, 149, 1), (100, 121, 1), (100, 120, 2),
])
def test_aldrete_circulation_points_are_relative_to_the_pre_infusion_baseline(baseline, current, points):
    assert circulation_points(baseline, current)[0] == points
    assert score(baseline=baseline, current=current).subscores["circulation"] == points


def test_aldrete_same_pressure_scores_differently_against_different_baselines():
    # 150 mmHg is within 20 % of a 130 baseline but 50 % above a 100 baseline.
    assert score(baseline=130, current=150).subscores["circulation"] == 2
    assert score(baseline=100, current=150).subscores["circulation"] == 0


def test_aldrete_deviation_is_exact_so_a_third_of_a_percent_is_not_lost():
    points, deviation = circulation_points(150, 180)
    assert deviation == Fraction(20) and points == 2
    points, deviation = circulation_points(149, 179)
    assert deviation == Fraction(3000, 149) and points == 1  # 20.13 %


@pytest.mark.parametrize(("current", "points"), [(140, 2), (141, 1), (170, 1), (171, 0), (99, 1), (69, 0)])
def test_aldrete_mmhg_variant_uses_20_and_50_mmhg_from_baseline(current, points):
    result = score(baseline=120, current=current, circulation_rule="mmhg_from_baseline")
    assert result.subscores["circulation"] == points
    assert "circulation=mmhg_from_baseline" in result.rule_version


@pytest.mark.parametrize(("answers", "current", "total", "ready"), [
    (ALL_TWO, 120, 10, True),
    ({**ALL_TWO, "activity": 1}, 120, 9, True),
    ({**ALL_TWO, "activity": 1}, 150, 8, False),
    ({**ALL_TWO, "consciousness": 0}, 120, 8, False),
])
def test_aldrete_discharge_needs_9_or_more_by_default(answers, current, total, ready):
    result = score(answers, current=current)
    assert result.total == total
    assert result.details["discharge_ready"] is ready
    assert result.has_flag("discharge_criteria_met") is ready
    assert result.has_flag("discharge_criteria_not_met") is not ready


def test_aldrete_strict_variant_allows_8_only_with_respiration_and_spo2_at_2():
    rule = "total_at_least_8_respiration_and_spo2_2"
    assert score({**ALL_TWO, "activity": 0}, discharge_rule=rule).details["discharge_ready"] is True
    assert score({**ALL_TWO, "oxygen_saturation": 1}, discharge_rule=rule).details["discharge_ready"] is False


def test_aldrete_circulation_cannot_be_typed_in():
    with pytest.raises(DomainValidationError) as error:
        score({**ALL_TWO, "circulation": 2})
    assert error.value.field == "circulation"


@pytest.mark.parametrize(("baseline", "current", "field"), [
    (None, 120, "baseline_systolic_mmhg"), (120, None, "current_systolic_mmhg"), (0, 120, "baseline_systolic_mmhg"),
    (120.0, 120, "baseline_systolic_mmhg"), (120, True, "current_systolic_mmhg"), (120, 900, "current_systolic_mmhg"),
])
def test_aldrete_requires_valid_baseline_and_current_systolic_pressures(baseline, current, field):
    with pytest.raises(DomainValidationError) as error:
        score(baseline=baseline, current=current)
    assert error.value.field == field


def test_aldrete_missing_item_is_a_validation_error():
    with pytest.raises(DomainValidationError) as error:
        score({"activity": 2, "respiration": 2, "consciousness": 2})
    assert error.value.field == "oxygen_saturation"


def test_aldrete_result_stores_baseline_and_current_pressure_with_the_inputs():
    result = score(baseline=130, current=100)
    assert result.inputs["baseline_systolic_mmhg"] == 130
    assert result.inputs["current_systolic_mmhg"] == 100
    assert result.details["circulation_deviation_unit"] == "percent"
