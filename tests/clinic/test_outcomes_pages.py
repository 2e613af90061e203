"""Outcome pages: worklist, patient summary and timeline, booster draft from a proposal, closing proposals."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ketaflow.clinic.outcomes.models import Proposal
from ketaflow.clinic.plans.models import Plan
from ketaflow.synth.outcomes import relapse_story
from ketaflow.synth.schedule import clear_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def relapsed(patients, staff):
    clear_screening(patients["ana"], [staff["prescriber"]])
    return relapse_story(patients["ana"], staff["prescriber"], staff["nurse"], today=timezone.localdate(),
                         confirm_today=True)  # fmt: skip


def test_the_worklist_shows_the_booster_proposal_labelled_as_decision_support(relapsed, staff, client_for):
    page = client_for(staff["nurse"]).get("/worklist/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Booster proposed" in text and "Lopez, Ana" in text
    assert "not orders" in text
    assert "Open booster plan" not in text  # only a prescriber drafts the plan


def test_the_worklist_lists_open_alerts_and_is_audited(relapsed, patients, staff, client_for):
    from ketaflow.clinic.assessments.services import assessment_record
    from ketaflow.clinic.audit.models import AuditEntry

    phq9 = {f"phq9_{i}": 0 for i in range(1, 9)} | {"phq9_9": 2}
    assessment_record(actor=staff["nurse"], patient=patients["ben"], instrument_id="phq9", answers=phq9)
    text = client_for(staff["prescriber"]).get("/worklist/").content.decode()
    assert "Marsh, Ben" in text and "Alert" in text
    assert AuditEntry.objects.filter(action="worklist.view").count() == 1


def test_the_chart_panel_shows_response_classes_and_the_timeline(relapsed, patients, staff, client_for):
    client = client_for(staff["prescriber"])
    text = client.get(f"/patients/{patients['ana'].pk}/outcomes/?partial=panel").content.decode()
    assert "responded" in text and "substantial" in text and "Relapse watch" in text
    svg = client.get(f"/patients/{patients['ana'].pk}/outcomes/timeline.svg")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    chart = client.get(f"/patients/{patients['ana'].pk}/").content.decode()
    assert f"/patients/{patients['ana'].pk}/outcomes/?partial=panel" in chart


def test_a_prescriber_drafts_the_booster_plan_prefilled_from_the_proposal(relapsed, patients, staff, client_for):
    client = client_for(staff["prescriber"])
    client.get("/worklist/")
    proposal = Proposal.objects.get(patient=patients["ana"])
    form = client.get(f"/proposals/{proposal.pk}/booster/")
    assert form.status_code == 200 and 'value="chronic_pain_booster"' in form.content.decode()
    assert ">Chronic pain booster (1-2 infusions)</option>" in form.content.decode()  # the name, not the code
    assert f'href="/patients/{patients["ana"].pk}/outcomes/">Response summary and timeline' in form.content.decode()
    initial = form.context["form"].initial
    data = {k: initial[k] for k in ("n_sessions", "start_dose", "duration_min", "series_window_days",
                                    "bag_concentration_mg_per_ml")} | {  # fmt: skip
        "protocol": "chronic_pain_booster", "start_date": timezone.localdate().isoformat()}
    response = client.post(f"/proposals/{proposal.pk}/booster/", data)
    plan = Plan.objects.get(patient=patients["ana"], kind="booster")
    assert response.status_code == 302 and response["Location"] == f"/patients/{patients['ana'].pk}/plans/{plan.pk}/"
    proposal.refresh_from_db()
    assert proposal.status == "plan_drafted" and plan.status == "draft"


def test_a_booster_dose_out_of_range_is_refused_naming_the_field(relapsed, patients, staff, client_for):
    client = client_for(staff["prescriber"])
    client.get("/worklist/")
    proposal = Proposal.objects.get(patient=patients["ana"])
    response = client.post(f"/proposals/{proposal.pk}/booster/", {
        "protocol": "chronic_pain_booster", "n_sessions": 40, "start_dose": "0.3", "duration_min": 120,
        "series_window_days": 7, "start_date": timezone.localdate().isoformat(), "bag_concentration_mg_per_ml": "1"})  # fmt: skip
    assert response.status_code == 422
    assert 'data-field="n_sessions"' in response.content.decode()
    assert not Plan.objects.filter(kind="booster").exists()


def test_dismissing_needs_a_reason_and_then_closes_the_proposal(relapsed, patients, staff, client_for):
    client = client_for(staff["prescriber"])
    client.get("/worklist/")
    proposal = Proposal.objects.get(patient=patients["ana"])
    refused = client.post(f"/proposals/{proposal.pk}/close/", {"outcome": "dismissed", "reason": " "})
    assert refused.status_code == 422 and "reason" in refused.content.decode()
    done = client.post(f"/proposals/{proposal.pk}/close/", {"outcome": "dismissed", "reason": "patient declines"})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "dismissed" and proposal.close_reason == "patient declines"
    assert "Booster proposed" not in client.get("/worklist/").content.decode()


def test_a_patient_cannot_see_another_patients_outcomes(relapsed, patients, client_for):
    response = client_for(patients["ben_user"]).get(f"/patients/{patients['ana'].pk}/outcomes/")
    assert response.status_code in (403, 404)


def test_the_worklist_shows_an_overdue_diary_and_an_unanswered_vitals_alert(patients, staff, client_for):
    import datetime as dt

    from ketaflow.clinic.infusions.models import InfusionSession, VitalSign
    from ketaflow.synth.outcomes import past_series

    first = timezone.localdate() - dt.timedelta(days=20)
    plan = past_series(patients["ben"], staff["prescriber"], first_day=first)  # no diary at all since
    session = InfusionSession.objects.filter(plan=plan).last()
    VitalSign.objects.create(session=session, at=timezone.now() - dt.timedelta(hours=1), phase="intra",
                             systolic_mmhg=190, level="red", recorded_by=staff["nurse"])  # fmt: skip
    text = client_for(staff["nurse"]).get("/worklist/").content.decode()
    assert "Marsh, Ben" in text
    assert "Diary overdue" in text and "7 of the last 7 diary days missed" in text
    assert "red vitals alert without a recorded response" in text


def test_a_review_is_recorded_as_done_but_a_booster_is_only_acted_on_by_signing(relapsed, patients, staff, client_for):
    import datetime as dt

    from ketaflow.synth.outcomes import diary_days, past_series

    first = timezone.localdate() - dt.timedelta(days=40)
    past_series(patients["ben"], staff["prescriber"], first_day=first)
    diary_days(patients["ben"], staff["nurse"], first_day=first - dt.timedelta(days=7), values=[7] * 47)
    client = client_for(staff["prescriber"])
    client.get("/worklist/")
    review = Proposal.objects.get(patient=patients["ben"])
    done = client.post(f"/proposals/{review.pk}/close/", {"outcome": "acted_on", "reason": "seen in clinic; plan changed"})
    review.refresh_from_db()
    assert done.status_code == 302 and review.status == "acted_on" and review.closed_by == staff["prescriber"]
    booster = Proposal.objects.get(patient=patients["ana"])
    refused = client.post(f"/proposals/{booster.pk}/close/", {"outcome": "acted_on", "reason": "done"})
    assert refused.status_code == 422 and "signing its plan" in refused.content.decode()


def test_an_overdue_diary_of_a_patient_without_a_portal_login_says_no_reminder_can_reach_them(patients, staff, client_for):
    import datetime as dt

    from ketaflow.synth.outcomes import past_series

    ben = patients["ben"]
    past_series(ben, staff["prescriber"], first_day=timezone.localdate() - dt.timedelta(days=20))
    type(ben).objects.filter(pk=ben.pk).update(user=None)
    text = client_for(staff["nurse"]).get("/worklist/").content.decode()
    assert "7 of the last 7 diary days missed; no portal login, so no reminders go out" in text
    assert f'href="/patients/{ben.pk}/diary/">Diary</a>' in text


def test_a_worklist_alert_points_to_the_chart_to_acknowledge_it(relapsed, patients, staff, client_for):
    from ketaflow.clinic.assessments.services import assessment_record

    answers = {f"phq9_{i}": "not_at_all" for i in range(1, 9)} | {"phq9_9": "several_days"}
    assessment_record(actor=patients["ana_user"], patient=patients["ana"], instrument_id="phq9", answers=answers)
    text = client_for(staff["nurse"]).get("/worklist/").content.decode()
    assert "PHQ-9 item 9 answered above 0" in text and "Chart: acknowledge with a note</a>" in text


def test_the_booster_draft_page_shows_an_unacknowledged_suicide_risk_alert_before_the_form(relapsed, patients, staff, client_for):
    from ketaflow.clinic.assessments.services import assessment_record

    client = client_for(staff["prescriber"])
    client.get("/worklist/")
    proposal = Proposal.objects.get(patient=patients["ana"])
    assert 'id="open-alerts"' not in client.get(f"/proposals/{proposal.pk}/booster/").content.decode()
    answers = {f"phq9_{i}": "not_at_all" for i in range(1, 9)} | {"phq9_9": "several_days"}
    assessment_record(actor=patients["ana_user"], patient=patients["ana"], instrument_id="phq9", answers=answers)
    page = client.get(f"/proposals/{Proposal.objects.get(patient=patients['ana'], status__in=Proposal.OPEN_STATES).pk}/booster/")
    text = page.content.decode()
    assert 'id="open-alerts"' in text and "PHQ-9 item 9 answered above 0" in text
