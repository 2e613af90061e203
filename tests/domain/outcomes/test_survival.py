"""Time-to-relapse records (censoring rules) and the exact Kaplan–Meier estimator."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.survival import kaplan_meier, relapse_survival_record

START = date(2026, 4, 1)


def day(n):
    return START + timedelta(days=n)


def test_kaplan_meier_against_a_hand_computed_table():
    # n=6: event 2; event 3 + censor 3; event 5; censor 6; event 7. By hand:
    # S(2)=5/6, S(3)=5/6*4/5=2/3, S(5)=2/3*2/3=4/9, S(6)=4/9, S(7)=0; median 5.
    km = kaplan_meier([2, 3, 3, 5, 6, 7], [True, True, False, True, False, True])
    assert [(r.time, r.at_risk, r.events, r.censored, r.survival) for r in km.rows] == [
        (2, 6, 1, 0, Fraction(5, 6)),
        (3, 5, 1, 1, Fraction(2, 3)),
        (5, 3, 1, 0, Fraction(4, 9)),
        (6, 2, 0, 1, Fraction(4, 9)),
        (7, 1, 1, 0, Fraction(0)),
    ]
    assert km.median == 5
    # Greenwood at t=3: (2/3)^2 * (1/(6*5) + 1/(5*4)) = 4/9 * 1/12 = 1/27
    assert km.rows[1].greenwood_variance == Fraction(1, 27)
    assert km.rows[-1].greenwood_variance is None


def test_kaplan_meier_against_the_freireich_6mp_arm():
    """Freireich 1963 6-MP remission data as tabulated by Kleinbaum & Klein, Survival Analysis, ch. 2."""
    times = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
    events = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
    km = kaplan_meier(times, [bool(e) for e in events])
    published = {6: 0.8571, 7: 0.8067, 10: 0.7529, 13: 0.6902, 16: 0.6275, 22: 0.5378, 23: 0.4482}
    for t, s in published.items():
        assert float(km.survival_at(t)) == pytest.approx(s, abs=5e-5)
    assert km.median == 23
    assert km.n == 21 and km.n_events == 9


def test_survival_is_a_right_continuous_step_function():
    km = kaplan_meier([2, 4], [True, True])
    assert km.survival_at(0) == 1
    assert km.survival_at(2) == Fraction(1, 2)
    assert km.survival_at(3) == Fraction(1, 2)


def test_median_is_none_when_survival_never_reaches_one_half():
    assert kaplan_meier([5, 9, 9], [True, False, False]).median is None


def test_mismatched_inputs_are_refused():
    with pytest.raises(DomainValidationError):
        kaplan_meier([1, 2], [True])
    with pytest.raises(DomainValidationError):
        kaplan_meier([-1], [True])


def test_a_relapse_before_any_censoring_is_an_event():
    record = relapse_survival_record(START, day(40), data_cut_day=day(90), last_diary_day=day(89))
    assert (record.duration_days, record.event, record.censor_reason) == (40, True, None)


def test_no_relapse_is_censored_at_the_data_cut():
    record = relapse_survival_record(START, None, data_cut_day=day(90), last_diary_day=day(85))
    assert (record.duration_days, record.event, record.censor_reason) == (90, False, "data cut")


def test_no_diary_for_more_than_14_days_is_censored_at_the_last_diary_day_not_a_relapse():
    record = relapse_survival_record(START, None, data_cut_day=day(90), last_diary_day=day(60))
    assert (record.duration_days, record.event, record.censor_reason) == (60, False, "lost to follow-up")


def test_exactly_14_days_without_diary_is_still_followed():
    record = relapse_survival_record(START, None, data_cut_day=day(90), last_diary_day=day(76))
    assert record.censor_reason == "data cut"


def test_a_pre_emptive_booster_censors_before_a_later_relapse():
    record = relapse_survival_record(
        START, day(50), data_cut_day=day(90), last_diary_day=day(89), booster_day=day(30)
    )
    assert (record.duration_days, record.event) == (30, False)
    assert "informative" in record.censor_reason
    assert record.source.kind == "clinic policy"
