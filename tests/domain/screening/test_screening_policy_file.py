"""A clinic sets its own screening policy as data (treatment resistance is 'a clinic policy with a default'):
given fields replace the labelled defaults, the version is required, and an unknown field or bad value is a
validation error naming it."""

import pytest

from ketaflow.domain.errors import DomainValidationError
from ketaflow.domain.screening import DEFAULT_POLICY, policy_from_dict


def test_given_fields_replace_the_defaults_and_the_rest_keep_theirs():
    policy = policy_from_dict({"version": "clinic 2027-01", "min_failed_therapy_classes": 3,
                               "failure_outcomes": ["failed"], "pregnancy_check_age_years": [14, 50]})  # fmt: skip
    assert policy.version == "clinic 2027-01" and policy.min_failed_therapy_classes == 3
    assert policy.failure_outcomes == frozenset({"failed"}) and policy.pregnancy_check_age_years == (14, 50)
    assert policy.phq9_review_total == DEFAULT_POLICY.phq9_review_total


@pytest.mark.parametrize(("data", "field"), [
    ({"min_failed_therapy_classes": 3}, "policy.version"),
    ({"version": "v", "min_failed_classes": 3}, "policy.min_failed_classes"),
    ({"version": "v", "min_failed_therapy_classes": -1}, "policy.min_failed_therapy_classes"),
    ({"version": "v", "failure_outcomes": ["gave_up"]}, "policy.failure_outcomes"),
    ({"version": "v", "accepted_acr_versions": ["1990"]}, "policy.accepted_acr_versions"),
    ({"version": "v", "require_phq9": "yes"}, "policy.require_phq9"),
    ({"version": "v", "pregnancy_check_age_years": [55, 12]}, "policy.pregnancy_check_age_years"),
    (["version"], "policy"),
])  # fmt: skip
def test_a_bad_policy_names_the_field(data, field):
    with pytest.raises(DomainValidationError) as error:
        policy_from_dict(data)
    assert error.value.field == field
