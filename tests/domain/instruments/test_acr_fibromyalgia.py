"""ACR fibromyalgia criteria 2010 / 2011 / 2016: WPI, SSS, generalized pain, FS bands (clinical.md §4.1-4.2)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments.acr_fibromyalgia import ACR_2010, ACR_2011, ACR_2016, AREA_IDS

EXAMPLE_3_AREAS = ["left_shoulder_girdle", "right_shoulder_girdle", "left_upper_arm", "left_hip", "right_hip",
                   "right_upper_leg", "neck", "upper_back", "lower_back"]


def areas(*painful):
    assert all(f"wpi_{a}" in AREA_IDS for a in painful)
    return {area: int(area.removeprefix("wpi_") in painful) for area in AREA_IDS}


def answers_2016(painful, fatigue=0, unrefreshed=0, cognitive=0, headaches=0, abdominal=0, depression=0, months=6):
    return {**areas(*painful), "sss_fatigue": fatigue, "sss_waking_unrefreshed": unrefreshed,
            "sss_cognitive": cognitive, "sss_headaches": headaches, "sss_lower_abdominal_pain": abdominal,
            "sss_depression": depression, "symptom_duration_months": months}


def answers_2011(painful, other_disorder=0, **kwargs):
    return {**answers_2016(painful, **kwargs), "other_disorder_explains_pain": other_disorder}


def answers_2010(painful, fatigue=0, unrefreshed=0, cognitive=0, somatic=0, months=6, other_disorder=0):
    return {**areas(*painful), "sss_fatigue": fatigue, "sss_waking_unrefreshed": unrefreshed,
            "sss_cognitive": cognitive, "sss_somatic_symptoms": somatic, "symptom_duration_months": months,
            "other_disorder_explains_pain": other_disorder}


def test_acr_2016_worked_example_3_meets_criteria_with_wpi_9_sss_8_fs_17_moderate():
    """clinical.md §8 Example 3: WPI 9 over 5/5 regions, SSS 8, 5 months -> met; FS 17 -> Salaffi moderate."""
    result = ACR_2016.score(answers_2016(EXAMPLE_3_AREAS, fatigue=2, unrefreshed=3, cognitive=1, headaches=1,
                                         abdominal=0, depression=1, months=5))
    assert result.subscores == {"wpi": 9, "sss": 8}
    assert result.details["regions_with_pain"] == (1, 2, 3, 4, 5)
    assert result.details["generalized_pain"] is True
    assert result.details["criteria_met"] is True
    assert result.total == 17
    assert result.band_code == "moderate"
    assert result.has_flag("fs_at_least_12")
    assert result.has_flag("fibromyalgia_criteria_met")


# WPI 3 with SSS 9: qualifies under 2010/2011 (WPI 3-6) but never under 2016 (WPI 4-6).
WPI_3 = ["left_shoulder_girdle", "right_hip", "neck"]


def test_acr_wpi_3_with_sss_9_meets_2011_but_not_2016():
    high_sss = dict(fatigue=3, unrefreshed=3, cognitive=3)
    assert ACR_2011.score(answers_2011(WPI_3, **high_sss)).details["criteria_met"] is True
    result_2016 = ACR_2016.score(answers_2016(WPI_3, **high_sss))
    assert result_2016.details["criteria_met"] is False
    assert result_2016.details["criterion_a_met"] is False


def test_acr_wpi_3_with_sss_9_meets_2010_clinician_version():
    assert ACR_2010.score(answers_2010(WPI_3, fatigue=3, unrefreshed=3, cognitive=2, somatic=1)).details[
        "criteria_met"] is True


def test_acr_2016_wpi_4_in_four_regions_with_sss_9_meets_criteria():
    painful = ["left_upper_arm", "right_upper_arm", "left_hip", "right_lower_leg"]
    result = ACR_2016.score(answers_2016(painful, fatigue=3, unrefreshed=3, cognitive=3))
    assert result.details["criteria_met"] is True


@pytest.mark.parametrize(("wpi_areas", "sss", "met"), [
    (7, 5, True), (7, 4, False), (6, 9, True), (6, 8, False), (4, 9, True),
])
def test_acr_2016_criterion_a_edges(wpi_areas, sss, met):
    # Four areas spread over four regions first so generalized pain never decides these cases.
    order = ["left_upper_arm", "right_upper_arm", "left_hip", "right_hip", "neck", "left_lower_arm", "right_lower_arm"]
    fatigue, rest = min(3, sss), sss - min(3, sss)
    unrefreshed, rest = min(3, rest), rest - min(3, rest)
    cognitive, rest = min(3, rest), rest - min(3, rest)
    result = ACR_2016.score(answers_2016(order[:wpi_areas], fatigue=fatigue, unrefreshed=unrefreshed,
                                         cognitive=cognitive, headaches=min(1, rest),
                                         abdominal=min(1, max(0, rest - 1)), depression=min(1, max(0, rest - 2))))
    assert result.subscores == {"wpi": wpi_areas, "sss": sss}
    assert result.details["criteria_met"] is met


def test_acr_2016_pain_in_only_3_regions_is_not_generalized_although_wpi_is_high():
    # 8 areas, but all on the left side and the axial region: regions 1, 3 and 5 only.
    painful = ["left_shoulder_girdle", "left_upper_arm", "left_lower_arm", "left_hip", "left_upper_leg",
               "left_lower_leg", "neck", "lower_back"]
    result_2016 = ACR_2016.score(answers_2016(painful, fatigue=2, unrefreshed=2, cognitive=1))
    assert result_2016.details["criterion_a_met"] is True
    assert result_2016.details["generalized_pain"] is False
    assert result_2016.details["criteria_met"] is False
    # 2011 has no generalized-pain rule, so the same answers meet it.
    assert ACR_2011.score(answers_2011(painful, fatigue=2, unrefreshed=2, cognitive=1)).details["criteria_met"]


def test_acr_2016_jaw_chest_and_abdomen_count_for_wpi_but_not_for_generalized_pain():
    painful = ["left_jaw", "right_jaw", "chest", "abdomen", "left_hip", "right_hip", "neck"]
    result = ACR_2016.score(answers_2016(painful, fatigue=2, unrefreshed=2, cognitive=1))
    assert result.subscores["wpi"] == 7
    assert result.details["regions_with_pain"] == (3, 4, 5)
    assert result.details["criteria_met"] is False


def test_acr_another_disorder_explaining_pain_excludes_under_2011_but_not_2016():
    kwargs = dict(fatigue=2, unrefreshed=2, cognitive=1)
    assert ACR_2011.score(answers_2011(EXAMPLE_3_AREAS, other_disorder=1, **kwargs)).details["criteria_met"] is False
    assert ACR_2016.score(answers_2016(EXAMPLE_3_AREAS, **kwargs)).details["criteria_met"] is True


@pytest.mark.parametrize(("months", "met"), [(2, False), (3, True)])
def test_acr_symptoms_must_be_present_at_least_3_months(months, met):
    result = ACR_2016.score(answers_2016(EXAMPLE_3_AREAS, fatigue=2, unrefreshed=2, cognitive=1, months=months))
    assert result.details["duration_met"] is met
    assert result.details["criteria_met"] is met


def test_acr_2016_does_not_accept_the_2010_somatic_symptom_item():
    with pytest.raises(DomainValidationError) as error:
        ACR_2016.score({**answers_2016(EXAMPLE_3_AREAS), "sss_somatic_symptoms": 2})
    assert error.value.field == "sss_somatic_symptoms"


def test_acr_unanswered_body_area_is_a_validation_error():
    answers = answers_2016(EXAMPLE_3_AREAS)
    del answers["wpi_chest"]
    with pytest.raises(DomainValidationError) as error:
        ACR_2016.score(answers)
    assert error.value.field == "wpi_chest"


def test_acr_body_areas_accept_true_false_and_yes_no_codes():
    answers = {**answers_2016(EXAMPLE_3_AREAS), "wpi_neck": True, "wpi_chest": "yes", "wpi_abdomen": False}
    assert ACR_2016.score(answers).subscores["wpi"] == 10


@pytest.mark.parametrize(("fs", "band_code"), [
    (0, "remission"), (5, "remission"), (6, "mild"), (15, "mild"), (16, "moderate"), (20, "moderate"),
    (21, "severe"), (25, "severe"), (26, "very_severe"), (31, "very_severe"),
])
def test_acr_fs_salaffi_2020_band_edges(fs, band_code):
    sss = min(12, fs)
    wpi = fs - sss
    painful = [a.removeprefix("wpi_") for a in AREA_IDS[:wpi]]
    fatigue, unrefreshed, cognitive = min(3, sss), min(3, max(0, sss - 3)), min(3, max(0, sss - 6))
    extra = max(0, sss - 9)
    result = ACR_2016.score(answers_2016(painful, fatigue=fatigue, unrefreshed=unrefreshed, cognitive=cognitive,
                                         headaches=int(extra >= 1), abdominal=int(extra >= 2),
                                         depression=int(extra >= 3)))
    assert result.total == fs
    assert result.band_code == band_code


def test_acr_fs_12_raises_the_fs_flag_and_11_does_not():
    painful = [a.removeprefix("wpi_") for a in AREA_IDS[:3]]
    assert ACR_2016.score(answers_2016(painful, fatigue=3, unrefreshed=3, cognitive=3)).has_flag("fs_at_least_12")
    assert not ACR_2016.score(answers_2016(painful, fatigue=3, unrefreshed=3, cognitive=2)).has_flag("fs_at_least_12")


def test_acr_results_record_their_criteria_version():
    result_2010 = ACR_2010.score(answers_2010(EXAMPLE_3_AREAS))
    assert result_2010.instrument_id == "acr_fm_2010"
    assert result_2010.details["criteria_version"] == "2010"
    assert "2010" in result_2010.rule_version
    assert "Arthritis Care Res 2010" in result_2010.source.citation


@pytest.mark.parametrize(("fs", "band_code"), [
    (3, "none"), (4, "mild"), (7, "mild"), (8, "moderate"), (11, "moderate"), (12, "severe"), (19, "severe"),
    (20, "very_severe"),
])
def test_acr_fs_often_quoted_unverified_band_set_edges(fs, band_code):
    """clinical.md §4.2: 0-3/4-7/8-11/12-19/20-31, unverified, offered as a labelled clinic-policy band set."""
    sss = min(9, fs)
    painful = [a.removeprefix("wpi_") for a in AREA_IDS[:fs - sss]]
    result = ACR_2016.score(answers_2016(painful, fatigue=min(3, sss), unrefreshed=min(3, max(0, sss - 3)),
                                         cognitive=min(3, max(0, sss - 6))), band_set="common_unverified")
    assert result.total == fs
    assert result.band_code == band_code
    assert "common_unverified@unverified" in result.rule_version
