"""Bad screening input is refused with the field named; no input crashes the screen."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from screening_builders import TODAY, patient, phq9

from ketaflow.domain.codes import code_list
from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.screening import OUTCOMES, ScreeningInput, ScreeningPolicy, TherapyTrial, screen


@pytest.mark.parametrize(("changes", "field"), [
    ({"age_years": -1}, "age_years"),
    ({"age_years": 45.5}, "age_years"),
    ({"age_years": True}, "age_years"),
    ({"sex": "F"}, "sex"),
    ({"indication": "back_pain"}, "indication"),
    ({"comorbidity_codes": {"hypertention"}}, "comorbidity_codes"),
    ({"medication_class_codes": {"xanax"}}, "medication_class_codes"),
    ({"therapy_trials": (TherapyTrial("yoga", "failed"),)}, "therapy_trials.therapy_code"),
    ({"therapy_trials": (TherapyTrial("snri", "worse"),)}, "therapy_trials.outcome_code"),
    ({"acr_result": phq9()}, "acr_result"),
    ({"phq9_assessed_on": date(2026, 3, 3)}, "phq9_assessed_on"),
    ({"policy": ScreeningPolicy(failure_outcomes={"bad"})}, "policy.failure_outcomes"),
    ({"policy": ScreeningPolicy(accepted_acr_versions={"1990"})}, "policy.accepted_acr_versions"),
    ({"policy": ScreeningPolicy(min_failed_therapy_classes=-1)}, "policy.min_failed_therapy_classes"),
])
def test_screening_rejects_invalid_input_naming_the_field(changes, field):
    with pytest.raises(DomainValidationError) as error:
        screen(replace(patient(), **changes), screened_on=TODAY)
    assert error.value.field == field


def test_screening_date_must_be_a_date():
    with pytest.raises(DomainValidationError) as error:
        screen(patient(), screened_on="2026-03-02")
    assert error.value.field == "screened_on"


def codes_of(name):
    return [c.code for c in code_list(name)]


TEXT = st.text(max_size=5)
INPUTS = st.builds(
    ScreeningInput,
    age_years=st.one_of(st.integers(-5, 140), st.just(40)),
    sex=st.one_of(st.sampled_from(codes_of("sexes")), TEXT),
    indication=st.sampled_from(["fibromyalgia", "crps", "depression", "migraine", "bogus"]),
    comorbidity_codes=st.frozensets(st.one_of(st.sampled_from(codes_of("comorbidities")), TEXT), max_size=4),
    medication_class_codes=st.frozensets(st.one_of(st.sampled_from(codes_of("drug_classes")), TEXT), max_size=4),
    therapy_trials=st.lists(st.builds(TherapyTrial, st.sampled_from(codes_of("prior_therapies") + ["x"]),
                                      st.sampled_from(codes_of("therapy_outcomes") + ["x"]), st.booleans()),
                            max_size=4).map(tuple),
    acr_result=st.sampled_from([None, patient().acr_result, phq9()]),
    documented_fibromyalgia_diagnosis=st.booleans(),
    phq9_result=st.sampled_from([None, phq9(), phq9((3,) * 9)]),
    phq9_assessed_on=st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 12, 31))),
    allergy_codes=st.frozensets(st.sampled_from(["ketamine", "penicillin", "KETAMINE"]), max_size=2),
    serial_infusions_planned=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(INPUTS)
def test_no_screening_input_crashes_the_screen(screening_input):
    try:
        decision = screen(screening_input, screened_on=TODAY)
    except DomainValidationError as error:
        assert error.field
        return
    assert decision.outcome in OUTCOMES
    if decision.has_absolute_contraindication:
        assert decision.outcome == "not_eligible"


def test_screening_rejects_an_acr_result_without_its_decision_details():
    stripped = replace(patient().acr_result, details={})
    with pytest.raises(DomainValidationError) as error:
        screen(patient(acr_result=stripped), screened_on=TODAY)
    assert error.value.field == "acr_result"
