"""Baseline pain before infusion 1: 7-day window, evaluable with >= 4 entries (clinic policy)."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.baseline import BaselinePolicy, baseline_assess
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry

FIRST = date(2026, 3, 10)


def diary(values_by_days_before):
    return [PainDiaryEntry(FIRST - timedelta(days=k), v) for k, v in values_by_days_before.items()]


def test_mean_of_seven_full_days_before_the_first_infusion():
    result = baseline_assess(diary({k: 7 for k in range(1, 8)} | {1: 6}), FIRST)
    assert result.pain_evaluable
    assert result.mean_pain_nrs == Fraction(48, 7)
    assert result.pain.missing_days == ()


def test_first_infusion_day_and_older_days_are_outside_the_window():
    result = baseline_assess(diary({0: 0, 1: 8, 2: 8, 3: 8, 4: 8, 8: 0}), FIRST)
    assert result.mean_pain_nrs == 8
    assert result.pain.n_entries == 4


def test_missing_days_are_listed_and_the_mean_uses_only_recorded_days():
    result = baseline_assess(diary({1: 6, 3: 7, 5: 8, 7: 9}), FIRST)
    assert result.mean_pain_nrs == Fraction(30, 4)
    assert result.pain.missing_days == (
        FIRST - timedelta(days=6),
        FIRST - timedelta(days=4),
        FIRST - timedelta(days=2),
    )


def test_three_of_seven_days_is_not_evaluable_and_no_mean_is_invented():
    result = baseline_assess(diary({1: 6, 2: 6, 3: 6}), FIRST)
    assert result.pain_evaluable is False
    assert result.mean_pain_nrs is None
    assert "3 of 7" in result.pain.reason


def test_policy_window_and_minimum_are_configurable_and_recorded():
    policy = BaselinePolicy(window_days=14, min_entries=2)
    result = baseline_assess(diary({10: 4, 14: 6}), FIRST, policy=policy)
    assert result.mean_pain_nrs == 5
    assert result.inputs["window_days"] == 14
    assert result.source.kind == "clinic policy"


def test_intake_fiqr_and_phq9_are_carried_with_the_baseline():
    result = baseline_assess(
        diary({k: 5 for k in range(1, 8)}), FIRST, intake_fiqr_total=58.33, intake_phq9_total=15
    )
    assert result.fiqr_total == Fraction(5833, 100)
    assert result.phq9_total == 15
    assert result.inputs["intake_fiqr_total"] == "5833/100"


def test_two_entries_on_one_day_are_refused_not_averaged():
    entries = [PainDiaryEntry(FIRST - timedelta(days=1), 5), PainDiaryEntry(FIRST - timedelta(days=1), 6)]
    with pytest.raises(DomainValidationError) as error:
        baseline_assess(entries, FIRST)
    assert error.value.field == "entries"


def test_pain_entry_out_of_range_is_refused():
    with pytest.raises(DomainValidationError) as error:
        PainDiaryEntry(FIRST, 11)
    assert error.value.allowed == "0–10"


def test_min_entries_larger_than_window_is_refused():
    with pytest.raises(DomainValidationError) as error:
        BaselinePolicy(window_days=7, min_entries=8)
    assert error.value.field == "min_entries"


def test_phq9_outside_0_to_27_is_refused():
    with pytest.raises(DomainValidationError):
        baseline_assess([], FIRST, intake_phq9_total=30)


def test_a_baseline_that_can_no_longer_reach_four_diary_days_is_flagged_before_infusion_1():
    from datetime import date, timedelta

    from ketaflow.domain.outcomes.baseline import baseline_at_risk

    first = date(2026, 12, 10)
    two_days_left = baseline_at_risk(first, first - timedelta(days=2), [])
    assert two_days_left is not None and "at most 2 pain diary day(s)" in two_days_left and "needs 4" in two_days_left
    assert baseline_at_risk(first, first - timedelta(days=7), []) is None  # seven days ahead: still reachable
    assert baseline_at_risk(first, first - timedelta(days=3), [first - timedelta(days=5)]) is None  # 1 rated + 3 ahead
    assert baseline_at_risk(first, first, []) is None  # the window is over: the baseline itself decides
    assert baseline_at_risk(first, first - timedelta(days=3), [first - timedelta(days=9)]) is not None  # outside the window
