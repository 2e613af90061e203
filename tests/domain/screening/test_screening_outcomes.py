"""Screening outcomes and contraindications (clinical.md §0.3, §1.3; ASRA/AAPM/ASA 2018)."""

import json

import pytest
from screening_builders import TODAY, codes, decide

from ketaflow.domain.screening import RULE_SET_VERSION
from ketaflow.domain.sources import Source


def test_screening_a_patient_with_criteria_resistance_and_no_contraindication_is_eligible():
    decision = decide()
    assert decision.outcome == "eligible"
    assert {"fibromyalgia_criteria_met", "treatment_resistance_met"} <= codes(decision, "met")
    assert not codes(decision, "absolute") and not codes(decision, "relative")


def test_screening_every_reason_cites_a_source_and_the_decision_its_rule_versions():
    decision = decide(comorbidity_codes={"hypertension"}, medication_class_codes={"benzodiazepine"})
    assert all(isinstance(r.source, Source) and r.source.citation for r in decision.reasons)
    assert decision.rule_set_version == RULE_SET_VERSION
    assert decision.policy_version.startswith("clinic-policy-screening-v1")
    assert decision.screened_on == TODAY


@pytest.mark.parametrize(("code", "source_kind"), [
    ("cardiovascular_unstable", "guideline"), ("hypertension_uncontrolled", "label"), ("psychosis_active", "guideline"),
    ("hepatic_disease_severe", "guideline"), ("raised_icp", "guideline"), ("glaucoma", "guideline"),
    ("pregnancy", "guideline"), ("substance_use_active", "guideline"),
])
def test_screening_absolute_contraindications_make_the_patient_not_eligible(code, source_kind):
    decision = decide(comorbidity_codes={code})
    assert decision.outcome == "not_eligible"
    reason = next(r for r in decision.reasons if r.code == code)
    assert reason.severity == "absolute"
    assert reason.source.kind == source_kind


@pytest.mark.parametrize("code", [
    "hypertension", "coronary_disease", "arrhythmia", "psychosis", "bipolar", "hepatic_disease",
    "substance_use_disorder", "breastfeeding", "hyperthyroidism", "obstructive_sleep_apnea", "interstitial_cystitis",
])
def test_screening_relative_contraindications_need_prescriber_review(code):
    decision = decide(comorbidity_codes={code})
    assert decision.outcome == "needs_review"
    assert code in codes(decision, "relative")


def test_screening_lists_every_reason_not_just_the_first():
    decision = decide(comorbidity_codes={"pregnancy", "raised_icp", "bipolar"}, allergy_codes={"Ketamine"})
    assert {"pregnancy", "raised_icp", "ketamine_allergy"} <= codes(decision, "absolute")
    assert "bipolar" in codes(decision, "relative")
    assert decision.outcome == "not_eligible"


def test_screening_ketamine_allergy_is_a_hard_stop_whatever_else_is_true():
    decision = decide(allergy_codes={"ketamine"})
    assert decision.outcome == "not_eligible"
    assert "ketamine_allergy" in codes(decision, "absolute")


def test_screening_other_allergies_do_not_block():
    assert decide(allergy_codes={"penicillin"}).outcome == "eligible"


def test_screening_active_substance_use_is_absolute_for_serial_infusions_but_review_for_a_single_one():
    """ASRA 2018: with active substance abuse, serial infusions should not be undertaken."""
    assert decide(comorbidity_codes={"substance_use_active"}).outcome == "not_eligible"
    single = decide(comorbidity_codes={"substance_use_active"}, serial_infusions_planned=False)
    assert single.outcome == "needs_review"
    assert "substance_use_active" in codes(single, "relative")


def test_screening_hepatic_reasons_reference_the_liver_injury_evidence():
    reason = next(r for r in decide(comorbidity_codes={"hepatic_disease"}).reasons if r.code == "hepatic_disease")
    assert reason.evidence_ids == ("noppers_2011_liver",)


@pytest.mark.parametrize(("age", "outcome", "code"), [
    (17, "not_eligible", "below_minimum_age"), (18, "eligible", None), (75, "eligible", None),
    (76, "needs_review", "age_review"),
])
def test_screening_age_edges_follow_clinic_policy(age, outcome, code):
    decision = decide(age_years=age)
    assert decision.outcome == outcome
    if code:
        reason = next(r for r in decision.reasons if r.code == code)
        assert reason.source.kind == "clinic policy"


def test_screening_female_of_childbearing_age_gets_a_pregnancy_status_reminder_without_blocking():
    decision = decide(sex="female", age_years=30)
    assert "confirm_pregnancy_status" in codes(decision, "info")
    assert decision.outcome == "eligible"
    assert "confirm_pregnancy_status" not in codes(decide(sex="female", age_years=60))


def test_screening_fibromyalgia_indication_carries_the_weak_evidence_statement_with_study_ids():
    reason = next(r for r in decide().reasons if r.code == "evidence_for_indication")
    assert reason.severity == "info"
    assert "weak" in reason.message
    assert "noppers_2011_fibromyalgia" in reason.evidence_ids


def test_screening_decision_snapshot_is_plain_json_with_inputs_and_policy():
    decision = decide(comorbidity_codes={"hypertension", "glaucoma"})
    stored = json.loads(json.dumps(decision.as_dict()))
    assert stored["outcome"] == "not_eligible"
    assert stored["inputs"]["comorbidity_codes"] == ["glaucoma", "hypertension"]
    assert stored["inputs"]["acr_result"]["instrument_id"] == "acr_fm_2016"
    assert stored["inputs"]["policy"]["min_failed_therapy_classes"] == 2
    assert stored["inputs"]["screened_on"] == TODAY.isoformat()
    assert {r["code"] for r in stored["reasons"]} >= {"glaucoma", "hypertension"}
