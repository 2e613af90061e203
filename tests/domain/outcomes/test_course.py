"""A course from baseline to proposal: series state, response onset, relapse, booster or review."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.outcomes.course import (
    CourseFacts,
    CoursePolicy,
    booster_protocol_for,
    course_evaluate,
    daily_pain,
    pain_entries_from,
)
from ketaflow.domain.outcomes.diary_window import PainDiaryEntry
from ketaflow.domain.outcomes.proposals import BoosterProposal, ClinicalReviewProposal, NoProposal
from ketaflow.domain.outcomes.response import PainResponseClass

FIRST = date(2026, 9, 1)
DAYS = tuple(FIRST + timedelta(days=2 * i) for i in range(6))  # 6 infusions over 11 days
LAST = DAYS[-1]


def diary(start: date, values) -> list[PainDiaryEntry]:
    return [PainDiaryEntry(start + timedelta(days=i), v) for i, v in enumerate(values) if v is not None]


BASELINE_8 = diary(FIRST - timedelta(days=7), [8] * 7)


def facts(after=(), *, baseline=BASELINE_8, given=DAYS, kind="induction", **extra) -> CourseFacts:
    entries = tuple(baseline) + tuple(diary(LAST + timedelta(days=1), after))
    data = dict(plan_kind=kind, planned_sessions=6, series_last_day=FIRST + timedelta(days=20), infusion_days=given,
                baseline_first_infusion_day=None, pain_entries=entries)  # fmt: skip
    return CourseFacts(**(data | extra))


def test_a_plan_with_no_infusion_given_is_not_started_and_proposes_nothing():
    out = course_evaluate(facts(given=()), today=FIRST)
    assert out.stage == "not started"
    assert isinstance(out.proposal, NoProposal)


def test_a_series_with_infusions_left_inside_its_window_is_in_progress():
    out = course_evaluate(facts(given=DAYS[:3]), today=DAYS[2])
    assert out.stage == "in progress" and isinstance(out.proposal, NoProposal)


def test_a_series_whose_window_ended_early_counts_as_over_but_not_all_given():
    out = course_evaluate(facts([3] * 14, given=DAYS[:4]), today=FIRST + timedelta(days=40))
    assert out.stage == "evaluated"
    assert out.inputs["all_planned_given"] is False and out.inputs["series_complete"] is True


def test_before_the_first_full_window_after_the_series_the_response_is_pending():
    out = course_evaluate(facts([3] * 5), today=LAST + timedelta(days=5))
    assert out.stage == "awaiting response"
    assert "response window open until" in out.proposal.reason


def test_response_within_14_days_then_no_relapse_proposes_nothing():
    out = course_evaluate(facts([3] * 30), today=LAST + timedelta(days=30))
    assert out.onset.status == "responded"
    assert out.onset.onset_day == LAST + timedelta(days=1)
    assert out.onset.response.classification is PainResponseClass.SUBSTANTIAL
    assert not out.relapse.relapsed
    assert isinstance(out.proposal, NoProposal)


def test_response_then_pain_returning_proposes_a_booster_for_a_prescriber_to_sign():
    out = course_evaluate(facts([3] * 14 + [8] * 10), today=LAST + timedelta(days=24))
    assert out.relapse.relapsed
    assert isinstance(out.proposal, BoosterProposal)
    assert out.proposal.booster_protocol_code == "chronic_pain_booster"
    assert out.proposal.requires_prescriber_signature


def test_no_response_after_the_series_proposes_a_review_and_no_more_ketamine():
    out = course_evaluate(facts([7] * 20), today=LAST + timedelta(days=20))
    assert out.onset.status == "no response"
    assert isinstance(out.proposal, ClinicalReviewProposal)
    assert out.proposal.further_ketamine_proposed is False


def test_a_baseline_of_zero_is_not_evaluable_and_goes_to_review():
    out = course_evaluate(facts([0] * 20, baseline=diary(FIRST - timedelta(days=7), [0] * 7)),
                          today=LAST + timedelta(days=20))  # fmt: skip
    assert out.onset.status == "not evaluable"
    assert isinstance(out.proposal, ClinicalReviewProposal)


def test_missing_baseline_diary_days_make_the_course_not_evaluable_not_a_non_response():
    sparse = diary(FIRST - timedelta(days=7), [8, None, None, None, None, None, 8])
    out = course_evaluate(facts([3] * 20, baseline=sparse), today=LAST + timedelta(days=20))
    assert out.onset.status == "not evaluable"
    assert "2 of 7 diary days" in out.onset.reason


def test_missing_diary_days_after_the_series_leave_the_response_not_evaluable():
    out = course_evaluate(facts([3, None, None, None, None, None, 3] * 3), today=LAST + timedelta(days=21))
    assert out.onset.status == "not evaluable"
    assert isinstance(out.proposal, ClinicalReviewProposal)


def test_exactly_30_percent_below_baseline_inside_the_window_is_a_response():
    # Baseline 10, seven days averaging exactly 7: (10 - 7) / 10 = 30 % counts (IMMPACT, inclusive).
    base = diary(FIRST - timedelta(days=7), [10] * 7)
    out = course_evaluate(facts([7] * 20, baseline=base), today=LAST + timedelta(days=20))
    assert out.onset.status == "responded"
    assert out.onset.response.percent_reduction == 30


def test_a_later_series_ends_the_relapse_watch_of_the_earlier_one():
    later = LAST + timedelta(days=15)
    out = course_evaluate(
        facts([3] * 14 + [8] * 10, next_series_first_day=later), today=LAST + timedelta(days=24)
    )
    assert out.inputs["watch_end_day"] == (later - timedelta(days=1)).isoformat()
    assert not out.relapse.relapsed


def test_a_booster_is_judged_against_the_original_baseline():
    original_first = FIRST - timedelta(days=60)
    base = diary(original_first - timedelta(days=7), [8] * 7)
    out = course_evaluate(
        facts([3] * 14, baseline=base, given=(FIRST,), planned_sessions=1, kind="booster",
              baseline_first_infusion_day=original_first),
        today=FIRST + timedelta(days=15),
    )  # fmt: skip
    assert out.baseline.mean_pain_nrs == 8
    assert out.onset.status == "responded"


def test_pgic_fiqr_and_phq9_after_the_series_are_summarised_with_their_sources():
    out = course_evaluate(
        facts([3] * 20, intake_fiqr_total=Fraction(60), intake_phq9_total=16,
              fiqr_after=(LAST + timedelta(days=14), Fraction(45)), pgic_after=(LAST + timedelta(days=1), "much improved"),
              phq9_after=((LAST + timedelta(days=7), 9), (LAST + timedelta(days=14), 8))),
        today=LAST + timedelta(days=20),
    )  # fmt: skip
    assert out.pgic.responder is True
    assert out.fiqr.percent_improvement == 25 and out.fiqr.clinically_important
    assert out.phq9.response is True and out.phq9.below_10 and not out.phq9.remission
    assert out.phq9.inputs["current_phq9_total"] == 8


def test_scores_from_before_the_last_infusion_are_not_read_as_outcomes():
    out = course_evaluate(
        facts([3] * 20, pgic_after=(LAST, "much improved")), today=LAST + timedelta(days=20)
    )
    assert out.pgic is None


def test_depression_plans_respond_and_relapse_on_phq9():
    phq = ((LAST + timedelta(days=3), 9), (LAST + timedelta(days=30), 14))
    out = course_evaluate(facts(kind="depression", intake_phq9_total=20, phq9_after=phq,
                                booster_protocol_code="depression_standard"), today=LAST + timedelta(days=31))  # fmt: skip
    assert out.onset.status == "responded" and out.onset.onset_day == LAST + timedelta(days=3)
    assert out.relapse.relapsed and out.relapse.source.kind == "clinic policy"
    assert isinstance(out.proposal, BoosterProposal)


def test_depression_plans_without_a_phq9_drop_go_to_review():
    phq = ((LAST + timedelta(days=7), 15),)
    out = course_evaluate(
        facts(kind="depression", intake_phq9_total=20, phq9_after=phq), today=LAST + timedelta(days=20)
    )
    assert out.onset.status == "no response"
    assert isinstance(out.proposal, ClinicalReviewProposal)


def test_follow_up_classes_appear_once_their_day_has_passed():
    out = course_evaluate(facts([3] * 30), today=LAST + timedelta(days=30))
    assert [f.days_after for f in out.follow_ups] == [14, 28]


def test_the_outcome_names_its_policy_and_version():
    out = course_evaluate(facts([3] * 20), today=LAST + timedelta(days=20))
    assert out.source.kind == "clinic policy" and out.rule_version == out.source.version


def test_a_response_window_shorter_than_the_rolling_window_is_refused():
    with pytest.raises(DomainValidationError) as err:
        CoursePolicy(response_window_days=3)
    assert err.value.field == "response_window_days"


def test_a_corrected_diary_day_keeps_the_later_value():
    entries = pain_entries_from([(FIRST, 7), (FIRST, 5)])
    assert entries == (PainDiaryEntry(FIRST, 5),)


def test_phq9_remission_is_below_10_for_depression_plans_and_below_5_otherwise():
    phq = ((LAST + timedelta(days=3), 8),)
    depression = course_evaluate(facts(kind="depression", intake_phq9_total=20, phq9_after=phq), today=LAST + timedelta(days=20))
    pain = course_evaluate(facts([3] * 20, intake_phq9_total=20, phq9_after=phq), today=LAST + timedelta(days=20))
    assert depression.phq9.remission is True and depression.phq9.inputs["remission_below"] == 10
    assert pain.phq9.remission is False and pain.phq9.inputs["remission_below"] == 5


def test_a_days_pain_is_its_24h_average_else_that_days_pain_now_rating():
    second = FIRST + timedelta(days=1)
    entries = daily_pain([(FIRST, 6)], [(FIRST, 9), (second, 4)])
    assert entries == (PainDiaryEntry(FIRST, 6), PainDiaryEntry(second, 4))


def test_depression_relapses_draft_a_depression_protocol_and_pain_plans_the_pain_booster():
    assert booster_protocol_for("depression") == "depression_standard"
    assert booster_protocol_for("induction") == booster_protocol_for("escalating") == "chronic_pain_booster"
