"""Builders shared by the screening tests: a patient who passes everything unless told otherwise."""

from dataclasses import replace
from datetime import date

from ketaflow.domain.instruments.acr_fibromyalgia import ACR_2011, ACR_2016, AREA_IDS
from ketaflow.domain.instruments.phq9 import PHQ9
from ketaflow.domain.screening import ScreeningInput, TherapyTrial, screen

TODAY = date(2026, 3, 2)
EXAMPLE_3_AREAS = ["left_shoulder_girdle", "right_shoulder_girdle", "left_upper_arm", "left_hip", "right_hip",
                   "right_upper_leg", "neck", "upper_back", "lower_back"]


def acr_2016(painful=EXAMPLE_3_AREAS, months=5):
    """clinical.md §8 Example 3 answers by default (criteria met)."""
    answers = {a: int(a.removeprefix("wpi_") in painful) for a in AREA_IDS}
    answers.update(sss_fatigue=2, sss_waking_unrefreshed=3, sss_cognitive=1, sss_headaches=1,
                   sss_lower_abdominal_pain=0, sss_depression=1, symptom_duration_months=months)
    return ACR_2016.score(answers)


def acr_2011_wpi3_sss9():
    """Meets 2011 (WPI 3-6 and SSS >= 9) although 2016 would refuse WPI 3."""
    answers = {a: int(a in ("wpi_left_hip", "wpi_right_hip", "wpi_neck")) for a in AREA_IDS}
    answers.update(sss_fatigue=3, sss_waking_unrefreshed=3, sss_cognitive=3, sss_headaches=0,
                   sss_lower_abdominal_pain=0, sss_depression=0, symptom_duration_months=12,
                   other_disorder_explains_pain=0)
    return ACR_2011.score(answers)


def phq9(values=(1, 1, 1, 1, 1, 0, 0, 0, 0)):
    return PHQ9.score({f"phq9_{i}": v for i, v in enumerate(values, start=1)})


def patient(**changes):
    base = ScreeningInput(
        age_years=45,
        sex="male",
        indication="fibromyalgia",
        therapy_trials=(TherapyTrial("snri", "failed"), TherapyTrial("gabapentinoid", "not_tolerated")),
        acr_result=acr_2016(),
        acr_assessed_on=date(2026, 2, 1),
        phq9_result=phq9(),
        phq9_assessed_on=date(2026, 2, 1),
    )
    return replace(base, **changes)


def decide(**changes):
    return screen(patient(**changes), screened_on=TODAY)


def codes(decision, severity=None):
    return {r.code for r in decision.reasons if severity is None or r.severity == severity}
