"""Relapse (clinic policy): rolling 7-day mean < 30 % below baseline on 3 consecutive evaluable days."""

from datetime import date, timedelta

from ketaflow.domain.outcomes.diary_window import PainDiaryEntry
from ketaflow.domain.outcomes.relapse import RelapsePolicy, detect_relapse

START = date(2026, 4, 1)  # first day the response was met


def daily(values, start=START):
    return [PainDiaryEntry(start + timedelta(days=i), v) for i, v in enumerate(values) if v is not None]


def test_sustained_low_pain_is_no_relapse():
    result = detect_relapse(
        8, daily([3] * 30), response_start_day=START, as_of_day=START + timedelta(days=29)
    )
    assert result.evaluable and not result.relapsed
    assert all(d.status == "responding" for d in result.days)


def test_pain_returning_is_a_relapse_confirmed_on_the_third_consecutive_day():
    # Baseline 10: rolling mean must exceed 7 to be relapsing. 7 days at 3 then 10s.
    values = [3] * 7 + [10] * 10
    result = detect_relapse(10, daily(values), response_start_day=START, as_of_day=START + timedelta(days=16))
    assert result.relapsed
    # rolling means from day 7: (3*6+10)/7=4, ... day 11 (3*2+10*5)/7=8 is the first > 7
    assert result.run_first_day == START + timedelta(days=11)
    assert result.relapse_day == START + timedelta(days=13)
    assert "3 consecutive days" in result.reason


def test_rolling_mean_exactly_30_percent_below_baseline_still_counts_as_responding():
    # Baseline 10, every day 7: reduction exactly 30 % is a response (inclusive), so no relapse.
    result = detect_relapse(
        10, daily([7] * 20), response_start_day=START, as_of_day=START + timedelta(days=19)
    )
    assert not result.relapsed
    assert result.days[0].percent_reduction == 30


def test_two_relapsing_days_then_recovery_is_no_relapse():
    policy = RelapsePolicy(rolling_window_days=1, min_entries=1, consecutive_days=3)
    values = [3, 3, 9, 9, 3, 9, 9, 3]
    result = detect_relapse(
        10, daily(values), response_start_day=START, as_of_day=START + timedelta(days=7), policy=policy
    )
    assert not result.relapsed
    assert [d.status for d in result.days][2:4] == ["relapsing", "relapsing"]


def test_a_not_evaluable_day_breaks_the_run_instead_of_being_assumed_relapsed():
    policy = RelapsePolicy(rolling_window_days=1, min_entries=1, consecutive_days=3)
    values = [9, 9, None, 9, 9]
    result = detect_relapse(
        10, daily(values), response_start_day=START, as_of_day=START + timedelta(days=4), policy=policy
    )
    assert not result.relapsed
    assert result.days[2].status == "not evaluable"


def test_sparse_diary_windows_are_not_evaluable():
    values = [9, None, None, None, None, None, 9] + [None] * 5
    result = detect_relapse(10, daily(values), response_start_day=START, as_of_day=START + timedelta(days=11))
    assert not result.relapsed
    assert {d.status for d in result.days} == {"not evaluable"}


def test_pre_response_pain_cannot_trigger_a_relapse():
    before = [PainDiaryEntry(START - timedelta(days=i), 10) for i in range(1, 8)]
    result = detect_relapse(
        10, before + daily([2] * 9), response_start_day=START, as_of_day=START + timedelta(days=8)
    )
    assert not result.relapsed
    assert result.days[0].day == START + timedelta(days=6)


def test_as_of_day_before_a_full_window_is_not_yet_evaluable():
    result = detect_relapse(8, daily([9] * 3), response_start_day=START, as_of_day=START + timedelta(days=2))
    assert not result.evaluable
    assert result.days == ()


def test_baseline_zero_cannot_relapse_and_says_why():
    result = detect_relapse(0, daily([5] * 10), response_start_day=START, as_of_day=START + timedelta(days=9))
    assert not result.evaluable and not result.relapsed
    assert "baseline pain is 0" in result.reason


def test_result_is_labelled_clinic_policy_with_version_and_inputs():
    result = detect_relapse(8, daily([3] * 8), response_start_day=START, as_of_day=START + timedelta(days=7))
    assert result.source.kind == "clinic policy"
    assert result.rule_version == result.source.version
    assert result.inputs["policy"]["consecutive_days"] == 3
    assert len(result.inputs["pain_entries"]) == 8


def test_phq9_relapse_needs_both_10_or_more_and_half_the_baseline():
    from ketaflow.domain.outcomes.relapse import phq9_relapse

    assert phq9_relapse(20, 10).relapsed is True
    assert phq9_relapse(20, 9).relapsed is False  # below 10
    assert phq9_relapse(24, 11).relapsed is False  # 11 < 50 % of 24
    assert phq9_relapse(24, 12).relapsed is True  # exactly 50 % counts
    assert phq9_relapse(20, 10).source.kind == "clinic policy"


def test_a_missing_baseline_is_not_evaluable_rather_than_an_error():
    result = detect_relapse(
        None, daily([9] * 10), response_start_day=START, as_of_day=START + timedelta(days=9)
    )
    assert not result.evaluable and not result.relapsed
    assert result.inputs["baseline_pain_nrs"] is None
