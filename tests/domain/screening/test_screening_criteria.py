"""Inclusion criteria: fibromyalgia diagnosis (ACR or documented) and treatment resistance (clinic policy)."""

from datetime import date

import pytest
from screening_builders import acr_2011_wpi3_sss9, acr_2016, codes, decide, phq9

from ketaflow.domain.screening import ScreeningPolicy, TherapyTrial

NOT_GENERALIZED = ["left_shoulder_girdle", "left_upper_arm", "left_lower_arm", "left_hip", "left_upper_leg",
                   "left_lower_leg", "neck", "lower_back"]


def test_screening_acr_2016_criteria_met_per_worked_example_3_counts_as_met():
    """clinical.md §8 Example 3 (WPI 9, SSS 8, 5/5 regions) -> criteria met -> inclusion met."""
    decision = decide(acr_result=acr_2016())
    reason = next(r for r in decision.reasons if r.code == "fibromyalgia_criteria_met")
    assert reason.severity == "met"
    assert "2016" in reason.source.citation


def test_screening_acr_not_met_and_no_documented_diagnosis_is_not_eligible():
    decision = decide(acr_result=acr_2016(painful=NOT_GENERALIZED))
    assert decision.outcome == "not_eligible"
    assert "fibromyalgia_diagnosis_not_established" in codes(decision, "not_met")


def test_screening_no_acr_but_documented_diagnosis_is_accepted_by_default_policy():
    decision = decide(acr_result=None, acr_assessed_on=None, documented_fibromyalgia_diagnosis=True)
    assert "fibromyalgia_documented_diagnosis" in codes(decision, "met")
    assert decision.outcome == "eligible"


def test_screening_documented_diagnosis_is_refused_when_policy_says_so():
    policy = ScreeningPolicy(accept_documented_diagnosis=False)
    decision = decide(acr_result=None, acr_assessed_on=None, documented_fibromyalgia_diagnosis=True, policy=policy)
    assert decision.outcome == "not_eligible"


def test_screening_acr_version_choice_changes_the_outcome():
    """WPI 3 / SSS 9 meets 2011 but the clinic may accept 2016 only (clinical.md §4.1)."""
    assert decide(acr_result=acr_2011_wpi3_sss9()).outcome == "eligible"
    only_2016 = ScreeningPolicy(accepted_acr_versions={"2016"})
    decision = decide(acr_result=acr_2011_wpi3_sss9(), policy=only_2016)
    assert "acr_version_not_accepted" in codes(decision, "info")
    assert decision.outcome == "not_eligible"


def test_screening_criteria_are_not_required_for_crps():
    decision = decide(indication="crps", acr_result=None, acr_assessed_on=None)
    assert decision.outcome == "eligible"
    assert not any(c.startswith("fibromyalgia") for c in codes(decision))


def test_screening_acr_older_than_policy_limit_needs_review():
    decision = decide(acr_assessed_on=date(2025, 11, 1))
    assert "acr_stale" in codes(decision, "relative")
    assert decision.outcome == "needs_review"


@pytest.mark.parametrize(("trials", "met"), [
    ([], False),
    ([TherapyTrial("snri", "failed")], False),
    ([TherapyTrial("snri", "failed"), TherapyTrial("snri", "not_tolerated")], False),  # one class twice
    ([TherapyTrial("snri", "failed"), TherapyTrial("tca", "partial")], False),  # partial response is not failure
    ([TherapyTrial("snri", "failed"), TherapyTrial("tca", "failed", adequate=False)], False),
    ([TherapyTrial("snri", "failed"), TherapyTrial("exercise", "failed")], False),  # non-drug not counted by default
    ([TherapyTrial("snri", "failed"), TherapyTrial("tca", "not_tolerated")], True),
    ([TherapyTrial("snri", "failed"), TherapyTrial("tca", "failed"), TherapyTrial("ssri", "failed")], True),
])
def test_screening_treatment_resistance_default_needs_two_failed_drug_classes(trials, met):
    decision = decide(therapy_trials=tuple(trials))
    assert ("treatment_resistance_met" in codes(decision, "met")) is met
    assert ("treatment_resistance_not_met" in codes(decision, "not_met")) is not met
    assert (decision.outcome == "eligible") is met


