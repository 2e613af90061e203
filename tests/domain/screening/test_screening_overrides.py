"""Override rule: review needs one prescriber's reason; an absolute contraindication needs a second prescriber."""

from screening_builders import decide

from ketaflow.domain.screening import Override, override_allowed, signatures_required

REVIEW = decide(comorbidity_codes={"hypertension"})
ABSOLUTE = decide(comorbidity_codes={"glaucoma"})
CRITERION_NOT_MET = decide(therapy_trials=())


def test_override_of_needs_review_is_allowed_with_one_prescriber_and_a_reason():
    check = override_allowed(REVIEW, [Override("dr_a", "BP well controlled on two readings")])
    assert check.allowed and check.needed
    assert check.required_signatures == 1


def test_override_of_needs_review_without_a_reason_is_refused():
    check = override_allowed(REVIEW, [Override("dr_a", "   ")])
    assert not check.allowed
    assert "no recorded reason" in check.problems[0]


def test_override_by_a_nurse_is_refused():
    check = override_allowed(REVIEW, [Override("nurse_b", "looks fine", role="nurse")])
    assert not check.allowed
    assert "not a prescriber" in check.problems[0]


def test_override_of_an_absolute_contraindication_needs_a_second_different_prescriber():
    assert signatures_required(ABSOLUTE) == 2
    one = override_allowed(ABSOLUTE, [Override("dr_a", "ophthalmology cleared, IOP normal")])
    assert not one.allowed
    assert "second, different prescriber" in one.message
    same_twice = override_allowed(ABSOLUTE, [Override("dr_a", "cleared"), Override("dr_a", "co-sign")])
    assert not same_twice.allowed
    assert same_twice.valid_signatures == 1
    two = override_allowed(ABSOLUTE, [Override("dr_a", "cleared"), Override("dr_b", "agree, co-signed")])
    assert two.allowed
    assert two.valid_signatures == 2


def test_override_of_an_unmet_criterion_without_contraindication_needs_one_prescriber():
    assert CRITERION_NOT_MET.outcome == "not_eligible"
    assert signatures_required(CRITERION_NOT_MET) == 1
    assert override_allowed(CRITERION_NOT_MET, [Override("dr_a", "one failed class but severe disability")]).allowed


def test_override_of_an_eligible_decision_is_not_needed():
    check = override_allowed(decide(), [Override("dr_a", "why not")])
    assert not check.needed and not check.allowed
    assert check.required_signatures == 0
