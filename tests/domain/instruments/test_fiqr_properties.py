"""FIQR properties over all answer sets (Hypothesis): exact formula, range 0-100, missing-data rule."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ketaflow.domain.instruments.fiqr import FIQR

ITEMS = FIQR.definition.items
GROUP = {i.link_id: i.group for i in ITEMS}
RATING = st.integers(0, 10)


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries({i.link_id: RATING for i in ITEMS}))
def test_fiqr_complete_total_is_function_over_3_plus_overall_plus_symptoms_over_2(answers):
    total = FIQR.score(answers).total
    sums = {g: sum(v for k, v in answers.items() if GROUP[k] == g) for g in ("function", "overall", "symptoms")}
    assert total == Fraction(sums["function"], 3) + sums["overall"] + Fraction(sums["symptoms"], 2)
    assert 0 <= total <= 100


@settings(max_examples=100, deadline=None)
@given(st.fixed_dictionaries({i.link_id: RATING for i in ITEMS}), st.sampled_from(range(1, 10)))
def test_fiqr_one_missing_function_item_scales_the_function_sum_by_9_over_8(answers, missing_index):
    missing = f"fiqr_function_{missing_index}"
    result = FIQR.score({**answers, missing: None})
    answered = sum(v for k, v in answers.items() if GROUP[k] == "function" and k != missing)
    assert not result.invalid
    assert result.subscores["function"] == Fraction(answered * 9, 8 * 3)
    assert result.total <= 100
