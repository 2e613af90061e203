"""After a series: response then relapse -> booster draft; non-response -> review, never more ketamine."""

from datetime import date, timedelta

from ketaflow.domain.outcomes.diary_window import PainDiaryEntry
from ketaflow.domain.outcomes.proposals import (
    BoosterProposal,
    ClinicalReviewProposal,
    NoProposal,
    propose_after_series,
)
from ketaflow.domain.outcomes.relapse import detect_relapse
from ketaflow.domain.outcomes.response import pain_response, phq9_response

START = date(2026, 5, 1)


def relapse_of(values):
    entries = [PainDiaryEntry(START + timedelta(days=i), v) for i, v in enumerate(values)]
    return detect_relapse(
        8, entries, response_start_day=START, as_of_day=START + timedelta(days=len(values) - 1)
    )


def test_response_then_relapse_proposes_a_booster_draft_for_a_prescriber_to_sign():
    relapse = relapse_of([3] * 7 + [9] * 10)
    proposal = propose_after_series(
        series_complete=True,
        response=pain_response(8, 3),
        relapse=relapse,
        booster_protocol_code="booster-fm-v1",
    )
    assert isinstance(proposal, BoosterProposal)
    assert proposal.booster_protocol_code == "booster-fm-v1"
    assert proposal.relapse_day == relapse.relapse_day
    assert proposal.requires_prescriber_signature and proposal.status == "draft"
    assert proposal.inputs["relapse_rule_version"] == relapse.rule_version


def test_response_without_relapse_proposes_nothing():
    proposal = propose_after_series(
        series_complete=True,
        response=pain_response(8, 3),
        relapse=relapse_of([3] * 20),
        booster_protocol_code="b",
    )
    assert isinstance(proposal, NoProposal)


def test_non_response_after_induction_proposes_review_not_more_ketamine():
    proposal = propose_after_series(
        series_complete=True, response=pain_response(8, 7), relapse=None, booster_protocol_code="b"
    )
    assert isinstance(proposal, ClinicalReviewProposal)
    assert proposal.further_ketamine_proposed is False
    assert "no response" in proposal.reason


def test_non_response_with_high_pain_never_becomes_a_booster_even_if_relapse_flags():
    # A non-responder's pain is "relapsing" from day one; that must not read as response-then-relapse.
    proposal = propose_after_series(
        series_complete=True,
        response=pain_response(8, 8),
        relapse=relapse_of([8] * 12),
        booster_protocol_code="b",
    )
    assert isinstance(proposal, ClinicalReviewProposal)


def test_not_evaluable_response_goes_to_review():
    proposal = propose_after_series(
        series_complete=True, response=pain_response(0, 0), relapse=None, booster_protocol_code="b"
    )
    assert isinstance(proposal, ClinicalReviewProposal)
    assert "could not be evaluated" in proposal.reason


def test_nothing_is_proposed_while_the_series_is_in_progress():
    proposal = propose_after_series(
        series_complete=False, response=pain_response(8, 8), relapse=None, booster_protocol_code="b"
    )
    assert isinstance(proposal, NoProposal)
    assert "in progress" in proposal.reason


def test_depression_plans_use_the_phq9_response():
    proposal = propose_after_series(
        series_complete=True, response=phq9_response(20, 15), relapse=None, booster_protocol_code="b"
    )
    assert isinstance(proposal, ClinicalReviewProposal)
    assert proposal.inputs["response_inputs"]["baseline_phq9_total"] == 20
