"""The chart: who sees it, what it shows, and that every view is audited."""

import uuid

import pytest
from django.urls import reverse

from ketaflow.clinic.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_staff_see_the_chart_with_intake_and_timeline(staff, patients, client_for):
    ana = patients["ana"]
    response = client_for(staff["nurse"]).get(reverse("patients:chart", args=[ana.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lopez, Ana" in body and ana.record_number in body
    assert "68.5 kg" in body and "Timeline" in body and "Registered" in body


def test_viewing_a_chart_writes_an_audit_entry_with_who_and_where(staff, patients, client_for):
    ana = patients["ana"]
    client_for(staff["prescriber"]).get(reverse("patients:chart", args=[ana.pk]), REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.filter(action="patient.view").latest("seq")
    assert (entry.actor_username, entry.role, entry.patient_id, entry.client_addr) == (
        "prescriber-user", "prescriber", str(ana.pk), "10.1.2.3",
    )  # fmt: skip


def test_a_patient_sees_their_own_record_in_the_portal(patients, client_for):
    response = client_for(patients["ana_user"]).get(reverse("patients:chart", args=[patients["ana"].pk]))
    assert response.status_code == 200
    assert "Welcome, Ana" in response.content.decode()


def test_another_patients_chart_answers_exactly_like_a_missing_one(patients, client_for):
    client = client_for(patients["ana_user"])
    other = client.get(reverse("patients:chart", args=[patients["ben"].pk]))
    missing = client.get(reverse("patients:chart", args=[uuid.uuid4()]))
    assert other.status_code == missing.status_code == 404
    assert other.content == missing.content
    assert "Marsh" not in other.content.decode()


def test_a_patient_home_goes_to_their_own_record(patients, client_for):
    response = client_for(patients["ana_user"]).get("/")
    assert response.status_code == 302 and str(patients["ana"].pk) in response["Location"]


def test_chart_queries_do_not_grow_with_history(staff, patients, client_for, django_assert_max_num_queries):
    from ketaflow.clinic.patients import services

    ana, nurse = patients["ana"], staff["nurse"]
    client = client_for(staff["prescriber"])
    url = reverse("patients:chart", args=[ana.pk])
    client.get(url)
    for i in range(30):
        services.medication_add(actor=nurse, patient=ana, name=f"Drug {i}", drug_class="other")
        services.allergy_add(actor=nurse, patient=ana, substance=f"Thing {i}")
    with django_assert_max_num_queries(40) as captured:
        client.get(url)
    few = len(captured)
    for i in range(30):
        services.condition_add(actor=nurse, patient=ana, code="other", note=str(i))
    with django_assert_max_num_queries(few):
        client.get(url)
