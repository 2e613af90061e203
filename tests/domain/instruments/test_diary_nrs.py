"""Sleep quality and fatigue 0-10: clinic-policy diary ratings, scored as the rating, refusing 11 and -1."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.instruments import INSTRUMENTS, score


@pytest.mark.parametrize("instrument_id", ["sleep_quality_nrs", "fatigue_nrs"])
def test_the_diary_ratings_are_labelled_clinic_policy_with_a_version(instrument_id):
    definition = INSTRUMENTS[instrument_id].definition
    assert definition.source.kind == "clinic policy" and definition.version
    assert "not a validated scale" in definition.source.citation


@given(st.sampled_from(["sleep_quality_nrs", "fatigue_nrs"]), st.integers(min_value=-20, max_value=30))
def test_a_rating_scores_as_itself_inside_0_to_10_and_is_refused_outside(instrument_id, rating):
    if 0 <= rating <= 10:
        assert score(instrument_id, {"rating": rating}).total == rating
    else:
        with pytest.raises(DomainValidationError) as err:
            score(instrument_id, {"rating": rating})
        assert err.value.field == "rating" and "10" in err.value.allowed
