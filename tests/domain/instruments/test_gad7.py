"""GAD-7 (Spitzer 2006) scoring and bands (clinical.md §4.8, §8 Example 6)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.gad7 import GAD7

ITEMS = [f"gad7_{i}" for i in range(1, 8)]


def answers(values):
    return dict(zip(ITEMS, values, strict=True))


def answers_with_total(total):
    values, rest = [], total
    for _ in range(7):
        values.append(min(3, rest))
        rest -= values[-1]
    return answers(values)


def test_gad7_worked_example_6_is_11_moderate_with_further_evaluation_flag():
    """clinical.md §8 Example 6: items 2,2,3,1,0,2,1 -> 11, moderate; >= 10 -> further evaluation."""
    result = GAD7.score(answers([2, 2, 3, 1, 0, 2, 1]))
    assert result.total == 11
    assert result.band_code == "moderate"
    assert result.has_flag("further_evaluation")


@pytest.mark.parametrize(
    ("total", "band_code"),
    [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
     (15, "severe"), (21, "severe")],
)
def test_gad7_band_edges(total, band_code):
    assert GAD7.score(answers_with_total(total)).band_code == band_code


def test_gad7_further_evaluation_flag_starts_at_exactly_10():
    assert GAD7.score(answers_with_total(10)).has_flag("further_evaluation")
    assert not GAD7.score(answers_with_total(9)).has_flag("further_evaluation")


def test_gad7_item_outside_0_to_3_is_rejected_with_allowed_values():
    with pytest.raises(DomainValidationError) as error:
        GAD7.score({**answers([0] * 7), "gad7_7": 5})
    assert error.value.field == "gad7_7"
    assert "0, 1, 2, 3" in error.value.allowed


def test_gad7_missing_item_is_a_validation_error():
    values = answers([0] * 7)
    values["gad7_2"] = None
    with pytest.raises(DomainValidationError, match="gad7_2"):
        GAD7.score(values)


def test_gad7_definition_carries_loinc_panel_and_total():
    assert GAD7.definition.loinc_panel == "69737-5"
    assert GAD7.definition.loinc_total == "70274-6"
