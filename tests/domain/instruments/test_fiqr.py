"""FIQR (Bennett 2009): domain weights, missing-data and invalidity rules, Salaffi bands (clinical.md §4.3)."""

from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.fiqr import FIQR

FUNCTION = [f"fiqr_function_{i}" for i in range(1, 10)]
OVERALL = ["fiqr_overall_1", "fiqr_overall_2"]
SYMPTOMS = [f"fiqr_symptom_{s}" for s in (
    "pain", "energy", "stiffness", "sleep", "depression", "memory", "anxiety", "tenderness", "balance",
    "environmental_sensitivity")]

EXAMPLE_1 = {
    **dict(zip(FUNCTION, [3, 6, 5, 7, 6, 4, 6, 5, 4], strict=True)),
    **dict(zip(OVERALL, [7, 6], strict=True)),
    **dict(zip(SYMPTOMS, [8, 7, 6, 8, 5, 6, 4, 7, 3, 6], strict=True)),
}


def uniform(function, overall, symptoms):
    return {**dict.fromkeys(FUNCTION, function), **dict.fromkeys(OVERALL, overall), **dict.fromkeys(SYMPTOMS, symptoms)}


def test_fiqr_worked_example_1_totals_58_33_and_is_moderate():
    """clinical.md §8 Example 1: 46/3 + 13 + 60/2 = 58.333..., display 58.3, Salaffi 2020 moderate."""
    result = FIQR.score(EXAMPLE_1)
    assert result.total == Fraction(175, 3)
    assert result.total_display == "58.3"
    assert result.subscores == {"function": Fraction(46, 3), "overall": 13, "symptoms": 30}
    assert result.band_code == "moderate"
    assert not result.invalid


def test_fiqr_worked_example_1_is_moderate_in_the_salaffi_di_carlo_2018_bands_too():
    """clinical.md §8 Example 1: Salaffi/Di Carlo 2018 -> moderate (>46 to <=65)."""
    result = FIQR.score(EXAMPLE_1, band_set="salaffi_di_carlo_2018")
    assert result.band_code == "moderate"
    assert "salaffi_di_carlo_2018" in result.rule_version


def test_fiqr_domain_weights_are_30_20_and_50_percent_of_100():
    assert FIQR.score(uniform(10, 0, 0)).total == 30
    assert FIQR.score(uniform(0, 10, 0)).total == 20
    assert FIQR.score(uniform(0, 0, 10)).total == 50
    assert FIQR.score(uniform(10, 10, 10)).total == 100
    assert FIQR.score(uniform(0, 0, 0)).total == 0


def total_answers(symptom_sum, function_sum=0, overall_sum=0):
    """Answers whose FIQR total is function_sum/3 + overall_sum + symptom_sum/2."""
    def spread(keys, amount):
        out = {}
        for key in keys:
            out[key] = min(10, amount)
            amount -= out[key]
        assert amount == 0
        return out
    return {**spread(FUNCTION, function_sum), **spread(OVERALL, overall_sum), **spread(SYMPTOMS, symptom_sum)}


@pytest.mark.parametrize(
    ("answers", "expected_total", "band_code"),
    [
        (total_answers(46), Fraction(23), "remission"),
        (total_answers(46, function_sum=1), Fraction(70, 3), "mild"),  # 23.33
        (total_answers(47), Fraction(47, 2), "mild"),  # 23.5 (clinical.md: 23.5 -> mild)
        (total_answers(80), Fraction(40), "mild"),
        (total_answers(80, function_sum=1), Fraction(121, 3), "moderate"),  # 40.33 (clinical.md: 40.3 -> moderate)
        (total_answers(100, overall_sum=13), Fraction(63), "moderate"),
        (total_answers(100, overall_sum=13, function_sum=1), Fraction(190, 3), "severe"),  # 63.33
        (total_answers(100, overall_sum=20, function_sum=36), Fraction(82), "severe"),
        (total_answers(100, overall_sum=20, function_sum=37), Fraction(247, 3), "very_severe"),  # 82.33
        (total_answers(100, overall_sum=20, function_sum=39), Fraction(83), "very_severe"),
    ],
)
def test_fiqr_salaffi_2020_bands_are_upper_bounds_on_the_unrounded_total(answers, expected_total, band_code):
    result = FIQR.score(answers)
    assert result.total == expected_total
    assert result.band_code == band_code


