"""Outcome evaluation in the shell: decisions stored when they change, proposals kept in step, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.outcomes.models import OutcomeDecision, Proposal
from ketaflow.clinic.outcomes.services import outcomes_evaluate_all, outcomes_evaluate_patient
from ketaflow.synth.outcomes import relapse_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def relapsed(patients, staff):
    plan = relapse_story(patients["ana"], staff["prescriber"], staff["nurse"], today=timezone.localdate(),
                         confirm_today=True)  # fmt: skip
    return plan


def test_response_then_returning_pain_raises_one_booster_proposal_with_its_rule_and_source(relapsed, patients):
    outcomes_evaluate_patient(patient=patients["ana"])
    proposal = Proposal.objects.get(patient=patients["ana"])
    assert proposal.kind == "booster" and proposal.status == "open"
    assert proposal.booster_protocol_code == "chronic_pain_booster"
    assert proposal.source["kind"] == "clinic policy" and proposal.rule_version.startswith("proposals-")
    response = OutcomeDecision.objects.get(plan=relapsed, kind="response", superseded_at__isnull=True)
    assert response.result["onset"]["status"] == "responded"
    assert response.result["onset"]["classification"] == "substantial"


def test_evaluating_again_stores_nothing_new(relapsed, patients):
    outcomes_evaluate_patient(patient=patients["ana"])
    decisions, entries = OutcomeDecision.objects.count(), AuditEntry.objects.count()
    outcomes_evaluate_patient(patient=patients["ana"])
    assert OutcomeDecision.objects.count() == decisions
    assert Proposal.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_evaluate_all_skips_patients_whose_data_did_not_change(relapsed, patients):
    first = outcomes_evaluate_all()
    second = outcomes_evaluate_all()
    assert first["evaluated"] == 1
    assert second == {"patients": 1, "evaluated": 0, "skipped": 1}


def test_a_new_diary_entry_makes_the_patient_stale_again(relapsed, patients, staff):
    from ketaflow.synth.outcomes import diary_days

    outcomes_evaluate_all()
    diary_days(patients["ana"], staff["nurse"], first_day=timezone.localdate(), values=[9])
    assert outcomes_evaluate_all()["evaluated"] == 1


def test_each_stored_decision_is_audited_as_a_system_write(relapsed, patients):
    outcomes_evaluate_patient(patient=patients["ana"])
    kinds = set(AuditEntry.objects.filter(action="outcome.decide").values_list("detail__kind", flat=True))
    assert kinds == {"course", "baseline", "response", "relapse", "proposal", "goals"}
    assert AuditEntry.objects.filter(action="proposal.create", patient_id=str(patients["ana"].pk)).count() == 1


def test_an_entry_outside_every_window_leaves_the_stored_decision_current(relapsed, patients):
    from ketaflow.synth.outcomes import diary_days

    outcomes_evaluate_patient(patient=patients["ana"])
    before = OutcomeDecision.objects.get(plan=relapsed, kind="baseline", superseded_at__isnull=True)
    diary_days(patients["ana"], patients["ana_user"], first_day=relapsed.start_date - dt.timedelta(days=9),
               values=[5])  # an entry outside the baseline window changes nothing
    outcomes_evaluate_patient(patient=patients["ana"])
    assert OutcomeDecision.objects.get(pk=before.pk).superseded_at is None


def test_non_response_after_the_series_proposes_a_review_not_a_booster(patients, staff):
    from ketaflow.synth.outcomes import SERIES_OFFSETS, diary_days, past_series

    today = timezone.localdate()
    first = today - dt.timedelta(days=40)
    past_series(patients["ben"], staff["prescriber"], first_day=first)
    diary_days(patients["ben"], staff["nurse"], first_day=first - dt.timedelta(days=7), values=[7] * 47)
    outcomes_evaluate_patient(patient=patients["ben"])
    proposal = Proposal.objects.get(patient=patients["ben"])
    assert proposal.kind == "review" and "no further ketamine" in proposal.reason
    assert SERIES_OFFSETS[-1] < 40


def test_a_signed_booster_plan_marks_the_proposal_acted_on(relapsed, patients, staff):
    from ketaflow.clinic.outcomes.services import booster_draft, booster_initial
    from ketaflow.clinic.plans.services import plan_sign
    from ketaflow.synth.schedule import clear_screening

    clear_screening(patients["ana"], [staff["prescriber"]])
    outcomes_evaluate_patient(patient=patients["ana"])
    proposal = Proposal.objects.get(patient=patients["ana"])
    initial = booster_initial(proposal)
    initial.pop("protocol")
    plan = booster_draft(actor=staff["prescriber"], proposal=proposal, **initial)
    proposal.refresh_from_db()
    assert proposal.status == "plan_drafted" and proposal.booster_plan == plan
    plan_sign(actor=staff["prescriber"], plan=plan, password="correct-horse-battery-9", meaning="approved",
              soft_reasons={n: "reviewed" for n in plan.dose_check["soft_limits"]})  # fmt: skip
    outcomes_evaluate_all()
    proposal.refresh_from_db()
    assert proposal.status == "acted_on" and proposal.closed_by == staff["prescriber"]


def test_a_withdrawn_proposal_is_reopened_when_the_rule_proposes_it_again(relapsed, patients):
    outcomes_evaluate_patient(patient=patients["ana"])
    proposal = Proposal.objects.get(patient=patients["ana"])
    Proposal.objects.filter(pk=proposal.pk).update(status="withdrawn", close_reason="diary corrected")
    outcomes_evaluate_patient(patient=patients["ana"])
    proposal.refresh_from_db()
    assert proposal.status == "open" and proposal.close_reason == ""
    assert Proposal.objects.count() == 1


def test_a_proposal_the_rule_no_longer_gives_is_withdrawn_with_the_reason(patients, staff):
    from ketaflow.synth.outcomes import SERIES_OFFSETS, diary_days, past_series

    first = timezone.localdate() - dt.timedelta(days=40)
    plan = past_series(patients["ben"], staff["prescriber"], first_day=first)
    diary_days(patients["ben"], staff["nurse"], first_day=first - dt.timedelta(days=7), values=[7] * 7)
    outcomes_evaluate_patient(patient=patients["ben"])  # no diary after the series: not evaluable -> review
    review = Proposal.objects.get(plan=plan)
    assert review.kind == "review"
    last = first + dt.timedelta(days=SERIES_OFFSETS[-1])
    diary_days(patients["ben"], staff["nurse"], first_day=last + dt.timedelta(days=1), values=[2] * 28)
    outcomes_evaluate_patient(patient=patients["ben"])  # responded, no relapse: nothing to propose
    review.refresh_from_db()
    assert review.status == "withdrawn" and "no longer proposes" in review.close_reason


def test_opening_the_chart_again_writes_nothing_when_nothing_changed(relapsed, patients, staff, client_for):
    from ketaflow.clinic.outcomes.models import EvaluationState

    client = client_for(staff["nurse"])
    panel = f"/patients/{patients['ana'].pk}/outcomes/?partial=panel"
    client.get(panel)
    state = EvaluationState.objects.get(patient=patients["ana"])
    decisions = OutcomeDecision.objects.count()
    client.get(panel)
    assert EvaluationState.objects.get(patient=patients["ana"]).evaluated_at == state.evaluated_at
    assert OutcomeDecision.objects.count() == decisions


def test_cancelling_a_signed_plan_withdraws_its_open_proposal(relapsed, patients):
    from ketaflow.clinic.plans.models import Plan

    outcomes_evaluate_all()
    Plan.objects.filter(pk=relapsed.pk).update(status=Plan.Status.CANCELLED)
    assert outcomes_evaluate_all()["evaluated"] == 1
    proposal = Proposal.objects.get(patient=patients["ana"])
    assert proposal.status == "withdrawn" and "no longer the signed version" in proposal.close_reason


def test_the_stored_response_names_immpact_and_its_rule_version_for_the_pain_classes(relapsed, patients):
    outcomes_evaluate_patient(patient=patients["ana"])
    result = OutcomeDecision.objects.get(plan=relapsed, kind="response", superseded_at__isnull=True).result
    assert result["classes"]["rule_version"].startswith("response-")
    assert "IMMPACT" in result["classes"]["source"]["citation"] and "inclusive" in result["classes"]["thresholds"]
    assert "IMMPACT" in result["current"]["source"]["citation"] and result["current"]["rule_version"].startswith("response-")
    assert result["current"]["inputs"]["moderate_percent"] == 30 and result["current"]["inputs"]["substantial_percent"] == 50


def test_a_course_booked_too_soon_for_a_baseline_is_on_the_worklist_before_infusion_1(patients, staff):
    from datetime import datetime, time

    from ketaflow.clinic.outcomes.selectors import worklist
    from ketaflow.clinic.scheduling.models import Booking
    from ketaflow.clinic.scheduling.services import booking_propose, booking_series_accept
    from tests.clinic.infusion_fixtures import signed_plan

    plan = signed_plan(staff, patients["ana"])
    booking_series_accept(actor=staff["front_desk"], plan=plan, slots=list(booking_propose(plan=plan).slots))
    first = min(timezone.localdate(b.start) for b in Booking.objects.filter(plan=plan))
    two_days_before = timezone.make_aware(datetime.combine(first - dt.timedelta(days=2), time(12)))
    outcomes_evaluate_patient(patient=patients["ana"], now=two_days_before)
    items = [i for r in worklist() if r.patient.pk == patients["ana"].pk for i in r.items]
    assert any(i["kind"] == "diary" and f"baseline at risk: infusion 1 on {first.isoformat()} leaves at most 2" in i["text"]
               for i in items)  # fmt: skip
    week_before = timezone.make_aware(datetime.combine(first - dt.timedelta(days=7), time(12)))
    outcomes_evaluate_patient(patient=patients["ana"], now=week_before)
    assert not any("baseline at risk" in i["text"] for r in worklist() for i in r.items)
