"""Pain NRS 0-10, three separately coded observations (clinical.md §4.4)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS
from ketaflow.domain.instruments.pain_nrs import PAIN_NRS_AVERAGE_7D, PAIN_NRS_AVERAGE_24H, PAIN_NRS_CURRENT


def test_pain_nrs_has_current_24h_and_7day_average_as_separate_instruments():
    assert {"pain_nrs_current", "pain_nrs_average_24h", "pain_nrs_average_7d"} <= set(INSTRUMENTS)
    assert PAIN_NRS_CURRENT.definition.loinc_total == "72514-3"
    assert PAIN_NRS_AVERAGE_7D.definition.recall == "last 7 days"
    assert PAIN_NRS_AVERAGE_24H.definition.recall == "last 24 hours"


@pytest.mark.parametrize("rating", [0, 4, 10])
def test_pain_nrs_total_is_the_rating(rating):
    assert PAIN_NRS_AVERAGE_7D.score({"pain": rating}).total == rating


@pytest.mark.parametrize(("rating", "band_code"), [(0, "none"), (1, "mild"), (3, "mild"), (4, "moderate"),
                                                   (6, "moderate"), (7, "severe"), (10, "severe")])
def test_pain_nrs_clinic_policy_band_edges(rating, band_code):
    result = PAIN_NRS_CURRENT.score({"pain": rating})
    assert result.band_code == band_code
    assert "common_1_3_4_6_7_10" in result.rule_version


@pytest.mark.parametrize("bad", [11, -1, 7.5, "7.5", None])
def test_pain_nrs_rejects_values_outside_0_to_10_or_not_whole_or_missing(bad):
    with pytest.raises(DomainValidationError) as error:
        PAIN_NRS_CURRENT.score({"pain": bad})
    assert error.value.field == "pain"


def test_pain_nrs_accepts_integer_text_from_a_form():
    assert PAIN_NRS_CURRENT.score({"pain": " 7 "}).total == 7
