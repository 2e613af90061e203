"""Intake entries that are stopped, resolved or entered in error come off the current intake, with a reason,
and stay on the record's history."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.patients import services
from ketaflow.clinic.screening.mappers import screening_input_for

pytestmark = pytest.mark.django_db


def _remove_url(patient, kind, entry):
    return reverse("patients:intake_remove", args=[patient.pk, kind, entry.pk])


def test_a_stopped_medication_leaves_the_current_list_and_screening_but_stays_on_the_timeline(staff, patients, client_for):
    ana, nurse = patients["ana"], staff["nurse"]
    maoi = services.medication_add(actor=nurse, patient=ana, name="Phenelzine", drug_class="maoi")
    client = client_for(nurse)
    response = client.post(_remove_url(ana, "medication", maoi), {"reason": "stopped 2026-10-01"})
    assert response.status_code == 302
    maoi.refresh_from_db()
    assert not maoi.active and maoi.end_reason == "stopped 2026-10-01" and maoi.ended_by == nurse
    assert "maoi" not in screening_input_for(ana, indication="fibromyalgia", today=dt.date(2026, 12, 1)).medication_class_codes
    body = client.get(reverse("patients:chart", args=[ana.pk])).content.decode()
    current = body.split('id="medication"')[1].split("</ul>")[0]
    assert "Phenelzine" not in current
    assert "Medication removed: Phenelzine" in body and "stopped 2026-10-01" in body
    assert AuditEntry.objects.filter(action="medication.remove", object_id=str(maoi.pk), patient_id=ana.pk).count() == 1


def test_an_allergy_entered_in_error_leaves_the_banner_and_the_screening_input(staff, patients, client_for):
    ana = patients["ana"]
    latex = services.allergy_add(actor=staff["front_desk"], patient=ana, substance="Latex")
    client_for(staff["front_desk"]).post(_remove_url(ana, "allergy", latex), {"reason": "entered in error"})
    body = client_for(staff["nurse"]).get(reverse("patients:chart", args=[ana.pk])).content.decode()
    assert '<span class="tag warn">Latex</span>' not in body
    assert "latex" not in screening_input_for(ana, indication="fibromyalgia", today=dt.date(2026, 12, 1)).allergy_codes


def test_removing_without_a_reason_is_a_422_that_says_so_and_changes_nothing(staff, patients, client_for):
    ana = patients["ana"]
    condition = services.condition_add(actor=staff["nurse"], patient=ana, code="migraine")
    response = client_for(staff["nurse"]).post(_remove_url(ana, "condition", condition), {"reason": "  "})
    condition.refresh_from_db()
    assert response.status_code == 422
    assert "Not removed: This field is required." in response.content.decode()
    assert condition.active


def test_an_entry_of_another_patient_is_not_found_through_this_patients_url(staff, patients, client_for):
    bens = services.therapy_add(actor=staff["nurse"], patient=patients["ben"], therapy="snri", outcome="failed")
    response = client_for(staff["nurse"]).post(_remove_url(patients["ana"], "therapy", bens), {"reason": "x"})
    bens.refresh_from_db()
    assert response.status_code == 404 and bens.active


def test_removing_an_entry_twice_is_refused_and_keeps_the_first_reason(staff, patients, client_for):
    ana = patients["ana"]
    entry = services.allergy_add(actor=staff["nurse"], patient=ana, substance="Codeine")
    client = client_for(staff["nurse"])
    client.post(_remove_url(ana, "allergy", entry), {"reason": "first"})
    again = client.post(_remove_url(ana, "allergy", entry), {"reason": "second"})
    entry.refresh_from_db()
    assert again.status_code == 422 and "already removed" in again.content.decode()
    assert entry.end_reason == "first"


def test_a_patient_cannot_remove_entries_from_their_own_intake(patients, staff, client_for):
    ana = patients["ana"]
    entry = services.allergy_add(actor=staff["nurse"], patient=ana, substance="Codeine")
    response = client_for(patients["ana_user"]).post(_remove_url(ana, "allergy", entry), {"reason": "not true"})
    entry.refresh_from_db()
    assert response.status_code == 403 and entry.active


def _api_remove(user, patient, kind, entry_id, body):
    _, raw = api_token_create(actor=user, name="t")
    return Client().post(
        f"/api/patients/{patient.pk}/intake/{kind}/{entry_id}/remove", data=json.dumps(body),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}",
    )  # fmt: skip


def test_the_api_removes_an_entry_with_its_reason_and_the_patient_no_longer_lists_it(staff, patients):
    ana = patients["ana"]
    entry = services.allergy_add(actor=staff["nurse"], patient=ana, substance="Sulfa")
    response = _api_remove(staff["nurse"], ana, "allergy", entry.pk, {"reason": "entered in error"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["active"] is False and data["end_reason"] == "entered in error" and data["kind"] == "allergy"
    assert ana.allergies.filter(active=True).count() == 0


@pytest.mark.parametrize(
    ("kind", "body", "status"),
    [("allergy", {"reason": ""}, 422), ("vaccine", {"reason": "x"}, 422), ("allergy", {}, 422)],
)
def test_the_api_refuses_a_removal_without_a_reason_or_of_an_unknown_list(staff, patients, kind, body, status):
    ana = patients["ana"]
    entry = services.allergy_add(actor=staff["nurse"], patient=ana, substance="Sulfa")
    assert _api_remove(staff["nurse"], ana, kind, entry.pk, body).status_code == status
    entry.refresh_from_db()
    assert entry.active


def test_the_patients_portal_lists_visits_not_intake_bookkeeping(staff, patients, client_for):
    ana = patients["ana"]
    entry = services.allergy_add(actor=staff["nurse"], patient=ana, substance="Latex")
    services.intake_entry_remove(actor=staff["nurse"], patient=ana, kind="allergy", entry_id=entry.pk, reason="error")
    body = client_for(patients["ana_user"]).get(reverse("patients:chart", args=[ana.pk])).content.decode()
    visits = body.split("Your visits so far")[1]
    assert "Registered" in visits and "Allergy" not in visits
