"""The evidence base as data (clinical.md §3)."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.evidence import load_studies, studies_for, study


def test_every_study_has_a_unique_id_citation_design_and_effect():
    studies = load_studies()
    assert len({s.id for s in studies}) == len(studies)
    for entry in studies:
        assert entry.citation and entry.design and entry.effect and entry.duration
        assert entry.n is None or entry.n > 0


def test_noppers_2011_records_the_negative_8_week_result():
    """clinical.md §3: the only placebo-controlled FM trial with 8-week follow-up found no lasting difference."""
    entry = study("noppers_2011_fibromyalgia")
    assert entry.n == 24
    assert "week 8 2 vs 2" in entry.effect
    assert "0.5 mg/kg" in entry.dose


def test_fibromyalgia_studies_include_the_reviews_and_the_trials():
    ids = {s.id for s in studies_for("fibromyalgia")}
    assert {"sorensen_1995", "graven_nielsen_2000", "noppers_2011_fibromyalgia", "pastrak_2021",
            "de_carvalho_2024"} <= ids


def test_case_reports_with_unverified_details_are_marked_unverified():
    assert study("hanna_smith_2016").verified is False


def test_unknown_study_id_is_a_validation_error():
    with pytest.raises(DomainValidationError) as error:
        study("smith_2099")
    assert error.value.field == "study_id"
