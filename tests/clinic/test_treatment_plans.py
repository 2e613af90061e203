"""Treatment plans: generated from a protocol, every session checked, signed with a password, locked,
amended as new versions; nurses cannot sign; the patient gets a handout (page and PDF)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.plans.models import Plan
from ketaflow.clinic.screening.services import screening_run

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-9"


def escalating(cap="0.4", **extra):
    return {"protocol": "chronic_pain_escalating", "n_sessions": 10, "start_dose": "0.1", "escalation_step": "0.05",
            "escalation_cap": cap, "duration_min": 240, "series_window_days": 14,
            "start_date": timezone.localdate().isoformat(), "bag_concentration_mg_per_ml": "1"} | extra  # fmt: skip


@pytest.fixture
def eligible_ana(staff, patients):
    """Ana with what makes screening eligible-or-reviewable; overridden when it is not eligible."""
    from ketaflow.clinic.patients import services as ps
    from ketaflow.clinic.screening.services import screening_override

    ana = patients["ana"]
    ps.condition_add(actor=staff["nurse"], patient=ana, code="fibromyalgia")
    for therapy in ("snri", "gabapentinoid", "tca"):
        ps.therapy_add(actor=staff["nurse"], patient=ana, therapy=therapy, outcome="failed")
    record = screening_run(actor=staff["nurse"], patient=ana, indication="fibromyalgia", today=timezone.localdate())
    if record.outcome != "eligible":
        screening_override(actor=staff["prescriber"], record=record, reason="Reviewed in clinic; appropriate")
    return ana


def create(client, patient, data):
    return client.post(reverse("plans:new", args=[patient.pk]), data)


def test_an_escalating_plan_raises_the_dose_each_session_up_to_the_cap(staff, eligible_ana, client_for):
    response = create(client_for(staff["prescriber"]), eligible_ana, escalating(cap="0.35"))
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.status == "draft" and plan.kind == "escalating"
    doses = [float(s.dose_value) for s in plan.sessions.order_by("index")]
    assert doses[:6] == pytest.approx([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]) and max(doses) == pytest.approx(0.35)
    assert plan.sessions.filter(held_at_cap=True).count() == 4
    assert plan.dose_check["sessions"][0]["pump_rates_ml_per_h"][0] == pytest.approx(0.1 * 68.5 / 1.0)


def test_a_cap_over_the_hard_limit_is_saved_as_a_draft_that_cannot_be_signed(staff, eligible_ana, client_for):
    client = client_for(staff["prescriber"])
    create(client, eligible_ana, escalating(cap="0.9", escalation_step="0.2"))
    plan = Plan.objects.get()
    assert plan.dose_check["status"] == "hard_violation"
    detail = client.get(reverse("plans:detail", args=[eligible_ana.pk, plan.pk])).content.decode()
    assert "Hard limit" in detail
    response = client.post(reverse("plans:sign", args=[eligible_ana.pk, plan.pk]),
                           {"password": PASSWORD, "meaning": "approved"})  # fmt: skip
    plan.refresh_from_db()
    assert response.status_code == 422 and plan.status == "draft"


def test_soft_limits_need_reasons_then_the_prescriber_signs_with_the_password(staff, eligible_ana, client_for):
    client = client_for(staff["prescriber"])
    create(client, eligible_ana, escalating(cap="0.4"))
    plan = Plan.objects.get()
    soft = plan.dose_check["soft_limits"]
    assert "rate_mg_per_kg_per_h" in soft
    sign = reverse("plans:sign", args=[eligible_ana.pk, plan.pk])
    no_reason = client.post(sign, {"password": PASSWORD, "meaning": "approved"})
    assert no_reason.status_code == 422 and "needs a prescriber" in no_reason.content.decode()
    reasons = {f"reason_{name}": "Tolerated 0.4 mg/kg/h in a previous series" for name in soft}
    wrong_password = client.post(sign, {"password": "nope", "meaning": "approved"} | reasons)
    assert wrong_password.status_code == 422 and Plan.objects.get().status == "draft"
    ok = client.post(sign, {"password": PASSWORD, "meaning": "approved"} | reasons)
    plan.refresh_from_db()
    assert ok.status_code == 302 and plan.status == "signed" and plan.signed_by == staff["prescriber"]
    assert plan.soft_reasons["rate_mg_per_kg_per_h"].startswith("Tolerated")
    assert AuditEntry.objects.filter(action="plan.sign", object_id=str(plan.pk)).exists()
    page = client.get(reverse("plans:detail", args=[eligible_ana.pk, plan.pk])).content.decode()
    assert "Signed by" in page and "approved" in page


def test_a_nurse_cannot_sign(staff, eligible_ana, client_for):
    create(client_for(staff["prescriber"]), eligible_ana, escalating(cap="0.35"))
    plan = Plan.objects.get()
    nurse = client_for(staff["nurse"])
    page = nurse.get(reverse("plans:detail", args=[eligible_ana.pk, plan.pk])).content.decode()
    assert "Only a prescriber can sign" in page
    response = nurse.post(reverse("plans:sign", args=[eligible_ana.pk, plan.pk]), {"password": PASSWORD})
    plan.refresh_from_db()
    assert response.status_code == 403 and plan.status == "draft"


def test_an_unscreened_patient_cannot_have_a_plan_signed(staff, patients, client_for):
    client = client_for(staff["prescriber"])
    create(client, patients["ana"], escalating(cap="0.35"))
    plan = Plan.objects.get()
    response = client.post(reverse("plans:sign", args=[patients["ana"].pk, plan.pk]),
                           {"password": PASSWORD, "meaning": "approved"})  # fmt: skip
    assert response.status_code == 422 and "not been screened" in response.content.decode()


def test_an_amendment_is_a_new_version_and_signing_it_supersedes_the_old(staff, eligible_ana, client_for):
    client = client_for(staff["prescriber"])
    create(client, eligible_ana, escalating(cap="0.35"))
    v1 = Plan.objects.get()
    client.post(reverse("plans:sign", args=[eligible_ana.pk, v1.pk]), {"password": PASSWORD, "meaning": "approved"})
    v1.refresh_from_db()
    assert v1.status == "signed"
    amend = reverse("plans:amend", args=[eligible_ana.pk, v1.pk])
    assert client.post(amend, escalating(cap="0.3")).status_code == 422  # no reason
    client.post(amend, escalating(cap="0.3", amendment_reason="Dissociation at 0.35 in session 6"))
    v2 = Plan.objects.get(amends=v1)
    assert v2.version == 2 and v2.status == "draft"
    client.post(reverse("plans:sign", args=[eligible_ana.pk, v2.pk]), {"password": PASSWORD, "meaning": "approved"})
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == ("superseded", "signed")
    assert float(v1.escalation_cap) == pytest.approx(0.35)  # the signed original is unchanged


def test_the_patient_sees_the_handout_and_can_download_the_pdf(staff, eligible_ana, patients, client_for):
    client = client_for(staff["prescriber"])
    create(client, eligible_ana, escalating(cap="0.35"))
    plan = Plan.objects.get()
    client.post(reverse("plans:sign", args=[eligible_ana.pk, plan.pk]), {"password": PASSWORD, "meaning": "approved"})
    portal = client_for(patients["ana_user"])
    page = portal.get(reverse("patients:chart", args=[eligible_ana.pk])).content.decode()
    assert "Your treatment plan" in page and "10 infusions" in page
    handout = portal.get(reverse("plans:handout", args=[eligible_ana.pk, plan.pk])).content.decode()
    assert "What to expect" in handout and "escort" in handout and "Do not drive" in handout
    pdf = portal.get(reverse("plans:handout_pdf", args=[eligible_ana.pk, plan.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    other = client_for(patients["ben_user"]).get(reverse("plans:handout", args=[eligible_ana.pk, plan.pk]))
    assert other.status_code == 404


def test_bad_plan_input_names_the_field(staff, eligible_ana, client_for):
    response = create(client_for(staff["prescriber"]), eligible_ana, escalating(n_sessions=40))
    assert response.status_code == 422 and Plan.objects.count() == 0
    past = create(client_for(staff["prescriber"]), eligible_ana, escalating(start_date="2020-01-01"))
    assert past.status_code == 422 and "is in the past" in past.content.decode()
