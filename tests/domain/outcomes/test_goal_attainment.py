"""Goal attainment: each goal the plan states, met / not met / not evaluable, on exact fractions."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.course import CourseFacts, course_evaluate
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry
from ketaflow.domain.outcomes.goal_attainment import (
    RULE_VERSION,
    GoalFacts,
    GoalStatus,
    goal_attainment,
    goal_facts_from,
    pgic_band_text,
)
from ketaflow.domain.plans.goal_catalogue import BY_METRIC
from ketaflow.domain.plans.goals import FIQR_14, PAIN_30, PGIC_MUCH, PHQ9_BELOW_10, PHQ9_HALVED, default_goals


def pain_goal(threshold: int) -> dict:
    return BY_METRIC["pain_nrs_percent_reduction"].goal(Fraction(threshold)).as_dict()


def one(goal, **facts):
    return goal_attainment([goal], GoalFacts(**facts)).goals[0]


def test_pain_exactly_30_percent_below_baseline_meets_a_30_percent_goal():
    # 7 → 4.9 is exactly 30 %; as a float 4.9 would read 29.999…%.
    result = one(PAIN_30, baseline_pain_nrs=7, latest_pain_nrs=4.9)
    assert result.status is GoalStatus.MET and result.met is True
    assert result.compared == 30
    assert result.baseline == 7 and result.latest == Fraction(49, 10)


def test_pain_a_hair_under_the_threshold_is_not_met():
    result = one(PAIN_30, baseline_pain_nrs=7, latest_pain_nrs=Fraction(491, 100))
    assert result.status is GoalStatus.NOT_MET and result.met is False
    assert result.compared < 30


def test_a_prescriber_threshold_of_40_percent_is_judged_at_40_not_at_immpacts_30():
    goal = pain_goal(40)
    assert one(goal, baseline_pain_nrs=8, latest_pain_nrs=5).status is GoalStatus.NOT_MET  # 37.5 %
    assert (
        one(goal, baseline_pain_nrs=8, latest_pain_nrs=Fraction(24, 5)).status is GoalStatus.MET
    )  # exactly 40 %


def test_a_threshold_given_as_a_decimal_or_float_is_read_exactly():
    for threshold in (Decimal("30"), 30.0, "30", Fraction(30)):
        goal = {"metric": "pain_nrs_percent_reduction", "comparator": ">=", "threshold": threshold}
        assert one(goal, baseline_pain_nrs=7, latest_pain_nrs=4.9).status is GoalStatus.MET


def test_a_mean_baseline_that_is_a_repeating_fraction_meets_the_goal_exactly_at_threshold():
    baseline = Fraction(43, 7)
    result = one(pain_goal(50), baseline_pain_nrs=baseline, latest_pain_nrs=baseline / 2)
    assert result.status is GoalStatus.MET and result.compared == 50


@given(
    baseline=st.fractions(min_value=Fraction(1, 50), max_value=10, max_denominator=50),
    threshold=st.integers(min_value=10, max_value=100),
)
def test_a_latest_value_exactly_at_any_threshold_is_met_and_just_above_it_is_not(baseline, threshold):
    at = baseline * (1 - Fraction(threshold, 100))
    assert one(pain_goal(threshold), baseline_pain_nrs=baseline, latest_pain_nrs=at).status is GoalStatus.MET
    worse = min(at + Fraction(1, 10**6), Fraction(10))
    if worse > at:
        assert (
            one(pain_goal(threshold), baseline_pain_nrs=baseline, latest_pain_nrs=worse).status
            is GoalStatus.NOT_MET
        )


@given(latest=st.fractions(min_value=0, max_value=10, max_denominator=20))
def test_a_baseline_pain_of_0_is_never_met_nor_not_met(latest):
    result = one(PAIN_30, baseline_pain_nrs=0, latest_pain_nrs=latest)
    assert result.status is GoalStatus.NOT_EVALUABLE and result.met is None
    assert result.reason == "baseline pain is 0"


def test_a_fiqr_baseline_of_0_and_a_phq9_baseline_of_0_are_not_evaluable():
    assert one(FIQR_14, intake_fiqr_total=0, latest_fiqr_total=10).reason == "baseline FIQR is 0"
    assert one(PHQ9_HALVED, intake_phq9_total=0, latest_phq9_total=3).reason == "baseline PHQ-9 is 0"


def test_missing_data_is_not_evaluable_with_the_reason_never_not_met():
    assert one(FIQR_14, intake_fiqr_total=50).reason == "no FIQR since the series"
    assert one(FIQR_14, latest_fiqr_total=50).reason == "no intake FIQR"
    assert one(PHQ9_HALVED, intake_phq9_total=20).reason == "no PHQ-9 since the series"
    assert one(PHQ9_BELOW_10).reason == "no PHQ-9 since the series"
    assert one(PGIC_MUCH).reason == "no PGIC since the series"
    missing = one(PAIN_30, baseline_pain_nrs=7, latest_pain_missing="last 7 days: 3 of 7 days with an entry")
    assert (
        missing.status is GoalStatus.NOT_EVALUABLE
        and missing.reason == "last 7 days: 3 of 7 days with an entry"
    )
    for result in goal_attainment(default_goals("induction"), GoalFacts()).goals:
        assert result.status is GoalStatus.NOT_EVALUABLE


def test_fiqr_improved_exactly_14_percent_meets_the_fiqr_goal():
    result = one(FIQR_14, intake_fiqr_total=50, latest_fiqr_total=43)
    assert result.status is GoalStatus.MET and result.compared == 14


def test_a_fiqr_that_got_worse_is_not_met_with_a_negative_reduction():
    result = one(FIQR_14, intake_fiqr_total=50, latest_fiqr_total=60)
    assert result.status is GoalStatus.NOT_MET and result.compared == -20
    assert result.reason == "FIQR 60 vs baseline 50: 20 % above baseline (goal: at least 14 % below)"


def test_phq9_total_goal_is_strictly_below_the_threshold():
    assert one(PHQ9_BELOW_10, latest_phq9_total=9).status is GoalStatus.MET
    assert one(PHQ9_BELOW_10, latest_phq9_total=10).status is GoalStatus.NOT_MET


def test_phq9_halved_exactly_is_met():
    result = one(PHQ9_HALVED, intake_phq9_total=18, latest_phq9_total=9)
    assert result.status is GoalStatus.MET and result.compared == 50
    assert one(PHQ9_HALVED, intake_phq9_total=19, latest_phq9_total=10).status is GoalStatus.NOT_MET


@pytest.mark.parametrize(
    ("answer", "status"),
    [("very much improved", GoalStatus.MET), ("much improved", GoalStatus.MET),
     ("minimally improved", GoalStatus.NOT_MET), ("no change", GoalStatus.NOT_MET),
     ("much worse", GoalStatus.NOT_MET)],
)  # fmt: skip
def test_pgic_much_improved_or_better_is_met_by_much_and_very_much_improved_only(answer, status):
    result = one(PGIC_MUCH, latest_pgic=answer)
    assert result.status is status
    assert result.compared == answer


def test_a_pgic_band_reads_as_its_worst_answer_or_better():
    assert pgic_band_text(("much improved", "very much improved")) == "much improved or better"
    assert pgic_band_text(("minimally improved", "much improved", "very much improved")) == (
        "minimally improved or better"
    )
    assert pgic_band_text(("very much improved",)) == "very much improved"
    assert one(PGIC_MUCH).threshold_text == "much improved or better"


def test_a_pgic_answer_that_is_not_a_label_is_not_evaluable():
    assert one(PGIC_MUCH, latest_pgic="better").status is GoalStatus.NOT_EVALUABLE


def test_goals_stored_as_json_are_judged_like_goal_objects():
    stored = [g.as_dict() for g in default_goals("induction")]
    facts = GoalFacts(baseline_pain_nrs=8, latest_pain_nrs=4, intake_fiqr_total=60, latest_fiqr_total=55,
                      latest_pgic="much improved")  # fmt: skip
    from_json = goal_attainment(stored, facts)
    from_objects = goal_attainment(default_goals("induction"), facts)
    assert [g.status for g in from_json.goals] == [g.status for g in from_objects.goals]
    assert [g.status for g in from_json.goals] == [GoalStatus.MET, GoalStatus.NOT_MET, GoalStatus.MET]
    assert from_json.summary == "2 of 3 plan goals met, 1 not met"


def test_the_result_carries_its_rule_version_clinic_policy_source_and_the_inputs_it_saw():
    out = goal_attainment([PAIN_30], GoalFacts(baseline_pain_nrs=Fraction(43, 7), latest_pain_nrs=3))
    assert out.rule_version == RULE_VERSION
    assert out.source.kind == "clinic policy"
    assert "the thresholds are the prescriber's" in out.source.citation
    assert out.inputs["baseline_pain_nrs"] == "43/7"
    assert out.inputs["goals"] == [
        {"metric": "pain_nrs_percent_reduction", "comparator": ">=", "threshold": "30"}
    ]
    assert out.goals[0].goal_source["citation"].startswith("Dworkin")


def test_when_the_series_is_not_over_every_goal_is_not_evaluable_with_that_reason():
    out = goal_attainment(default_goals("depression"), GoalFacts(not_judged="course in progress"))
    assert {g.reason for g in out.goals} == {"course in progress"}
    assert out.summary == "0 of 2 plan goals met, 2 not evaluable"


def test_an_unknown_metric_is_not_evaluable_and_a_bad_threshold_is_refused():
    odd = one({"metric": "gad7_total", "comparator": "<", "threshold": "5"})
    assert odd.status is GoalStatus.NOT_EVALUABLE and "not a goal this rule knows" in odd.reason
    with pytest.raises(DomainValidationError):
        one({"metric": "pain_nrs_percent_reduction", "comparator": ">=", "threshold": "abc"})
    with pytest.raises(DomainValidationError):
        one(PAIN_30, baseline_pain_nrs=11, latest_pain_nrs=3)


FIRST = date(2026, 9, 1)
DAYS = tuple(FIRST + timedelta(days=2 * i) for i in range(6))
LAST = DAYS[-1]


def _course(after_pain, *, today, **extra):
    entries = [PainDiaryEntry(FIRST - timedelta(days=7 - i), 8) for i in range(7)]
    entries += [
        PainDiaryEntry(LAST + timedelta(days=1 + i), v) for i, v in enumerate(after_pain) if v is not None
    ]
    facts = CourseFacts(plan_kind="induction", planned_sessions=6, series_last_day=FIRST + timedelta(days=20),
                        infusion_days=DAYS, baseline_first_infusion_day=None, pain_entries=tuple(entries),
                        **extra)  # fmt: skip
    return facts, course_evaluate(facts, today=today)


def test_facts_from_an_evaluated_course_are_the_baseline_mean_and_the_latest_window():
    facts, out = _course([4] * 20, today=LAST + timedelta(days=20), intake_fiqr_total=Fraction(60),
                         fiqr_after=(LAST + timedelta(days=10), Fraction(48)),
                         pgic_after=(LAST + timedelta(days=12), "much improved"))  # fmt: skip
    gf = goal_facts_from(facts, out)
    assert gf.baseline_pain_nrs == 8 and gf.latest_pain_nrs == 4
    assert gf.intake_fiqr_total == 60 and gf.latest_fiqr_total == 48
    result = goal_attainment(default_goals("induction"), gf)
    assert [g.status for g in result.goals] == [GoalStatus.MET, GoalStatus.MET, GoalStatus.MET]


def test_facts_from_a_course_in_progress_judge_no_goal():
    facts, out = _course([], today=DAYS[2])
    facts = CourseFacts(**{**facts.__dict__, "infusion_days": DAYS[:3]})
    out = course_evaluate(facts, today=DAYS[2])
    gf = goal_facts_from(facts, out)
    assert "series is over" in gf.not_judged


def test_facts_from_a_course_with_a_sparse_last_week_say_why_pain_is_not_evaluable():
    facts, out = _course([4] * 10 + [None] * 7, today=LAST + timedelta(days=17))
    gf = goal_facts_from(facts, out)
    assert gf.latest_pain_nrs is None and gf.latest_pain_missing.startswith("last 7 days")
    assert goal_attainment([PAIN_30], gf).goals[0].status is GoalStatus.NOT_EVALUABLE
