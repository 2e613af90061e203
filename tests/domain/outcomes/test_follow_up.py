"""Pain response at day D after the series, from a 7-day window ending on day D."""

from datetime import date, timedelta
from fractions import Fraction

from ketaflow.domain.outcomes.baseline import baseline_assess
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry
from ketaflow.domain.outcomes.follow_up import FollowUpPolicy, pain_response_at_day
from ketaflow.domain.outcomes.response import PainResponseClass

FIRST = date(2026, 3, 2)
LAST = date(2026, 3, 13)
BASELINE_DIARY = [PainDiaryEntry(FIRST - timedelta(days=k), 7) for k in range(1, 8)]


def after(values, days_after=28):
    end = LAST + timedelta(days=days_after)
    return [PainDiaryEntry(end - timedelta(days=k), v) for k, v in enumerate(values) if v is not None]


def test_day_28_window_exactly_30_percent_below_baseline_is_moderately_important():
    # Integer diary days can average exactly 4.9 over a 10-day window (nine 5s and one 4): 7 → 4.9 is 30 %.
    baseline = baseline_assess(BASELINE_DIARY, FIRST)
    result = pain_response_at_day(
        baseline,
        after([5] * 9 + [4]),
        last_infusion_day=LAST,
        days_after=28,
        policy=FollowUpPolicy(window_days=10, min_entries=4),
    )
    assert result.window.mean_pain_nrs == Fraction(49, 10)
    assert result.response.classification is PainResponseClass.MODERATE
    assert result.window.last_day == LAST + timedelta(days=28)


def test_default_window_is_the_7_days_ending_on_day_d():
    baseline = baseline_assess(BASELINE_DIARY, FIRST)
    result = pain_response_at_day(baseline, after([3] * 7 + [9]), last_infusion_day=LAST, days_after=28)
    assert result.window.first_day == LAST + timedelta(days=22)
    assert result.window.mean_pain_nrs == 3
    assert result.response.classification is PainResponseClass.SUBSTANTIAL


def test_a_sparse_follow_up_window_is_not_evaluable_and_says_so():
    baseline = baseline_assess(BASELINE_DIARY, FIRST)
    result = pain_response_at_day(
        baseline,
        after([2, None, None, 2, None, None, 2], days_after=14),
        last_infusion_day=LAST,
        days_after=14,
    )
    assert result.response.classification is PainResponseClass.NOT_EVALUABLE
    assert result.response.reason.startswith("follow-up window: 3 of 7")


def test_a_non_evaluable_baseline_makes_follow_up_not_evaluable():
    baseline = baseline_assess(BASELINE_DIARY[:2], FIRST)
    result = pain_response_at_day(baseline, after([2] * 7), last_infusion_day=LAST, days_after=28)
    assert result.window.evaluable
    assert result.response.responder is None
