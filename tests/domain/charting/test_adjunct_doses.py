"""Adjunct single-dose ceilings (clinic policy adjuncts-2026.11.1): at, under and over."""

import pytest

from ketaflow.domain.charting.adjuncts import check_adjunct_dose
from ketaflow.domain.errors import DomainValidationError


@pytest.mark.parametrize("drug,dose", [("ondansetron", 4), ("ondansetron", 8), ("midazolam", 1), ("clonidine", 0.1)])
def test_doses_up_to_the_ceiling_are_accepted(drug, dose):
    assert check_adjunct_dose(drug, dose).code == drug


@pytest.mark.parametrize("drug,dose", [("ondansetron", 8.01), ("midazolam", 5), ("clonidine", 1)])
def test_doses_over_the_ceiling_are_refused_with_the_range(drug, dose):
    with pytest.raises(DomainValidationError) as err:
        check_adjunct_dose(drug, dose)
    assert err.value.field == "dose_mg" and "–" in err.value.allowed


def test_a_unit_mix_up_like_midazolam_in_micrograms_is_caught():
    with pytest.raises(DomainValidationError):
        check_adjunct_dose("midazolam", 1000)  # 1000 "mg" typed for 1000 µg


def test_unknown_drugs_and_non_positive_doses_are_refused():
    with pytest.raises(DomainValidationError):
        check_adjunct_dose("aspirin", 1)
    with pytest.raises(DomainValidationError):
        check_adjunct_dose("ondansetron", 0)