@pytest.mark.parametrize(
    ("answers", "band_code"),
    [
        (total_answers(60), "remission"),  # 30
        (total_answers(60, function_sum=1), "mild"),  # 30.33
        (total_answers(90), "mild"),  # 45
        (total_answers(91), "moderate"),  # 45.5 sits in the abstract's 45-46 gap: banded moderate
        (total_answers(100, overall_sum=15), "moderate"),  # 65
        (total_answers(100, overall_sum=15, function_sum=1), "high"),  # 65.33
    ],
)
def test_fiqr_salaffi_di_carlo_2018_band_edges(answers, band_code):
    assert FIQR.score(answers, band_set="salaffi_di_carlo_2018").band_code == band_code


def test_fiqr_one_missing_function_item_reweights_the_domain_by_9_over_8():
    answers = dict(EXAMPLE_1)
    answers["fiqr_function_1"] = None  # answered: 6,5,7,6,4,6,5,4 = 43
    result = FIQR.score(answers)
    assert not result.invalid
    assert result.subscores["function"] == Fraction(43) * Fraction(9, 8) / 3
    assert result.total == Fraction(43 * 9, 8 * 3) + 13 + 30
    assert result.has_flag("missing_items_reweighted")
    assert result.details["missing_items"] == {"function": ["fiqr_function_1"]}


def test_fiqr_absent_key_counts_as_missing_like_none():
    answers = {k: v for k, v in EXAMPLE_1.items() if k != "fiqr_function_9"}
    assert FIQR.score(answers).subscores["function"] == Fraction(42 * 9, 8 * 3)


def test_fiqr_two_missing_function_items_make_the_questionnaire_invalid():
    answers = {**EXAMPLE_1, "fiqr_function_1": None, "fiqr_function_2": None}
    result = FIQR.score(answers)
    assert result.invalid
    assert "2 of 9 function items missing" in result.invalid_reason
    assert result.total is None and result.band is None


@pytest.mark.parametrize("item", OVERALL + SYMPTOMS)
def test_fiqr_any_missing_overall_or_symptom_item_makes_it_invalid(item):
    result = FIQR.score({**EXAMPLE_1, item: None})
    assert result.invalid
    assert result.total is None


def test_fiqr_older_myalgia_rule_reweights_overall_and_symptoms_instead_of_invalidating():
    answers = {**EXAMPLE_1, "fiqr_overall_2": None, "fiqr_symptom_pain": None, "fiqr_function_1": None,
               "fiqr_function_2": None}
    result = FIQR.score(answers, missing_rule="myalgia_com")
    assert not result.invalid
    assert result.subscores["overall"] == Fraction(7 * 2)
    assert result.subscores["symptoms"] == Fraction(52) * Fraction(10, 9) / 2
    assert result.subscores["function"] == Fraction(37) * Fraction(9, 7) / 3
    assert "missing=myalgia_com" in result.rule_version


def test_fiqr_older_myalgia_rule_still_cannot_score_an_empty_domain():
    answers = {**EXAMPLE_1, "fiqr_overall_1": None, "fiqr_overall_2": None}
    result = FIQR.score(answers, missing_rule="myalgia_com")
    assert result.invalid
    assert "overall" in result.invalid_reason


def test_fiqr_unknown_missing_rule_is_rejected():
    with pytest.raises(DomainValidationError) as error:
        FIQR.score(EXAMPLE_1, missing_rule="impute_zero")
    assert error.value.field == "missing_rule"


@pytest.mark.parametrize("bad", [11, -1, 2.5, "ten", True])
def test_fiqr_item_outside_0_to_10_or_not_whole_is_rejected(bad):
    with pytest.raises(DomainValidationError) as error:
        FIQR.score({**EXAMPLE_1, "fiqr_symptom_sleep": bad})
    assert error.value.field == "fiqr_symptom_sleep"


def test_fiqr_definition_has_21_items_in_9_2_10_domains():
    groups = [i.group for i in FIQR.definition.items]
    assert len(groups) == 21
    assert (groups.count("function"), groups.count("overall"), groups.count("symptoms")) == (9, 2, 10)
