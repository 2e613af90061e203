"""Admins see every audit entry of a patient, page by page, on the page and in the API."""

import pytest
from django.test import Client
from django.urls import reverse

from ketaflow.clinic.accounts.services import api_token_create
from ketaflow.clinic.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_record(staff, patients):
    ana = patients["ana"]
    for _ in range(230):
        audit_record(actor=staff["nurse"], action="patient.view", object_type="patient", object_id=ana.pk,
                     patient_id=ana.pk)  # fmt: skip
    return ana


def test_the_oldest_entry_of_a_busy_record_is_reachable_on_the_last_page(staff, busy_record, client_for):
    client = client_for(staff["admin"])
    url = reverse("audit:patient_trail", args=[busy_record.pk])
    first = client.get(url).content.decode()
    assert "Page 1 of 3" in first and "of 232, newest first" in first
    last = client.get(url + "?page=3").content.decode()
    assert "patient.create" in last  # the registration, the oldest entry


def test_the_trail_shows_what_an_update_changed(staff, patients, client_for):
    from ketaflow.clinic.patients.services import patient_update
    from tests.conftest import TODAY

    ana = patients["ana"]
    patient_update(actor=staff["front_desk"], patient=ana, expected_version=ana.version, today=TODAY, phone="555-0199")
    body = client_for(staff["admin"]).get(reverse("audit:patient_trail", args=[ana.pk])).content.decode()
    assert "fields: [&#x27;phone&#x27;]" in body


def test_the_api_pages_the_trail_and_a_page_past_the_last_is_a_422(staff, busy_record):
    _, raw = api_token_create(actor=staff["admin"], name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/patients/{busy_record.pk}/audit"
    page3 = Client().get(url + "?page=3", **headers).json()
    assert page3["pages"] == 3 and page3["results"][-1]["action"] == "patient.create"
    assert page3["count"] == 232  # 230 views, the registration, this read
    assert Client().get(url + "?page=4", **headers).status_code == 422


def test_staff_other_than_admins_cannot_read_the_trail(staff, patients, client_for):
    url = reverse("audit:patient_trail", args=[patients["ana"].pk])
    assert client_for(staff["prescriber"]).get(url).status_code == 403
