"""Rows → the domain's ScreeningInput. No rule lives here: only loading and naming."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from ketaflow.clinic.assessments.selectors import latest_valid
from ketaflow.clinic.screening.policy import screening_policy
from ketaflow.domain.instruments.base import score_result_from_dict
from ketaflow.domain.intake import age_years
from ketaflow.domain.screening import ScreeningInput, TherapyTrial

ACR_IDS = ("acr_fm_2016", "acr_fm_2011", "acr_fm_2010")


def screening_input_for(patient, *, indication: str, today: date) -> ScreeningInput:
    conditions = set(patient.conditions.filter(active=True).values_list("code", flat=True))
    medication_classes = set(patient.medications.filter(active=True).values_list("drug_class", flat=True))
    trials = tuple(
        TherapyTrial(therapy_code=t.therapy, outcome_code=t.outcome)
        for t in patient.prior_therapies.filter(active=True).order_by("pk")
    )
    allergies = {a.substance.strip().lower() for a in patient.allergies.filter(active=True)}
    acr = latest_valid(patient=patient, instrument_ids=ACR_IDS)
    phq9 = latest_valid(patient=patient, instrument_ids=("phq9",))
    return ScreeningInput(
        age_years=age_years(patient.date_of_birth, today),
        sex=patient.sex,
        indication=indication,
        comorbidity_codes=frozenset(conditions),
        medication_class_codes=frozenset(medication_classes),
        therapy_trials=trials,
        acr_result=score_result_from_dict(acr.result) if acr else None,
        acr_assessed_on=timezone.localdate(acr.administered_at) if acr else None,
        documented_fibromyalgia_diagnosis="fibromyalgia" in conditions,
        phq9_result=score_result_from_dict(phq9.result) if phq9 else None,
        phq9_assessed_on=timezone.localdate(phq9.administered_at) if phq9 else None,
        allergy_codes=frozenset(allergies),
        policy=screening_policy(),
    )
