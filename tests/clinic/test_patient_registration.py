"""Front desk registers a patient; bad input is refused with the field and range named; nothing half-saved."""

import datetime as dt

import pytest
from django.urls import reverse

from ketaflow.clinic.audit.models import AuditEntry
from ketaflow.clinic.patients.models import BodyMeasurement, Patient

pytestmark = pytest.mark.django_db

FORM = {
    "given_name": "Cora", "family_name": "Vance", "date_of_birth": "1984-03-09", "sex": "female",
    "weight_kg": "7.2", "height_cm": "168", "measured_on": "2026-11-20", "escort_name": "Max Vance",
}  # fmt: skip


def test_a_bad_weight_shows_the_allowed_range_on_the_page_and_saves_nothing(staff, client_for):
    response = client_for(staff["front_desk"]).post(reverse("patients:register"), FORM)
    assert response.status_code == 422
    assert "7.2 kg is outside the plausible adult range" in response.content.decode()
    assert "30–300 kg" in response.content.decode()
    assert Patient.objects.count() == 0 and BodyMeasurement.objects.count() == 0


def test_a_corrected_weight_registers_the_patient_and_opens_the_chart(staff, client_for):
    client = client_for(staff["front_desk"])
    response = client.post(reverse("patients:register"), FORM | {"weight_kg": "72.0"})
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:chart", args=[patient.pk])
    assert patient.record_number == "KF-000001"
    assert patient.measurements.get().weight_kg == 72
    entry = AuditEntry.objects.get(action="patient.create")
    assert entry.actor_username == "front_desk-user" and entry.role == "front_desk"
    assert entry.patient_id == str(patient.pk)


def test_a_date_of_birth_in_the_future_is_refused_on_the_page(staff, client_for):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    response = client_for(staff["front_desk"]).post(
        reverse("patients:register"), FORM | {"weight_kg": "70", "date_of_birth": tomorrow}
    )
    assert response.status_code == 422
    assert "is in the future" in response.content.decode()


def test_a_duplicate_record_number_is_refused_and_names_the_field(staff, client_for):
    client = client_for(staff["front_desk"])
    client.post(reverse("patients:register"), FORM | {"weight_kg": "70", "record_number": "MRN-77"})
    response = client.post(
        reverse("patients:register"), FORM | {"weight_kg": "70", "record_number": "mrn-77", "given_name": "Dee"}
    )
    assert response.status_code == 422
    assert "MRN-77 is already used by another patient" in response.content.decode()
    assert Patient.objects.count() == 1


def test_registration_numbers_follow_on(staff, client_for):
    client = client_for(staff["front_desk"])
    for name in ("One", "Two", "Three"):
        client.post(reverse("patients:register"), FORM | {"weight_kg": "70", "given_name": name})
    assert sorted(Patient.objects.values_list("record_number", flat=True)) == [
        "KF-000001", "KF-000002", "KF-000003",
    ]  # fmt: skip


def test_a_nul_character_is_a_form_error_not_a_server_error(staff, client_for):
    response = client_for(staff["front_desk"]).post(
        reverse("patients:register"), FORM | {"weight_kg": "70", "given_name": "Co\x00ra"}
    )
    assert response.status_code == 422
    assert Patient.objects.count() == 0


def test_intake_sections_are_added_from_the_chart_and_audited(staff, patients, client_for):
    ana = patients["ana"]
    client = client_for(staff["nurse"])
    client.post(reverse("patients:medication_add", args=[ana.pk]), {"name": "Duloxetine", "drug_class": "snri"})
    client.post(reverse("patients:condition_add", args=[ana.pk]), {"code": "fibromyalgia"})
    client.post(reverse("patients:therapy_add", args=[ana.pk]), {"therapy": "gabapentinoid", "outcome": "failed"})
    client.post(reverse("patients:allergy_add", args=[ana.pk]), {"substance": "Latex", "severity": "mild"})
    assert ana.medications.get().drug_class == "snri"
    assert ana.conditions.get().code == "fibromyalgia"
    assert ana.prior_therapies.get().outcome == "failed"
    assert ana.allergies.get().substance == "Latex"
    actions = set(AuditEntry.objects.filter(patient_id=str(ana.pk)).values_list("action", flat=True))
    assert {"medication.create", "condition.create", "therapy.create", "allergy.create"} <= actions


def test_an_unknown_drug_class_is_refused_with_the_field_named(staff, patients, client_for):
    ana = patients["ana"]
    response = client_for(staff["nurse"]).post(
        reverse("patients:medication_add", args=[ana.pk]), {"name": "X", "drug_class": "witchcraft"}
    )
    assert response.status_code == 422
    assert ana.medications.count() == 0


def test_a_new_weight_outside_range_via_htmx_returns_the_section_with_the_error(staff, patients, client_for):
    ana = patients["ana"]
    response = client_for(staff["nurse"]).post(
        reverse("patients:measurement_add", args=[ana.pk]),
        {"weight_kg": "350", "measured_on": "2026-11-20"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert body.lstrip().startswith('<section class="card" id="measurement">')
    assert "30–300 kg" in body
    assert ana.measurements.count() == 1


def test_two_editors_never_overwrite_each_other_silently(staff, patients, client_for):
    ana = patients["ana"]
    url = reverse("patients:edit", args=[ana.pk])
    base = {
        "given_name": "Ana", "family_name": "Lopez", "date_of_birth": "1980-05-17", "sex": "female", "version": 1,
    }  # fmt: skip
    first = client_for(staff["front_desk"]).post(url, base | {"phone": "555-1111"})
    second = client_for(staff["nurse"]).post(url, base | {"phone": "555-2222"})
    ana.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 409
    assert "changed by someone else" in second.content.decode()
    assert ana.phone == "555-1111" and ana.version == 2
