"""A plan is not signed on an out-of-date screening: the rules are re-run on today's intake at signing,
and a contraindication recorded after the patient was screened blocks the signature (found in QA:
a plan was signed for a patient with an active psychosis added after an 'eligible' screening)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.patients import services as ps
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.screening.services import screening_override, screening_run

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"
PLAN = {"protocol": "chronic_pain_escalating", "n_sessions": 10, "start_dose": "0.1", "escalation_step": "0.05",
        "escalation_cap": "0.35", "duration_min": 240, "series_window_days": 14,
        "start_date": timezone.localdate().isoformat(), "bag_concentration_mg_per_ml": "1"}  # fmt: skip


def _screened_and_cleared(staff, ana):
    ps.condition_add(actor=staff["nurse"], patient=ana, code="fibromyalgia")
    for therapy in ("snri", "gabapentinoid", "tca"):
        ps.therapy_add(actor=staff["nurse"], patient=ana, therapy=therapy, outcome="failed")
    record = screening_run(actor=staff["nurse"], patient=ana, indication="fibromyalgia", today=timezone.localdate())
    if record.outcome != "eligible":  # e.g. no PHQ-9 yet: cleared by a prescriber, as in the clinic
        screening_override(actor=staff["prescriber"], record=record, reason="Reviewed in clinic; appropriate")
    return record


def _sign(client, ana, plan):
    reasons = {f"reason_{name}": "Reviewed" for name in plan.dose_check["soft_limits"]}
    return client.post(reverse("plans:sign", args=[ana.pk, plan.pk]), {"password": PASSWORD, "meaning": "approved"} | reasons)


def test_an_active_psychosis_recorded_after_screening_blocks_signing_until_screened_again(staff, patients, client_for):
    ana = patients["ana"]
    _screened_and_cleared(staff, ana)
    client = client_for(staff["prescriber"])
    client.post(reverse("plans:new", args=[ana.pk]), PLAN)
    plan = Plan.objects.get()
    ps.condition_add(actor=staff["nurse"], patient=ana, code="psychosis_active")
    response = _sign(client, ana, plan)
    plan.refresh_from_db()
    assert response.status_code == 422 and plan.status == "draft"
    assert "Screening is out of date" in response.content.decode()


def test_an_unchanged_intake_signs_as_before(staff, patients, client_for):
    ana = patients["ana"]
    _screened_and_cleared(staff, ana)
    client = client_for(staff["prescriber"])
    client.post(reverse("plans:new", args=[ana.pk]), PLAN)
    plan = Plan.objects.get()
    assert _sign(client, ana, plan).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "signed"
