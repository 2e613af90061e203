"""The plan's JSON carries the signer's name with the time and meaning of the signature (issue 5)."""

import pytest
from django.utils import timezone

from ketaflow.clinic.patients import services as ps
from ketaflow.clinic.plans import services as plans
from ketaflow.clinic.screening.services import screening_override, screening_run

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def test_a_signed_plan_names_its_signer_and_a_draft_names_none(staff, patients, client_for):
    ana = patients["ana"]
    ps.condition_add(actor=staff["nurse"], patient=ana, code="fibromyalgia")
    record = screening_run(actor=staff["nurse"], patient=ana, indication="fibromyalgia", today=timezone.localdate())
    if record.outcome != "eligible":
        screening_override(actor=staff["prescriber"], record=record, reason="Reviewed in clinic")
    plan = plans.plan_create(
        actor=staff["prescriber"], patient=ana, protocol="fibromyalgia_induction", n_sessions=6, start_dose="0.2",
        duration_min=240, series_window_days=18, start_date=timezone.localdate(), bag_concentration_mg_per_ml="1",
    )  # fmt: skip
    client = client_for(staff["prescriber"])
    assert client.get(f"/api/plans/{plan.pk}").json()["signed_by"] is None
    reasons = {name: "Reviewed" for name in plan.dose_check["soft_limits"]}
    plans.plan_sign(actor=staff["prescriber"], plan=plan, password=PASSWORD, meaning="approved", soft_reasons=reasons)
    body = client.get(f"/api/plans/{plan.pk}").json()
    assert body["signed_by"] == staff["prescriber"].display_name and body["signature_meaning"] == "approved"
    assert body["signed_at"]