def test_screening_treatment_resistance_reason_names_the_failed_classes_and_is_clinic_policy():
    reason = next(r for r in decide().reasons if r.code == "treatment_resistance_met")
    assert "gabapentinoid, snri" in reason.message
    assert reason.source.kind == "clinic policy"
    assert "at least 2" in reason.source.citation


def test_screening_treatment_resistance_policy_is_configurable():
    policy = ScreeningPolicy(version="clinic-x-v3", min_failed_therapy_classes=3, failure_outcomes={"failed"},
                             counted_therapy_groups={"pharmacological", "non-pharmacological"})
    trials = (TherapyTrial("snri", "failed"), TherapyTrial("exercise", "failed"), TherapyTrial("tca", "not_tolerated"))
    decision = decide(therapy_trials=trials, policy=policy)
    assert "treatment_resistance_not_met" in codes(decision)  # not_tolerated no longer counts: 2 of 3
    trials_ok = (*trials, TherapyTrial("cbt", "failed"))
    assert "treatment_resistance_met" in codes(decide(therapy_trials=trials_ok, policy=policy))
    assert decide(therapy_trials=trials_ok, policy=policy).policy_version == "clinic-x-v3"


def test_screening_treatment_resistance_can_be_switched_off():
    decision = decide(therapy_trials=(), policy=ScreeningPolicy(require_treatment_resistance=False))
    assert decision.outcome == "eligible"


def test_screening_phq9_item9_above_zero_needs_review_even_with_a_low_total():
    decision = decide(phq9_result=phq9((0, 0, 0, 0, 0, 0, 0, 0, 1)))
    assert "phq9_suicide_risk" in codes(decision, "relative")
    assert decision.outcome == "needs_review"


@pytest.mark.parametrize(("values", "severe"), [((3, 3, 3, 3, 3, 3, 2, 0, 0), True), ((3, 3, 3, 3, 3, 3, 1, 0, 0), False)])
def test_screening_phq9_total_of_20_or_more_needs_review(values, severe):
    decision = decide(phq9_result=phq9(values))
    assert ("phq9_severe" in codes(decision, "relative")) is severe


def test_screening_missing_phq9_needs_review_unless_policy_waives_it():
    assert "phq9_missing" in codes(decide(phq9_result=None, phq9_assessed_on=None), "relative")
    waived = decide(phq9_result=None, phq9_assessed_on=None, policy=ScreeningPolicy(require_phq9=False))
    assert waived.outcome == "eligible"


@pytest.mark.parametrize(("assessed_on", "stale"), [(date(2025, 12, 2), False), (date(2025, 12, 1), True)])
def test_screening_phq9_staleness_edge_is_90_days(assessed_on, stale):
    decision = decide(phq9_assessed_on=assessed_on)  # screened 2026-03-02: 90 vs 91 days
    assert ("phq9_stale" in codes(decision, "relative")) is stale


def test_screening_gives_the_same_decision_from_results_reloaded_from_storage():
    from ketaflow.domain.instruments.base import score_result_from_dict

    fresh = decide(phq9_result=phq9((0, 0, 0, 0, 0, 0, 0, 0, 2)))
    reloaded = decide(acr_result=score_result_from_dict(acr_2016().as_dict()),
                      phq9_result=score_result_from_dict(phq9((0, 0, 0, 0, 0, 0, 0, 0, 2)).as_dict()))
    assert reloaded.outcome == fresh.outcome == "needs_review"
    assert [r.code for r in reloaded.reasons] == [r.code for r in fresh.reasons]
