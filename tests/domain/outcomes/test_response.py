"""IMMPACT response classes (Dworkin 2008, clinical.md §4.6), PGIC, FIQR change, PHQ-9 response."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.response import (
    PainResponseClass,
    Pgic,
    PgicResponseClass,
    fiqr_change,
    pain_response,
    pgic_response,
    phq9_response,
)


def test_exactly_30_percent_from_7_to_4_point_9_is_moderately_important():
    # 4.9 as a float is 4.9000000000000003…; the shortest-repr conversion keeps the inclusive edge.
    for current in (4.9, Decimal("4.9"), Fraction(49, 10)):
        result = pain_response(7, current)
        assert result.classification is PainResponseClass.MODERATE
        assert result.percent_reduction == 30


def test_just_under_30_percent_is_below_moderately_important():
    result = pain_response(7, Fraction(491, 100))
    assert result.classification is PainResponseClass.BELOW_MODERATE
    assert result.responder is False


def test_exactly_50_percent_is_substantial():
    assert pain_response(7, 3.5).classification is PainResponseClass.SUBSTANTIAL
    assert pain_response(Fraction(43, 7), Fraction(43, 14)).percent_reduction == 50


def test_just_under_50_percent_is_moderately_important():
    assert pain_response(7, Fraction(351, 100)).classification is PainResponseClass.MODERATE


def test_worsening_pain_is_below_moderately_important_with_negative_reduction():
    result = pain_response(5, 7)
    assert result.classification is PainResponseClass.BELOW_MODERATE
    assert result.percent_reduction == -40


def test_baseline_zero_is_not_evaluable_rather_than_a_division_error():
    result = pain_response(0, 0)
    assert result.classification is PainResponseClass.NOT_EVALUABLE
    assert result.responder is None
    assert result.percent_reduction is None


def test_missing_current_pain_is_not_evaluable():
    result = pain_response(6, None)
    assert result.classification is PainResponseClass.NOT_EVALUABLE
    assert "current" in result.reason


def test_result_records_inputs_exactly_and_names_immpact():
    result = pain_response(Fraction(45, 7), 3)
    assert result.inputs["baseline_pain_nrs"] == "45/7"
    assert result.inputs["current_pain_nrs"] == "3"
    assert "IMMPACT" in result.source.citation
    assert result.rule_version.startswith("response-")


def test_pain_outside_0_to_10_is_refused_naming_the_field():
    with pytest.raises(DomainValidationError) as error:
        pain_response(11, 3)
    assert error.value.field == "baseline_pain_nrs"
    assert error.value.allowed == "0–10"


def test_nan_pain_is_refused():
    with pytest.raises(DomainValidationError):
        pain_response(6, float("nan"))


nrs = st.fractions(min_value=0, max_value=10, max_denominator=50)
ORDER = [PainResponseClass.BELOW_MODERATE, PainResponseClass.MODERATE, PainResponseClass.SUBSTANTIAL]


@given(baseline=nrs.filter(lambda b: b > 0), a=nrs, b=nrs)
def test_less_current_pain_never_gives_a_worse_class(baseline, a, b):
    lower, higher = sorted((a, b))
    assert ORDER.index(pain_response(baseline, lower).classification) >= ORDER.index(
        pain_response(baseline, higher).classification
    )


@pytest.mark.parametrize(
    ("label", "expected", "responder"),
    [
        ("very much improved", PgicResponseClass.SUBSTANTIAL, True),
        ("much improved", PgicResponseClass.MODERATE, True),
        ("minimally improved", PgicResponseClass.MINIMAL, False),
        ("no change", PgicResponseClass.NONE, False),
        ("very much worse", PgicResponseClass.NONE, False),
    ],
)
def test_pgic_much_or_very_much_improved_is_a_responder(label, expected, responder):
    result = pgic_response(label)
    assert result.classification is expected
    assert result.responder is responder


def test_pgic_number_is_refused_because_numbering_differs_between_forms():
    with pytest.raises(DomainValidationError) as error:
        pgic_response("2")
    assert error.value.field == "pgic"
    assert Pgic.MUCH_IMPROVED.value in error.value.allowed


def test_fiqr_improvement_of_exactly_14_percent_is_clinically_important():
    result = fiqr_change(50, 43)
    assert result.percent_improvement == 14
    assert result.clinically_important is True
    assert result.points_change == -7
    assert result.source.kind == "clinic policy"


def test_fiqr_improvement_below_14_percent_is_not_clinically_important():
    assert fiqr_change(Fraction(175, 3), 51).clinically_important is False  # 12.6 %


def test_fiqr_baseline_zero_is_not_evaluable():
    result = fiqr_change(0, 10)
    assert result.evaluable is False
    assert result.clinically_important is None


def test_phq9_halving_is_a_response_and_below_10_meets_the_goal():
    result = phq9_response(18, 9)
    assert result.response is True
    assert result.below_10 is True
    assert result.remission is False


def test_phq9_one_point_short_of_halving_is_not_a_response():
    result = phq9_response(19, 10)
    assert result.response is False
    assert result.below_10 is False


def test_phq9_remission_is_strictly_below_5():
    assert phq9_response(20, 4).remission is True
    assert phq9_response(20, 5).remission is False


def test_phq9_baseline_zero_is_not_evaluable_for_response():
    result = phq9_response(0, 0)
    assert result.evaluable is False
    assert result.responder is None


def test_phq9_total_above_27_is_refused():
    with pytest.raises(DomainValidationError) as error:
        phq9_response(28, 3)
    assert error.value.field == "baseline_phq9_total"


def test_a_reduction_just_under_30_percent_never_reads_as_30_percent_in_its_reason():
    # 29.996 % rounds to "30.0" but is below the inclusive 30 % edge: the text is cut toward zero.
    result = pain_response(10, Fraction(70004, 10000))
    assert result.classification is PainResponseClass.BELOW_MODERATE
    assert result.reason == "pain reduced by 29.9 % from baseline"


def test_an_fiqr_change_just_under_the_14_percent_mcid_reads_below_it():
    result = fiqr_change(50, Fraction(43004, 1000))  # 13.992 % better
    assert result.clinically_important is False and result.reason == "FIQR improved by 13.9 %"
